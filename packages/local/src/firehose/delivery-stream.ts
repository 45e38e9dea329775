/**
 * A Firehose delivery stream to S3, run locally.
 *
 * Records arrive in batches (`put`: from the Kinesis source or the Direct PUT API) and go through the stages Firehose
 * applies, in its order: the Lambda record transformation (if any) → dynamic partitioning's jq query (if enabled) →
 * record format conversion (if enabled). Records that fail a stage go to error buffers, by error output type.
 *
 * Buffers: one per partition (one in all without dynamic partitioning) and one per error output type. A buffer is
 * written as one object when its records reach `bufferingHints.sizeInMBs` (a record that would overflow it starts the
 * next one), or when `bufferingHints.intervalInSeconds` has passed since its first record — whichever comes first;
 * an interval of 0 writes at the end of every batch. Time comes from an injectable `Timer`, so tests move the clock.
 *
 * Delivery: the body is built (delimiters, Parquet, compression), the key evaluated (prefix with the oldest record's
 * arrival time, then `<name>-<version>-<time>-<uuid><extension>`), and the object written atomically to the object
 * store. A failed write is retried (100 ms doubling to 5 s) until it succeeds; its records stay buffered meanwhile and
 * count against `maxBufferedBytes`, so `put` stops accepting (and the source stops reading) instead of dropping
 * anything. A record is settled — its `settle` callback called, which is what moves a Kinesis checkpoint — only once
 * the object holding it is on disk, or when the processor dropped it.
 */
import { randomUUID } from 'node:crypto';
import {
  type DeliveryPrefixes,
  type DeliverySettings,
  deliveryPrefixes,
  type ErrorOutputType,
  evaluatePrefix,
  LOCAL_REGION,
  objectExtension,
  objectSuffix,
  prefixPartitionKeys,
  StreamkitError,
} from '@streamkit/core';
import type { InvokeTarget, Timer } from '../esm/types.ts';
import { realTimer } from '../esm/types.ts';
import type { LocalObjectStore } from '../s3/object-store.ts';
import { errorChannel, type FlushReason, flushChannel } from './channels.ts';
import { compress } from './compression.ts';
import type { JqEngine } from './jq/jq-engine.ts';
import { MetadataExtraction } from './metadata-extraction.ts';
import { type Column, type Row, toRow, writeParquet } from './record-format.ts';
import { type KinesisRecordMetadata, RecordTransformation } from './record-transformation.ts';

export type DeliveryStreamType = 'DirectPut' | 'KinesisStreamAsSource';
export type DeliveryStreamStatus = 'CREATING' | 'ACTIVE' | 'STOPPING' | 'STOPPED';

/** A record as it enters the delivery stream. */
export interface SourceRecord {
  readonly data: Uint8Array;
  /** Approximate arrival time (epoch ms): the stream's ApproximateArrivalTimestamp, or when Direct PUT received it. */
  readonly arrival: number;
  /** Set for records read from a Kinesis stream. */
  readonly kinesis?: KinesisRecordMetadata;
  /** Called once the record is durable in an object (delivered or under the error prefix), or dropped on purpose. */
  readonly settle?: () => void;
}

export interface LocalDeliveryStreamOptions {
  readonly deliveryStreamName: string;
  readonly deliveryStreamArn: string;
  readonly type: DeliveryStreamType;
  /** The source stream, for a KinesisStreamAsSource delivery stream. */
  readonly sourceStreamArn?: string;
  readonly bucket: string;
  /** The resolved `delivery` section of a spec. */
  readonly settings: DeliverySettings;
  readonly store: LocalObjectStore;
  /** Runs the metadata extraction query; required when dynamic partitioning has one. */
  readonly jq?: JqEngine;
  /** The processor's function; required when `settings.processor` is set. */
  readonly processor?: InvokeTarget;
  /** @default LOCAL_REGION */
  readonly region?: string;
  /** @default realTimer */
  readonly timer?: Timer;
  /** The `<version>` of object names; AWS starts at 1 and adds 1 per configuration change. @default 1 */
  readonly version?: number;
  /** First wait before a failed object write is retried; doubles up to 5 s. @default 100 */
  readonly retryBaseDelayMs?: number;
  /** Record bytes held in memory (open buffers and objects not yet written) above which `put` waits. @default 2 × the buffer size, at least 64 MiB */
  readonly maxBufferedBytes?: number;
}

export interface DeliveryStreamCounts {
  /** Records accepted by `put`. */
  incoming: number;
  /** Records in objects under the prefix. */
  delivered: number;
  /** Records in objects under the error prefix. */
  errored: number;
  /** Records the processor dropped (result `Dropped`). */
  dropped: number;
  objects: number;
  errorObjects: number;
  /** Object writes that failed (and were retried). */
  failedWrites: number;
}

interface Entry {
  /** What the record contributes to the object: its data (and delimiter), or its error line. */
  readonly bytes: Uint8Array;
  readonly row?: Row;
  readonly arrival: number;
  readonly settle?: () => void;
}

interface Buffer_ {
  readonly id: string;
  readonly kind: 'data' | 'error';
  readonly errorOutputType?: ErrorOutputType;
  readonly partitionKeyFromQuery?: Readonly<Record<string, string>>;
  readonly partitionKeyFromLambda?: Readonly<Record<string, string>>;
  readonly entries: Entry[];
  bytes: number;
  readonly openedAt: number;
}

/** A record on its way through the stages. */
interface Item {
  readonly source: SourceRecord;
  data: Uint8Array;
  partitionKeyFromQuery?: Readonly<Record<string, string>>;
  partitionKeyFromLambda?: Readonly<Record<string, string>>;
  row?: Row;
}

const MiB = 1024 * 1024;
const NEWLINE = new Uint8Array([0x0a]);
const encoder = new TextEncoder();

export class LocalDeliveryStream {
  readonly deliveryStreamName: string;
  readonly deliveryStreamArn: string;
  readonly type: DeliveryStreamType;
  readonly sourceStreamArn: string | undefined;
  readonly bucket: string;
  readonly settings: DeliverySettings;
  readonly createdAt: Date;
  readonly counts: DeliveryStreamCounts = {
    incoming: 0,
    delivered: 0,
    errored: 0,
    dropped: 0,
    objects: 0,
    errorObjects: 0,
    failedWrites: 0,
  };

  private statusValue: DeliveryStreamStatus = 'CREATING';
  private readonly options: LocalDeliveryStreamOptions;
  private readonly timer: Timer;
  private readonly prefixes: DeliveryPrefixes;
  private readonly sizeBytes: number;
  private readonly intervalMs: number;
  private readonly maxBufferedBytes: number;
  private readonly transformation: RecordTransformation | undefined;
  private readonly extraction: MetadataExtraction | undefined;
  private readonly lambdaKeys: readonly string[];
  private readonly columns: readonly Column[] | undefined;
  private readonly buffers = new Map<string, Buffer_>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly intake = new Set<Promise<void>>();
  /** Record bytes held: in open buffers, in objects being written, and in batches going through the stages. */
  private held = 0;
  private readonly capacityWaiters: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  /** Stops the interval scheduler. */
  private readonly scheduling = new AbortController();
  /** Stops retries (when stopping takes too long). */
  private readonly retrying = new AbortController();
  private wakeScheduler: (() => void) | undefined;
  private scheduler: Promise<void> | undefined;

  constructor(options: LocalDeliveryStreamOptions) {
    this.options = options;
    this.deliveryStreamName = options.deliveryStreamName;
    this.deliveryStreamArn = options.deliveryStreamArn;
    this.type = options.type;
    this.sourceStreamArn = options.sourceStreamArn;
    this.bucket = options.bucket;
    this.settings = options.settings;
    this.timer = options.timer ?? realTimer;
    this.createdAt = new Date(this.timer.now());
    const { settings } = options;
    this.prefixes = deliveryPrefixes(settings.prefix, settings.errorOutputPrefix);
    this.sizeBytes = settings.bufferingHints.sizeInMBs * MiB;
    this.intervalMs = settings.bufferingHints.intervalInSeconds * 1000;
    this.maxBufferedBytes = options.maxBufferedBytes ?? Math.max(2 * this.sizeBytes, 64 * MiB);

    if (settings.processor) {
      if (!options.processor) {
        throw new StreamkitError(
          'SK_INTERNAL',
          `delivery stream ${this.deliveryStreamName} has a processor but no function`,
        );
      }
      this.transformation = new RecordTransformation({
        target: options.processor,
        deliveryStreamArn: this.deliveryStreamArn,
        ...(options.sourceStreamArn && { sourceKinesisStreamArn: options.sourceStreamArn }),
        region: options.region ?? LOCAL_REGION,
        bufferSizeInMBs: settings.processor.bufferSizeInMBs,
        numberOfRetries: settings.processor.numberOfRetries,
        timer: this.timer,
        signal: this.retrying.signal,
        ...(options.retryBaseDelayMs !== undefined && { retryBaseDelayMs: options.retryBaseDelayMs }),
      });
    }
    const dp = settings.dynamicPartitioning;
    const queryKeys = prefixPartitionKeys(this.prefixes.data, 'partitionKeyFromQuery');
    this.lambdaKeys = prefixPartitionKeys(this.prefixes.data, 'partitionKeyFromLambda');
    if (dp.enabled && dp.metadataExtractionQuery !== undefined) {
      if (!options.jq) {
        throw new StreamkitError(
          'SK_INTERNAL',
          `delivery stream ${this.deliveryStreamName} partitions by jq but has no jq`,
        );
      }
      this.extraction = new MetadataExtraction(options.jq, dp.metadataExtractionQuery, queryKeys);
    }
    this.columns = settings.dataFormatConversion.enabled ? settings.dataFormatConversion.columns : undefined;
  }

  get status(): DeliveryStreamStatus {
    return this.statusValue;
  }

  /** The delivery stream's clock (epoch ms): Direct PUT stamps arrival times with it. */
  now(): number {
    return this.timer.now();
  }

  /** Records in open buffers (not yet being written). */
  get bufferedRecords(): number {
    let n = 0;
    for (const buffer of this.buffers.values()) n += buffer.entries.length;
    return n;
  }

  /**
   * Arrival time (epoch ms) of the oldest record in an open buffer, undefined when none is buffered — what
   * Firehose's DeliveryToS3.DataFreshness metric measures the age of.
   */
  get oldestBufferedArrival(): number | undefined {
    let oldest: number | undefined;
    for (const buffer of this.buffers.values()) {
      for (const entry of buffer.entries) if (oldest === undefined || entry.arrival < oldest) oldest = entry.arrival;
    }
    return oldest;
  }

  /** Record bytes held in memory: open buffers, objects being written and batches in the stages. */
  get heldBytes(): number {
    return this.held;
  }

  /** Starts the interval scheduler: the delivery stream is ACTIVE. */
  start(): void {
    if (this.statusValue !== 'CREATING') return;
    this.statusValue = 'ACTIVE';
    this.scheduler = this.schedule();
  }

  /**
   * Takes a batch of records through the stages into the buffers. Waits first while the delivery stream holds
   * `maxBufferedBytes` or more (objects that cannot be written yet); `signal` ends that wait with an error.
   */
  async put(records: readonly SourceRecord[], options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    if (records.length === 0) return;
    await this.capacity(options.signal);
    const bytes = records.reduce((n, r) => n + r.data.byteLength, 0);
    this.held += bytes;
    this.counts.incoming += records.length;
    const work = this.process(records).finally(() => {
      this.held -= bytes;
      this.intake.delete(work);
      this.notifyCapacity();
      this.notifyIdle();
    });
    this.intake.add(work);
    await work;
  }

  /** Writes the buffers whose interval has passed, and waits until they are written. */
  async flushDue(): Promise<void> {
    await Promise.all(this.startDueFlushes());
  }

  /** Writes every open buffer now, and waits until they are written. */
  async flushAll(reason: FlushReason = 'shutdown'): Promise<void> {
    await Promise.all([...this.buffers.values()].map((buffer) => this.flush(buffer, reason)));
  }

  /** Resolves when no object is being written and no batch is in the stages. */
  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0 || this.intake.size > 0) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  /**
   * Stops accepting records, writes every buffer, and waits for the writes. Writes still failing after `timeoutMs`
   * are given up: their records are not settled (a Kinesis source reads them again from its checkpoint).
   */
  async stop(options: { readonly timeoutMs?: number } = {}): Promise<void> {
    if (this.statusValue === 'STOPPED' || this.statusValue === 'STOPPING') return;
    this.statusValue = 'STOPPING';
    this.scheduling.abort();
    this.wakeScheduler?.();
    this.notifyCapacity();
    await Promise.allSettled([...this.intake]);
    await this.scheduler;
    const writes = Promise.allSettled([this.flushAll('shutdown'), ...this.inFlight]);
    const timeout = new AbortController();
    await Promise.race([writes, this.timer.sleep(options.timeoutMs ?? 30_000, timeout.signal)]);
    timeout.abort();
    this.retrying.abort();
    await writes;
    this.statusValue = 'STOPPED';
  }

  // ── stages ────────────────────────────────────────────────────────────────────────────────────────────────────

  private async process(records: readonly SourceRecord[]): Promise<void> {
    let items: Item[] = records.map((source) => ({ source, data: source.data }));
    const touched = new Set<Buffer_>();

    if (this.transformation) {
      const results = await this.transformation.transform(
        records.map((r) => ({ data: r.data, arrival: r.arrival, ...(r.kinesis && { kinesis: r.kinesis }) })),
      );
      const kept: Item[] = [];
      results.forEach((result, i) => {
        const item = items[i]!;
        if (result.result === 'Ok') {
          item.data = result.data;
          if (result.partitionKeys) item.partitionKeyFromLambda = result.partitionKeys;
          kept.push(item);
        } else if (result.result === 'Dropped') {
          this.counts.dropped++;
          item.source.settle?.();
        } else {
          this.fail(item, 'processing-failed', result.errorCode, result.errorMessage, result.attempts, touched, true);
        }
      });
      items = kept;
    }

    if (this.lambdaKeys.length > 0) {
      items = items.filter((item) => {
        const missing = this.lambdaKeys.filter((k) => item.partitionKeyFromLambda?.[k] === undefined);
        if (missing.length === 0) return true;
        const message = `the processor returned no partition key ${missing.map((k) => JSON.stringify(k)).join(', ')}`;
        this.fail(item, 'processing-failed', 'DynamicPartitioning.PartitionKeyMissing', message, 1, touched);
        return false;
      });
    }

    if (this.extraction && items.length > 0) {
      const data = items.map((item) => item.data);
      // jq itself failing (not a query failing on a record) still leaves every record somewhere: the error prefix.
      const results = await this.extraction
        .extract(data)
        .catch((error: unknown) =>
          data.map(() => ({ ok: false as const, error: `jq failed: ${(error as Error).message}` })),
        );
      items = items.filter((item, i) => {
        const result = results[i]!;
        if (result.ok) {
          item.partitionKeyFromQuery = result.keys;
          return true;
        }
        this.fail(item, 'processing-failed', 'DynamicPartitioning.MetadataExtractionFailed', result.error, 1, touched);
        return false;
      });
    }

    if (this.columns) {
      items = items.filter((item) => {
        const row = toRow(item.data, this.columns!);
        if (row.ok) {
          item.row = row.row;
          return true;
        }
        this.fail(item, 'format-conversion-failed', 'DataFormatConversion.MalformedData', row.error, 1, touched);
        return false;
      });
    }

    const delimiter = this.settings.appendDelimiterToRecord;
    for (const item of items) {
      const keys = [item.partitionKeyFromQuery ?? {}, item.partitionKeyFromLambda ?? {}];
      const id = `data:${JSON.stringify(keys)}`;
      const bytes = delimiter ? concat([item.data, NEWLINE]) : item.data;
      const buffer = this.add(
        id,
        () => ({
          kind: 'data',
          ...(item.partitionKeyFromQuery && { partitionKeyFromQuery: item.partitionKeyFromQuery }),
          ...(item.partitionKeyFromLambda && { partitionKeyFromLambda: item.partitionKeyFromLambda }),
        }),
        {
          bytes,
          ...(item.row && { row: item.row }),
          arrival: item.source.arrival,
          ...(item.source.settle && { settle: item.source.settle }),
        },
      );
      if (buffer) touched.add(buffer);
    }

    // Zero buffering: every batch is written as soon as it has gone through the stages.
    if (this.intervalMs === 0) {
      for (const buffer of touched) if (this.buffers.get(buffer.id) === buffer) void this.flush(buffer, 'interval');
    }
  }

  /** Routes a record to the error buffer of `type`, with Firehose's error record around its data. */
  private fail(
    item: Item,
    type: ErrorOutputType,
    errorCode: string,
    errorMessage: string,
    attempts: number,
    touched: Set<Buffer_>,
    fromProcessor = false,
  ): void {
    const line = {
      attemptsMade: attempts,
      arrivalTimestamp: item.source.arrival,
      errorCode,
      errorMessage,
      attemptEndingTimestamp: this.timer.now(),
      rawData: Buffer.from(fromProcessor ? item.source.data : item.data).toString('base64'),
      ...(fromProcessor && this.transformation && { lambdaArn: this.transformation.functionArn }),
    };
    const buffer = this.add(`error:${type}`, () => ({ kind: 'error', errorOutputType: type }), {
      bytes: encoder.encode(`${JSON.stringify(line)}\n`),
      arrival: item.source.arrival,
      ...(item.source.settle && { settle: item.source.settle }),
    });
    if (buffer) touched.add(buffer);
  }

  // ── buffers ───────────────────────────────────────────────────────────────────────────────────────────────────

  /** Adds an entry to the buffer `id` (opening it if needed); full buffers are written. Returns the open buffer. */
  private add(id: string, make: () => Omit<Buffer_, 'id' | 'entries' | 'bytes' | 'openedAt'>, entry: Entry) {
    let buffer = this.buffers.get(id);
    // A record that would take the buffer past its size starts the next object.
    if (buffer && buffer.bytes + entry.bytes.byteLength > this.sizeBytes) {
      void this.flush(buffer, 'size');
      buffer = undefined;
    }
    if (!buffer) {
      buffer = { ...make(), id, entries: [], bytes: 0, openedAt: this.timer.now() };
      this.buffers.set(id, buffer);
      this.wakeScheduler?.();
    }
    buffer.entries.push(entry);
    buffer.bytes += entry.bytes.byteLength;
    this.held += entry.bytes.byteLength;
    if (buffer.bytes >= this.sizeBytes) {
      void this.flush(buffer, 'size');
      return undefined;
    }
    return buffer;
  }

  /** Starts writing `buffer` (it leaves the open buffers at once); the promise settles when it is written. */
  private flush(buffer: Buffer_, reason: FlushReason): Promise<void> {
    if (this.buffers.get(buffer.id) === buffer) this.buffers.delete(buffer.id);
    const job = this.deliver(buffer, reason)
      .catch((error: unknown) => this.reportUnwritable(buffer, error))
      .finally(() => {
        this.inFlight.delete(job);
        this.held -= buffer.bytes;
        this.notifyCapacity();
        this.notifyIdle();
      });
    this.inFlight.add(job);
    return job;
  }

  private startDueFlushes(): Promise<void>[] {
    const now = this.timer.now();
    return [...this.buffers.values()]
      .filter((buffer) => now - buffer.openedAt >= this.intervalMs)
      .map((buffer) => this.flush(buffer, 'interval'));
  }

  /** Sleeps until the oldest open buffer's interval ends (or a new buffer opens), then writes what is due. */
  private async schedule(): Promise<void> {
    const signal = this.scheduling.signal;
    while (!signal.aborted) {
      const wake = new Promise<void>((resolve) => {
        this.wakeScheduler = resolve;
      });
      let next = Number.POSITIVE_INFINITY;
      for (const buffer of this.buffers.values()) next = Math.min(next, buffer.openedAt + this.intervalMs);
      if (next === Number.POSITIVE_INFINITY) await wake;
      else {
        const wait = next - this.timer.now();
        if (wait > 0) await Promise.race([wake, this.timer.sleep(wait, signal)]);
      }
      if (signal.aborted) return;
      void this.startDueFlushes();
    }
  }

  // ── delivery ──────────────────────────────────────────────────────────────────────────────────────────────────

  private async deliver(buffer: Buffer_, reason: FlushReason): Promise<void> {
    const { entries } = buffer;
    let arrival = Number.POSITIVE_INFINITY;
    for (const entry of entries) arrival = Math.min(arrival, entry.arrival);
    const parquet = buffer.kind === 'data' && this.columns !== undefined;
    let body: Uint8Array;
    try {
      body = parquet
        ? await writeParquet(
            entries.map((e) => e.row ?? {}),
            this.columns!,
            this.settings.dataFormatConversion.compression,
          )
        : await compress(this.settings.compression, concat(entries.map((e) => e.bytes)));
    } catch (error) {
      // The rows were checked one by one; should the file still fail, its records go to the error prefix, not nowhere.
      if (!parquet) throw error;
      const touched = new Set<Buffer_>();
      for (const entry of entries) {
        const item: Item = {
          source: { data: entry.bytes, arrival: entry.arrival, ...(entry.settle && { settle: entry.settle }) },
          data: entry.bytes,
        };
        this.fail(
          item,
          'format-conversion-failed',
          'DataFormatConversion.WriteFailed',
          (error as Error).message,
          1,
          touched,
        );
      }
      return;
    }
    const prefix = evaluatePrefix(buffer.kind === 'data' ? this.prefixes.data : this.prefixes.error, {
      arrival,
      ...(buffer.errorOutputType && { errorOutputType: buffer.errorOutputType }),
      ...(buffer.partitionKeyFromQuery && { partitionKeyFromQuery: buffer.partitionKeyFromQuery }),
      ...(buffer.partitionKeyFromLambda && { partitionKeyFromLambda: buffer.partitionKeyFromLambda }),
      randomString: () => randomUUID().replaceAll('-', '').slice(0, 11),
    });
    const key =
      prefix +
      objectSuffix({
        deliveryStreamName: this.deliveryStreamName,
        version: this.options.version ?? 1,
        time: this.timer.now(),
        uuid: randomUUID(),
        extension: objectExtension(this.settings.compression, parquet ? 'PARQUET' : undefined),
      });

    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.store.putObject(this.bucket, key, body);
        for (const entry of entries) entry.settle?.();
        if (buffer.kind === 'data') {
          this.counts.delivered += entries.length;
          this.counts.objects++;
        } else {
          this.counts.errored += entries.length;
          this.counts.errorObjects++;
        }
        if (flushChannel.hasSubscribers) {
          flushChannel.publish({
            deliveryStreamName: this.deliveryStreamName,
            bucket: this.bucket,
            key,
            kind: buffer.kind,
            reason,
            records: entries.length,
            bytes: buffer.bytes,
            objectBytes: body.byteLength,
            attempts: attempt,
          });
        }
        return;
      } catch (error) {
        this.counts.failedWrites++;
        const giveUp = this.retrying.signal.aborted;
        const delay = Math.min(5000, (this.options.retryBaseDelayMs ?? 100) * 2 ** Math.min(attempt - 1, 16));
        if (errorChannel.hasSubscribers) {
          errorChannel.publish({
            deliveryStreamName: this.deliveryStreamName,
            bucket: this.bucket,
            key,
            attempt,
            code: (StreamkitError.is(error) ? (error.details?.code as string | undefined) : undefined) ?? undefined,
            error: (error as Error).message,
            retryInMs: giveUp ? undefined : delay,
          });
        }
        if (giveUp) return;
        await this.timer.sleep(delay, this.retrying.signal);
      }
    }
  }

  /** A buffer that could not even be made into an object (a bug): reported, its records left unsettled. */
  private reportUnwritable(buffer: Buffer_, error: unknown): void {
    if (errorChannel.hasSubscribers) {
      errorChannel.publish({
        deliveryStreamName: this.deliveryStreamName,
        bucket: this.bucket,
        key: '',
        attempt: 1,
        code: undefined,
        error: `${buffer.entries.length} records could not be made into an object: ${(error as Error).message}`,
        retryInMs: undefined,
      });
    }
  }

  // ── backpressure ──────────────────────────────────────────────────────────────────────────────────────────────

  private async capacity(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      if (this.statusValue !== 'ACTIVE') {
        throw new StreamkitError(
          'SK_UNAVAILABLE',
          `delivery stream ${this.deliveryStreamName} is ${this.statusValue}`,
          {
            retriable: this.statusValue === 'CREATING',
          },
        );
      }
      if (signal?.aborted) throw new StreamkitError('SK_UNAVAILABLE', 'the put was cancelled');
      if (this.held < this.maxBufferedBytes) return;
      await new Promise<void>((resolve) => {
        this.capacityWaiters.push(resolve);
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  }

  private notifyCapacity(): void {
    for (const wake of this.capacityWaiters.splice(0)) wake();
  }

  private notifyIdle(): void {
    if (this.inFlight.size === 0 && this.intake.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
