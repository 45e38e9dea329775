#!/usr/bin/env node
// Runs the TypeScript CLI in this very process: tsx registers its loader, so there is no build step and no second
// process between the terminal and the pipeline (Ctrl-C and kill reach the process that owns everything).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
