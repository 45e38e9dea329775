/**
 * A Lambda event source mapping for a Kinesis stream, run locally. It reads every shard through the Kinesis API (any
 * Kinesis endpoint, the local engine included) — by polling, or through an enhanced fan-out consumer it registers —
 * gathers batches per the mapping's settings and hands them to the batch processor.
 *
 * Parts: the worker (this class: explicit states, shard lineage) → a reader per shard (`PollingShardReader` or
 * `FanOutShardReader`) → `parallelizationFactor` lanes per shard → the batch processor → the sender.
 *
 * Resharding: as Lambda does, a child shard is read only after every parent is read to its end and settled, so the
 * records of one partition key stay in order across a split or a merge.
 */
import {
  type ChildShard,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListShardsCommand,
  RegisterStreamConsumerCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { LIMITS, LOCAL_REGION, StreamkitError } from '@streamkit/core';
import { type CheckpointFile, CheckpointStore, ShardCheckpoint } from '../checkpoints/shard-checkpoints.ts';
import { BatchProcessor, type FailureDestination } from './batch-processor.ts';
import { FanOutShardReader } from './fan-out-shard-reader.ts';
import { PollingShardReader } from './polling-shard-reader.ts';
import type { ReaderContext, ShardReader, ShardStart } from './shard-reader.ts';
import { type EventSourceSettings, type InvokeTarget, realTimer, type Timer } from './types.ts';

export type EventSourceMappingState = 'Creating' | 'Enabled' | 'Disabling' | 'Disabled';

export interface KinesisEventSourceMappingOptions {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly streamArn: string;
  readonly target: InvokeTarget;
  readonly settings: EventSourceSettings & { readonly enhancedFanOut?: boolean };
  /** @default - none; discarded batches are only reported */
  readonly destination?: FailureDestination;
  /** @default LOCAL_REGION */
  readonly region?: string;
  /** How long an idle shard waits before the next GetRecords. @default LIMITS.local.esmIdlePollMs */
  readonly idlePollMs?: number;
  /** @default LIMITS.local.esmRetryBaseDelayMs */
  readonly retryBaseDelayMs?: number;
  readonly timer?: Timer;
  /**
   * Where the mapping keeps its checkpoints (per shard, the sequence number up to which every record is settled), so
   * that a restarted mapping resumes there — as Lambda's mapping keeps its position across deployments. Kept only for
   * the same stream (ARN and creation time).
   * @default - none: every start begins at the starting position
   */
  readonly checkpointFile?: string;
}

export class KinesisEventSourceMapping {
  private stateValue: EventSourceMappingState = 'Creating';
  private readonly options: KinesisEventSourceMappingOptions;
  private readonly abort = new AbortController();
  private readonly context: ReaderContext;
  private readonly running = new Set<Promise<void>>();
  /** Shards read to their end; a child starts when all its parents are here. */
  private readonly finished = new Set<string>();
  private readonly started = new Set<string>();
  /** The shards that existed at start, with their parents that existed too. */
  private pendingInitial = new Map<string, readonly string[]>();
  private initialStart: ShardStart = { type: 'TRIM_HORIZON' };
  private consumerArnValue: string | undefined;
  private readonly store: CheckpointStore | undefined;
  private readonly checkpoints = new Map<string, ShardCheckpoint>();
  private saved: CheckpointFile | undefined;
  private streamCreationTimestamp = 0;
  /** When the mapping first started on this stream: where LATEST pointed then. */
  private createdAt = 0;

  constructor(options: KinesisEventSourceMappingOptions) {
    this.options = options;
    const timer = options.timer ?? realTimer;
    this.store = options.checkpointFile ? new CheckpointStore(options.checkpointFile) : undefined;
    this.context = {
      ...(this.store && { checkpointFor: (shardId: string) => this.checkpointOf(shardId) }),
      kinesis: options.kinesis,
      streamName: options.streamName,
      streamArn: options.streamArn,
      functionName: options.target.functionName,
      settings: options.settings,
      timer,
      signal: this.abort.signal,
      idlePollMs: options.idlePollMs ?? LIMITS.local.esmIdlePollMs.value,
      processor: new BatchProcessor({
        target: options.target,
        settings: options.settings,
        streamArn: options.streamArn,
        region: options.region ?? LOCAL_REGION,
        ...(options.destination && { destination: options.destination }),
        timer,
        signal: this.abort.signal,
        retryBaseDelayMs: options.retryBaseDelayMs ?? LIMITS.local.esmRetryBaseDelayMs.value,
      }),
    };
  }

  get state(): EventSourceMappingState {
    return this.stateValue;
  }

  /** The enhanced fan-out consumer the mapping reads through, once started with `enhancedFanOut`. */
  get consumerArn(): string | undefined {
    return this.consumerArnValue;
  }

  /**
   * Registers the fan-out consumer if the settings ask for one, lists the shards and starts reading every shard whose
   * parents are not in the stream any more; resolves once those are open.
   */
  async start(): Promise<void> {
    if (this.stateValue !== 'Creating') {
      throw new StreamkitError('SK_CONFLICT', `event source mapping is ${this.stateValue}`);
    }
    if (this.options.settings.enhancedFanOut) this.consumerArnValue = await this.registerConsumer();
    await this.loadCheckpoints();
    const shards = await this.listShards();
    const present = new Set(shards.map((s) => s.ShardId!));
    const { startingPosition, startingPositionTimestamp } = this.options.settings;
    this.initialStart =
      startingPosition === 'AT_TIMESTAMP'
        ? { type: 'AT_TIMESTAMP', timestamp: new Date(startingPositionTimestamp!) }
        : // A mapping that resumes reads what came after it first started, not after this restart.
          startingPosition === 'LATEST' && this.saved
          ? { type: 'AT_TIMESTAMP', timestamp: new Date(this.createdAt) }
          : { type: startingPosition };
    // Shards that exist now start at the mapping's starting position, but never before their parents are done.
    this.pendingInitial = new Map(shards.map((s) => [s.ShardId!, parentsOf(s).filter((p) => present.has(p))]));
    const ready = [...this.pendingInitial]
      .filter(([id, parents]) => !this.started.has(id) && parents.every((p) => this.finished.has(p)))
      .map(([id]) => id);
    const readers = ready.map((shardId) => this.reader(shardId, this.startOf(shardId)));
    await Promise.all(readers.map((r) => r.open()));
    this.stateValue = 'Enabled';
    for (const reader of readers) this.run(reader);
  }

  /** Stops reading and retrying; in-flight invocations finish first. */
  async stop(): Promise<void> {
    if (this.stateValue === 'Disabled') return;
    this.stateValue = 'Disabling';
    this.abort.abort();
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    await this.store?.flush();
    this.stateValue = 'Disabled';
  }

  private reader(shardId: string, start: ShardStart): ShardReader {
    this.started.add(shardId);
    return this.consumerArnValue
      ? new FanOutShardReader(this.context, shardId, start, this.consumerArnValue)
      : new PollingShardReader(this.context, shardId, start);
  }

  private run(reader: ShardReader): void {
    const task = reader
      .run()
      .then(async (children) => {
        if (children === undefined || this.abort.signal.aborted) return;
        this.finished.add(reader.shardId);
        this.saveCheckpoints();
        await this.startReadyChildren(children);
      })
      .catch((error: unknown) => {
        if (!this.abort.signal.aborted) throw error;
      })
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  /** Starts each child whose parents are all read: shards that existed at start at the mapping's position, others from their beginning. */
  private async startReadyChildren(children: readonly ChildShard[]): Promise<void> {
    for (const child of children) {
      const id = child.ShardId!;
      if (this.started.has(id)) continue;
      const parents = this.pendingInitial.get(id) ?? child.ParentShards ?? [];
      if (!parents.every((p) => this.finished.has(p))) continue;
      const reader = this.reader(id, this.startOf(id));
      try {
        await reader.open();
      } catch (error) {
        if (this.abort.signal.aborted) return;
        throw error;
      }
      this.run(reader);
    }
  }

  /**
   * Where a shard is read from: after its checkpoint; else, for shards that existed when the mapping started, at its
   * starting position; else (a child made since) from its beginning.
   */
  private startOf(shardId: string): ShardStart {
    const checkpoint = this.saved?.shards[shardId];
    if (checkpoint !== undefined) return { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: checkpoint };
    return this.pendingInitial.has(shardId) ? this.initialStart : { type: 'TRIM_HORIZON' };
  }

  /** Reads the saved checkpoints of this stream, if any; a first start saves when it began. */
  private async loadCheckpoints(): Promise<void> {
    if (!this.store) return;
    const { kinesis, streamName, streamArn } = this.options;
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    this.streamCreationTimestamp = summary.StreamDescriptionSummary?.StreamCreationTimestamp?.getTime() ?? 0;
    this.saved = this.store.load(streamArn, this.streamCreationTimestamp);
    this.createdAt = this.saved?.createdAt ?? this.context.timer.now();
    for (const shardId of this.saved?.finishedShards ?? []) {
      this.finished.add(shardId);
      this.started.add(shardId);
    }
    if (!this.saved) await this.store.save(() => this.checkpointState());
  }

  private checkpointOf(shardId: string): ShardCheckpoint {
    let checkpoint = this.checkpoints.get(shardId);
    if (!checkpoint) {
      checkpoint = new ShardCheckpoint(shardId, this.saved?.shards[shardId], () => this.saveCheckpoints());
      this.checkpoints.set(shardId, checkpoint);
    }
    return checkpoint;
  }

  private saveCheckpoints(): void {
    void this.store?.save(() => this.checkpointState());
  }

  private checkpointState(): CheckpointFile {
    const shards: Record<string, string> = { ...this.saved?.shards };
    for (const [id, checkpoint] of this.checkpoints) if (checkpoint.checkpoint) shards[id] = checkpoint.checkpoint;
    for (const id of this.finished) delete shards[id];
    return {
      streamArn: this.options.streamArn,
      streamCreationTimestamp: this.streamCreationTimestamp,
      shards,
      finishedShards: [...this.finished],
      createdAt: this.createdAt,
    };
  }

  /** Registers this function's enhanced fan-out consumer (or finds it) and waits until it is ACTIVE. */
  private async registerConsumer(): Promise<string> {
    const { kinesis, streamArn, target } = this.options;
    const consumer = { StreamARN: streamArn, ConsumerName: target.functionName };
    try {
      await kinesis.send(new RegisterStreamConsumerCommand(consumer));
    } catch (error) {
      if ((error as Error).name !== 'ResourceInUseException') throw error;
    }
    for (let attempt = 0; attempt < 600; attempt++) {
      const { ConsumerDescription } = await kinesis.send(new DescribeStreamConsumerCommand(consumer));
      if (ConsumerDescription?.ConsumerStatus === 'ACTIVE') return ConsumerDescription.ConsumerARN!;
      await this.context.timer.sleep(50, this.abort.signal);
    }
    throw new StreamkitError('SK_TIMEOUT', `the fan-out consumer ${target.functionName} did not become ACTIVE`);
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

function parentsOf(shard: Shard): string[] {
  return [shard.ParentShardId, shard.AdjacentParentShardId].filter((p): p is string => p !== undefined);
}
