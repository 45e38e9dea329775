#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the published package needs no build step.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const tsx = require.resolve('tsx');
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const { status, signal } = spawnSync(process.execPath, ['--import', tsx, main, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(signal ? 1 : (status ?? 1));
