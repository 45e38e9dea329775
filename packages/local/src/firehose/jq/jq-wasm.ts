/**
 * jq 1.7.1 compiled to WebAssembly (the `jq-wasm` package), for machines without a `jq` binary.
 *
 * The package's own wrapper is unusable past a handful of calls: it feeds stdin and collects stdout one byte at a time
 * by copying the whole buffer (quadratic in the input), and every call leaks memory inside the module until it aborts
 * (after about 300 calls here). So this engine compiles the WebAssembly once, instantiates a fresh module every
 * `RECYCLE_AFTER` calls, and passes records in small batches. Calls are serialized: a module runs one jq at a time.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { StreamkitError } from '@streamkit/core';
import type { JqEngine } from './jq-engine.ts';

interface JqModule {
  raw(input: string, filter: string, flags?: string[]): Promise<string>;
}
type JqFactory = (moduleArg?: object) => Promise<JqModule>;

/** The part of the WebAssembly JS API used here (this project compiles without the DOM library that declares it). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<object>;
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Calls one module instance serves before a fresh one replaces it, well below where it would abort. */
const RECYCLE_AFTER = 100;
/** Records per call: small enough that the wrapper's byte-by-byte stdin stays cheap. */
const BATCH = 64;

const require = createRequire(import.meta.url);

export class JqWasm implements JqEngine {
  readonly version = 'jq-1.7.1';
  readonly description = 'jq-1.7.1 (WebAssembly, jq-wasm)';
  private readonly factory: JqFactory;
  private readonly wasm: Promise<object>;
  private instance: Promise<JqModule> | undefined;
  private calls = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor() {
    const file = require.resolve('jq-wasm/dist/build/jq.js');
    this.factory = require(file) as JqFactory;
    // The module embeds its WebAssembly as a data URI; compiling it once makes each fresh instance cheap.
    const source = readFileSync(file, 'utf8');
    const base64 = /data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)/.exec(source)?.[1];
    if (!base64) throw new StreamkitError('SK_INTERNAL', `no WebAssembly found in ${file}`);
    this.wasm = Wasm.compile(Buffer.from(base64, 'base64'));
  }

  compileError(program: string): Promise<string | undefined> {
    return this.serialized(async () => {
      try {
        await this.call('null', `empty | (${program}\n)`, ['-n']);
        return undefined;
      } catch (error) {
        return (error as Error).message.replace(/^Failed to execute raw query: /, '').trim();
      }
    });
  }

  run(program: string, inputs: readonly string[]): Promise<string> {
    return this.serialized(async () => {
      const lines: string[] = [];
      for (let i = 0; i < inputs.length; i += BATCH) {
        const output = await this.call(inputs.slice(i, i + BATCH).join('\n'), program, ['-c']);
        if (output !== '') lines.push(output);
      }
      return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
    });
  }

  async runUntil(program: string, inputs: readonly string[], endLine: string): Promise<string[]> {
    const lines = (await this.run(program, inputs)).split('\n').filter((line) => line !== '');
    if (lines.at(-1) !== endLine) throw new StreamkitError('SK_INTERNAL', 'jq stopped before the end of the batch');
    return lines;
  }

  async close(): Promise<void> {
    await this.queue.catch(() => {});
    this.instance = undefined;
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => {});
    return next;
  }

  /** One jq run on a module that has served fewer than RECYCLE_AFTER calls; a module that failed is not reused. */
  private async call(input: string, filter: string, flags: string[]): Promise<string> {
    if (!this.instance || this.calls >= RECYCLE_AFTER) {
      const wasm = await this.wasm;
      this.calls = 0;
      this.instance = this.factory({
        instantiateWasm(imports: object, receive: (instance: object, module: object) => void) {
          Wasm.instantiate(wasm, imports).then((instance) => receive(instance, wasm));
          return {};
        },
      });
    }
    const module = await this.instance;
    this.calls++;
    try {
      return await module.raw(input, filter, flags);
    } catch (error) {
      this.instance = undefined;
      throw error;
    }
  }
}
