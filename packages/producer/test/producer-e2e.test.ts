/**
 * End to end against the local Kinesis engine, with an unmodified AWS SDK client and the producer's defaults (rate
 * limit included): 100,000 small user records become far fewer Kinesis records, and reading the stream back and
 * deaggregating gives every user record exactly once, in order for each partition key.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { deaggregateRecord } from '../src/aggregation/deaggregate.ts';
import { KinesisProducer, type UserRecordResult } from '../src/kinesis-producer/kinesis-producer.ts';
import { createStream, readStream, startLocalKinesis } from './support/local-kinesis.ts';

const USER_RECORDS = 100_000;
const KEYS = 500;

test('100,000 small user records: far fewer Kinesis records, each user record read back once, in order per key', {
  timeout: 120_000,
}, async (t) => {
  const { kinesis } = await startLocalKinesis(t);
  await createStream(kinesis, 'e2e', 4);
  const producer = new KinesisProducer({ kinesis, streamName: 'e2e' });

  const acks: Promise<UserRecordResult>[] = [];
  const next = new Array<number>(KEYS).fill(0);
  for (let i = 0; i < USER_RECORDS; i++) {
    const key = i % KEYS;
    const ack = producer.addUserRecord({ partitionKey: `sensor-${key}`, data: `sensor-${key}:${next[key]!++}` });
    acks.push(ack);
    await ack.buffered;
    // A generator-driven producer lets the event loop run now and then; so does this loop.
    if (i % 1000 === 999) await yieldToEventLoop();
  }
  await producer.close();
  const results = await Promise.all(acks);
  assert.ok(results.every((r) => r.aggregated));

  const shards = await readStream(kinesis, 'e2e');
  const kinesisRecords = shards.flatMap((s) => s.records);
  assert.ok(
    kinesisRecords.length <= USER_RECORDS / 500,
    `${kinesisRecords.length} Kinesis records for ${USER_RECORDS} user records`,
  );
  assert.equal(producer.metrics.kinesisRecordsPut, kinesisRecords.length);

  const seen = new Array<number>(KEYS).fill(0);
  let count = 0;
  for (const shard of shards) {
    for (const record of shard.records) {
      for (const user of deaggregateRecord({
        partitionKey: record.PartitionKey!,
        sequenceNumber: record.SequenceNumber!,
        data: record.Data!,
      })) {
        const [prefix, n] = Buffer.from(user.data).toString().split(':');
        assert.equal(prefix, user.partitionKey);
        const key = Number(user.partitionKey.slice('sensor-'.length));
        assert.equal(Number(n), seen[key], `${user.partitionKey}: record ${seen[key]} next, exactly once, in order`);
        seen[key]!++;
        count++;
      }
    }
  }
  assert.equal(count, USER_RECORDS);
  assert.deepEqual(seen, next);
});
