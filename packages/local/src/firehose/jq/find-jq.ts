/**
 * Which jq dynamic partitioning uses: `STREAMKIT_JQ` names a binary or says `wasm`; otherwise the `jq` on PATH, and
 * the WebAssembly build when there is none. One engine is shared by the whole process.
 */
import { StreamkitError } from '@streamkit/core';
import { JqBinary } from './jq-binary.ts';
import type { JqEngine } from './jq-engine.ts';
import { JqWasm } from './jq-wasm.ts';

const found = new Map<string, Promise<JqEngine>>();

/** The process's jq engine for the `STREAMKIT_JQ` choice (found once per choice). */
export function findJq(env: Readonly<Record<string, string | undefined>> = process.env): Promise<JqEngine> {
  const choice = env.STREAMKIT_JQ ?? '';
  let engine = found.get(choice);
  if (!engine) {
    engine = locate(choice || undefined).catch((error: unknown) => {
      found.delete(choice);
      throw error;
    });
    found.set(choice, engine);
  }
  return engine;
}

async function locate(choice: string | undefined): Promise<JqEngine> {
  if (choice === 'wasm') return new JqWasm();
  if (choice) {
    const binary = await JqBinary.find(choice);
    if (!binary) {
      throw new StreamkitError('SK_UNAVAILABLE', `STREAMKIT_JQ names ${choice}, which does not run as jq`, {
        path: 'STREAMKIT_JQ',
      });
    }
    return binary;
  }
  return (await JqBinary.find()) ?? new JqWasm();
}
