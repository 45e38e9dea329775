/** Local delivery streams for tests: settings from spec YAML, an object store in a temporary folder, a manual clock. */
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { arn, type DeliverySettings, parseSpecText, requirePreset } from '@streamkit/core';
import type { InvokeTarget } from '../../src/esm/types.ts';
import { LocalDeliveryStream, type SourceRecord } from '../../src/firehose/delivery-stream.ts';
import type { JqEngine } from '../../src/firehose/jq/jq-engine.ts';
import { LocalObjectStore, type ObjectFileSystem } from '../../src/s3/object-store.ts';
import { decodeObject } from './decoders.ts';
import { ManualTimer } from './manual-timer.ts';

const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = 'streamkit-firehose-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** The resolved `delivery` section of a kinesis-firehose-s3 spec written as YAML (under `delivery:`). */
export function deliverySettings(yaml = ''): DeliverySettings {
  const text = `preset: kinesis-firehose-s3\n${yaml ? `delivery:\n${yaml.replace(/^/gm, '  ')}\n` : ''}`;
  return requirePreset(parseSpecText(text, { skipFileChecks: true }), 'kinesis-firehose-s3').delivery;
}

export const BUCKET = 'orders-output';

export interface TestDelivery {
  readonly stream: LocalDeliveryStream;
  readonly store: LocalObjectStore;
  readonly timer: ManualTimer;
  readonly root: string;
}

export function testDelivery(
  settings: DeliverySettings,
  options: {
    readonly fileSystem?: ObjectFileSystem;
    readonly jq?: JqEngine;
    readonly processor?: InvokeTarget;
    readonly maxBufferedBytes?: number;
    readonly type?: 'DirectPut' | 'KinesisStreamAsSource';
    readonly name?: string;
  } = {},
): TestDelivery {
  const root = join(tempDir(), 's3');
  const store = new LocalObjectStore({ root, ...(options.fileSystem && { fileSystem: options.fileSystem }) });
  const timer = new ManualTimer();
  const name = options.name ?? 'orders-delivery';
  const stream = new LocalDeliveryStream({
    deliveryStreamName: name,
    deliveryStreamArn: arn.deliveryStream(name),
    type: options.type ?? 'DirectPut',
    ...(options.type === 'KinesisStreamAsSource' && { sourceStreamArn: arn.stream('orders-stream') }),
    bucket: BUCKET,
    settings,
    store,
    timer,
    retryBaseDelayMs: 100,
    ...(options.jq && { jq: options.jq }),
    ...(options.processor && { processor: options.processor }),
    ...(options.maxBufferedBytes !== undefined && { maxBufferedBytes: options.maxBufferedBytes }),
  });
  stream.start();
  after(() => stream.stop({ timeoutMs: 0 }));
  return { stream, store, timer, root };
}

/** Records whose data is `make(i)` (JSON-encoded unless a string), all arriving at `arrival`. */
export function records(
  n: number,
  make: (i: number) => unknown,
  arrival: number,
  settle?: (i: number) => void,
): SourceRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const value = make(i);
    return {
      data: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
      arrival,
      ...(settle && { settle: () => settle(i) }),
    };
  });
}

export interface StoredObject {
  readonly key: string;
  readonly body: Uint8Array;
  /** The content, decompressed by the key's extension. */
  readonly content: Uint8Array;
}

/** Every object of the test bucket under `prefix`, decompressed. */
export async function objects(store: LocalObjectStore, compression: string, prefix = ''): Promise<StoredObject[]> {
  const keys = await store.listObjects(BUCKET, prefix);
  return Promise.all(
    keys.map(async (key) => {
      const body = await store.getObject(BUCKET, key);
      return { key, body, content: decodeObject(key, body, compression) };
    }),
  );
}

/** The lines of an object's content (records end with a new line in these tests). */
export const lines = (content: Uint8Array) => Buffer.from(content).toString('utf8').split('\n').filter(Boolean);

/**
 * Runs the clock for `work` (retries and timeouts wait on it): whenever something sleeps, time jumps to its wake-up.
 * Between jumps the test yields to the event loop, so that real file I/O finishes before time moves again.
 */
export async function whileAdvancing<T>(timer: ManualTimer, work: Promise<T>, limitMs = 600_000): Promise<T> {
  let done = false;
  const result = work.finally(() => {
    done = true;
  });
  const start = timer.now();
  for (let turns = 0; !done && turns < 1_000_000 && timer.now() - start <= limitMs; turns++) {
    const next = timer.nextWake;
    if (next === undefined) await new Promise((resolve) => setImmediate(resolve));
    else await timer.advance(Math.max(0, next - timer.now()));
  }
  assert.ok(done, `still waiting after ${timer.now() - start} ms of clock`);
  return result;
}

/** Resolves with the first message a channel publishes. */
export function next<T>(name: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: unknown) => {
      unsubscribe(name, listener);
      resolve(message as T);
    };
    subscribe(name, listener);
  });
}
