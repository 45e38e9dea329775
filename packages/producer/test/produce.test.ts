import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StreamkitError } from '@streamkit/core';
import { deaggregateRecord } from '../src/aggregation/deaggregate.ts';
import type { Clock } from '../src/clock.ts';
import { clickstream } from '../src/generators/clickstream.ts';
import { stockTicker } from '../src/generators/stock-ticker.ts';
import { type TaxiRide, taxiRides } from '../src/generators/taxi-rides.ts';
import type { PutRecordsOutput } from '../src/ingest-client.ts';
import type { IngestRecord } from '../src/ingest-record.ts';
import { KinesisProducer, type KinesisProducerOptions } from '../src/kinesis-producer/kinesis-producer.ts';
import { type ProduceProgress, type ProduceResult, produce, type RecordBatchWriter } from '../src/produce.ts';
import { evenShards, FakeKinesis } from './support/fake-kinesis.ts';
import { ManualClock } from './support/manual-clock.ts';

/** A clock that only moves when the producer sleeps. */
function fakeClock(): Clock & { time: () => number } {
  let now = 0;
  return {
    time: () => now,
    now: () => now,
    async sleep(ms, signal) {
      if (!signal?.aborted) now += ms;
    },
  };
}

interface Batch {
  readonly at: number;
  readonly records: readonly IngestRecord[];
}

/** A client acknowledging everything at once, remembering when each batch was sent. */
function recordingClient(clock: Clock, answer?: (records: readonly IngestRecord[]) => PutRecordsOutput) {
  const batches: Batch[] = [];
  const client: RecordBatchWriter = {
    async putRecords(records) {
      batches.push({ at: clock.now(), records });
      return (
        answer?.(records) ?? {
          records: records.map(() => ({ sequenceNumber: '1', shardId: 'shardId-000000000000' })),
          failedRecordCount: 0,
          retriedRecords: 0,
          attempts: 1,
        }
      );
    },
  };
  return { client, batches };
}

function numbered(): Generator<IngestRecord, never> {
  return (function* () {
    for (let i = 0; ; i++) yield { data: { i }, partitionKey: `k${i % 7}` };
  })();
}

describe('produce pacing', () => {
  test('sends full batches every batchSize / rate seconds', async () => {
    const clock = fakeClock();
    const { client, batches } = recordingClient(clock);
    const result = await produce({ client, generator: numbered(), rate: 200, total: 1000, batchSize: 100, clock });
    assert.deepEqual(
      batches.map((b) => b.at),
      [0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500],
    );
    assert.ok(batches.every((b) => b.records.length === 100));
    assert.deepEqual(result, { sent: 1000, failed: 0, retried: 0, elapsedMs: 4500 });
  });

  test('keeps records in generator order across batches', async () => {
    const clock = fakeClock();
    const { client, batches } = recordingClient(clock);
    await produce({ client, generator: numbered(), rate: 1000, total: 250, batchSize: 100, clock });
    const order = batches.flatMap((b) => b.records.map((r) => (r.data as { i: number }).i));
    assert.deepEqual(
      order,
      Array.from({ length: 250 }, (_, i) => i),
    );
    assert.deepEqual(
      batches.map((b) => b.records.length),
      [100, 100, 50],
    );
  });

  test('below batchSize records per second it still sends every second, with what is due', async () => {
    const clock = fakeClock();
    const { client, batches } = recordingClient(clock);
    await produce({ client, generator: numbered(), rate: 10, total: 35, batchSize: 100, clock });
    assert.deepEqual(
      batches.map((b) => [b.at, b.records.length]),
      [
        [0, 10],
        [1000, 10],
        [2000, 10],
        [3000, 5],
      ],
    );
  });

  test('a fractional rate sends a record only when one is due', async () => {
    const clock = fakeClock();
    const { client, batches } = recordingClient(clock);
    await produce({ client, generator: numbered(), rate: 0.5, total: 3, clock });
    assert.deepEqual(
      batches.map((b) => [b.at, b.records.length]),
      [
        [1000, 1],
        [3000, 1],
        [5000, 1],
      ],
    );
  });

  test('the count sent tracks rate × elapsed whatever the batch size', async () => {
    for (const [rate, batchSize] of [
      [7, 5],
      [333, 100],
      [1500, 500],
      [50, 1],
    ] as const) {
      const clock = fakeClock();
      const { client, batches } = recordingClient(clock);
      await produce({ client, generator: numbered(), rate, durationMs: 10_000, batchSize, clock });
      const sent = batches.reduce((n, b) => n + b.records.length, 0);
      assert.ok(Math.abs(sent - rate * 10) <= batchSize, `rate ${rate}, batch ${batchSize}: ${sent} records in 10 s`);
      for (const batch of batches) {
        const dueBy = Math.floor(((batch.at + Math.min(1000, (batchSize * 1000) / rate)) * rate) / 1000 + 1e-9);
        const sentBy = batches.filter((b) => b.at <= batch.at).reduce((n, b) => n + b.records.length, 0);
        assert.ok(sentBy <= dueBy, `never ahead of schedule: ${sentBy} sent by ${batch.at} ms, ${dueBy} due`);
        assert.ok(batch.records.length <= batchSize);
      }
    }
  });

  test('stops at durationMs', async () => {
    const clock = fakeClock();
    const { client, batches } = recordingClient(clock);
    const result = await produce({ client, generator: numbered(), rate: 100, durationMs: 3000, batchSize: 50, clock });
    assert.equal(result.sent, 300);
    assert.ok(batches.every((b) => b.at < 3000));
  });

  test('stops when the generator runs out', async () => {
    const clock = fakeClock();
    const { client } = recordingClient(clock);
    const five = Array.from({ length: 5 }, (_, i) => ({ data: i, partitionKey: 'k' }));
    const result = await produce({ client, generator: five, rate: 100, total: 1000, clock });
    assert.equal(result.sent, 5);
  });

  test('stops at an abort and still awaits the batches in flight', async () => {
    const clock = fakeClock();
    const controller = new AbortController();
    const pending: Array<() => void> = [];
    let sentRecords = 0;
    const client: RecordBatchWriter = {
      putRecords(records) {
        sentRecords += records.length;
        if (sentRecords >= 300) controller.abort();
        return new Promise((resolve) => {
          pending.push(() =>
            resolve({
              records: records.map(() => ({ sequenceNumber: '1', shardId: 's' })),
              failedRecordCount: 0,
              retriedRecords: 0,
              attempts: 1,
            }),
          );
        });
      },
    };
    let settled = false;
    const run = produce({
      client,
      generator: stockTicker({ seed: 1 }),
      rate: 100,
      batchSize: 100,
      signal: controller.signal,
      clock,
    }).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(pending.length, 3, 'three batches sent before the abort');
    assert.equal(settled, false, 'not settled while batches await an answer');
    for (const resolve of pending) resolve();
    const result = await run;
    assert.equal(result.sent, 300);
  });
});

describe('produce results', () => {
  test('resolves only once every batch sent has been answered', async () => {
    const clock = fakeClock();
    const pending: Array<() => void> = [];
    const client: RecordBatchWriter = {
      putRecords: (records) =>
        new Promise((resolve) =>
          pending.push(() =>
            resolve({
              records: records.map(() => ({ sequenceNumber: '1', shardId: 's' })),
              failedRecordCount: 0,
              retriedRecords: 0,
              attempts: 1,
            }),
          ),
        ),
    };
    let settled = false;
    const run = produce({ client, generator: numbered(), rate: 1000, total: 300, batchSize: 100, clock }).finally(
      () => {
        settled = true;
      },
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(pending.length, 3);
    pending[2]!();
    pending[0]!();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'one batch still unanswered');
    pending[1]!();
    assert.equal((await run).sent, 300);
  });

  test('adds up failed and retried records and reports progress after each batch', async () => {
    const clock = fakeClock();
    const { client } = recordingClient(clock, (records) => ({
      records: records.map(() => ({ sequenceNumber: '1', shardId: 's' })),
      failedRecordCount: 1,
      retriedRecords: 3,
      attempts: 2,
    }));
    const progress: ProduceProgress[] = [];
    const result = await produce({
      client,
      generator: numbered(),
      rate: 100,
      total: 400,
      batchSize: 100,
      clock,
      onProgress: (p) => progress.push(p),
    });
    assert.equal(result.sent, 396);
    assert.equal(result.failed, 4);
    assert.equal(result.retried, 12);
    assert.deepEqual(
      progress.map((p) => p.sent),
      [99, 198, 297, 396],
    );
    assert.ok(progress.every((p) => p.inFlight === 0));
  });

  test('never has more than maxInFlight batches awaiting an answer', async () => {
    const clock = fakeClock();
    let open = 0;
    let most = 0;
    const client: RecordBatchWriter = {
      async putRecords(records) {
        open++;
        most = Math.max(most, open);
        await new Promise((resolve) => setImmediate(resolve));
        open--;
        return { records: [], failedRecordCount: 0, retriedRecords: 0, attempts: records.length > 0 ? 1 : 0 };
      },
    };
    // The fake clock never waits, so every batch is due at once: only maxInFlight holds them back.
    const result = await produce({
      client,
      generator: numbered(),
      rate: 1e6,
      total: 5000,
      batchSize: 100,
      maxInFlight: 3,
      clock,
    });
    assert.equal(result.sent, 5000);
    assert.equal(most, 3);
  });

  test('rejects with the client error once the batches in flight are answered', async () => {
    const clock = fakeClock();
    let calls = 0;
    const client: RecordBatchWriter = {
      async putRecords(records) {
        calls++;
        if (calls === 2) throw new StreamkitError('SK_VALIDATION', 'records[0].partitionKey is required');
        return { records: [], failedRecordCount: 0, retriedRecords: 0, attempts: records.length };
      },
    };
    await assert.rejects(
      produce({ client, generator: numbered(), rate: 100, total: 10_000, batchSize: 100, clock }),
      (error: unknown) => StreamkitError.is(error) && error.code === 'SK_VALIDATION',
    );
    assert.ok(calls <= 3, `stopped sending after the failure (${calls} batches)`);
  });

  test('refuses options outside their range with SK_VALIDATION naming the option and the value', async () => {
    const { client } = recordingClient(fakeClock());
    const cases = [
      [{ batchSize: 501 }, /batchSize must be between 1 and 500 records \(got 501\)/],
      [{ batchSize: 0 }, /batchSize must be between 1 and 500 records \(got 0\)/],
      [{ rate: 0 }, /rate must be a number of records per second above 0 \(got 0\)/],
      [{ total: -1 }, /total .*\(got -1\)/],
      [{ maxInFlight: 0 }, /maxInFlight .*\(got 0\)/],
    ] as const;
    for (const [override, message] of cases) {
      await assert.rejects(
        produce({ client, generator: numbered(), rate: 10, total: 1, ...override }),
        (error: unknown) => StreamkitError.is(error) && error.code === 'SK_VALIDATION' && message.test(error.message),
      );
    }
  });
});

describe('produce with a KinesisProducer', () => {
  /** A producer over a Kinesis double, both on a clock the test moves. */
  function producerSetup(options: Partial<KinesisProducerOptions> = {}) {
    const clock = new ManualClock();
    const kinesis = new FakeKinesis(evenShards(2), () => clock.now());
    const producer = new KinesisProducer({ kinesis: kinesis.client, streamName: 's', clock, ...options });
    return { clock, kinesis, producer };
  }

  /** Runs `produce` to the end, moving the clock 10 ms at a time; `each` looks at the state after every step. */
  async function drive(clock: ManualClock, run: Promise<ProduceResult>, each: () => void = () => {}) {
    let done = false;
    const finished = run.finally(() => {
      done = true;
    });
    for (let step = 0; !done && step < 100_000; step++) {
      await clock.advance(10);
      each();
    }
    return finished;
  }

  test('hands records over at the rate, and they reach Kinesis in far fewer Kinesis records', async () => {
    const { clock, kinesis, producer } = producerSetup();
    const progress: ProduceProgress[] = [];
    const run = produce({
      client: producer,
      generator: taxiRides({ seed: 1, now: () => clock.now() }),
      rate: 1000,
      total: 3000,
      batchSize: 100,
      clock,
      onProgress: (p) => progress.push(p),
    });
    const result = await drive(clock, run, () => {
      // Never ahead of schedule: by time t, at most rate × (t + one interval) records handed over.
      const due = Math.floor(((clock.elapsed + 100) * 1000) / 1000);
      assert.ok(
        producer.metrics.userRecordsReceived <= due,
        `${producer.metrics.userRecordsReceived} by ${clock.elapsed} ms`,
      );
    });
    assert.equal(result.sent, 3000);
    assert.equal(result.failed, 0);
    assert.equal(result.kinesisRecords, kinesis.stored.length);
    assert.ok(result.kinesisRecords! <= 3000 / 20, `${result.kinesisRecords} Kinesis records`);
    assert.ok(result.elapsedMs >= 2900, `${result.elapsedMs} ms for 3 s of records at 1,000/s`);
    assert.equal(progress.length, 31, 'after each of the 30 departures, and once all is answered');
    assert.deepEqual(progress.at(-1), { ...result, inFlight: 0 });
    assert.ok(progress.every((p, i) => i === 0 || p.sent >= progress[i - 1]!.sent));
    const stored = kinesis.stored.flatMap((r) =>
      deaggregateRecord({ partitionKey: r.entry.PartitionKey!, sequenceNumber: r.sequenceNumber, data: r.entry.Data! }),
    );
    const first = JSON.parse(Buffer.from(stored[0]!.data).toString()) as TaxiRide;
    assert.equal(stored.length, 3000);
    assert.equal(stored[0]!.partitionKey, first.ride_id, 'records are JSON, keyed like the generator keys them');
  });

  test('slows down instead of growing when the producer is full, and finishes when Kinesis answers again', async () => {
    const { clock, kinesis, producer } = producerSetup({ maxBufferedBytes: 64 * 1024 });
    kinesis.hold = true;
    const run = produce({ client: producer, generator: clickstream({ seed: 2 }), rate: 100_000, total: 20_000, clock });
    for (let i = 0; i < 100; i++) await clock.advance(10);
    const handedOver = producer.metrics.userRecordsReceived;
    assert.ok(handedOver < 1000, `only ${handedOver} records handed over while Kinesis is silent`);
    assert.ok(producer.bufferedBytes <= 64 * 1024);
    kinesis.hold = false;
    for (const call of kinesis.open) call.respond();
    const result = await drive(clock, run);
    assert.equal(result.sent, 20_000);
    assert.ok(producer.metrics.peakBufferedBytes <= 64 * 1024);
  });

  test('counts records the producer finally fails, and the retries of those it delivers', async () => {
    const { clock, kinesis, producer } = producerSetup({ aggregationEnabled: false, recordTtl: 1000 });
    kinesis.refuse = (entry, attempt) => {
      if (entry.PartitionKey === 'AAPL')
        return { code: 'ProvisionedThroughputExceededException', message: 'Rate exceeded' };
      return attempt === 1 && entry.PartitionKey === 'AMZN' ? { code: 'InternalFailure', message: 'oops' } : undefined;
    };
    const run = produce({
      client: producer,
      generator: stockTicker({ seed: 3, tickers: ['AAPL', 'AMZN', 'MSFT'] }),
      rate: 100,
      total: 300,
      clock,
    });
    const result = await drive(clock, run);
    assert.equal(result.sent + result.failed, 300);
    assert.ok(result.failed > 50 && result.sent > 150, JSON.stringify(result));
    assert.ok(result.retried >= result.sent / 3, `${result.retried} retries`);
  });
});
