#!/usr/bin/env node
/** The `streamkit` command: see `program.ts` for its commands and flags. */
import { createProgram } from './program.ts';

await createProgram().parseAsync();
