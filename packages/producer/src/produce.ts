/**
 * Sends generated records at a steady rate until a total, a duration or an abort — what `npm start` and
 * `streamkit produce` run — through one of two kinds of client:
 *
 * - a batch writer (the IngestClient, the KinesisStreamWriter): records go out in PutRecords batches. Batches leave
 *   every `min(1 s, batchSize / rate)`, each holding the records due by the next departure, so the count sent tracks
 *   `rate × elapsed` whatever the batch size. At most `maxInFlight` batches are in flight; when the API is slower than
 *   that, `produce` waits (and falls below the rate) rather than piling up requests.
 * - a user record writer (the KinesisProducer): on the same schedule, records are handed over one by one; the
 *   producer aggregates, collects and rate-limits them, and when it is full (`maxBufferedBytes`) `produce` waits for
 *   room, so it slows down instead of growing.
 *
 * `produce` settles only after every record it handed over has been answered.
 */
import { LIMITS, recordBytes, StreamkitError } from '@streamkit/core';
import { type Clock, systemClock } from './clock.ts';
import type { CallOptions, PutRecordsOutput } from './ingest-client.ts';
import type { IngestRecord } from './ingest-record.ts';
import type { UserRecordInput, UserRecordPromise } from './kinesis-producer/kinesis-producer.ts';

/** What `produce` needs of a client: the IngestClient, or anything else that writes batches the same way. */
export interface RecordBatchWriter {
  putRecords(records: readonly IngestRecord[], options?: CallOptions): Promise<PutRecordsOutput>;
}

/** What `produce` needs of a record-at-a-time client: the KinesisProducer, or anything that behaves like it. */
export interface UserRecordWriter {
  addUserRecord(record: UserRecordInput): UserRecordPromise;
  flush(): Promise<void>;
  /** When present, `produce` reports how many Kinesis records carried the user records. */
  readonly metrics?: { readonly kinesisRecordsPut: number };
}

export interface ProduceOptions {
  readonly client: RecordBatchWriter | UserRecordWriter;
  /** Where records come from (a generator such as `stockTicker()`); producing stops early if it runs out. */
  readonly generator: Iterator<IngestRecord> | Iterable<IngestRecord>;
  /** Records per second. */
  readonly rate: number;
  /** Stop after this many records. @default - no limit */
  readonly total?: number;
  /** Stop sending new batches after this long. @default - no limit */
  readonly durationMs?: number;
  /**
   * Records per PutRecords request, at most 500; with a user record writer, the records handed over at each
   * departure. @default 100
   */
  readonly batchSize?: number;
  /** Batches awaiting an answer at once (batch writers only). @default 4 */
  readonly maxInFlight?: number;
  /** Stops sending new records; records in flight are still awaited. */
  readonly signal?: AbortSignal;
  /**
   * Called after each batch is answered (batch writers), or after each departure's records are handed over and once
   * more when every record is answered (user record writers).
   */
  readonly onProgress?: (progress: ProduceProgress) => void;
  /** @default systemClock */
  readonly clock?: Clock;
}

export interface ProduceResult {
  /** Records acknowledged by Kinesis. */
  readonly sent: number;
  /** Records still refused after every retry. */
  readonly failed: number;
  /** Records sent again after a refusal, a throttle or a server error. */
  readonly retried: number;
  readonly elapsedMs: number;
  /** Kinesis records that carried the records acknowledged (a user record writer with metrics only). */
  readonly kinesisRecords?: number;
}

export interface ProduceProgress extends ProduceResult {
  /** Records in batches awaiting an answer. */
  readonly inFlight: number;
}

export const PRODUCE_DEFAULTS = { batchSize: 100, maxInFlight: 4 } as const;

/** Longest pause between two batches, so slow rates still send something every second. */
const MAX_INTERVAL_MS = 1000;

export async function produce(options: ProduceOptions): Promise<ProduceResult> {
  const { client, rate, total, durationMs, signal, onProgress } = options;
  const batchSize = options.batchSize ?? PRODUCE_DEFAULTS.batchSize;
  const maxInFlight = options.maxInFlight ?? PRODUCE_DEFAULTS.maxInFlight;
  checkOptions({ rate, total, durationMs, batchSize, maxInFlight });
  if ('addUserRecord' in client) return produceUserRecords(client, options, batchSize);
  const clock = options.clock ?? systemClock;
  const source = toIterator(options.generator);

  const start = clock.now();
  const intervalMs = Math.min(MAX_INTERVAL_MS, (batchSize * 1000) / rate);
  const inFlight = new Set<Promise<void>>();
  let inFlightRecords = 0;
  let generated = 0;
  let sent = 0;
  let failed = 0;
  let retried = 0;
  let failure: { error: unknown } | undefined;
  let exhausted = false;

  const progress = (): ProduceProgress => ({
    sent,
    failed,
    retried,
    inFlight: inFlightRecords,
    elapsedMs: clock.now() - start,
  });

  const pace = { clock, start, intervalMs, rate, total, durationMs, signal };
  for await (const due of departures(pace, () => exhausted || failure !== undefined || generated === total)) {
    const batch: IngestRecord[] = [];
    while (generated + batch.length < due && batch.length < batchSize) {
      const next = source.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      batch.push(next.value);
    }
    if (batch.length === 0) continue;
    generated += batch.length;

    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    if (failure !== undefined) break;

    inFlightRecords += batch.length;
    let call: Promise<PutRecordsOutput>;
    try {
      call = client.putRecords(batch);
    } catch (error) {
      call = Promise.reject(error);
    }
    const settle = () => {
      inFlightRecords -= batch.length;
      inFlight.delete(request);
    };
    const request: Promise<void> = call.then(
      (output) => {
        settle();
        sent += batch.length - output.failedRecordCount;
        failed += output.failedRecordCount;
        retried += output.retriedRecords;
        if (failure !== undefined) return;
        try {
          onProgress?.(progress());
        } catch (error) {
          failure = { error };
        }
      },
      (error: unknown) => {
        settle();
        failure ??= { error };
      },
    );
    inFlight.add(request);
  }

  await Promise.all(inFlight);
  if (failure !== undefined) throw failure.error;
  return { sent, failed, retried, elapsedMs: clock.now() - start };
}

/** `produce` through a user record writer: the same schedule, records handed over one at a time. */
async function produceUserRecords(
  client: UserRecordWriter,
  options: ProduceOptions,
  batchSize: number,
): Promise<ProduceResult> {
  const { rate, total, durationMs, signal, onProgress } = options;
  const clock = options.clock ?? systemClock;
  const source = toIterator(options.generator);
  const kinesisRecordsBefore = client.metrics?.kinesisRecordsPut;
  const start = clock.now();
  const intervalMs = Math.min(MAX_INTERVAL_MS, (batchSize * 1000) / rate);
  let generated = 0;
  let sent = 0;
  let failed = 0;
  let retried = 0;
  let inFlight = 0;
  let exhausted = false;
  let callbackError: { error: unknown } | undefined;

  const progress = (): ProduceProgress => ({
    sent,
    failed,
    retried,
    inFlight,
    elapsedMs: clock.now() - start,
    ...(kinesisRecordsBefore === undefined
      ? {}
      : { kinesisRecords: client.metrics!.kinesisRecordsPut - kinesisRecordsBefore }),
  });
  const report = () => {
    if (callbackError !== undefined || onProgress === undefined) return;
    try {
      onProgress(progress());
    } catch (error) {
      callbackError = { error };
    }
  };

  const pace = { clock, start, intervalMs, rate, total, durationMs, signal };
  for await (const due of departures(pace, () => exhausted || callbackError !== undefined || generated === total)) {
    while (generated < due && !signal?.aborted) {
      const next = source.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      const { partitionKey, data, explicitHashKey } = next.value;
      const ack = client.addUserRecord({
        partitionKey,
        data: data instanceof Uint8Array ? data : recordBytes(data),
        ...(explicitHashKey === undefined ? {} : { explicitHashKey }),
      });
      generated++;
      inFlight++;
      ack.then(
        (result) => {
          inFlight--;
          sent++;
          retried += result.attempts - 1;
        },
        () => {
          inFlight--;
          failed++;
        },
      );
      // Back-pressure: while the producer is full, wait for room before generating more.
      await ack.buffered;
    }
    report();
  }

  await client.flush();
  report();
  if (callbackError !== undefined) throw callbackError.error;
  return {
    sent,
    failed,
    retried,
    elapsedMs: clock.now() - start,
    ...(kinesisRecordsBefore === undefined
      ? {}
      : { kinesisRecords: client.metrics!.kinesisRecordsPut - kinesisRecordsBefore }),
  };
}

/**
 * The pacing both producing loops share: waits for each departure (every `intervalMs` from `start`) and yields how
 * many records are due by the next one, counted from the start so rounding never drifts. Ends when `done()` says so
 * (checked before each wait), at `durationMs`, or when `signal` aborts.
 */
async function* departures(
  pace: {
    readonly clock: Clock;
    readonly start: number;
    readonly intervalMs: number;
    readonly rate: number;
    readonly total: number | undefined;
    readonly durationMs: number | undefined;
    readonly signal: AbortSignal | undefined;
  },
  done: () => boolean,
): AsyncGenerator<number> {
  const { clock, start, intervalMs, rate, total, durationMs, signal } = pace;
  for (let k = 0; !done() && !signal?.aborted; k++) {
    const departure = start + k * intervalMs;
    if (durationMs !== undefined && departure - start >= durationMs) return;
    const wait = departure - clock.now();
    if (wait > 0) await clock.sleep(wait, signal);
    if (signal?.aborted) return;
    const due = Math.floor(((k + 1) * intervalMs * rate) / 1000 + 1e-9);
    yield total === undefined ? due : Math.min(due, total);
  }
}

function toIterator(source: Iterator<IngestRecord> | Iterable<IngestRecord>): Iterator<IngestRecord> {
  return Symbol.iterator in source ? source[Symbol.iterator]() : source;
}

function checkOptions(o: {
  rate: number;
  total: number | undefined;
  durationMs: number | undefined;
  batchSize: number;
  maxInFlight: number;
}): void {
  const fail = (path: string, rule: string, value: unknown): never => {
    throw new StreamkitError('SK_VALIDATION', `${path} must be ${rule} (got ${String(value)})`, { path });
  };
  if (typeof o.rate !== 'number' || !Number.isFinite(o.rate) || o.rate <= 0) {
    fail('rate', 'a number of records per second above 0', o.rate);
  }
  const maxBatch = LIMITS.kinesis.putRecordsMaxRecords.value;
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1 || o.batchSize > maxBatch) {
    fail('batchSize', `between 1 and ${maxBatch} records`, o.batchSize);
  }
  if (o.total !== undefined && (!Number.isInteger(o.total) || o.total < 0)) {
    fail('total', 'a whole number of records, 0 or more', o.total);
  }
  if (o.durationMs !== undefined && (typeof o.durationMs !== 'number' || !(o.durationMs >= 0))) {
    fail('durationMs', 'a number of milliseconds, 0 or more', o.durationMs);
  }
  if (!Number.isInteger(o.maxInFlight) || o.maxInFlight < 1) {
    fail('maxInFlight', 'a whole number of batches, 1 or more', o.maxInFlight);
  }
}
