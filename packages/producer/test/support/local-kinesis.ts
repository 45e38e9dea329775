/**
 * The local Kinesis engine for producer tests: started on a free port, driven by an unmodified AWS SDK v3 client, and
 * stopped when the test ends. (The engine lives in @streamkit/local, which depends on this package; tests may import
 * it the other way round because npm workspaces link every package.)
 */
import type { TestContext } from 'node:test';
import {
  type _Record,
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '@streamkit/core';
import { type KinesisEngine, startKinesisEngine } from '@streamkit/local';

export interface LocalKinesis {
  readonly engine: KinesisEngine;
  readonly kinesis: KinesisClient;
}

export async function startLocalKinesis(t: TestContext): Promise<LocalKinesis> {
  const engine = await startKinesisEngine({ port: 0 });
  const kinesis = new KinesisClient({
    endpoint: engine.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  t.after(async () => {
    kinesis.destroy();
    await engine.close();
  });
  return { engine, kinesis };
}

export async function createStream(kinesis: KinesisClient, streamName: string, shardCount: number): Promise<void> {
  await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
}

export interface ShardRecords {
  readonly shardId: string;
  /** The shard's hash key range, decimal. */
  readonly hashKeyRange: { readonly startingHashKey: string; readonly endingHashKey: string };
  readonly records: _Record[];
}

/** Every record of every shard, from the trim horizon to the tip, shard by shard in sequence order. */
export async function readStream(kinesis: KinesisClient, streamName: string): Promise<ShardRecords[]> {
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  const shards: ShardRecords[] = [];
  for (const shard of Shards) {
    const shardId = shard.ShardId!;
    const hashKeyRange = {
      startingHashKey: shard.HashKeyRange!.StartingHashKey!,
      endingHashKey: shard.HashKeyRange!.EndingHashKey!,
    };
    const records: _Record[] = [];
    let iterator = (
      await kinesis.send(
        new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
      )
    ).ShardIterator;
    while (iterator !== undefined) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      records.push(...(page.Records ?? []));
      if ((page.Records ?? []).length === 0 || page.MillisBehindLatest === 0) break;
      iterator = page.NextShardIterator;
    }
    shards.push({ shardId, hashKeyRange, records });
  }
  return shards;
}
