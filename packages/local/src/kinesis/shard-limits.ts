/**
 * The shard limits model: AWS's throughput limits, enforced when the engine's `shardLimits` option is on. Every
 * number comes from `LIMITS.kinesis`; time is the engine's clock, cut into whole seconds (`floor(ms / 1000)`).
 *
 * - **Writes**, per shard and second: at most `shardWriteRecordsPerSecond` records and `shardWriteBytesPerSecond`
 *   bytes (data plus partition keys). Each record is admitted or refused on its own, in request order, and a refused
 *   record uses no capacity: PutRecord answers ProvisionedThroughputExceededException, PutRecords marks the record
 *   failed and writes the others.
 * - **Reads**, per shard: at most `shardGetRecordsPerSecond` GetRecords calls a second, and `shardReadBytesPerSecond`
 *   of data. A call may return up to `getRecordsMaxBytes` however little capacity is left, and what it returns beyond
 *   the second's capacity is carried into the following seconds: the shard refuses calls until the passing seconds
 *   have paid it off. So one 10 MiB response keeps the shard's reads refused for the next 5 seconds, as AWS documents.
 * - **Retention changes**, per stream: at most `retentionChangesPerSecond` IncreaseStreamRetentionPeriod (and as
 *   many DecreaseStreamRetentionPeriod) calls a second, LimitExceededException beyond.
 *
 * On-demand streams get the same per-shard limits over their shards (4 to start, as on AWS). Throttling is published
 * on `streamkit:kinesis:throttle`.
 */
import { LIMITS } from '@streamkit/core';
import { type KinesisThrottleMessage, throttleChannel } from './channels.ts';
import type { KinesisShard } from './store.ts';

interface ShardUsage {
  /** The second the write counters are for. */
  writeSecond: number;
  writeRecords: number;
  writeBytes: number;
  /** The second the call counter is for. */
  callSecond: number;
  calls: number;
  /** Bytes read that the seconds up to `readSecond` have not paid off yet. */
  readBytes: number;
  readSecond: number;
}

export class ShardLimits {
  /** Whether the model is enforced; when it is not, everything is admitted. */
  readonly enabled: boolean;
  readonly #usage = new WeakMap<KinesisShard, ShardUsage>();
  /** Retention changes per stream incarnation and operation: `<createdAt>/<name>/<operation>` → second and count. */
  readonly #streamCalls = new Map<string, { second: number; calls: number }>();

  constructor(enabled: boolean) {
    this.enabled = enabled;
  }

  /** Whether a record of `bytes` may be written to the shard at `now` (ms); counts it when it may. */
  admitWrite(shard: KinesisShard, bytes: number, now: number): boolean {
    if (!this.enabled) return true;
    const usage = this.#of(shard);
    const second = secondOf(now);
    if (second !== usage.writeSecond) {
      usage.writeSecond = second;
      usage.writeRecords = 0;
      usage.writeBytes = 0;
    }
    if (
      usage.writeRecords + 1 > LIMITS.kinesis.shardWriteRecordsPerSecond.value ||
      usage.writeBytes + bytes > LIMITS.kinesis.shardWriteBytesPerSecond.value
    ) {
      return false;
    }
    usage.writeRecords++;
    usage.writeBytes += bytes;
    return true;
  }

  /**
   * Whether a GetRecords call may read the shard at `now` (ms): fewer than the calls allowed this second, and no read
   * capacity owed. Counts the call when it may.
   */
  admitGetRecords(shard: KinesisShard, now: number): boolean {
    if (!this.enabled) return true;
    const usage = this.#of(shard);
    const second = secondOf(now);
    if (second !== usage.callSecond) {
      usage.callSecond = second;
      usage.calls = 0;
    }
    this.#payOff(usage, second);
    if (
      usage.calls + 1 > LIMITS.kinesis.shardGetRecordsPerSecond.value ||
      usage.readBytes >= LIMITS.kinesis.shardReadBytesPerSecond.value
    ) {
      return false;
    }
    usage.calls++;
    return true;
  }

  /** Counts the bytes a GetRecords call returned against the shard's read capacity. */
  chargeRead(shard: KinesisShard, bytes: number, now: number): void {
    if (!this.enabled) return;
    const usage = this.#of(shard);
    this.#payOff(usage, secondOf(now));
    usage.readBytes += bytes;
  }

  /** Whether a retention change of the stream may happen at `now` (ms); counts it when it may. */
  admitRetentionChange(stream: { readonly name: string; readonly createdAt: number }, operation: string, now: number) {
    if (!this.enabled) return true;
    const key = `${stream.createdAt}/${stream.name}/${operation}`;
    const second = secondOf(now);
    const window = this.#streamCalls.get(key);
    if (!window || window.second !== second) {
      this.#streamCalls.set(key, { second, calls: 1 });
      return true;
    }
    if (window.calls + 1 > LIMITS.kinesis.retentionChangesPerSecond.value) return false;
    window.calls++;
    return true;
  }

  #of(shard: KinesisShard): ShardUsage {
    let usage = this.#usage.get(shard);
    if (!usage) {
      usage = {
        writeSecond: -1,
        writeRecords: 0,
        writeBytes: 0,
        callSecond: -1,
        calls: 0,
        readBytes: 0,
        readSecond: 0,
      };
      this.#usage.set(shard, usage);
    }
    return usage;
  }

  /** Lets the seconds since the last read pay off the bytes read beyond their capacity. */
  #payOff(usage: ShardUsage, second: number): void {
    if (second <= usage.readSecond) return;
    const paid = (second - usage.readSecond) * LIMITS.kinesis.shardReadBytesPerSecond.value;
    usage.readBytes = Math.max(0, usage.readBytes - paid);
    usage.readSecond = second;
  }
}

/** AWS's message when a shard's throughput is exceeded. */
export function rateExceededMessage(account: string, streamName: string, shardId: string): string {
  return `Rate exceeded for shard ${shardId} in stream ${streamName} under account ${account}.`;
}

/** Tells `streamkit:kinesis:throttle` subscribers that a call was throttled on a shard. */
export function publishThrottle(message: KinesisThrottleMessage): void {
  if (throttleChannel.hasSubscribers) throttleChannel.publish(message);
}

function secondOf(ms: number): number {
  return Math.floor(ms / 1000);
}
