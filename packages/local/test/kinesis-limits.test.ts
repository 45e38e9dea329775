/**
 * The shard limits model (`shardLimits: true`) against a manual clock: 1,000 records or 1 MiB per shard and second
 * in, 5 GetRecords calls and 2 MiB per shard and second out (a large response counting against the following
 * seconds), per-record failures in PutRecords, the throttle diagnostics channel — and nothing throttled with the
 * model off.
 */
import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import { describe, type TestContext, test } from 'node:test';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  PutRecordCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import { LIMITS, LOCAL_CREDENTIALS, LOCAL_REGION } from '@streamkit/core';
import { KINESIS_CHANNELS, type KinesisThrottleMessage, startKinesisEngine } from '../src/kinesis/index.ts';

const MiB = 1024 * 1024;
const WRITE_RECORDS = LIMITS.kinesis.shardWriteRecordsPerSecond.value;
const GET_CALLS = LIMITS.kinesis.shardGetRecordsPerSecond.value;
const SHARD_0 = 'shardId-000000000000';
const SHARD_1 = 'shardId-000000000001';
/** Hash keys that route to shard 0 and shard 1 of a 2-shard stream. */
const TO_SHARD_0 = '0';
const TO_SHARD_1 = String(2n ** 127n);

/** A clock the test moves by hand, starting at the beginning of a second. */
function manualClock() {
  let now = Date.UTC(2026, 0, 15, 12, 0, 0);
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

async function start(t: TestContext, options: { shardLimits: boolean; shards?: number; onDemand?: boolean }) {
  const clock = manualClock();
  const engine = await startKinesisEngine({ clock: clock.now, shardLimits: options.shardLimits });
  // One attempt: the SDK retries throttling errors by default, and each call here must show its own answer.
  const client = new KinesisClient({
    endpoint: engine.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  t.after(async () => {
    client.destroy();
    await engine.close();
  });
  await client.send(
    new CreateStreamCommand(
      options.onDemand
        ? { StreamName: 's', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }
        : { StreamName: 's', ShardCount: options.shards ?? 1 },
    ),
  );
  return { client, clock };
}

const entries = (count: number, hashKey = TO_SHARD_0, bytes = 10): PutRecordsRequestEntry[] =>
  Array.from({ length: count }, (_, i) => ({
    Data: Buffer.alloc(bytes, i),
    PartitionKey: 'k',
    ExplicitHashKey: hashKey,
  }));

async function putMany(client: KinesisClient, count: number, hashKey = TO_SHARD_0) {
  let failed = 0;
  for (let sent = 0; sent < count; sent += 500) {
    const out = await client.send(
      new PutRecordsCommand({ StreamName: 's', Records: entries(Math.min(500, count - sent), hashKey) }),
    );
    failed += out.FailedRecordCount ?? 0;
  }
  return failed;
}

async function getIterator(client: KinesisClient, shardId = SHARD_0): Promise<string> {
  const out = await client.send(
    new GetShardIteratorCommand({ StreamName: 's', ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  return out.ShardIterator!;
}

const throttled = (error: unknown, shardId = SHARD_0) => {
  assert.ok(error instanceof Error);
  assert.equal(error.name, 'ProvisionedThroughputExceededException');
  assert.equal(error.message, `Rate exceeded for shard ${shardId} in stream s under account 000000000000.`);
  return true;
};

/** Collects the `streamkit:kinesis:throttle` messages published during the test. */
function throttleMessages(t: TestContext): KinesisThrottleMessage[] {
  const messages: KinesisThrottleMessage[] = [];
  const listener = (message: unknown) => messages.push(message as KinesisThrottleMessage);
  diagnosticsChannel.subscribe(KINESIS_CHANNELS.throttle, listener);
  t.after(() => diagnosticsChannel.unsubscribe(KINESIS_CHANNELS.throttle, listener));
  return messages;
}

describe('writes, with the shard limits model on', () => {
  test('the 1,001st record in a second is refused with ProvisionedThroughputExceededException; the next second takes it', async (t) => {
    const { client, clock } = await start(t, { shardLimits: true });
    const messages = throttleMessages(t);
    assert.equal(await putMany(client, WRITE_RECORDS), 0);
    clock.advance(999); // still the same second
    const record = { StreamName: 's', Data: Buffer.from('x'), PartitionKey: 'k' };
    await assert.rejects(client.send(new PutRecordCommand(record)), (error) => throttled(error));
    assert.deepEqual(messages, [{ streamName: 's', shardId: SHARD_0, operation: 'PutRecord', records: 1 }]);
    clock.advance(1);
    const out = await client.send(new PutRecordCommand(record));
    assert.equal(out.ShardId, SHARD_0);
  });

  test('PutRecords fails only the records over the limit, says why for each, and writes the others', async (t) => {
    const { client } = await start(t, { shardLimits: true, shards: 2 });
    const messages = throttleMessages(t);
    assert.equal(await putMany(client, 900, TO_SHARD_0), 0);
    // 200 records for shard 0 (100 fit) interleaved with 100 for shard 1 (all fit).
    const mixed = Array.from({ length: 300 }, (_, i) => ({
      Data: Buffer.from(`r${i}`),
      PartitionKey: 'k',
      ExplicitHashKey: i % 3 === 2 ? TO_SHARD_1 : TO_SHARD_0,
    }));
    const out = await client.send(new PutRecordsCommand({ StreamName: 's', Records: mixed }));
    assert.equal(out.FailedRecordCount, 100);
    const toShard0 = mixed.flatMap((entry, i) => (entry.ExplicitHashKey === TO_SHARD_0 ? [i] : []));
    for (const [n, i] of toShard0.entries()) {
      const result = out.Records![i]!;
      if (n < 100) {
        assert.equal(result.ShardId, SHARD_0);
        assert.ok(result.SequenceNumber);
        assert.equal(result.ErrorCode, undefined);
      } else {
        assert.equal(result.ErrorCode, 'ProvisionedThroughputExceededException');
        assert.equal(result.ErrorMessage, `Rate exceeded for shard ${SHARD_0} in stream s under account 000000000000.`);
        assert.equal(result.SequenceNumber, undefined);
      }
    }
    assert.ok(out.Records!.filter((_, i) => i % 3 === 2).every((r) => r.ShardId === SHARD_1 && r.SequenceNumber));
    assert.deepEqual(messages, [{ streamName: 's', shardId: SHARD_0, operation: 'PutRecords', records: 100 }]);

    // What the shards hold: exactly the records admitted.
    const shard0 = await client.send(new GetRecordsCommand({ ShardIterator: await getIterator(client, SHARD_0) }));
    assert.equal(shard0.Records?.length, WRITE_RECORDS);
    const shard1 = await client.send(new GetRecordsCommand({ ShardIterator: await getIterator(client, SHARD_1) }));
    assert.equal(shard1.Records?.length, 100);
  });

  test('1 MiB per shard and second: a record that does not fit is refused, a smaller one after it still fits', async (t) => {
    const { client, clock } = await start(t, { shardLimits: true });
    const big = (fill: number) => ({ Data: Buffer.alloc(600 * 1024, fill), PartitionKey: 'k' });
    const out = await client.send(
      new PutRecordsCommand({
        StreamName: 's',
        Records: [big(1), big(2), { Data: Buffer.alloc(1024), PartitionKey: 'k' }],
      }),
    );
    assert.equal(out.FailedRecordCount, 1);
    assert.deepEqual(
      out.Records!.map((r) => r.ErrorCode ?? 'ok'),
      ['ok', 'ProvisionedThroughputExceededException', 'ok'],
    );
    clock.advance(1000);
    assert.equal(
      (await client.send(new PutRecordsCommand({ StreamName: 's', Records: [big(3)] }))).FailedRecordCount,
      0,
    );
  });

  test('an on-demand stream has the same limits on each of its 4 shards', async (t) => {
    const { client } = await start(t, { shardLimits: true, onDemand: true });
    const quarter = 2n ** 126n;
    for (let shard = 0n; shard < 4n; shard++) {
      assert.equal(await putMany(client, WRITE_RECORDS, String(shard * quarter)), 0, `shard ${shard} takes 1,000`);
    }
    assert.equal(await putMany(client, 1, String(3n * quarter)), 1, 'the 1,001st for one shard fails');
  });
});

describe('reads, with the shard limits model on', () => {
  test('the 6th GetRecords call on a shard in a second is refused; the next second reads again', async (t) => {
    const { client, clock } = await start(t, { shardLimits: true });
    const messages = throttleMessages(t);
    let iterator = await getIterator(client);
    for (let i = 0; i < GET_CALLS; i++) {
      iterator = (await client.send(new GetRecordsCommand({ ShardIterator: iterator }))).NextShardIterator!;
    }
    clock.advance(999);
    await assert.rejects(client.send(new GetRecordsCommand({ ShardIterator: iterator })), (error) => throttled(error));
    assert.deepEqual(messages, [{ streamName: 's', shardId: SHARD_0, operation: 'GetRecords', records: 1 }]);
    clock.advance(1);
    await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
  });

  test('a response larger than 2 MiB counts against the following seconds', async (t) => {
    const { client, clock } = await start(t, { shardLimits: true });
    // Five records of 1 MiB (data plus key), one a second to stay within the write limit.
    for (let i = 0; i < 5; i++) {
      await client.send(new PutRecordCommand({ StreamName: 's', Data: Buffer.alloc(MiB - 1, i), PartitionKey: 'k' }));
      clock.advance(1000);
    }
    const iterator = await getIterator(client);
    const big = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
    assert.equal(big.Records?.length, 5); // 5 MiB: 2 for this second, 3 owed to the next ones
    clock.advance(1000); // 3 MiB still owed: no read capacity this second
    await assert.rejects(client.send(new GetRecordsCommand({ ShardIterator: iterator })), (error) => throttled(error));
    clock.advance(1000); // 1 MiB owed, less than a second's worth: reads go on
    const next = await client.send(new GetRecordsCommand({ ShardIterator: big.NextShardIterator, Limit: 1 }));
    assert.equal(next.Records?.length, 0);
  });
});

describe('with the shard limits model off (the default)', () => {
  test('nothing is ever throttled', async (t) => {
    const { client } = await start(t, { shardLimits: false });
    const messages = throttleMessages(t);
    assert.equal(await putMany(client, 5 * WRITE_RECORDS), 0);
    let iterator = await getIterator(client);
    for (let i = 0; i < 4 * GET_CALLS; i++) {
      iterator = (await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }))).NextShardIterator!;
    }
    assert.deepEqual(messages, []);
  });
});
