/**
 * A Lambda event source mapping for a Kinesis stream, run locally: it reads every shard through the Kinesis API (any
 * Kinesis endpoint, the local engine included), gathers batches per the mapping's settings and hands them to the
 * batch processor.
 *
 * Parts: the worker (this class, with explicit states) → one poller per shard → `parallelizationFactor` lanes per
 * shard (records of one partition key always share a lane, so they stay in order) → the batch processor → the sender.
 */
import { channel } from 'node:diagnostics_channel';
import {
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
  ListShardsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { kinesisFilterSubject, LIMITS, LOCAL_REGION, matchesFilters, StreamkitError } from '@streamkit/core';
import { BatchProcessor, type FailureDestination, type TumblingWindow } from './batch-processor.ts';
import { type EventSourceSettings, type InvokeTarget, realTimer, type StreamRecord, type Timer } from './types.ts';

export type EventSourceMappingState = 'Creating' | 'Enabled' | 'Disabling' | 'Disabled';

/** `streamkit:esm:poll` — one message per GetRecords call (for the IteratorAge metric). */
export const esmPollChannel = channel('streamkit:esm:poll');
/** `streamkit:esm:error` — a GetRecords call failed; the poller waits and retries. */
export const esmErrorChannel = channel('streamkit:esm:error');

export interface KinesisEventSourceMappingOptions {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly streamArn: string;
  readonly target: InvokeTarget;
  readonly settings: EventSourceSettings;
  /** @default - none; discarded batches are only reported */
  readonly destination?: FailureDestination;
  /** @default LOCAL_REGION */
  readonly region?: string;
  /** How long an idle shard waits before the next GetRecords. @default LIMITS.local.esmIdlePollMs */
  readonly idlePollMs?: number;
  /** @default LIMITS.local.esmRetryBaseDelayMs */
  readonly retryBaseDelayMs?: number;
  readonly timer?: Timer;
}

/** Payload bytes of a record in the event: base64 data plus the JSON around it. */
const recordEventBytes = (r: StreamRecord) => Math.ceil((r.data.byteLength * 4) / 3) + r.partitionKey.length + 450;

export class KinesisEventSourceMapping {
  private stateValue: EventSourceMappingState = 'Creating';
  private readonly options: KinesisEventSourceMappingOptions;
  private readonly abort = new AbortController();
  private readonly timer: Timer;
  private readonly processor: BatchProcessor;
  private readonly running: Promise<void>[] = [];

  constructor(options: KinesisEventSourceMappingOptions) {
    this.options = options;
    this.timer = options.timer ?? realTimer;
    this.processor = new BatchProcessor({
      target: options.target,
      settings: options.settings,
      streamArn: options.streamArn,
      region: options.region ?? LOCAL_REGION,
      ...(options.destination && { destination: options.destination }),
      timer: this.timer,
      signal: this.abort.signal,
      retryBaseDelayMs: options.retryBaseDelayMs ?? LIMITS.local.esmRetryBaseDelayMs.value,
    });
  }

  get state(): EventSourceMappingState {
    return this.stateValue;
  }

  /** Lists the shards and starts polling each; resolves once every shard has its iterator. */
  async start(): Promise<void> {
    if (this.stateValue !== 'Creating')
      throw new StreamkitError('SK_CONFLICT', `event source mapping is ${this.stateValue}`);
    const shards = await this.listShards();
    const pollers = shards.map((shard) => new ShardPoller(shard.ShardId!, this));
    await Promise.all(pollers.map((p) => p.open()));
    this.stateValue = 'Enabled';
    for (const poller of pollers) this.running.push(poller.run());
  }

  /** Stops polling and retrying; in-flight invocations finish first. */
  async stop(): Promise<void> {
    if (this.stateValue === 'Disabled') return;
    this.stateValue = 'Disabling';
    this.abort.abort();
    await Promise.allSettled(this.running);
    this.stateValue = 'Disabled';
  }

  /** @internal */
  get context() {
    return { options: this.options, timer: this.timer, processor: this.processor, signal: this.abort.signal };
  }

  private async listShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.options.kinesis.send(
        new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: this.options.streamName }),
      );
      shards.push(...(page.Shards ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    return shards;
  }
}

/** Reads one shard and feeds its lanes. */
class ShardPoller {
  private iterator: string | undefined;
  private lastSequenceNumber: string | undefined;
  private readonly lanes: Lane[];
  private readonly esm: KinesisEventSourceMapping;
  private readonly shardId: string;

  constructor(shardId: string, esm: KinesisEventSourceMapping) {
    this.shardId = shardId;
    this.esm = esm;
    const { settings } = esm.context.options;
    this.lanes = Array.from({ length: settings.parallelizationFactor }, () => new Lane(esm, shardId));
  }

  async open(): Promise<void> {
    const { settings, streamName } = this.esm.context.options;
    const input: GetShardIteratorCommandInput = {
      StreamName: streamName,
      ShardId: this.shardId,
      ShardIteratorType: settings.startingPosition,
      ...(settings.startingPositionTimestamp && { Timestamp: new Date(settings.startingPositionTimestamp) }),
    };
    this.iterator = (await this.esm.context.options.kinesis.send(new GetShardIteratorCommand(input))).ShardIterator;
  }

  async run(): Promise<void> {
    const lanes = this.lanes.map((lane) => lane.run());
    try {
      await this.poll();
    } finally {
      for (const lane of this.lanes) lane.finish();
      await Promise.all(lanes);
    }
  }

  private async poll(): Promise<void> {
    const { options, timer, signal } = this.esm.context;
    const idlePollMs = options.idlePollMs ?? LIMITS.local.esmIdlePollMs.value;
    const highWater = Math.max(options.settings.batchSize * 2, 1000) * this.lanes.length;
    while (!signal.aborted && this.iterator) {
      if (this.buffered() >= highWater) {
        await Promise.race(this.lanes.map((lane) => lane.drained()));
        continue;
      }
      let response: GetRecordsCommandOutput;
      try {
        response = await options.kinesis.send(
          new GetRecordsCommand({ ShardIterator: this.iterator, Limit: LIMITS.kinesis.getRecordsMaxRecords.value }),
          {
            abortSignal: signal,
          },
        );
      } catch (error) {
        if (signal.aborted) return;
        await this.recover(error as Error);
        continue;
      }
      const records = response.Records ?? [];
      const { filters } = options.settings;
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
        // Records that match no filter are skipped for good, as Lambda discards them (FilteredOutEventCount).
        const subject =
          filters.length === 0
            ? undefined
            : kinesisFilterSubject({ ...record, approximateArrivalTimestamp: record.arrival.getTime() / 1000 });
        if (subject && !matchesFilters(subject, filters)) {
          filteredOut++;
          continue;
        }
        this.laneFor(record.partitionKey).push(record);
      }
      if (esmPollChannel.hasSubscribers) {
        esmPollChannel.publish({
          functionName: options.target.functionName,
          shardId: this.shardId,
          records: records.length,
          filteredOut,
          millisBehindLatest: response.MillisBehindLatest ?? 0,
        });
      }
      this.iterator = response.NextShardIterator;
      if (records.length === 0) await timer.sleep(idlePollMs, signal);
    }
  }

  /** Throttled or expired iterator: wait, then resume after the last record read. */
  private async recover(error: Error): Promise<void> {
    const { options, timer, signal } = this.esm.context;
    if (esmErrorChannel.hasSubscribers) {
      esmErrorChannel.publish({
        functionName: options.target.functionName,
        shardId: this.shardId,
        error: `${error.name}: ${error.message}`,
      });
    }
    await timer.sleep(Math.max(options.idlePollMs ?? LIMITS.local.esmIdlePollMs.value, 200), signal);
    if (error.name === 'ExpiredIteratorException' || error.name === 'InvalidArgumentException') {
      if (this.lastSequenceNumber === undefined) return this.open();
      const response = await options.kinesis.send(
        new GetShardIteratorCommand({
          StreamName: options.streamName,
          ShardId: this.shardId,
          ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
          StartingSequenceNumber: this.lastSequenceNumber,
        }),
      );
      this.iterator = response.ShardIterator;
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

/**
 * One of a shard's `parallelizationFactor` sequences of batches. With tumbling windows, a batch holds records of one
 * window only; the window's state passes from invocation to invocation, and a final invocation closes the window
 * when a record of a later window arrives or the window's end time passes.
 */
class Lane {
  private buffer: StreamRecord[] = [];
  private bufferedSince = 0;
  private finished = false;
  private wake: (() => void) | undefined;
  private drainWaiters: (() => void)[] = [];
  private window: TumblingWindow | undefined;
  private readonly esm: KinesisEventSourceMapping;
  private readonly shardId: string;

  constructor(esm: KinesisEventSourceMapping, shardId: string) {
    this.esm = esm;
    this.shardId = shardId;
  }

  get size(): number {
    return this.buffer.length;
  }

  push(record: StreamRecord): void {
    if (this.buffer.length === 0) this.bufferedSince = this.esm.context.timer.now();
    this.buffer.push(record);
    this.notify();
  }

  /** No more records will come (the mapping stops or the shard ended). */
  finish(): void {
    this.finished = true;
    this.notify();
  }

  /** Resolves when this lane has taken a batch off its buffer. */
  drained(): Promise<void> {
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  async run(): Promise<void> {
    const { options, timer, signal, processor } = this.esm.context;
    const { batchSize, maxBatchingWindow, tumblingWindow } = options.settings;
    const batchingMs = maxBatchingWindow * 1000;
    const tumblingMs = tumblingWindow * 1000;
    while (!signal.aborted) {
      if (this.buffer.length === 0) {
        if (this.window && (this.finished || timer.now() >= this.window.end)) {
          if (!(await processor.closeWindow(this.window))) return;
          this.window = undefined;
          continue;
        }
        if (this.finished) return;
        const untilWindowEnds = this.window ? [timer.sleep(this.window.end - timer.now(), signal)] : [];
        await Promise.race([...untilWindowEnds, new Promise<void>((resolve) => (this.wake = resolve))]);
        continue;
      }
      let available = this.buffer.length;
      if (tumblingMs > 0) {
        const start = windowStart(this.buffer[0]!, tumblingMs);
        if (this.window && start > this.window.start) {
          if (!(await processor.closeWindow(this.window))) return;
          this.window = undefined;
        }
        this.window ??= { shardId: this.shardId, start, end: start + tumblingMs, state: {} };
        available = this.buffer.findIndex((r) => windowStart(r, tumblingMs) !== start);
        if (available === -1) available = this.buffer.length;
      }
      // A batch is complete when full, when the next record belongs to a later window, or when the shard ended.
      const complete = available >= batchSize || available < this.buffer.length || this.finished;
      const waited = timer.now() - this.bufferedSince;
      if (!complete && waited < batchingMs) {
        // Gather more records until the batch is full or the batching window closes.
        await Promise.race([
          timer.sleep(batchingMs - waited, signal),
          new Promise<void>((resolve) => (this.wake = resolve)),
        ]);
        continue;
      }
      const batch = this.takeBatch(Math.min(batchSize, available));
      for (const resolve of this.drainWaiters.splice(0)) resolve();
      const settled = await processor.process(batch, this.window);
      if (!settled) return;
    }
  }

  private takeBatch(batchSize: number): StreamRecord[] {
    const limit = LIMITS.esm.invokePayloadMaxBytes.value;
    let bytes = 0;
    let count = 0;
    while (count < this.buffer.length && count < batchSize) {
      bytes += recordEventBytes(this.buffer[count]!);
      if (bytes > limit && count > 0) break;
      count++;
    }
    // Records left behind keep their place in time: they have waited since `bufferedSince` already.
    return this.buffer.splice(0, count);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** The start of the tumbling window a record belongs to, by its arrival time (windows align to the epoch). */
function windowStart(record: StreamRecord, tumblingMs: number): number {
  const arrival = record.arrival.getTime();
  return arrival - (arrival % tumblingMs);
}
