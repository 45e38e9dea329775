/**
 * What the Kinesis engine/SDK tests share: an engine with an unmodified AWS SDK v3 KinesisClient (endpoint, region
 * and credentials only, so requests travel over the SDK's default HTTP/2 handler), a clock the test moves by hand,
 * and readers that follow a stream's shard lineage.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import {
  type _Record,
  type ChildShard,
  CreateStreamCommand,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION } from '@streamkit/core';
import { type KinesisEngine, type KinesisEngineOptions, startKinesisEngine } from '../src/kinesis/index.ts';

export interface Harness {
  readonly engine: KinesisEngine;
  readonly client: KinesisClient;
  /**
   * The same client, but making one attempt per call. The SDK counts LimitExceededException among the throttling
   * errors it retries with backoff (as it should against AWS); tests of limits use this client to see AWS's first
   * answer without waiting out the retries.
   */
  readonly onceClient: KinesisClient;
}

/** Starts an engine and clients; all stop when the test ends. */
export async function start(t: TestContext, options: KinesisEngineOptions = {}): Promise<Harness> {
  const engine = await startKinesisEngine(options);
  const config = { endpoint: engine.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const client = new KinesisClient(config);
  const onceClient = new KinesisClient({ ...config, maxAttempts: 1 });
  t.after(async () => {
    client.destroy();
    onceClient.destroy();
    await engine.close();
  });
  return { engine, client, onceClient };
}

/** A clock the test moves by hand. */
export function manualClock(startAt = Date.UTC(2026, 0, 15, 12, 0, 0)) {
  let now = startAt;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

export function streamArn(name: string): string {
  return `arn:aws:kinesis:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stream/${name}`;
}

export function shardId(index: number): string {
  return `shardId-${String(index).padStart(12, '0')}`;
}

export async function createStream(client: KinesisClient, name: string, shardCount?: number): Promise<void> {
  await client.send(
    new CreateStreamCommand(
      shardCount === undefined
        ? { StreamName: name, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }
        : { StreamName: name, ShardCount: shardCount },
    ),
  );
}

/** Every shard of a stream (ListShards, all pages). */
export async function listShards(client: KinesisClient, stream: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListShardsCommand(nextToken === undefined ? { StreamName: stream } : { NextToken: nextToken }),
    );
    shards.push(...(page.Shards ?? []));
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return shards;
}

export interface ShardRead {
  readonly records: _Record[];
  /** The children GetRecords named at the end of a closed shard; undefined for an open shard (read to its tip). */
  readonly childShards: ChildShard[] | undefined;
}

/**
 * Reads a shard from its trim horizon: to its end if it is closed (when GetRecords stops giving a
 * NextShardIterator and gives ChildShards instead), to its tip if it is open.
 */
export async function readShard(
  client: KinesisClient,
  stream: string,
  shard: string,
  limit?: number,
): Promise<ShardRead> {
  const records: _Record[] = [];
  const start = await client.send(
    new GetShardIteratorCommand({ StreamName: stream, ShardId: shard, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  let iterator = start.ShardIterator;
  for (;;) {
    assert.ok(iterator);
    const out: GetRecordsCommandOutput = await client.send(
      new GetRecordsCommand({ ShardIterator: iterator, ...(limit === undefined ? {} : { Limit: limit }) }),
    );
    records.push(...(out.Records ?? []));
    if (out.NextShardIterator === undefined) {
      assert.ok(out.ChildShards, `GetRecords on ${shard} gave neither NextShardIterator nor ChildShards`);
      return { records, childShards: out.ChildShards };
    }
    assert.equal(out.ChildShards, undefined, `GetRecords on ${shard} gave ChildShards before the shard's end`);
    if ((out.Records ?? []).length === 0) return { records, childShards: undefined };
    iterator = out.NextShardIterator;
  }
}

/**
 * Reads a whole stream the way a lineage-respecting consumer does: it starts with the shards that have no parent
 * and reads a child only once every one of its parents has been read to its end (learning the children from
 * GetRecords' ChildShards alone). Returns the records in the order read, and the shards in the order read.
 */
export async function readByLineage(
  client: KinesisClient,
  stream: string,
): Promise<{ records: _Record[]; shardOrder: string[] }> {
  const all = await listShards(client, stream);
  const roots = all.filter((s) => s.ParentShardId === undefined).map((s) => s.ShardId!);
  const finished = new Set<string>();
  const waiting = new Map<string, readonly string[]>();
  const ready = [...roots];
  const records: _Record[] = [];
  const shardOrder: string[] = [];
  while (ready.length > 0) {
    const shard = ready.shift()!;
    if (finished.has(shard)) continue;
    const read = await readShard(client, stream, shard);
    records.push(...read.records);
    shardOrder.push(shard);
    finished.add(shard);
    for (const child of read.childShards ?? []) waiting.set(child.ShardId!, child.ParentShards ?? []);
    for (const [child, parents] of waiting) {
      if (parents.every((parent) => finished.has(parent))) {
        waiting.delete(child);
        ready.push(child);
      }
    }
  }
  assert.equal(waiting.size, 0, `children never became readable: ${[...waiting.keys()].join(', ')}`);
  return { records, shardOrder };
}

/** Data of records as text. */
export function texts(records: readonly _Record[]): string[] {
  return records.map((r) => Buffer.from(r.Data ?? new Uint8Array()).toString('utf8'));
}
