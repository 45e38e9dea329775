/**
 * KinesisProducer against a Kinesis double and a clock moved by hand: aggregation per predicted shard, collection,
 * deadlines, the per-shard rate limit, retries, ordering, resharding, back-pressure, flush/close and metrics.
 */
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, test } from 'node:test';
import type { PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { StreamkitError } from '@streamkit/core';
import { decodeAggregatedRecord } from '../src/aggregation/aggregated-record.ts';
import { deaggregateRecord } from '../src/aggregation/deaggregate.ts';
import {
  KinesisProducer,
  type KinesisProducerOptions,
  type UserRecordPromise,
} from '../src/kinesis-producer/kinesis-producer.ts';
import { PRODUCER_METRICS_CHANNEL, type ProducerMetricsMessage } from '../src/kinesis-producer/producer-metrics.ts';
import { evenShards, FakeKinesis, type FakeShard, hashKeyOf, MAX_HASH_KEY } from './support/fake-kinesis.ts';
import { ManualClock, settle } from './support/manual-clock.ts';

function setup(shards: FakeShard[] | number, options: Partial<KinesisProducerOptions> = {}) {
  const clock = new ManualClock();
  const kinesis = new FakeKinesis(typeof shards === 'number' ? evenShards(shards) : shards, () => clock.now());
  const producer = new KinesisProducer({
    kinesis: kinesis.client,
    streamName: 'stream',
    clock,
    random: () => 0.5,
    ...options,
  });
  return { clock, kinesis, producer };
}

/** A partition key whose MD5 falls in `shard`. */
function keyIn(shard: FakeShard, n = 0): string {
  let found = 0;
  for (let i = 0; ; i++) {
    const key = `key-${i}`;
    const hash = hashKeyOf({ PartitionKey: key });
    if (hash >= shard.start && hash <= shard.end && found++ === n) return key;
  }
}

const text = (s: string) => Buffer.from(s);
const decimal = (hex: string) => BigInt(`0x${hex}`).toString();

/** The user records a PutRecords entry carries, deaggregated. */
function usersOf(entry: PutRecordsRequestEntry) {
  return deaggregateRecord({ partitionKey: entry.PartitionKey!, sequenceNumber: '0', data: entry.Data! });
}

function isError(code: string, message?: RegExp) {
  return (error: unknown) => {
    assert.ok(StreamkitError.is(error), `expected a StreamkitError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  };
}

describe('KinesisProducer aggregation', () => {
  test('packs the user records of one shard into one KPL record keyed "a", with the first record’s hash key', async () => {
    const { kinesis, producer } = setup(2);
    const [low, high] = evenShards(2);
    const keys = [keyIn(low!, 0), keyIn(high!, 0), keyIn(low!, 1), keyIn(high!, 1), keyIn(low!, 0)];
    const acks = keys.map((partitionKey, i) => producer.addUserRecord({ partitionKey, data: text(`r${i}`) }));
    await producer.flush();

    assert.equal(kinesis.calls.length, 1, 'one PutRecords request');
    const entries = kinesis.calls[0]!.records;
    assert.equal(entries.length, 2, 'one Kinesis record per shard');
    for (const entry of entries) {
      assert.equal(entry.PartitionKey, 'a');
      const users = usersOf(entry);
      assert.ok(users.every((u) => u.aggregated));
      const md5 = hashKeyOf({ PartitionKey: users[0]!.partitionKey });
      assert.equal(entry.ExplicitHashKey, md5.toString(), 'the explicit hash key of the first user record');
      const shard = kinesis.shardFor(md5);
      assert.ok(users.every((u) => kinesis.shardFor(hashKeyOf({ PartitionKey: u.partitionKey })) === shard));
    }
    const results = await Promise.all(acks);
    assert.deepEqual(
      results.map((r) => [r.aggregated, r.subSequenceNumber, r.attempts]),
      [
        [true, 0, 1],
        [true, 0, 1],
        [true, 1, 1],
        [true, 1, 1],
        [true, 2, 1],
      ],
    );
    assert.equal(results[0]!.sequenceNumber, results[2]!.sequenceNumber, 'same Kinesis record');
    assert.equal(results[0]!.shardId, low!.shardId);
    assert.equal(results[1]!.shardId, high!.shardId);
  });

  test('sends a Kinesis record holding one user record as that record, unwrapped', async () => {
    const { kinesis, producer } = setup(1);
    const ack = producer.addUserRecord({ partitionKey: 'solo', data: 'just me' });
    await producer.flush();
    assert.deepEqual(kinesis.calls[0]!.records, [{ Data: text('just me'), PartitionKey: 'solo' }]);
    const result = await ack;
    assert.equal(result.aggregated, false);
    assert.equal(result.subSequenceNumber, 0);
  });

  test('routes by explicit hash key, keeps it inside the aggregate, and sends it with a record sent alone', async () => {
    const { kinesis, producer } = setup(2);
    const [low, high] = evenShards(2);
    const inHigh = (high!.start + 7n).toString();
    const lowKey = keyIn(low!);
    const a = producer.addUserRecord({ partitionKey: lowKey, data: 'x', explicitHashKey: inHigh });
    const b = producer.addUserRecord({ partitionKey: keyIn(high!), data: 'y' });
    const c = producer.addUserRecord({ partitionKey: lowKey, data: 'alone', explicitHashKey: '0' });
    await producer.flush();
    assert.equal((await a).shardId, high!.shardId, 'the explicit hash key decides, not the partition key');
    assert.equal((await b).shardId, high!.shardId);
    const entries = kinesis.calls[0]!.records;
    const aggregated = entries.find((e) => e.PartitionKey === 'a')!;
    assert.equal(aggregated.ExplicitHashKey, inHigh, 'the first user record’s explicit hash key routes the aggregate');
    assert.deepEqual(
      usersOf(aggregated).map((u) => [u.partitionKey, u.explicitHashKey]),
      [
        [lowKey, inHigh],
        [keyIn(high!), undefined],
      ],
    );
    assert.deepEqual(
      entries.find((e) => e.PartitionKey !== 'a'),
      { Data: text('alone'), PartitionKey: lowKey, ExplicitHashKey: '0' },
    );
    assert.equal((await c).shardId, low!.shardId);
  });

  test('fills aggregated records up to AggregationMaxSize, never beyond', async () => {
    const { kinesis, producer } = setup(1, { aggregationMaxSize: 1024, recordMaxBufferedTime: 0 });
    const acks = Array.from({ length: 200 }, (_, i) =>
      producer.addUserRecord({ partitionKey: `k${i % 3}`, data: Buffer.alloc(40 + (i % 50), i) }),
    );
    await producer.flush();
    await Promise.all(acks);
    const entries = kinesis.calls.flatMap((c) => c.records);
    const sizes = entries.map((e) => e.Data!.length);
    assert.ok(
      sizes.every((size) => size <= 1024),
      `sizes ${sizes}`,
    );
    // Every record but the last was sealed because the next user record did not fit: it is nearly full.
    assert.ok(
      sizes.slice(0, -1).every((size) => size > 1024 - 110),
      `sizes ${sizes}`,
    );
    assert.equal(entries.flatMap(usersOf).length, 200);
  });

  test('puts at most AggregationMaxCount user records in one aggregated record', async () => {
    const { kinesis, producer } = setup(1, { aggregationMaxCount: 7 });
    const acks = Array.from({ length: 30 }, (_, i) => producer.addUserRecord({ partitionKey: 'k', data: `${i}` }));
    await producer.flush();
    await Promise.all(acks);
    assert.deepEqual(
      kinesis.calls.flatMap((c) => c.records).map((e) => usersOf(e).length),
      [7, 7, 7, 7, 2],
    );
  });

  test('a user record larger than AggregationMaxSize is sent alone, in order with the others', async () => {
    const { kinesis, producer } = setup(1);
    const big = Buffer.alloc(70_000, 7);
    const acks = [
      producer.addUserRecord({ partitionKey: 'k', data: 'before' }),
      producer.addUserRecord({ partitionKey: 'k', data: big }),
      producer.addUserRecord({ partitionKey: 'k', data: 'after' }),
    ];
    await producer.flush();
    const results = await Promise.all(acks);
    assert.deepEqual(
      results.map((r) => r.aggregated),
      [false, false, false],
    );
    assert.deepEqual(
      kinesis.stored.map((r) => Buffer.from(r.entry.Data!).subarray(0, 6).toString()),
      ['before', big.subarray(0, 6).toString(), 'after'],
    );
  });

  test('with aggregation off, each user record is its own Kinesis record', async () => {
    const { kinesis, producer } = setup(2, { aggregationEnabled: false });
    const acks = Array.from({ length: 20 }, (_, i) => producer.addUserRecord({ partitionKey: `k${i}`, data: `${i}` }));
    await producer.flush();
    await Promise.all(acks);
    const entries = kinesis.calls.flatMap((c) => c.records);
    assert.equal(entries.length, 20);
    assert.ok(
      entries.every((e) => e.ExplicitHashKey === undefined && decodeAggregatedRecord(e.Data!).aggregated === false),
    );
    for (const shard of evenShards(2)) {
      const keys = Array.from({ length: 20 }, (_, i) => `k${i}`).filter(
        (k) => kinesis.shardFor(hashKeyOf({ PartitionKey: k })) === kinesis.shardFor(shard.start),
      );
      assert.deepEqual(
        kinesis.storedIn(shard.shardId).map((r) => r.entry.PartitionKey),
        keys,
        `${shard.shardId}: in the order added`,
      );
    }
  });
});

describe('KinesisProducer and the record distribution strategy', () => {
  test('on an AUTO stream (Kinesis places records itself) sends each user record alone, without explicit hash key', async () => {
    const { kinesis, producer } = setup(2);
    kinesis.recordDistributionStrategy = 'AUTO';
    const acks = Array.from({ length: 20 }, (_, i) =>
      producer.addUserRecord({ partitionKey: `k${i % 3}`, data: `${i}`, ...(i === 5 ? { explicitHashKey: '7' } : {}) }),
    );
    await producer.flush();
    const results = await Promise.all(acks);
    const entries = kinesis.calls.flatMap((c) => c.records);
    assert.equal(entries.length, 20);
    assert.ok(entries.every((e) => e.ExplicitHashKey === undefined && e.PartitionKey !== 'a'));
    assert.ok(results.every((r) => !r.aggregated));
  });

  test('on a USER_PARTITION_KEY stream aggregates as usual', async () => {
    const { kinesis, producer } = setup(2);
    kinesis.recordDistributionStrategy = 'USER_PARTITION_KEY';
    const acks = Array.from({ length: 20 }, (_, i) =>
      producer.addUserRecord({ partitionKey: `k${i % 3}`, data: `${i}` }),
    );
    await producer.flush();
    assert.ok((await Promise.all(acks)).every((r) => r.aggregated));
  });
});

describe('KinesisProducer collection and deadlines', () => {
  test('collects at most CollectionMaxCount Kinesis records and CollectionMaxSize bytes per request', async () => {
    const { kinesis, producer } = setup(8, {
      aggregationEnabled: false,
      collectionMaxCount: 10,
      collectionMaxSize: 60_000,
      rateLimit: 10_000,
    });
    const acks = Array.from({ length: 400 }, (_, i) =>
      producer.addUserRecord({ partitionKey: `k${i}`, data: Buffer.alloc(i % 2 === 0 ? 5000 : 10) }),
    );
    await producer.flush();
    await Promise.all(acks);
    for (const call of kinesis.calls) {
      assert.ok(call.records.length <= 10, `${call.records.length} records`);
      const bytes = call.records.reduce((n, r) => n + r.Data!.length + r.PartitionKey!.length, 0);
      assert.ok(bytes <= 60_000, `${bytes} bytes`);
    }
    assert.equal(kinesis.stored.length, 400);
  });

  test('sends a record that fills nothing after RecordMaxBufferedTime, plus the collector’s grace', async () => {
    const { clock, kinesis, producer } = setup(2);
    const ack = producer.addUserRecord({ partitionKey: 'k', data: 'x' });
    await clock.advance(99);
    assert.equal(kinesis.calls.length, 0, 'still buffered at 99 ms');
    await clock.advance(1);
    assert.equal(kinesis.calls.length, 0, 'out of the aggregator at 100 ms, waiting for company');
    await clock.advance(19);
    assert.equal(kinesis.calls.length, 0);
    await clock.advance(1);
    assert.equal(kinesis.calls.length, 1, 'sent at 100 + min(50, 100 / 5) = 120 ms');
    assert.equal(kinesis.calls[0]!.at - clock.now(), 0);
    await ack;
    assert.equal(producer.metrics.latencyMs.p50, 120);
  });

  test('records of other shards waiting in the collector ride along with a request that is due', async () => {
    const { clock, kinesis, producer } = setup(2);
    const [low, high] = evenShards(2);
    producer.addUserRecord({ partitionKey: keyIn(low!), data: 'first' });
    await clock.advance(10);
    producer.addUserRecord({ partitionKey: keyIn(high!), data: 'second' });
    // 100 ms: the first leaves its aggregator (due 120); 110 ms: the second does (due 130); 120 ms: both go.
    await clock.advance(109);
    assert.equal(kinesis.calls.length, 0);
    await clock.advance(1);
    assert.equal(kinesis.calls.length, 1);
    assert.deepEqual(
      kinesis.calls[0]!.records.map((r) => Buffer.from(r.Data!).toString()),
      ['first', 'second'],
    );
  });

  test('flush() sends at once and resolves when every record added before it is acknowledged', async () => {
    const { clock, kinesis, producer } = setup(1);
    kinesis.hold = true;
    const acks = Array.from({ length: 5 }, (_, i) => producer.addUserRecord({ partitionKey: 'k', data: `${i}` }));
    let flushed = false;
    const flush = producer.flush().then(() => {
      flushed = true;
    });
    await settle();
    assert.equal(clock.elapsed, 0);
    assert.equal(kinesis.calls.length, 1, 'sent without waiting for RecordMaxBufferedTime');
    const later = producer.addUserRecord({ partitionKey: 'k', data: 'after the flush' });
    await settle();
    assert.equal(flushed, false, 'not flushed while the request is unanswered');
    kinesis.calls[0]!.respond();
    await flush;
    assert.equal((await Promise.all(acks)).length, 5);
    assert.equal(producer.outstandingRecords, 1, 'the record added after flush() is not waited for');
    kinesis.hold = false;
    await producer.close();
    await later;
  });

  test('close() refuses new records and resolves once every record is settled', async () => {
    const { producer } = setup(1);
    const ack = producer.addUserRecord({ partitionKey: 'k', data: 'x' });
    await producer.close();
    await ack;
    assert.equal(producer.outstandingRecords, 0);
    assert.throws(() => producer.addUserRecord({ partitionKey: 'k', data: 'y' }), isError('SK_CONFLICT', /closed/));
  });
});

describe('KinesisProducer rate limiting', () => {
  /** Kinesis records and bytes sent to one shard in every one-second window that ends at a send. */
  function worstWindow(calls: FakeKinesis['calls'], shardOf: (e: PutRecordsRequestEntry) => string) {
    const sends = calls.flatMap((c) =>
      c.records.map((r) => ({ at: c.at, shard: shardOf(r), bytes: r.Data!.length + r.PartitionKey!.length })),
    );
    let records = 0;
    let bytes = 0;
    for (const send of sends) {
      const window = sends.filter((s) => s.shard === send.shard && s.at > send.at - 1000 && s.at <= send.at);
      records = Math.max(records, window.length);
      bytes = Math.max(
        bytes,
        window.reduce((n, s) => n + s.bytes, 0),
      );
    }
    return { records, bytes };
  }

  test('never sends a shard more than 1,000 records in any one-second window', async () => {
    const { clock, kinesis, producer } = setup(1, { aggregationEnabled: false });
    const acks = Array.from({ length: 3500 }, (_, i) => producer.addUserRecord({ partitionKey: `k${i}`, data: 'x' }));
    const done = Promise.all(acks);
    while (kinesis.stored.length < 3500) await clock.advance(10);
    await done;
    assert.deepEqual(worstWindow(kinesis.calls, () => 'one').records, 1000);
    assert.ok(clock.elapsed >= 3000, `3,500 records took ${clock.elapsed} ms: at least 3 full windows`);
    assert.ok(clock.elapsed <= 3200, `and not much more (${clock.elapsed} ms)`);
  });

  test('never sends a shard more than 1 MiB in any one-second window, per shard', async () => {
    const { clock, kinesis, producer } = setup(2);
    const acks = Array.from({ length: 600 }, (_, i) =>
      producer.addUserRecord({ partitionKey: `k${i}`, data: Buffer.alloc(10_000, i) }),
    );
    const done = Promise.all(acks);
    while (kinesis.stored.length < 600 && clock.elapsed < 60_000) await clock.advance(10);
    await done;
    const shardOf = (e: PutRecordsRequestEntry) => kinesis.shardFor(hashKeyOf(e)).shardId;
    const worst = worstWindow(kinesis.calls, shardOf);
    assert.ok(worst.bytes <= 1024 * 1024, `${worst.bytes} bytes in one window`);
    assert.ok(worst.bytes > 900 * 1024, `the limiter lets a shard come close to its limit (${worst.bytes})`);
  });

  test('RateLimit scales the window: 50 % allows 500 records per second', async () => {
    const { clock, kinesis, producer } = setup(1, { aggregationEnabled: false, rateLimit: 50 });
    const acks = Array.from({ length: 1200 }, (_, i) => producer.addUserRecord({ partitionKey: `k${i}`, data: 'x' }));
    const done = Promise.all(acks);
    while (kinesis.stored.length < 1200) await clock.advance(10);
    await done;
    assert.equal(worstWindow(kinesis.calls, () => 'one').records, 500);
  });
});

describe('KinesisProducer retries and failures', () => {
  test('sends records refused with ProvisionedThroughputExceededException again after a backoff, and only them', async () => {
    const { clock, kinesis, producer } = setup(1, { aggregationEnabled: false });
    kinesis.refuse = (entry, attempt) =>
      entry.PartitionKey === 'k1' && attempt === 1
        ? { code: 'ProvisionedThroughputExceededException', message: 'Rate exceeded for shard' }
        : undefined;
    const acks = ['k0', 'k1', 'k2'].map((partitionKey) => producer.addUserRecord({ partitionKey, data: partitionKey }));
    const flushed = producer.flush();
    await settle();
    assert.equal(kinesis.calls.length, 1);
    // Backoff before the 2nd attempt: 100 ms ceiling, half fixed + half × random (0.5) = 75 ms.
    await clock.advance(74);
    assert.equal(kinesis.calls.length, 1, 'not before the backoff');
    await clock.advance(1);
    assert.equal(kinesis.calls.length, 2);
    assert.deepEqual(
      kinesis.calls[1]!.records.map((r) => r.PartitionKey),
      ['k1'],
    );
    await flushed;
    const results = await Promise.all(acks);
    assert.deepEqual(
      results.map((r) => r.attempts),
      [1, 2, 1],
    );
    assert.equal(producer.metrics.throttles, 1);
    assert.equal(producer.metrics.retries, 1);
  });

  test('keeps a shard’s records in order across a refusal: nothing newer is sent before the retry', async () => {
    const { clock, kinesis, producer } = setup(1, { aggregationEnabled: false });
    kinesis.hold = true;
    const first = producer.addUserRecord({ partitionKey: 'k', data: '1' });
    await clock.advance(120);
    assert.equal(kinesis.calls.length, 1);
    const rest = ['2', '3'].map((data) => producer.addUserRecord({ partitionKey: 'k', data }));
    await clock.advance(500);
    assert.equal(kinesis.calls.length, 1, 'one request per shard in flight');
    kinesis.calls[0]!.respond(() => [{ ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' }]);
    await clock.advance(1000);
    assert.equal(kinesis.calls.length, 2);
    assert.deepEqual(
      kinesis.calls[1]!.records.map((r) => Buffer.from(r.Data!).toString()),
      ['1', '2', '3'],
      'the refused record first',
    );
    kinesis.calls[1]!.respond();
    await Promise.all([first, ...rest]);
    assert.deepEqual(
      kinesis.stored.map((r) => Buffer.from(r.entry.Data!).toString()),
      ['1', '2', '3'],
    );
  });

  test('fails a record refused for a reason retrying cannot fix, with its error code, and keeps the others', async () => {
    const { kinesis, producer } = setup(1, { aggregationEnabled: false });
    kinesis.refuse = (entry) =>
      entry.PartitionKey === 'bad' ? { code: 'KMSAccessDeniedException', message: 'access denied to key' } : undefined;
    const good = producer.addUserRecord({ partitionKey: 'good', data: 'x' });
    const bad = producer.addUserRecord({ partitionKey: 'bad', data: 'y' });
    await producer.flush();
    await good;
    await assert.rejects(bad, (error: unknown) => {
      assert.ok(StreamkitError.is(error));
      assert.equal(error.retriable, false);
      assert.equal(error.details?.errorCode, 'KMSAccessDeniedException');
      assert.match(error.message, /access denied to key/);
      return true;
    });
    assert.equal(kinesis.calls.length, 1);
    assert.equal(producer.metrics.userRecordsFailed, 1);
  });

  test('sends a request that failed as a whole (a 500, a dropped connection) again', async () => {
    const { clock, kinesis, producer } = setup(1);
    kinesis.hold = true;
    const acks = ['a', 'b'].map((data) => producer.addUserRecord({ partitionKey: 'k', data }));
    void producer.flush();
    await settle();
    kinesis.calls[0]!.fail(
      Object.assign(new Error('We encountered an internal error'), {
        name: 'InternalFailure',
        $metadata: { httpStatusCode: 500 },
      }),
    );
    await clock.advance(75);
    kinesis.calls[1]!.fail(Object.assign(new Error('socket hang up'), { name: 'Error' }));
    await clock.advance(150); // 200 ms ceiling → 150 ms
    kinesis.calls[2]!.respond();
    const results = await Promise.all(acks);
    assert.deepEqual(
      results.map((r) => r.attempts),
      [3, 3],
    );
    assert.equal(producer.metrics.putRecordsRequestsFailed, 2);
    assert.deepEqual(
      usersOf(kinesis.calls[2]!.records[0]!).map((u) => Buffer.from(u.data).toString()),
      ['a', 'b'],
    );
  });

  test('fails records whose stream is gone (ResourceNotFoundException), without retrying', async () => {
    const { kinesis, producer } = setup(1);
    kinesis.hold = true;
    const ack = producer.addUserRecord({ partitionKey: 'k', data: 'x' });
    void producer.flush();
    await settle();
    kinesis.calls[0]!.fail(
      Object.assign(new Error('Stream stream under account 000000000000 not found.'), {
        name: 'ResourceNotFoundException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    await assert.rejects(ack, isError('SK_NOT_FOUND', /not found/));
  });

  test('fails records still refused when RecordTtl runs out, with SK_TIMEOUT', async () => {
    const { clock, kinesis, producer } = setup(1, { recordTtl: 2000 });
    kinesis.refuse = () => ({ code: 'ProvisionedThroughputExceededException', message: 'Rate exceeded' });
    const ack = producer.addUserRecord({ partitionKey: 'k', data: 'x' });
    let settled = false;
    ack
      .catch(() => {})
      .finally(() => {
        settled = true;
      });
    await clock.advance(1900);
    assert.equal(settled, false);
    await clock.advance(2000);
    await assert.rejects(ack, isError('SK_TIMEOUT', /RecordTtl \(2000 ms\)/));
    assert.ok(kinesis.calls.length >= 3, `${kinesis.calls.length} attempts`);
    assert.equal(producer.outstandingRecords, 0);
  });
});

describe('KinesisProducer concurrency and shard changes', () => {
  test('has at most MaxConnections requests in flight, and never two for one shard', async () => {
    const { clock, kinesis, producer } = setup(12, {
      aggregationEnabled: false,
      maxConnections: 3,
      collectionMaxCount: 4,
      rateLimit: 10_000,
    });
    kinesis.hold = true;
    const acks = Array.from({ length: 300 }, (_, i) => producer.addUserRecord({ partitionKey: `k${i}`, data: `${i}` }));
    const shardOf = (e: PutRecordsRequestEntry) => kinesis.shardFor(hashKeyOf(e)).shardId;
    let most = 0;
    while (kinesis.stored.length < 300) {
      await clock.advance(20);
      const open = kinesis.open;
      most = Math.max(most, open.length);
      assert.ok(open.length <= 3, `${open.length} requests in flight`);
      const shards = open.flatMap((c) => [...new Set(c.records.map(shardOf))]);
      assert.equal(new Set(shards).size, shards.length, 'no shard in two requests at once');
      open[0]?.respond();
    }
    await Promise.all(acks);
    assert.equal(most, 3);
  });

  test('after a reshard, rebuilds the shard map and sends again user records stored on the wrong shard', async () => {
    const [parent] = evenShards(1);
    const { clock, kinesis, producer } = setup([parent!]);
    await producer.addUserRecord({ partitionKey: 'warm-up', data: 'x' }).buffered;
    await producer.flush();
    // The shard splits in two: Kinesis now routes by the children, the producer still predicts the parent.
    const half = (MAX_HASH_KEY + 1n) / 2n;
    const low = { shardId: 'shardId-000000000001', start: 0n, end: half - 1n };
    const high = { shardId: 'shardId-000000000002', start: half, end: MAX_HASH_KEY };
    kinesis.shards = [{ ...parent!, closed: true }, low, high];
    const keys = [keyIn(low, 0), keyIn(high, 0), keyIn(low, 1), keyIn(high, 1)];
    const acks = keys.map((partitionKey) => producer.addUserRecord({ partitionKey, data: partitionKey }));
    let flushed = false;
    void producer.flush().then(() => {
      flushed = true;
    });
    await clock.advance(120);
    assert.ok(producer.metrics.wrongShard >= 1);
    assert.equal(flushed, false, 'the user records stored on the wrong shard wait for the new map');
    // The map is reloaded at most once a second, so a map proven wrong again and again cannot make the producer spin.
    while (!flushed) await clock.advance(100);
    assert.ok(clock.elapsed >= 1000, `${clock.elapsed} ms`);
    const results = await Promise.all(acks);
    assert.equal(kinesis.listShardsCalls, 2, 'the map was loaded again');
    // Every user record is acknowledged on the shard that holds its hash key (as the KCL would check).
    results.forEach((result, i) => {
      assert.equal(result.shardId, kinesis.shardFor(hashKeyOf({ PartitionKey: keys[i]! })).shardId, keys[i]);
      assert.ok(result.attempts >= 1);
    });
    for (const shard of [low, high]) {
      const users = kinesis.storedIn(shard.shardId).flatMap((r) => usersOf(r.entry));
      for (const key of keys.filter((k) => kinesis.shardFor(hashKeyOf({ PartitionKey: k })) === shard)) {
        assert.ok(
          users.some((u) => u.partitionKey === key),
          `${key} is stored in ${shard.shardId}`,
        );
      }
    }
  });
});

describe('KinesisProducer back-pressure', () => {
  test('takes records in while they fit in maxBufferedBytes, then makes addUserRecord wait', async () => {
    const { kinesis, producer } = setup(1, { maxBufferedBytes: 64 * 1024 });
    kinesis.hold = true;
    const acks: UserRecordPromise[] = [];
    let admitted = 0;
    for (let i = 0; i < 100; i++) {
      const ack = producer.addUserRecord({ partitionKey: 'k', data: Buffer.alloc(1000) });
      acks.push(ack);
      void ack.buffered.then(() => admitted++);
    }
    await settle();
    assert.ok(producer.bufferedBytes <= 64 * 1024, `${producer.bufferedBytes} bytes buffered`);
    // Each record is charged its data, key and bookkeeping: (1000 + 1 + 256) → 52 records fit in 64 KiB.
    assert.equal(admitted, Math.floor((64 * 1024) / 1257));
    assert.equal(producer.metrics.backPressureWaits, 100 - admitted);
    void producer.flush();
    while (admitted < 100 || kinesis.open.length > 0) {
      for (const call of kinesis.open) call.respond();
      await settle();
      assert.ok(producer.bufferedBytes <= 64 * 1024);
    }
    await Promise.all(acks);
    assert.equal(producer.bufferedBytes, 0);
    assert.ok(producer.metrics.peakBufferedBytes <= 64 * 1024);
  });

  test('a record larger than the whole budget still goes in when nothing else is buffered', async () => {
    const { producer } = setup(1, { maxBufferedBytes: 64 * 1024 });
    const ack = producer.addUserRecord({ partitionKey: 'k', data: Buffer.alloc(200_000) });
    await ack.buffered;
    await producer.flush();
    assert.equal((await ack).aggregated, false);
  });
});

describe('KinesisProducer metrics', () => {
  test('counts user and Kinesis records, bytes, requests and latency, and publishes each answer', async () => {
    const { clock, kinesis, producer } = setup(2);
    const messages: ProducerMetricsMessage[] = [];
    const onMessage = (message: unknown) => messages.push(message as ProducerMetricsMessage);
    subscribe(PRODUCER_METRICS_CHANNEL, onMessage);
    try {
      const acks = Array.from({ length: 50 }, (_, i) =>
        producer.addUserRecord({ partitionKey: `k${i % 5}`, data: 'abcd' }),
      );
      await clock.advance(120);
      await Promise.all(acks);
    } finally {
      unsubscribe(PRODUCER_METRICS_CHANNEL, onMessage);
    }
    const m = producer.metrics;
    assert.equal(m.userRecordsReceived, 50);
    assert.equal(m.userRecordsPut, 50);
    assert.equal(m.userRecordsDataPut, 200);
    assert.equal(m.kinesisRecordsPut, kinesis.stored.length);
    assert.equal(
      m.kinesisRecordsDataPut,
      kinesis.stored.reduce((n, r) => n + r.entry.Data!.length + r.entry.PartitionKey!.length, 0),
    );
    assert.equal(m.putRecordsRequests, 1);
    assert.deepEqual(m.latencyMs, { count: 50, p50: 120, p90: 120, p99: 120, max: 120 });
    assert.equal(m.userRecordsPending, 0);
    assert.equal(messages.length, 1);
    assert.equal(messages[0]!.streamName, 'stream');
    assert.deepEqual(messages[0]!.request, {
      kinesisRecords: kinesis.stored.length,
      userRecords: 50,
      bytes: m.kinesisRecordsDataPut,
      refused: 0,
      durationMs: 0,
    });
    assert.equal(messages[0]!.metrics.userRecordsPut, 50);
  });
});

describe('KinesisProducer validation', () => {
  test('refuses records Kinesis would refuse, naming the field and the value', () => {
    const { producer } = setup(1);
    assert.throws(
      () => producer.addUserRecord({ partitionKey: '', data: 'x' }),
      isError('SK_VALIDATION', /partitionKey must be a string of between 1 and 256 characters \(got ""\)/),
    );
    assert.throws(
      () => producer.addUserRecord({ partitionKey: 'k'.repeat(257), data: 'x' }),
      isError('SK_VALIDATION', /partitionKey/),
    );
    assert.throws(
      () => producer.addUserRecord({ partitionKey: 'k', data: 'x', explicitHashKey: (MAX_HASH_KEY + 1n).toString() }),
      isError('SK_VALIDATION', /explicitHashKey must be a decimal number from 0 to 2\^128 - 1/),
    );
    assert.throws(
      () => producer.addUserRecord({ partitionKey: 'k', data: 'x', explicitHashKey: '0x10' }),
      isError('SK_VALIDATION'),
    );
    assert.throws(
      () => producer.addUserRecord({ partitionKey: 'k', data: Buffer.alloc(1024 * 1024) }),
      isError('SK_VALIDATION', /data plus partitionKey must be at most 1048576 bytes \(got 1048577\)/),
    );
    assert.throws(
      () => producer.addUserRecord({ partitionKey: 'k', data: 42 as unknown as string }),
      isError('SK_VALIDATION', /data must be/),
    );
  });

  test('refuses knobs outside their range, naming the knob, the range and the value', () => {
    const kinesis = new FakeKinesis(evenShards(1)).client;
    const cases = [
      [{ aggregationMaxSize: 10 }, /aggregationMaxSize must be between 64 and 1048576 bytes \(got 10\)/],
      [{ collectionMaxCount: 501 }, /collectionMaxCount must be between 1 and 500 Kinesis records \(got 501\)/],
      [{ recordMaxBufferedTime: -1 }, /recordMaxBufferedTime .*\(got -1\)/],
      [{ rateLimit: 0 }, /rateLimit .*\(got 0\)/],
      [{ maxConnections: 1.5 }, /maxConnections .*\(got 1.5\)/],
      [{ maxBufferedBytes: 1000 }, /maxBufferedBytes .*\(got 1000\)/],
    ] as const;
    for (const [options, message] of cases) {
      assert.throws(
        () => new KinesisProducer({ kinesis, streamName: 's', ...options }),
        isError('SK_VALIDATION', message),
      );
    }
    assert.throws(() => new KinesisProducer({ kinesis }), isError('SK_VALIDATION', /streamName or streamARN/));
  });
});

describe('the aggregated records themselves', () => {
  test('decode as valid KPL records whose user records all predict the same shard', async () => {
    const { kinesis, producer } = setup(4);
    const acks = Array.from({ length: 2000 }, (_, i) =>
      producer.addUserRecord({ partitionKey: `user-${i % 97}`, data: `{"i":${i}}` }),
    );
    await producer.flush();
    await Promise.all(acks);
    for (const { entry, shardId } of kinesis.stored) {
      const contents = decodeAggregatedRecord(entry.Data!);
      assert.ok(contents.aggregated);
      for (const user of contents.records) {
        assert.equal(kinesis.shardFor(hashKeyOf({ PartitionKey: user.partitionKey })).shardId, shardId);
      }
      assert.equal(
        entry.ExplicitHashKey,
        decimal(hashKeyOf({ PartitionKey: contents.records[0]!.partitionKey }).toString(16)),
      );
    }
  });
});

describe('UserRecordPromise', () => {
  test('works with await, then, catch, finally and Promise.all, without being a native Promise', async () => {
    const { producer } = setup(1);
    const a = producer.addUserRecord({ partitionKey: 'k', data: 'a' });
    const b = producer.addUserRecord({ partitionKey: 'k', data: 'b' });
    assert.equal(a instanceof Promise, false);
    assert.equal(Object.prototype.toString.call(a), '[object UserRecordPromise]');
    let finallyRan = false;
    const chained = a
      .then((r) => r.subSequenceNumber)
      .finally(() => {
        finallyRan = true;
      });
    await producer.flush();
    assert.deepEqual(
      (await Promise.all([a, b])).map((r) => r.subSequenceNumber),
      [0, 1],
    );
    assert.equal(await chained, 0);
    assert.equal(finallyRan, true);
    assert.equal((await b).subSequenceNumber, 1, 'awaited after it settled');
  });

  test('a record that fails unobserved is no unhandled rejection; a late handler still sees the failure', async () => {
    const { kinesis, producer } = setup(1);
    kinesis.refuse = () => ({ code: 'KMSDisabledException', message: 'key disabled' });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const ack = producer.addUserRecord({ partitionKey: 'k', data: 'x' });
      await producer.flush();
      await settle();
      assert.deepEqual(unhandled, []);
      assert.equal(producer.metrics.userRecordsFailed, 1);
      await assert.rejects(ack, isError('SK_UNAVAILABLE', /KMSDisabledException/));
      assert.equal(await ack.catch(() => 'caught'), 'caught');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
