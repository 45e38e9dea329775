/**
 * Reading one shard for an event source mapping: the records a reader gets (by polling or by enhanced fan-out) are
 * filtered, spread over the shard's lanes by partition key, and processed; the reader ends when the shard is closed
 * and read to its end (or the mapping stops), after its lanes have settled every record — so children never start
 * before their parents are done.
 */
import { channel } from 'node:diagnostics_channel';
import type { _Record, ChildShard, KinesisClient } from '@aws-sdk/client-kinesis';
import { kinesisFilterSubject, matchesFilters } from '@streamkit/core';
import type { ShardCheckpoint } from '../checkpoints/shard-checkpoints.ts';
import type { BatchProcessor } from './batch-processor.ts';
import { Lane } from './lane.ts';
import type { EventSourceSettings, StreamRecord, Timer } from './types.ts';

/** `streamkit:esm:poll` — one message per batch of records read from a shard (for the IteratorAge metric). */
export const esmPollChannel = channel('streamkit:esm:poll');
/** `streamkit:esm:error` — reading a shard failed; the reader waits and tries again. */
export const esmErrorChannel = channel('streamkit:esm:error');

/** Where a shard is read from. */
export type ShardStart =
  | { readonly type: 'TRIM_HORIZON' | 'LATEST' }
  | { readonly type: 'AT_TIMESTAMP'; readonly timestamp: Date }
  | { readonly type: 'AFTER_SEQUENCE_NUMBER'; readonly sequenceNumber: string };

export interface ReaderContext {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly streamArn: string;
  readonly functionName: string;
  readonly settings: EventSourceSettings;
  readonly timer: Timer;
  readonly signal: AbortSignal;
  readonly processor: BatchProcessor;
  readonly idlePollMs: number;
  /** The shard's checkpoint, when the mapping keeps them. */
  readonly checkpointFor?: (shardId: string) => ShardCheckpoint | undefined;
}

export abstract class ShardReader {
  protected readonly context: ReaderContext;
  readonly shardId: string;
  protected readonly start: ShardStart;
  /** The last record read (filtered or not): where reading resumes after an error. */
  protected lastSequenceNumber: string | undefined;
  private readonly lanes: Lane[];
  private readonly checkpoint: ShardCheckpoint | undefined;
  /** What marks each record in the lanes settled in the checkpoint. */
  private readonly settlers = new WeakMap<StreamRecord, () => void>();

  constructor(context: ReaderContext, shardId: string, start: ShardStart) {
    this.context = context;
    this.shardId = shardId;
    this.start = start;
    this.checkpoint = context.checkpointFor?.(shardId);
    const onSettled = this.checkpoint
      ? (batch: readonly StreamRecord[]) => {
          for (const record of batch) this.settlers.get(record)?.();
        }
      : undefined;
    this.lanes = Array.from(
      { length: context.settings.parallelizationFactor },
      () => new Lane(context, shardId, onSettled),
    );
  }

  /** Gets ready to read (an iterator, a subscription); the mapping is Enabled once every first reader is open. */
  abstract open(): Promise<void>;

  /** Reads until the shard ends (returning its children) or the mapping stops (returning undefined). */
  protected abstract read(): Promise<readonly ChildShard[] | undefined>;

  /** Reads the shard and settles every record read; resolves with its children once it is closed and done. */
  async run(): Promise<readonly ChildShard[] | undefined> {
    const lanes = this.lanes.map((lane) => lane.run());
    try {
      return await this.read();
    } finally {
      for (const lane of this.lanes) lane.finish();
      await Promise.all(lanes);
    }
  }

  /** Filters `records` and hands them to their lanes; waits while the lanes hold too many (back-pressure). */
  protected async deliver(records: readonly _Record[], millisBehindLatest: number | undefined): Promise<void> {
    const { settings, timer, functionName } = this.context;
    let filteredOut = 0;
    for (const r of records) {
      const record: StreamRecord = {
        shardId: this.shardId,
        sequenceNumber: r.SequenceNumber!,
        partitionKey: r.PartitionKey!,
        data: r.Data ?? new Uint8Array(),
        arrival: r.ApproximateArrivalTimestamp ?? new Date(timer.now()),
      };
      this.lastSequenceNumber = record.sequenceNumber;
      const settle = this.checkpoint?.track(record.sequenceNumber);
      // Records that match no filter are skipped for good, as Lambda discards them (FilteredOutEventCount).
      if (settings.filters.length > 0) {
        const subject = kinesisFilterSubject({
          ...record,
          approximateArrivalTimestamp: record.arrival.getTime() / 1000,
        });
        if (!matchesFilters(subject, settings.filters)) {
          filteredOut++;
          settle?.();
          continue;
        }
      }
      if (settle) this.settlers.set(record, settle);
      this.laneFor(record.partitionKey).push(record);
    }
    if (esmPollChannel.hasSubscribers) {
      esmPollChannel.publish({
        functionName,
        shardId: this.shardId,
        records: records.length,
        filteredOut,
        millisBehindLatest: millisBehindLatest ?? 0,
      });
    }
    const highWater = Math.max(settings.batchSize * 2, 1000) * this.lanes.length;
    while (!this.context.signal.aborted && this.buffered() >= highWater) {
      await Promise.race(this.lanes.map((lane) => lane.drained()));
    }
  }

  protected reportError(error: Error): void {
    if (esmErrorChannel.hasSubscribers) {
      esmErrorChannel.publish({
        functionName: this.context.functionName,
        shardId: this.shardId,
        error: `${error.name}: ${error.message}`,
      });
    }
  }

  private laneFor(partitionKey: string): Lane {
    if (this.lanes.length === 1) return this.lanes[0]!;
    let hash = 2166136261;
    for (let i = 0; i < partitionKey.length; i++) hash = Math.imul(hash ^ partitionKey.charCodeAt(i), 16777619);
    return this.lanes[(hash >>> 0) % this.lanes.length]!;
  }

  private buffered(): number {
    return this.lanes.reduce((sum, lane) => sum + lane.size, 0);
  }
}
