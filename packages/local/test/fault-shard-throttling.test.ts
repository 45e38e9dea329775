/**
 * Fault injection, scenario 5 (issue 10): throttling by the engine's shard limits model, with streamkit's
 * KinesisProducer retrying. The producer is told to send ten times what one shard takes (rateLimit 1000 %), so the
 * engine refuses records with ProvisionedThroughputExceededException; every record must still be in the stream once
 * the producer has retried — read back with GetRecords, none lost, duplicates counted.
 *
 * The engine runs on a clock of its own that moves one second each time it throttles (and never otherwise): the
 * limits are per second of that clock, so how much is throttled does not depend on how fast this machine is, and the
 * run never waits for wall-clock seconds to pass.
 */
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { type TestContext, test } from 'node:test';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-kinesis';
import { LIMITS, LOCAL_CREDENTIALS, LOCAL_REGION } from '@streamkit/core';
import { KinesisProducer, type UserRecordResult } from '@streamkit/producer';
import { KINESIS_CHANNELS, type KinesisThrottleMessage, startKinesisEngine } from '../src/kinesis/index.ts';

const STREAM = 'throttled';

/** An engine with the shard limits on, a one-shard stream, and a clock that a throttle moves on by one second. */
async function throttledEngine(t: TestContext) {
  let now = Date.UTC(2026, 10, 26, 8, 0, 0);
  const throttled = { calls: 0, records: 0, byOperation: new Map<string, number>() };
  const onThrottle = (message: unknown) => {
    const m = message as KinesisThrottleMessage;
    if (m.streamName !== STREAM) return;
    throttled.calls++;
    throttled.records += m.records;
    throttled.byOperation.set(m.operation, (throttled.byOperation.get(m.operation) ?? 0) + m.records);
    now += 1000;
  };
  subscribe(KINESIS_CHANNELS.throttle, onThrottle);
  const engine = await startKinesisEngine({ port: 0, shardLimits: true, clock: () => now });
  const kinesis = new KinesisClient({
    endpoint: engine.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  t.after(async () => {
    unsubscribe(KINESIS_CHANNELS.throttle, onThrottle);
    kinesis.destroy();
    await engine.close();
  });
  await kinesis.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 1 }));
  return { kinesis, throttled, seconds: () => Math.floor((now - Date.UTC(2026, 10, 26, 8, 0, 0)) / 1000) };
}

/**
 * Every record of every shard, as a consumer reads them: GetRecords until a call returns nothing, trying again when
 * the shard's read limits refuse a call (which moves the engine's clock on).
 */
async function readAll(kinesis: KinesisClient): Promise<Buffer[]> {
  const data: Buffer[] = [];
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: STREAM }));
  for (const shard of Shards) {
    let iterator = (
      await kinesis.send(
        new GetShardIteratorCommand({ StreamName: STREAM, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
      )
    ).ShardIterator;
    while (iterator) {
      let out: GetRecordsCommandOutput;
      try {
        out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));
      } catch (error) {
        if (error instanceof ProvisionedThroughputExceededException) continue;
        throw error;
      }
      for (const r of out.Records ?? []) data.push(Buffer.from(r.Data!));
      iterator = (out.Records ?? []).length === 0 ? undefined : out.NextShardIterator;
    }
  }
  return data;
}

/** Produces `count` records of `size` bytes (a JSON id padded), far above the shard's limit, and reads them back. */
async function scenario(t: TestContext, count: number, size: number) {
  const { kinesis, throttled, seconds } = await throttledEngine(t);
  const producer = new KinesisProducer({
    kinesis,
    streamName: STREAM,
    aggregationEnabled: false,
    rateLimit: 1000,
    recordTtl: 600_000,
  });
  const acks: Promise<UserRecordResult>[] = [];
  for (let id = 0; id < count; id++) {
    const head = JSON.stringify({ id, pad: '' });
    const data = JSON.stringify({ id, pad: 'x'.repeat(Math.max(0, size - head.length)) });
    const ack = producer.addUserRecord({ partitionKey: `device-${id % 50}`, data });
    acks.push(ack);
    await ack.buffered;
  }
  await producer.close();
  const results = await Promise.all(acks);
  const metrics = producer.metrics;

  const seen = new Map<number, number>();
  for (const data of await readAll(kinesis)) {
    const { id } = JSON.parse(data.toString('utf8')) as { id: number };
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  const lost = Array.from({ length: count }, (_, id) => id).filter((id) => !seen.has(id));
  const duplicates = [...seen.values()].reduce((sum, n) => sum + n - 1, 0);
  const mostAttempts = Math.max(...results.map((r) => r.attempts));
  t.diagnostic(
    `records ${count} of ${size} B, acknowledged ${results.length}, read back ${seen.size}, lost ${lost.length}, ` +
      `duplicates ${duplicates}; throttled by the engine ${throttled.records} records in ${throttled.calls} calls ` +
      `(${[...throttled.byOperation].map(([op, n]) => `${op} ${n}`).join(', ')}), producer throttles ` +
      `${metrics.throttles}, retries ${metrics.retries}, most attempts for one record ${mostAttempts}, ` +
      `${seconds()} engine seconds, requests abandoned ${metrics.putRecordsRequestsFailed}`,
  );

  assert.equal(metrics.userRecordsFailed, 0);
  assert.equal(metrics.userRecordsPut, count);
  assert.ok(throttled.byOperation.get('PutRecords')! > 0, 'the engine refused records for being over the limit');
  assert.equal(metrics.throttles, throttled.byOperation.get('PutRecords'), 'the producer saw every refusal');
  assert.ok(metrics.retries >= metrics.throttles, 'and sent each refused record again');
  assert.ok(mostAttempts > 1);
  assert.deepEqual(lost, [], `${lost.length} acknowledged records are not in the stream`);
  assert.equal(seen.size, count);
  // A refused record is not written, so retrying it writes it once. Only a request abandoned after its timeout (on a
  // very slow machine) may have been written before it is sent again: at least once, as on AWS.
  if (metrics.putRecordsRequestsFailed === 0) assert.equal(duplicates, 0);
}

test('scenario 5: ten times the records a shard takes per second — throttled, retried, none lost', {
  timeout: 300_000,
}, async (t) => {
  // 1,000 records/s per shard: 6,000 small records need at least 6 of the engine's seconds.
  await scenario(t, 6 * LIMITS.kinesis.shardWriteRecordsPerSecond.value, 100);
});

test('scenario 5: ten times the bytes a shard takes per second — throttled, retried, none lost', {
  timeout: 300_000,
}, async (t) => {
  // 1 MiB/s per shard: 400 records of 20 KiB (about 8 MiB) need at least 8 of the engine's seconds.
  await scenario(t, 400, 20 * 1024);
});
