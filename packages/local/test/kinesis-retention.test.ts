/**
 * Retention against the engine's clock (a manual one, so hours pass in a line of code): records older than the
 * stream's retention period are no longer returned, IncreaseStreamRetentionPeriod / DecreaseStreamRetentionPeriod
 * with AWS's validation and errors, and the same on a durable engine, where expired segments leave the disk.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import {
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  IncreaseStreamRetentionPeriodCommand,
  KinesisClient,
  PutRecordsCommand,
  type ShardIteratorType,
} from '@aws-sdk/client-kinesis';
import { LIMITS, LOCAL_CREDENTIALS, LOCAL_REGION } from '@streamkit/core';
import { type KinesisEngine, type KinesisEngineOptions, startKinesisEngine } from '../src/kinesis/index.ts';

const HOUR = 60 * 60 * 1000;
const SHARD = 'shardId-000000000000';

function manualClock(start = Date.UTC(2026, 0, 15, 12, 0, 0)) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

async function start(
  t: TestContext,
  options: KinesisEngineOptions,
): Promise<{ engine: KinesisEngine; client: KinesisClient }> {
  const engine = await startKinesisEngine(options);
  // One attempt: a throttled call must show its error, not be retried by the SDK.
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
  return { engine, client };
}

async function put(client: KinesisClient, ...texts: string[]): Promise<void> {
  const out = await client.send(
    new PutRecordsCommand({
      StreamName: 's',
      Records: texts.map((text) => ({ Data: Buffer.from(text), PartitionKey: 'k' })),
    }),
  );
  assert.equal(out.FailedRecordCount, 0);
}

async function iterator(
  client: KinesisClient,
  type: ShardIteratorType,
  extra: { StartingSequenceNumber?: string; Timestamp?: Date } = {},
): Promise<string> {
  const out = await client.send(
    new GetShardIteratorCommand({ StreamName: 's', ShardId: SHARD, ShardIteratorType: type, ...extra }),
  );
  return out.ShardIterator!;
}

async function read(client: KinesisClient, shardIterator: string): Promise<string[]> {
  const out = await client.send(new GetRecordsCommand({ ShardIterator: shardIterator }));
  return (out.Records ?? []).map((record) => Buffer.from(record.Data!).toString('utf8'));
}

const retention = async (client: KinesisClient) =>
  (await client.send(new DescribeStreamSummaryCommand({ StreamName: 's' }))).StreamDescriptionSummary
    ?.RetentionPeriodHours;

for (const durable of [false, true]) {
  describe(`retention (${durable ? 'durable' : 'in memory'})`, () => {
    async function engineWithStream(t: TestContext) {
      const clock = manualClock();
      const dataDir = durable ? mkdtempSync(path.join(os.tmpdir(), 'streamkit-retention-')) : undefined;
      if (dataDir) t.after(() => rmSync(dataDir, { recursive: true, force: true }));
      const options = { clock: clock.now, ...(dataDir ? { dataDir } : {}) };
      const { engine, client } = await start(t, options);
      await client.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 1 }));
      return { engine, client, clock, options };
    }

    test('records older than the retention period are no longer returned, and TRIM_HORIZON moves past them', async (t) => {
      const { client, clock } = await engineWithStream(t);
      await put(client, 'a1', 'a2');
      clock.advance(23 * HOUR);
      await put(client, 'b1');
      assert.deepEqual(await read(client, await iterator(client, 'TRIM_HORIZON')), ['a1', 'a2', 'b1']);

      clock.advance(HOUR); // a1 and a2 are exactly 24 hours old: still there
      const before = await iterator(client, 'TRIM_HORIZON');
      const first = await client.send(new GetRecordsCommand({ ShardIterator: before, Limit: 2 }));
      const atA2 = await iterator(client, 'AT_SEQUENCE_NUMBER', {
        StartingSequenceNumber: first.Records![1]!.SequenceNumber!,
      });
      assert.deepEqual(await read(client, before), ['a1', 'a2', 'b1']);

      clock.advance(1); // now they are older than the period
      assert.deepEqual(await read(client, await iterator(client, 'TRIM_HORIZON')), ['b1']);
      assert.deepEqual(await read(client, before), ['b1'], 'an iterator issued earlier skips expired records');
      assert.deepEqual(await read(client, atA2), ['b1']);
      const long = new Date(clock.now() - 48 * HOUR);
      assert.deepEqual(await read(client, await iterator(client, 'AT_TIMESTAMP', { Timestamp: long })), ['b1']);
    });

    test('IncreaseStreamRetentionPeriod keeps records longer, but does not bring expired ones back', async (t) => {
      const { client, clock } = await engineWithStream(t);
      await put(client, 'old');
      clock.advance(25 * HOUR); // 'old' has expired under 24 hours
      await put(client, 'kept');
      await client.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 's', RetentionPeriodHours: 48 }));
      assert.equal(await retention(client), 48);
      assert.deepEqual(await read(client, await iterator(client, 'TRIM_HORIZON')), ['kept']);
      clock.advance(30 * HOUR); // 'kept' is 30 hours old: kept under 48 hours
      assert.deepEqual(await read(client, await iterator(client, 'TRIM_HORIZON')), ['kept']);
      clock.advance(18 * HOUR + 1);
      assert.deepEqual(await read(client, await iterator(client, 'TRIM_HORIZON')), []);
    });

    test('DecreaseStreamRetentionPeriod makes records older than the new period unreadable at once', async (t) => {
      const { client, clock } = await engineWithStream(t);
      await client.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 's', RetentionPeriodHours: 72 }));
      await put(client, 'thirty hours old');
      clock.advance(30 * HOUR);
      await put(client, 'new');
      assert.deepEqual(await read(client, await iterator(client, 'TRIM_HORIZON')), ['thirty hours old', 'new']);
      await client.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: 's', RetentionPeriodHours: 24 }));
      assert.equal(await retention(client), 24);
      assert.deepEqual(await read(client, await iterator(client, 'TRIM_HORIZON')), ['new']);
    });

    if (durable) {
      test('the retention period and what expired survive a restart, and expired segments leave the disk', async (t) => {
        const { engine, client, clock, options } = await engineWithStream(t);
        await put(client, 'first');
        clock.advance(2 * HOUR); // segments roll hourly: 'first' sits alone in the oldest one
        await put(client, 'second');
        clock.advance(23 * HOUR);
        await client.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 's', RetentionPeriodHours: 100 }));
        const shardDir = path.join(options.dataDir!, 'kinesis', `s-${engine.store.stream('s')!.createdAt}`, SHARD);
        const segments = ['00000000000000000000.log', '00000000000000000001.log'];
        assert.deepEqual(readdirSync(shardDir).sort(), segments, 'nothing is deleted before the shard is read');
        assert.deepEqual(await read(client, await iterator(client, 'TRIM_HORIZON')), ['second']);
        assert.deepEqual(readdirSync(shardDir), [segments[1]], 'the segment of the expired record is gone');
        await engine.close();

        const { client: after } = await start(t, options);
        assert.equal(await retention(after), 100);
        assert.deepEqual(await read(after, await iterator(after, 'TRIM_HORIZON')), ['second']);
        await put(after, 'third'); // an hour later than the oldest segment's record: a new segment
        clock.advance(100 * HOUR);
        assert.deepEqual(await read(after, await iterator(after, 'TRIM_HORIZON')), ['third']);
        assert.deepEqual(readdirSync(shardDir), ['00000000000000000002.log']);
      });
    }
  });
}

describe('IncreaseStreamRetentionPeriod and DecreaseStreamRetentionPeriod errors', () => {
  const increase = (client: KinesisClient, hours: number | undefined, StreamName = 's') =>
    client.send(new IncreaseStreamRetentionPeriodCommand({ StreamName, RetentionPeriodHours: hours as number }));
  const decrease = (client: KinesisClient, hours: number | undefined, StreamName = 's') =>
    client.send(new DecreaseStreamRetentionPeriodCommand({ StreamName, RetentionPeriodHours: hours as number }));

  async function rejects(call: Promise<unknown>, name: string, message: string | RegExp) {
    await assert.rejects(call, (error: Error) => {
      assert.equal(error.name, name);
      if (typeof message === 'string') assert.equal(error.message, message);
      else assert.match(error.message, message);
      return true;
    });
  }

  test('the period must lie in the AWS range, and move in the direction the action says', async (t) => {
    const { client } = await start(t, {});
    await client.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 1 }));
    const { min, max } = LIMITS.kinesis.retentionHours;
    await rejects(
      increase(client, min - 1),
      'InvalidArgumentException',
      `Minimum allowed retention period is ${min} hours. Requested retention period (${min - 1} hours) is too short.`,
    );
    await rejects(
      decrease(client, 1),
      'InvalidArgumentException',
      `Minimum allowed retention period is ${min} hours. Requested retention period (1 hours) is too short.`,
    );
    await rejects(
      increase(client, max + 1),
      'InvalidArgumentException',
      `Maximum allowed retention period is ${max} hours. Requested retention period (${max + 1} hours) is too long.`,
    );
    await increase(client, max);
    await rejects(
      increase(client, 100),
      'InvalidArgumentException',
      `Requested retention period (100 hours) for stream s can not be shorter than existing retention period (${max} hours). Use DecreaseRetentionPeriod API.`,
    );
    await increase(client, max); // the same period is accepted
    await decrease(client, 100);
    await rejects(
      decrease(client, 101),
      'InvalidArgumentException',
      'Requested retention period (101 hours) for stream s can not be longer than existing retention period (100 hours). Use IncreaseRetentionPeriod API.',
    );
    await decrease(client, 100);
    assert.equal(await retention(client), 100);
  });

  test('a missing period is a ValidationException; a missing or unready stream is refused like AWS', async (t) => {
    const clock = manualClock();
    const { client } = await start(t, { clock: clock.now, createStreamDelayMs: 1000 });
    await rejects(
      increase(client, undefined),
      'ValidationException',
      "1 validation error detected: Value null at 'retentionPeriodHours' failed to satisfy constraint: Member must not be null",
    );
    await rejects(
      increase(client, 48, 'missing'),
      'ResourceNotFoundException',
      'Stream missing under account 000000000000 not found.',
    );
    await client.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 1 }));
    await rejects(
      decrease(client, 24),
      'ResourceInUseException',
      'Stream s under account 000000000000 not ACTIVE, instead in state CREATING',
    );
    clock.advance(1000);
    await increase(client, 48);
  });

  test('with limits on, a 6th change in a second is LimitExceededException; the next second is fine', async (t) => {
    const clock = manualClock();
    const { client } = await start(t, { clock: clock.now, shardLimits: true });
    await client.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 1 }));
    for (let i = 0; i < LIMITS.kinesis.retentionChangesPerSecond.value; i++) await increase(client, 48);
    await rejects(
      increase(client, 48),
      'LimitExceededException',
      'Rate exceeded for stream s under account 000000000000.',
    );
    await decrease(client, 48); // counted apart
    clock.advance(1000);
    await increase(client, 48);
  });

  test('with limits off, retention changes are never throttled', async (t) => {
    const clock = manualClock();
    const { client } = await start(t, { clock: clock.now });
    await client.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 1 }));
    for (let i = 0; i < 20; i++) await increase(client, 48);
  });
});
