/**
 * What a KinesisProducer counts, after the KPL's metrics (UserRecordsReceived, UserRecordsPut, KinesisRecordsPut,
 * RetriesPerRecord, BufferingTime…): a snapshot through `producer.metrics`, and one message per PutRecords answer on
 * the diagnostics channel `streamkit:producer:metrics` (built only when someone subscribes).
 */
import diagnosticsChannel from 'node:diagnostics_channel';

export const PRODUCER_METRICS_CHANNEL = 'streamkit:producer:metrics';

export interface LatencyPercentiles {
  /** User records measured. */
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface ProducerMetrics {
  /** `addUserRecord` calls accepted (validation passed). */
  readonly userRecordsReceived: number;
  /** User records acknowledged by Kinesis. */
  readonly userRecordsPut: number;
  /** User records that finally failed (refused for good, or past RecordTtl). */
  readonly userRecordsFailed: number;
  /** User records received and not yet settled. */
  readonly userRecordsPending: number;
  /** Data bytes of the user records acknowledged. */
  readonly userRecordsDataPut: number;
  /** Kinesis records acknowledged (an aggregated record counts once). */
  readonly kinesisRecordsPut: number;
  /** Their bytes: data plus partition key, what the shard limits count. */
  readonly kinesisRecordsDataPut: number;
  /** PutRecords requests answered, with or without refused records. */
  readonly putRecordsRequests: number;
  /** PutRecords requests that failed as a whole (an error, a timeout, no answer). */
  readonly putRecordsRequestsFailed: number;
  /** Kinesis records sent again after a refusal or a failed request (one record retried twice counts twice). */
  readonly retries: number;
  /** Kinesis records refused with ProvisionedThroughputExceededException. */
  readonly throttles: number;
  /** Kinesis records that landed on a shard other than the predicted one (their user records are sent again). */
  readonly wrongShard: number;
  /** ListShards rounds that rebuilt the shard map. */
  readonly shardMapRefreshes: number;
  /** Memory charged now to buffered user records (see `maxBufferedBytes`). */
  readonly bufferedBytes: number;
  /** The most `bufferedBytes` has been. */
  readonly peakBufferedBytes: number;
  /** Times `addUserRecord` had to wait for room. */
  readonly backPressureWaits: number;
  /** Milliseconds from `addUserRecord` to acknowledgement, of acknowledged user records. */
  readonly latencyMs: LatencyPercentiles;
}

/** One message on `streamkit:producer:metrics`: a PutRecords answer and the totals after it. */
export interface ProducerMetricsMessage {
  readonly streamName: string;
  readonly request: {
    readonly kinesisRecords: number;
    readonly userRecords: number;
    readonly bytes: number;
    /** Kinesis records refused (retried or failed). */
    readonly refused: number;
    readonly durationMs: number;
    /** The error of a request that failed as a whole. */
    readonly error?: string;
  };
  readonly metrics: ProducerMetrics;
}

export const producerMetricsChannel = diagnosticsChannel.channel(PRODUCER_METRICS_CHANNEL);

/**
 * A log-linear histogram of milliseconds: exact below 64, then 32 buckets per power of two (within 3 %), recording in
 * O(1) without keeping samples.
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(64 + 32 * 40);
  private total = 0;
  private maximum = 0;

  private lastValue = -1;
  private lastBucket = 0;

  record(ms: number, times = 1): void {
    const value = ms < 0 ? 0 : Math.floor(ms);
    // Records acknowledged together mostly share a latency: skip the bucket arithmetic then.
    if (value !== this.lastValue) {
      this.lastValue = value;
      this.lastBucket = bucketOf(value);
    }
    this.counts[this.lastBucket]! += times;
    this.total += times;
    if (value > this.maximum) this.maximum = value;
  }

  percentiles(): LatencyPercentiles {
    return {
      count: this.total,
      p50: this.percentile(0.5),
      p90: this.percentile(0.9),
      p99: this.percentile(0.99),
      max: this.maximum,
    };
  }

  private percentile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.ceil(q * this.total);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(bucketUpperBound(i), this.maximum);
    }
    return this.maximum;
  }
}

function bucketOf(value: number): number {
  if (value < 64) return value;
  const exponent = Math.floor(Math.log2(value)); // 6 or more
  const sub = Math.floor((value / 2 ** exponent - 1) * 32);
  return Math.min(64 + (exponent - 6) * 32 + sub, 64 + 32 * 40 - 1);
}

function bucketUpperBound(bucket: number): number {
  if (bucket < 64) return bucket;
  const exponent = 6 + Math.floor((bucket - 64) / 32);
  const sub = (bucket - 64) % 32;
  return Math.floor(2 ** exponent * (1 + (sub + 1) / 32)) - 1;
}
