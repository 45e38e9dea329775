/**
 * A Kinesis producer after the Kinesis Producer Library (KPL): user records go in one at a time and come out as few
 * Kinesis records and few PutRecords requests, within the shard limits, retried until acknowledged or expired.
 *
 * The pipeline of a user record, as in the KPL (aggregator → limiter → collector → retrier):
 *
 * 1. **Admission.** `addUserRecord` charges the record's bytes to `maxBufferedBytes`; while the producer holds that
 *    much, records wait their turn (the returned promise's `buffered` settles when the record is in), so memory stays
 *    bounded however slow the stream is.
 * 2. **Shard prediction.** The record's hash key (the MD5 of its partition key, or its explicit hash key) is looked
 *    up in the stream's open shards (ListShards).
 * 3. **Aggregation.** Records of one shard are packed into a KPL aggregated record until it would exceed
 *    AggregationMaxSize or AggregationMaxCount, or its first record has waited RecordMaxBufferedTime. As in the KPL
 *    the aggregated record's partition key is "a" and its explicit hash key the first user record's hash key, so it
 *    lands on the predicted shard; a Kinesis record holding one user record is sent as that record, unwrapped.
 * 4. **Rate limiting.** Each shard's Kinesis records wait until they fit in the shard's one-second window
 *    (RateLimit % of 1 MiB/s and 1,000 records/s).
 * 5. **Collection.** Kinesis records of any shards are collected into a PutRecords request of up to
 *    CollectionMaxCount records and CollectionMaxSize bytes, sent when full or when its records are due; at most
 *    MaxConnections requests are in flight, and at most one per shard, so a shard's records are stored in order.
 * 6. **Retries.** Records Kinesis refuses with a retriable error (throttling, internal failure) and requests that fail
 *    (network, 5xx, timeout) go back to the front of their shard's queue after an exponential backoff with jitter,
 *    until RecordTtl; other errors fail the user records. A record that lands on a shard other than the predicted one
 *    means the shards changed: the map is rebuilt and, if the aggregated record holds user records that belong
 *    elsewhere, they are sent again (the KCL would drop them) — at least once, never lost.
 *
 * `flush()` sends everything buffered without waiting for deadlines and resolves once those records are settled;
 * `close()` flushes and refuses new records.
 */
import {
  type KinesisClient,
  PutRecordsCommand,
  type PutRecordsCommandOutput,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import { describeRange, LIMITS, type RangeLimit, StreamkitError, withinLimit } from '@streamkit/core';
import { AggregatedRecordBuilder, decodeAggregatedRecord } from '../aggregation/aggregated-record.ts';
import { type Clock, systemClock } from '../clock.ts';
import { RETRIABLE_KINESIS_ERRORS } from '../put-records-retries.ts';
import { decimalToHashKey, hashKeyToDecimal, isExplicitHashKey, partitionKeyHashKey } from './hash-key.ts';
import {
  LatencyHistogram,
  type ProducerMetrics,
  type ProducerMetricsMessage,
  producerMetricsChannel,
} from './producer-metrics.ts';
import {
  listOpenShards,
  recordDistributionStrategy,
  type ShardMap,
  type ShardRange,
  type StreamRef,
} from './shard-map.ts';
import { ShardRateLimiter } from './shard-rate-limiter.ts';

const P = LIMITS.producer;

export interface KinesisProducerOptions {
  /** Any AWS SDK v3 Kinesis client: pointed at AWS, or at the local engine. The producer never destroys it. */
  readonly kinesis: Pick<KinesisClient, 'send'>;
  /** The stream (give this or `streamARN`). */
  readonly streamName?: string;
  readonly streamARN?: string;
  /** Pack user records into KPL aggregated records. @default true */
  readonly aggregationEnabled?: boolean;
  /** User records per aggregated record. @default 4294967295 */
  readonly aggregationMaxCount?: number;
  /** Bytes of an aggregated record (magic, message, trailer). @default 51200 */
  readonly aggregationMaxSize?: number;
  /** Kinesis records per PutRecords request. @default 500 */
  readonly collectionMaxCount?: number;
  /** Bytes (data plus partition keys) per PutRecords request. @default 5242880 */
  readonly collectionMaxSize?: number;
  /** Milliseconds a user record may wait to be aggregated and collected. @default 100 */
  readonly recordMaxBufferedTime?: number;
  /** Milliseconds after `addUserRecord` by which a record must be acknowledged, else it fails. @default 30000 */
  readonly recordTtl?: number;
  /** Milliseconds a PutRecords request may take before it is abandoned and retried. @default 6000 */
  readonly requestTimeout?: number;
  /** PutRecords requests in flight at once. @default 24 */
  readonly maxConnections?: number;
  /** Most sent to one shard per second, in % of 1 MiB/s and 1,000 records/s. @default 100 */
  readonly rateLimit?: number;
  /** Bytes of user records (plus bookkeeping) held before `addUserRecord` waits. @default 67108864 */
  readonly maxBufferedBytes?: number;
  /** Clock of deadlines, the rate limiter, backoffs, TTLs and latencies. @default systemClock */
  readonly clock?: Clock;
  /** Source of backoff jitter, in [0, 1). @default Math.random */
  readonly random?: () => number;
}

/** A user record: what the KPL's `addUserRecord` takes. */
export interface UserRecordInput {
  /** 1 to 256 characters; user records with the same key stay in order. */
  readonly partitionKey: string;
  /** Bytes, or text stored as UTF-8. Do not change the bytes until the record settles. */
  readonly data: Uint8Array | string;
  /** A 128-bit hash key in decimal that decides the shard instead of the partition key. */
  readonly explicitHashKey?: string;
}

/** Where an acknowledged user record is stored. */
export interface UserRecordResult {
  /** The sequence number of the Kinesis record that carries it. */
  readonly sequenceNumber: string;
  /** Its position inside that Kinesis record (0 when it was sent alone). */
  readonly subSequenceNumber: number;
  readonly shardId: string;
  /** Whether it was sent inside an aggregated record. */
  readonly aggregated: boolean;
  /** PutRecords attempts it took, the first included. */
  readonly attempts: number;
}

/**
 * Settles when the record is acknowledged, or rejects with a StreamkitError when it finally fails: `await` it, hand
 * it to `Promise.all`, call `then`/`catch`/`finally`. `buffered` resolves as soon as the producer has taken the record
 * in: at once while there is room, later under back-pressure.
 *
 * It has the shape of a Promise but is not a native one (`instanceof Promise` is false): the producer makes a native
 * promise only once someone calls `then` (or awaits it), so a fire-and-forget caller pays for no promise per record,
 * and a record that fails unobserved is counted in the metrics instead of crashing the process as an unhandled
 * rejection.
 */
export interface UserRecordPromise extends Promise<UserRecordResult> {
  readonly buffered: Promise<void>;
}

const READY: Promise<void> = Promise.resolve();
const PENDING = 0;
const FULFILLED = 1;
const REJECTED = 2;

/** What the user records of one acknowledged Kinesis record share. */
interface KinesisRecordOutcome {
  readonly sequenceNumber: string;
  readonly shardId: string;
  readonly aggregated: boolean;
}

/** One user record being produced: its bookkeeping, and the promise-like handed to the caller. */
class PendingUserRecord implements UserRecordPromise {
  buffered: Promise<void> = READY;
  /** When it must leave the aggregator. */
  deadline: number;
  /** PutRecords attempts of the Kinesis records that carried it (the last one included once settled). */
  attempts = 0;
  private state = PENDING;
  private outcome: KinesisRecordOutcome | StreamkitError | undefined;
  private subSequenceNumber = 0;
  /** The native promise, made when someone first calls `then`. */
  private listener:
    | {
        readonly promise: Promise<UserRecordResult>;
        resolve?: (result: UserRecordResult) => void;
        reject?: (error: unknown) => void;
      }
    | undefined;

  constructor(
    readonly addedAt: number,
    readonly expiresAt: number,
    deadline: number,
    readonly charge: number,
    readonly dataBytes: number,
    readonly epoch: number,
    /** 32-digit hex. */
    readonly hashKey: string,
  ) {
    this.deadline = deadline;
  }

  get [Symbol.toStringTag](): string {
    return 'UserRecordPromise';
  }

  // biome-ignore lint/suspicious/noThenProperty: a promise-like on purpose, see UserRecordPromise.
  then<A = UserRecordResult, B = never>(
    onFulfilled?: ((result: UserRecordResult) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.toPromise().then(onFulfilled, onRejected);
  }

  catch<T = never>(onRejected?: ((reason: unknown) => T | PromiseLike<T>) | null): Promise<UserRecordResult | T> {
    return this.toPromise().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<UserRecordResult> {
    return this.toPromise().finally(onFinally);
  }

  fulfill(outcome: KinesisRecordOutcome, subSequenceNumber: number, attempts: number): void {
    this.state = FULFILLED;
    this.outcome = outcome;
    this.subSequenceNumber = subSequenceNumber;
    this.attempts = attempts;
    this.listener?.resolve?.(this.result());
  }

  reject(error: StreamkitError): void {
    this.state = REJECTED;
    this.outcome = error;
    this.listener?.reject?.(error);
  }

  private result(): UserRecordResult {
    const outcome = this.outcome as KinesisRecordOutcome;
    return {
      sequenceNumber: outcome.sequenceNumber,
      subSequenceNumber: this.subSequenceNumber,
      shardId: outcome.shardId,
      aggregated: outcome.aggregated,
      attempts: this.attempts,
    };
  }

  private toPromise(): Promise<UserRecordResult> {
    if (this.listener === undefined) {
      if (this.state === FULFILLED) this.listener = { promise: Promise.resolve(this.result()) };
      else if (this.state === REJECTED) this.listener = { promise: Promise.reject(this.outcome) };
      else {
        let resolve!: (result: UserRecordResult) => void;
        let reject!: (error: unknown) => void;
        const promise = new Promise<UserRecordResult>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        this.listener = { promise, resolve, reject };
      }
    }
    return this.listener.promise;
  }
}

type Pending = PendingUserRecord;

/** A user record waiting for admission. */
interface Waiting {
  readonly pending: Pending;
  readonly partitionKey: string;
  readonly data: Uint8Array;
  readonly explicitHashKey: string | undefined;
  readonly admitted: () => void;
}

/** A Kinesis record: an aggregated record, or one user record alone. */
interface KinesisRecordEntry {
  readonly shard: ShardState;
  readonly data: Uint8Array;
  readonly partitionKey: string;
  /** As sent on the wire. */
  readonly explicitHashKey: string | undefined;
  /** For a record sent alone: the user's own explicit hash key. */
  readonly userExplicitHashKey: string | undefined;
  readonly users: Pending[];
  readonly aggregated: boolean;
  /** Data plus partition key: what the shard and request limits count. */
  readonly bytes: number;
  readonly deadline: number;
  readonly expiresAt: number;
  readonly minEpoch: number;
  /** When it may be sent in the current collection (the deadline, extended like the KPL's collector). */
  collectBy: number;
  attempts: number;
  notBefore: number;
}

class OpenAggregate {
  readonly builder = new AggregatedRecordBuilder();
  readonly users: Pending[] = [];
  firstPartitionKey = '';
  firstData: Uint8Array = new Uint8Array(0);
  firstExplicitHashKey: string | undefined;
  deadline = Number.POSITIVE_INFINITY;
  expiresAt = Number.POSITIVE_INFINITY;
  minEpoch = Number.POSITIVE_INFINITY;
}

class ShardState {
  open: OpenAggregate | undefined;
  readonly queue: KinesisRecordEntry[] = [];
  head = 0;
  inFlight = false;
  retired = false;

  constructor(
    /** Undefined for records whose shard could not be predicted: sent alone, unlimited. */
    readonly range: ShardRange | undefined,
    readonly limiter: ShardRateLimiter | undefined,
  ) {}

  get queued(): number {
    return this.queue.length - this.head;
  }

  peek(): KinesisRecordEntry | undefined {
    return this.queue[this.head];
  }

  shift(): void {
    this.queue[this.head] = undefined as unknown as KinesisRecordEntry;
    this.head++;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Puts entries back at the front, in the order given. */
  unshift(entries: readonly KinesisRecordEntry[]): void {
    this.queue.splice(this.head, 0, ...entries);
  }

  /** Takes every queued entry out. */
  drain(): KinesisRecordEntry[] {
    const entries = this.queue.slice(this.head);
    this.queue.length = 0;
    this.head = 0;
    return entries;
  }
}

const AGGREGATED_PARTITION_KEY = 'a';
const HASH_CACHE_SIZE = 65_536;
/** Lookups between two decisions to use the partition key hash cache or not. */
const HASH_CACHE_CHECK_EVERY = 16_384;
const SHARD_MAP_MIN_INTERVAL_MS = 1000;

export class KinesisProducer {
  private readonly kinesis: Pick<KinesisClient, 'send'>;
  private readonly stream: StreamRef;
  private readonly streamLabel: string;
  private readonly aggregationEnabled: boolean;
  private readonly aggregationMaxCount: number;
  private readonly aggregationMaxSize: number;
  private readonly collectionMaxCount: number;
  private readonly collectionMaxSize: number;
  private readonly recordMaxBufferedTime: number;
  private readonly collectionGrace: number;
  private readonly recordTtl: number;
  private readonly requestTimeout: number;
  private readonly maxConnections: number;
  private readonly rateLimit: number;
  private readonly maxBufferedBytes: number;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly origin: number;

  private shardMap: ShardMap | undefined;
  private shards = new Map<string, ShardState>();
  private shardList: ShardState[] = [];
  private readonly unpredicted = new ShardState(undefined, undefined);
  private unrouted: Waiting[] = [];
  private mapLoading = false;
  /** The stream's RecordDistributionStrategy is AUTO: Kinesis spreads records over shards itself. */
  private serviceRouted = false;
  /** When the current shard map was applied: answers to requests sent before it say nothing new about it. */
  private mapAppliedAt = Number.NEGATIVE_INFINITY;
  /** When ListShards was last called. */
  private mapLoadedAt = Number.NEGATIVE_INFINITY;
  private readonly hashKeys = new Map<string, string>();
  private hashCacheOn = true;
  private hashLookups = 0;
  private hashHits = 0;

  private batch: KinesisRecordEntry[] = [];
  private batchBytes = 0;
  private batchCollectBy = Number.POSITIVE_INFINITY;
  private batchMinEpoch = Number.POSITIVE_INFINITY;
  private inFlightRequests = 0;
  private rotation = 0;

  private buffered = 0;
  private readonly waiting: Waiting[] = [];
  private waitingHead = 0;

  private epoch = 0;
  private epochOutstanding = 0;
  private readonly olderEpochs = new Map<number, number>();
  private readonly flushWaiters: { epoch: number; resolve: () => void }[] = [];
  private closing = false;

  private pumpQueued = false;
  private timer: AbortController | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  private readonly latency = new LatencyHistogram();
  private readonly counts = {
    userRecordsReceived: 0,
    userRecordsPut: 0,
    userRecordsFailed: 0,
    userRecordsDataPut: 0,
    kinesisRecordsPut: 0,
    kinesisRecordsDataPut: 0,
    putRecordsRequests: 0,
    putRecordsRequestsFailed: 0,
    retries: 0,
    throttles: 0,
    wrongShard: 0,
    shardMapRefreshes: 0,
    peakBufferedBytes: 0,
    backPressureWaits: 0,
  };

  /**
   * Milliseconds since the producer was made. Times are kept relative so that they stay small integers (V8 stores
   * those inline; epoch milliseconds would be a heap number per timestamp per record).
   */
  private now(): number {
    return this.clock.now() - this.origin;
  }

  constructor(options: KinesisProducerOptions) {
    if (options.streamName === undefined && options.streamARN === undefined) {
      throw new StreamkitError('SK_VALIDATION', 'streamName or streamARN is required', { path: 'streamName' });
    }
    this.kinesis = options.kinesis;
    this.stream = {
      ...(options.streamName !== undefined && { StreamName: options.streamName }),
      ...(options.streamARN !== undefined && { StreamARN: options.streamARN }),
    };
    this.streamLabel = options.streamName ?? options.streamARN!;
    this.aggregationEnabled = options.aggregationEnabled ?? P.aggregationEnabled.default;
    this.aggregationMaxCount = knob('aggregationMaxCount', options.aggregationMaxCount, P.aggregationMaxCount);
    // The aggregated record's data plus its one-byte partition key must stay within the Kinesis record limit.
    this.aggregationMaxSize = Math.min(
      knob('aggregationMaxSize', options.aggregationMaxSize, P.aggregationMaxSize),
      LIMITS.kinesis.recordMaxBytes.value - AGGREGATED_PARTITION_KEY.length,
    );
    this.collectionMaxCount = knob('collectionMaxCount', options.collectionMaxCount, P.collectionMaxCount);
    this.collectionMaxSize = knob('collectionMaxSize', options.collectionMaxSize, P.collectionMaxSize);
    this.recordMaxBufferedTime = knob('recordMaxBufferedTime', options.recordMaxBufferedTime, P.recordMaxBufferedTime);
    // The KPL's collector lets a record wait min(50 ms, a fifth of RecordMaxBufferedTime) for others to join.
    this.collectionGrace = this.aggregationEnabled ? Math.min(50, this.recordMaxBufferedTime * 0.2) : 0;
    this.recordTtl = knob('recordTtl', options.recordTtl, P.recordTtl);
    this.requestTimeout = knob('requestTimeout', options.requestTimeout, P.requestTimeout);
    this.maxConnections = knob('maxConnections', options.maxConnections, P.maxConnections);
    this.rateLimit = knob('rateLimit', options.rateLimit, P.rateLimit);
    this.maxBufferedBytes = knob('maxBufferedBytes', options.maxBufferedBytes, P.maxBufferedBytes);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.origin = this.clock.now();
  }

  /**
   * Adds a user record. The promise settles when Kinesis acknowledges it, or rejects when it finally fails; its
   * `buffered` resolves once the producer has taken the record in (await it before adding more to respect
   * back-pressure). Throws SK_VALIDATION for a record Kinesis would refuse, SK_CONFLICT after `close()`.
   */
  addUserRecord(record: UserRecordInput): UserRecordPromise {
    if (this.closing) {
      throw new StreamkitError('SK_CONFLICT', `The producer of stream ${this.streamLabel} is closed`);
    }
    const { partitionKey, explicitHashKey } = record;
    if (
      typeof partitionKey !== 'string' ||
      partitionKey.length < LIMITS.kinesis.partitionKeyLength.min ||
      partitionKey.length > LIMITS.kinesis.partitionKeyLength.max
    ) {
      throw new StreamkitError(
        'SK_VALIDATION',
        `partitionKey must be a string of ${describeRange(LIMITS.kinesis.partitionKeyLength)} (got ${describe(partitionKey)})`,
        { path: 'partitionKey' },
      );
    }
    if (explicitHashKey !== undefined && !isExplicitHashKey(explicitHashKey)) {
      throw new StreamkitError(
        'SK_VALIDATION',
        `explicitHashKey must be a decimal number from 0 to 2^128 - 1 (got ${describe(explicitHashKey)})`,
        { path: 'explicitHashKey' },
      );
    }
    const data = toBytes(record.data);
    // A UTF-16 code unit takes at most 3 bytes in UTF-8: count bytes exactly only near the limit.
    let size = data.length + partitionKey.length;
    if (data.length + 3 * partitionKey.length > LIMITS.kinesis.recordMaxBytes.value) {
      size = data.length + Buffer.byteLength(partitionKey);
    }
    if (size > LIMITS.kinesis.recordMaxBytes.value) {
      throw new StreamkitError(
        'SK_VALIDATION',
        `data plus partitionKey must be at most ${LIMITS.kinesis.recordMaxBytes.value} bytes (got ${size})`,
        { path: 'data' },
      );
    }

    const now = this.now();
    const pending = new PendingUserRecord(
      now,
      now + this.recordTtl,
      now + this.recordMaxBufferedTime,
      size + P.bufferedRecordOverhead.value,
      data.length,
      this.epoch,
      explicitHashKey === undefined ? this.hashKeyOf(partitionKey) : decimalToHashKey(explicitHashKey),
    );
    this.counts.userRecordsReceived++;
    this.epochOutstanding++;

    if (this.waitingHead === this.waiting.length && this.hasRoomFor(pending.charge)) {
      this.admit(pending, partitionKey, data, explicitHashKey);
    } else {
      this.counts.backPressureWaits++;
      pending.buffered = new Promise<void>((admitted) => {
        this.waiting.push({ pending, partitionKey, data, explicitHashKey, admitted });
      });
    }
    return pending;
  }

  /**
   * Sends every record added so far without waiting for RecordMaxBufferedTime, and resolves once each of them is
   * acknowledged or has finally failed (their own promises say which). Records added meanwhile are not waited for.
   */
  flush(): Promise<void> {
    const epoch = this.epoch;
    if (this.epochOutstanding > 0) this.olderEpochs.set(epoch, this.epochOutstanding);
    this.epochOutstanding = 0;
    this.epoch++;
    if (!this.hasOutstandingUpTo(epoch)) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.flushWaiters.push({ epoch, resolve }));
    this.requestPump();
    return done;
  }

  /** Refuses new records, flushes, and resolves once every record is settled. */
  async close(): Promise<void> {
    this.closing = true;
    await this.flush();
    this.timer?.abort();
    this.timer = undefined;
  }

  /** Memory charged to buffered user records now (data, partition key and bookkeeping). */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** User records added and not yet settled, including those waiting for room. */
  get outstandingRecords(): number {
    let outstanding = this.epochOutstanding;
    for (const count of this.olderEpochs.values()) outstanding += count;
    return outstanding;
  }

  get metrics(): ProducerMetrics {
    return {
      ...this.counts,
      userRecordsPending: this.outstandingRecords,
      bufferedBytes: this.buffered,
      latencyMs: this.latency.percentiles(),
    };
  }

  // ---- admission -------------------------------------------------------------------------------------------------

  private hasRoomFor(charge: number): boolean {
    return this.buffered === 0 || this.buffered + charge <= this.maxBufferedBytes;
  }

  private admit(pending: Pending, partitionKey: string, data: Uint8Array, explicitHashKey: string | undefined): void {
    this.buffered += pending.charge;
    if (this.buffered > this.counts.peakBufferedBytes) this.counts.peakBufferedBytes = this.buffered;
    this.route(pending, partitionKey, data, explicitHashKey);
  }

  /** Lets waiting records in while there is room. */
  private admitWaiting(): void {
    const now = this.now();
    while (this.waitingHead < this.waiting.length) {
      const next = this.waiting[this.waitingHead]!;
      if (next.pending.expiresAt <= now) {
        this.waitingHead++;
        next.admitted();
        this.fail(next.pending, expired(this.recordTtl, next.pending.attempts));
        continue;
      }
      if (!this.hasRoomFor(next.pending.charge)) break;
      this.waitingHead++;
      this.admit(next.pending, next.partitionKey, next.data, next.explicitHashKey);
      next.admitted();
    }
    if (this.waitingHead === this.waiting.length) {
      this.waiting.length = 0;
      this.waitingHead = 0;
    } else if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
      this.waiting.splice(0, this.waitingHead);
      this.waitingHead = 0;
    }
  }

  // ---- routing and aggregation -----------------------------------------------------------------------------------

  /**
   * The hash key of a partition key, from a cache while keys repeat (tickers, device ids); when most keys are new
   * (ride ids, UUIDs) the cache costs more than it saves and is left alone until the next check.
   */
  private hashKeyOf(partitionKey: string): string {
    if (++this.hashLookups === HASH_CACHE_CHECK_EVERY) {
      this.hashCacheOn = !this.hashCacheOn || this.hashHits * 2 >= HASH_CACHE_CHECK_EVERY;
      this.hashLookups = 0;
      this.hashHits = 0;
    }
    if (!this.hashCacheOn) return partitionKeyHashKey(partitionKey);
    let hashKey = this.hashKeys.get(partitionKey);
    if (hashKey !== undefined) {
      this.hashHits++;
      return hashKey;
    }
    if (this.hashKeys.size >= HASH_CACHE_SIZE) this.hashKeys.clear();
    hashKey = partitionKeyHashKey(partitionKey);
    this.hashKeys.set(partitionKey, hashKey);
    return hashKey;
  }

  /** Puts an admitted user record into its shard's aggregate (or alone into the shard's queue). */
  private route(pending: Pending, partitionKey: string, data: Uint8Array, explicitHashKey: string | undefined): void {
    const map = this.shardMap;
    if (map === undefined) {
      this.unrouted.push({ pending, partitionKey, data, explicitHashKey, admitted: noop });
      this.loadShardMap();
      return;
    }
    if (this.serviceRouted) {
      // Kinesis places the records of an AUTO stream itself, ignoring keys: nothing to predict or aggregate (the KPL
      // sends them alone too), and no explicit hash key to send.
      this.enqueueAlone(this.unpredicted, pending, partitionKey, data, undefined);
      return;
    }
    const range = map.shardFor(pending.hashKey);
    if (range === undefined) {
      // No open shard holds the key (the map is out of date): send it alone and let Kinesis route it.
      this.markShardMapStale(this.now());
      this.enqueueAlone(this.unpredicted, pending, partitionKey, data, explicitHashKey);
      return;
    }
    const shard = this.shards.get(range.shardId)!;
    if (!this.aggregationEnabled) {
      this.enqueueAlone(shard, pending, partitionKey, data, explicitHashKey);
      return;
    }
    let open = shard.open;
    if (open === undefined) open = this.openAggregate(shard);
    let position = open.builder.addIfFits(this.aggregationMaxSize, partitionKey, data, explicitHashKey);
    if (position < 0) {
      this.seal(shard, true);
      open = this.openAggregate(shard);
      position = open.builder.add(partitionKey, data, explicitHashKey);
    }
    if (position === 0) {
      open.firstPartitionKey = partitionKey;
      open.firstData = data;
      open.firstExplicitHashKey = explicitHashKey;
    }
    open.users.push(pending);
    if (pending.deadline < open.deadline) {
      open.deadline = pending.deadline;
      if (open.deadline < this.timerAt) this.armTimer(open.deadline);
    }
    if (pending.expiresAt < open.expiresAt) open.expiresAt = pending.expiresAt;
    if (pending.epoch < open.minEpoch) open.minEpoch = pending.epoch;
    if (open.users.length >= this.aggregationMaxCount || open.builder.size >= this.aggregationMaxSize) {
      this.seal(shard, true);
    }
  }

  private openAggregate(shard: ShardState): OpenAggregate {
    const open = new OpenAggregate();
    shard.open = open;
    return open;
  }

  /**
   * Closes the shard's open aggregate into a Kinesis record at the end of its queue. A record closed because it is
   * full is due at once: waiting cannot make it bigger, and sending it early keeps latency and memory down (the
   * collector still gives records of other shards its grace to join the request).
   */
  private seal(shard: ShardState, full = false): void {
    const open = shard.open;
    if (open === undefined) return;
    shard.open = undefined;
    if (full) open.deadline = Math.min(open.deadline, this.now());
    if (open.users.length === 1) {
      const pending = open.users[0]!;
      pending.deadline = Math.min(pending.deadline, open.deadline);
      this.enqueueAlone(shard, pending, open.firstPartitionKey, open.firstData, open.firstExplicitHashKey);
      return;
    }
    const data = open.builder.build();
    const first = open.users[0]!;
    this.enqueue(shard, {
      shard,
      data,
      partitionKey: AGGREGATED_PARTITION_KEY,
      explicitHashKey: hashKeyToDecimal(first.hashKey),
      userExplicitHashKey: undefined,
      users: open.users,
      aggregated: true,
      bytes: data.length + AGGREGATED_PARTITION_KEY.length,
      deadline: open.deadline,
      expiresAt: open.expiresAt,
      minEpoch: open.minEpoch,
      collectBy: open.deadline,
      attempts: 0,
      notBefore: 0,
    });
  }

  private enqueueAlone(
    shard: ShardState,
    pending: Pending,
    partitionKey: string,
    data: Uint8Array,
    explicitHashKey: string | undefined,
  ): void {
    this.enqueue(shard, {
      shard,
      data,
      partitionKey,
      // Kinesis routes a record sent alone by its own keys, so only the user's explicit hash key is sent.
      explicitHashKey,
      userExplicitHashKey: explicitHashKey,
      users: [pending],
      aggregated: false,
      bytes: data.length + Buffer.byteLength(partitionKey),
      deadline: pending.deadline,
      expiresAt: pending.expiresAt,
      minEpoch: pending.epoch,
      collectBy: pending.deadline,
      attempts: 0,
      notBefore: 0,
    });
  }

  private enqueue(shard: ShardState, entry: KinesisRecordEntry): void {
    shard.queue.push(entry);
    this.requestPump();
  }

  /**
   * Sends the user records of Kinesis records again, through the aggregator, as new records of their shards — once the
   * shard map being reloaded is in, if it is being reloaded.
   */
  private reroute(entries: readonly KinesisRecordEntry[], now: number): void {
    const waitForMap = this.mapLoading;
    for (const entry of entries) {
      const users = this.userRecordsOf(entry);
      entry.users.forEach((pending, index) => {
        const user = users[index]!;
        pending.attempts += entry.attempts;
        if (pending.expiresAt <= now) {
          this.fail(pending, expired(this.recordTtl, pending.attempts));
          return;
        }
        // Like the KPL's retrier: a record sent again may wait half of RecordMaxBufferedTime to be aggregated.
        pending.deadline = Math.min(pending.deadline, now + this.recordMaxBufferedTime / 2);
        if (waitForMap) {
          this.unrouted.push({
            pending,
            partitionKey: user.partitionKey,
            data: user.data,
            explicitHashKey: user.explicitHashKey,
            admitted: noop,
          });
        } else this.route(pending, user.partitionKey, user.data, user.explicitHashKey);
      });
    }
  }

  /** The user records of a Kinesis record, in order, read back from its bytes. */
  private userRecordsOf(entry: KinesisRecordEntry) {
    if (!entry.aggregated) {
      return [{ partitionKey: entry.partitionKey, data: entry.data, explicitHashKey: entry.userExplicitHashKey }];
    }
    const contents = decodeAggregatedRecord(entry.data);
    if (!contents.aggregated) {
      throw new StreamkitError(
        'SK_INTERNAL',
        `An aggregated record the producer built does not decode (${contents.reason})`,
      );
    }
    return contents.records;
  }

  // ---- the shard map ---------------------------------------------------------------------------------------------

  private loadShardMap(): void {
    if (this.mapLoading) return;
    this.mapLoading = true;
    void this.loadShardMapWithRetries();
  }

  private async loadShardMapWithRetries(): Promise<void> {
    // A map proven wrong again and again (an endpoint naming shards ListShards does not list) is reloaded at most
    // once per SHARD_MAP_MIN_INTERVAL_MS, so re-sends caused by it cannot spin.
    const wait = this.mapLoadedAt + SHARD_MAP_MIN_INTERVAL_MS - this.now();
    if (wait > 0) await this.clock.sleep(wait);
    for (let attempt = 1; ; attempt++) {
      this.mapLoadedAt = this.now();
      try {
        const signal = AbortSignal.timeout(this.requestTimeout);
        const [map, strategy] = await Promise.all([
          listOpenShards(this.kinesis, this.stream, signal),
          recordDistributionStrategy(this.kinesis, this.stream, signal),
        ]);
        this.serviceRouted = strategy === 'AUTO';
        this.mapLoading = false;
        this.applyShardMap(map);
        return;
      } catch (error) {
        const failure = requestFailure(error, `ListShards on stream ${this.streamLabel}`);
        if (!failure.retriable) {
          this.mapLoading = false;
          const unrouted = this.unrouted;
          this.unrouted = [];
          for (const waiting of unrouted) this.fail(waiting.pending, failure);
          return;
        }
        const now = this.now();
        this.unrouted = this.unrouted.filter((waiting) => {
          if (waiting.pending.expiresAt > now) return true;
          this.fail(waiting.pending, expired(this.recordTtl, 0));
          return false;
        });
        await this.clock.sleep(this.backoff(attempt));
      }
    }
  }

  /** Reloads the shard map, unless the evidence (a request sent at `sentAt`) predates the current one. */
  private markShardMapStale(sentAt: number): void {
    if (sentAt < this.mapAppliedAt) return;
    this.loadShardMap();
  }

  /** Switches to a new map: shards that are gone hand their records (not in flight) back to the aggregator. */
  private applyShardMap(map: ShardMap): void {
    this.counts.shardMapRefreshes++;
    const previous = this.shards;
    const next = new Map<string, ShardState>();
    for (const range of map.shards) {
      const old = previous.get(range.shardId);
      const unchanged =
        old?.range !== undefined &&
        old.range.startingHashKey === range.startingHashKey &&
        old.range.endingHashKey === range.endingHashKey;
      next.set(range.shardId, unchanged ? old : new ShardState(range, this.newLimiter()));
    }
    const orphans: KinesisRecordEntry[] = [];
    for (const [shardId, old] of previous) {
      if (next.get(shardId) === old) continue;
      old.retired = true;
      this.seal(old);
      orphans.push(...old.drain());
    }
    orphans.push(...this.batch.filter((entry) => entry.shard.retired));
    if (orphans.length > 0) this.removeFromBatch((entry) => entry.shard.retired);
    this.shardMap = map;
    this.mapAppliedAt = this.now();
    this.shards = next;
    this.shardList = [...next.values()];
    const now = this.now();
    this.reroute(orphans, now);
    const unrouted = this.unrouted;
    this.unrouted = [];
    for (const waiting of unrouted) {
      this.route(waiting.pending, waiting.partitionKey, waiting.data, waiting.explicitHashKey);
    }
    this.requestPump();
  }

  private newLimiter(): ShardRateLimiter {
    return new ShardRateLimiter(
      (LIMITS.kinesis.shardWriteRecordsPerSecond.value * this.rateLimit) / 100,
      (LIMITS.kinesis.shardWriteBytesPerSecond.value * this.rateLimit) / 100,
    );
  }

  // ---- the pump: aggregator deadlines → limiter → collector → requests --------------------------------------------

  private requestPump(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => this.pump());
  }

  private pump(): void {
    this.pumpQueued = false;
    if (this.waitingHead < this.waiting.length) this.admitWaiting();
    const now = this.now();
    let wake = Number.POSITIVE_INFINITY;
    const flushing = this.epoch;

    for (const shard of this.shardList) {
      const open = shard.open;
      if (open === undefined) continue;
      if (open.deadline <= now || open.minEpoch < flushing) this.seal(shard);
      else if (open.deadline < wake) wake = open.deadline;
    }

    const shards = this.shardList;
    const count = shards.length + 1;
    let blocked = false;
    for (let i = 0; i < count && !blocked; i++) {
      const shard = i === count - 1 ? this.unpredicted : shards[(this.rotation + i) % shards.length]!;
      while (shard.queued > 0 && !shard.inFlight) {
        const entry = shard.peek()!;
        if (entry.notBefore > now) {
          if (entry.notBefore < wake) wake = entry.notBefore;
          break;
        }
        if (entry.expiresAt <= now) {
          shard.shift();
          this.reroute([entry], now);
          continue;
        }
        if (shard.limiter !== undefined) {
          const at = shard.limiter.availableAt(now, 1, entry.bytes);
          if (at > now) {
            if (at < wake) wake = at;
            break;
          }
        }
        if (
          this.batch.length >= this.collectionMaxCount ||
          (this.batch.length > 0 && this.batchBytes + entry.bytes > this.collectionMaxSize)
        ) {
          if (this.inFlightRequests >= this.maxConnections) {
            blocked = true;
            break;
          }
          this.sendBatch(now);
          continue; // the shard may be in flight now
        }
        shard.shift();
        shard.limiter?.take(1, entry.bytes);
        this.addToBatch(entry, now);
      }
    }
    this.rotation = shards.length > 0 ? (this.rotation + 1) % shards.length : 0;

    if (this.batch.length > 0) {
      const due =
        this.batch.length >= this.collectionMaxCount || this.batchCollectBy <= now || this.batchMinEpoch < flushing;
      if (due) {
        if (this.inFlightRequests < this.maxConnections) this.sendBatch(now);
      } else if (this.batchCollectBy < wake) wake = this.batchCollectBy;
    }
    if (wake < this.timerAt) this.armTimer(wake);
  }

  private addToBatch(entry: KinesisRecordEntry, now: number): void {
    entry.collectBy = Math.max(entry.deadline, now + this.collectionGrace);
    this.batch.push(entry);
    this.batchBytes += entry.bytes;
    if (entry.collectBy < this.batchCollectBy) this.batchCollectBy = entry.collectBy;
    if (entry.minEpoch < this.batchMinEpoch) this.batchMinEpoch = entry.minEpoch;
  }

  private removeFromBatch(remove: (entry: KinesisRecordEntry) => boolean): void {
    const kept = this.batch.filter((entry) => !remove(entry));
    this.batch = [];
    this.batchBytes = 0;
    this.batchCollectBy = Number.POSITIVE_INFINITY;
    this.batchMinEpoch = Number.POSITIVE_INFINITY;
    const now = this.now();
    for (const entry of kept) this.addToBatch(entry, now);
  }

  private armTimer(at: number): void {
    this.timer?.abort();
    const controller = new AbortController();
    this.timer = controller;
    this.timerAt = at;
    // Whole milliseconds, rounded up: a wake never comes before its time, so the pump always finds work due.
    void this.clock.sleep(Math.max(0, Math.ceil(at - this.now())), controller.signal).then(() => {
      if (this.timer !== controller) return;
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.pump();
    });
  }

  // ---- requests and answers --------------------------------------------------------------------------------------

  private sendBatch(now: number): void {
    const entries = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    this.batchCollectBy = Number.POSITIVE_INFINITY;
    this.batchMinEpoch = Number.POSITIVE_INFINITY;
    this.inFlightRequests++;
    const records: PutRecordsRequestEntry[] = new Array(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.shard.range !== undefined && !entry.shard.inFlight) {
        entry.shard.inFlight = true;
        entry.shard.limiter?.commit(now);
      }
      if (entry.attempts > 0) this.counts.retries++;
      entry.attempts++;
      records[i] =
        entry.explicitHashKey === undefined
          ? { Data: entry.data, PartitionKey: entry.partitionKey }
          : { Data: entry.data, PartitionKey: entry.partitionKey, ExplicitHashKey: entry.explicitHashKey };
    }
    let call: Promise<PutRecordsCommandOutput>;
    try {
      call = this.kinesis.send(new PutRecordsCommand({ ...this.stream, Records: records }), {
        abortSignal: AbortSignal.timeout(this.requestTimeout),
      });
    } catch (error) {
      call = Promise.reject(error);
    }
    call.then(
      (output) => this.onAnswer(entries, output, now),
      (error: unknown) => this.onRequestFailed(entries, error, now),
    );
  }

  private onAnswer(entries: KinesisRecordEntry[], output: PutRecordsCommandOutput, sentAt: number): void {
    const now = this.now();
    this.inFlightRequests--;
    this.counts.putRecordsRequests++;
    for (const entry of entries) entry.shard.inFlight = false;
    const results = output.Records ?? [];
    let refused = 0;
    if (results.length !== entries.length) {
      const failure = new StreamkitError(
        'SK_INTERNAL',
        `PutRecords on ${this.streamLabel} answered ${results.length} results for ${entries.length} records`,
      );
      for (const entry of entries) this.failEntry(entry, failure);
      refused = entries.length;
    } else {
      const retry: KinesisRecordEntry[] = [];
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i]!;
        const result = results[i]!;
        if (result.SequenceNumber !== undefined && result.ShardId !== undefined) {
          this.succeed(entry, result.SequenceNumber, result.ShardId, now, sentAt);
          continue;
        }
        refused++;
        const code = result.ErrorCode ?? 'InternalFailure';
        if (code === 'ProvisionedThroughputExceededException') this.counts.throttles++;
        if (RETRIABLE_KINESIS_ERRORS.has(code)) retry.push(entry);
        else this.failEntry(entry, refusal(code, result.ErrorMessage ?? '', entry, this.streamLabel));
      }
      this.retryLater(retry, now);
    }
    this.publish(entries, refused, now - sentAt);
    this.requestPump();
  }

  private onRequestFailed(entries: KinesisRecordEntry[], error: unknown, sentAt: number): void {
    const now = this.now();
    this.inFlightRequests--;
    this.counts.putRecordsRequestsFailed++;
    for (const entry of entries) entry.shard.inFlight = false;
    const failure = requestFailure(error, `PutRecords on stream ${this.streamLabel}`);
    if (failure.retriable) this.retryLater(entries, now);
    else for (const entry of entries) this.failEntry(entry, failure);
    if (failure.details?.errorCode === 'ResourceNotFoundException') this.markShardMapStale(sentAt);
    this.publish(entries, entries.length, now - sentAt, failure.message);
    this.requestPump();
  }

  /** Puts refused records back at the front of their shards' queues, in order, after a backoff. */
  private retryLater(entries: readonly KinesisRecordEntry[], now: number): void {
    const byShard = new Map<ShardState, KinesisRecordEntry[]>();
    const rerouted: KinesisRecordEntry[] = [];
    for (const entry of entries) {
      if (entry.shard.retired) {
        rerouted.push(entry);
        continue;
      }
      entry.notBefore = now + this.backoff(entry.attempts);
      const list = byShard.get(entry.shard);
      if (list) list.push(entry);
      else byShard.set(entry.shard, [entry]);
    }
    for (const [shard, list] of byShard) shard.unshift(list);
    if (rerouted.length > 0) this.reroute(rerouted, now);
  }

  private succeed(
    entry: KinesisRecordEntry,
    sequenceNumber: string,
    shardId: string,
    now: number,
    sentAt: number,
  ): void {
    const predicted = entry.shard.range;
    if (predicted !== undefined && predicted.shardId !== shardId) {
      this.counts.wrongShard++;
      this.markShardMapStale(sentAt);
      const actual = this.shardMap?.shard(shardId);
      const fits =
        !entry.aggregated ||
        (actual !== undefined &&
          entry.users.every((u) => u.hashKey >= actual.startingHashKey && u.hashKey <= actual.endingHashKey));
      if (!fits) {
        // Stored on a shard whose range does not hold all its user records (the KCL would drop them): send them again.
        this.reroute([entry], now);
        return;
      }
    }
    this.counts.kinesisRecordsPut++;
    this.counts.kinesisRecordsDataPut += entry.bytes;
    const outcome: KinesisRecordOutcome = { sequenceNumber, shardId, aggregated: entry.aggregated };
    const users = entry.users;
    let dataBytes = 0;
    for (let i = 0; i < users.length; i++) {
      const pending = users[i]!;
      dataBytes += pending.dataBytes;
      this.latency.record(now - pending.addedAt);
      // The record's own promise first, so its callbacks run before those of a flush() it completes.
      pending.fulfill(outcome, entry.aggregated ? i : 0, pending.attempts + entry.attempts);
    }
    this.counts.userRecordsPut += users.length;
    this.counts.userRecordsDataPut += dataBytes;
    this.settleAll(users);
  }

  private failEntry(entry: KinesisRecordEntry, error: StreamkitError): void {
    for (const pending of entry.users) this.fail(pending, error);
  }

  private fail(pending: Pending, error: StreamkitError): void {
    this.counts.userRecordsFailed++;
    pending.reject(error);
    this.settle(pending);
  }

  /** `settle` for every record of an acknowledged Kinesis record, at once. */
  private settleAll(users: readonly Pending[]): void {
    let charge = 0;
    let current = 0;
    for (const pending of users) {
      if (pending.epoch !== this.epoch) {
        this.settle(pending);
        continue;
      }
      charge += pending.charge;
      current++;
    }
    this.buffered -= charge;
    this.epochOutstanding -= current;
    if (this.waitingHead < this.waiting.length) this.requestPump();
  }

  /** Releases a user record's memory and counts it done for `flush()`. */
  private settle(pending: Pending): void {
    this.buffered -= pending.charge;
    if (this.waitingHead < this.waiting.length) this.requestPump();
    if (pending.epoch === this.epoch) {
      this.epochOutstanding--;
      return;
    }
    const left = (this.olderEpochs.get(pending.epoch) ?? 1) - 1;
    if (left > 0) {
      this.olderEpochs.set(pending.epoch, left);
      return;
    }
    this.olderEpochs.delete(pending.epoch);
    for (let i = this.flushWaiters.length - 1; i >= 0; i--) {
      const waiter = this.flushWaiters[i]!;
      if (!this.hasOutstandingUpTo(waiter.epoch)) {
        this.flushWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  private hasOutstandingUpTo(epoch: number): boolean {
    for (const older of this.olderEpochs.keys()) if (older <= epoch) return true;
    return false;
  }

  /** Exponential backoff with equal jitter before attempt `attempts + 1`. */
  private backoff(attempts: number): number {
    const ceiling = Math.min(P.backoffMaxDelay.value, P.backoffBaseDelay.value * 2 ** Math.max(0, attempts - 1));
    return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
  }

  private publish(entries: readonly KinesisRecordEntry[], refused: number, durationMs: number, error?: string): void {
    if (!producerMetricsChannel.hasSubscribers) return;
    let userRecords = 0;
    let bytes = 0;
    for (const entry of entries) {
      userRecords += entry.users.length;
      bytes += entry.bytes;
    }
    const message: ProducerMetricsMessage = {
      streamName: this.streamLabel,
      request: {
        kinesisRecords: entries.length,
        userRecords,
        bytes,
        refused,
        durationMs,
        ...(error === undefined ? {} : { error }),
      },
      metrics: this.metrics,
    };
    producerMetricsChannel.publish(message);
  }
}

function knob(path: string, value: number | undefined, limit: RangeLimit & { readonly default?: number }): number {
  if (value === undefined) return limit.default!;
  if (typeof value !== 'number' || !Number.isInteger(value) || !withinLimit(limit, value)) {
    throw new StreamkitError('SK_VALIDATION', `${path} must be ${describeRange(limit)} (got ${describe(value)})`, {
      path,
    });
  }
  return value;
}

function toBytes(data: Uint8Array | string): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return data;
  throw new StreamkitError('SK_VALIDATION', `data must be a Uint8Array or a string (got ${describe(data)})`, {
    path: 'data',
  });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}

function noop(): void {}

function expired(recordTtl: number, attempts: number): StreamkitError {
  return new StreamkitError('SK_TIMEOUT', `The user record was not acknowledged within RecordTtl (${recordTtl} ms)`, {
    details: { errorCode: 'Expired', attempts },
  });
}

/** A user record Kinesis refused for a reason retrying cannot fix. */
function refusal(code: string, message: string, entry: KinesisRecordEntry, stream: string): StreamkitError {
  const text = `Kinesis refused a record of stream ${stream} (${code}): ${message}`;
  const details = { errorCode: code, errorMessage: message, attempts: entry.attempts };
  if (code.startsWith('KMS')) return new StreamkitError('SK_UNAVAILABLE', text, { retriable: false, details });
  return new StreamkitError('SK_VALIDATION', text, { details });
}

/** The StreamkitError of a request that failed as a whole; `retriable` says whether to send it again. */
function requestFailure(error: unknown, what: string): StreamkitError {
  if (StreamkitError.is(error)) return error;
  const name = (error as { name?: string }).name ?? 'Error';
  const message = (error as { message?: string }).message ?? String(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const details = { errorCode: name, errorMessage: message, ...(status === undefined ? {} : { status }) };
  const text = `${what} failed (${name}): ${message}`;
  if (name === 'AbortError' || name === 'TimeoutError') {
    return new StreamkitError('SK_TIMEOUT', `${what} did not answer in time`, { cause: error, details });
  }
  if (RETRIABLE_KINESIS_ERRORS.has(name)) return new StreamkitError('SK_THROTTLED', text, { cause: error, details });
  if (status === undefined || status >= 500) {
    return new StreamkitError('SK_UNAVAILABLE', text, { cause: error, details });
  }
  if (name === 'ResourceNotFoundException') return new StreamkitError('SK_NOT_FOUND', text, { cause: error, details });
  return new StreamkitError('SK_VALIDATION', text, { cause: error, details });
}
