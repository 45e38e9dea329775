/**
 * The source of a `KinesisStreamAsSource` delivery stream: reads every shard of a Kinesis stream through the Kinesis
 * API (any endpoint, the local engine included), from TRIM_HORIZON — or after its saved checkpoint — and puts each
 * GetRecords batch into the delivery stream.
 *
 * `put` waits while the delivery stream holds too much that it cannot write, so a failing destination stops the
 * reading instead of growing memory; and a shard's checkpoint moves only past records that are in an object (see
 * `../checkpoints/shard-checkpoints.ts`).
 */
import { channel } from 'node:diagnostics_channel';
import { join } from 'node:path';
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
  ListShardsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { LIMITS } from '@streamkit/core';
import { CheckpointStore, ShardCheckpoint } from '../checkpoints/shard-checkpoints.ts';
import { realTimer, type Timer } from '../esm/types.ts';
import type { LocalDeliveryStream, SourceRecord } from './delivery-stream.ts';

/** `streamkit:firehose:read` — one message per GetRecords call that returned records. */
export const firehoseReadChannel = channel('streamkit:firehose:read');

export interface KinesisStreamSourceOptions {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly streamArn: string;
  readonly deliveryStream: LocalDeliveryStream;
  /** Where checkpoints are kept (`<dataDir>/firehose/<name>/checkpoints.json`). @default - not kept */
  readonly dataDir?: string;
  /** How long an idle shard waits before the next GetRecords. @default LIMITS.local.esmIdlePollMs */
  readonly idlePollMs?: number;
  /** @default realTimer */
  readonly timer?: Timer;
}

export class KinesisStreamSource {
  private readonly options: KinesisStreamSourceOptions;
  private readonly timer: Timer;
  private readonly abort = new AbortController();
  private readonly shards = new Map<string, ShardCheckpoint>();
  private readonly running: Promise<void>[] = [];
  private readonly store: CheckpointStore | undefined;
  private streamCreationTimestamp = 0;

  constructor(options: KinesisStreamSourceOptions) {
    this.options = options;
    this.timer = options.timer ?? realTimer;
    this.store = options.dataDir
      ? new CheckpointStore(
          join(options.dataDir, 'firehose', options.deliveryStream.deliveryStreamName, 'checkpoints.json'),
        )
      : undefined;
  }

  /** The checkpoint of each shard (the last sequence number up to which everything read is durable). */
  checkpoints(): Record<string, string | undefined> {
    return Object.fromEntries([...this.shards].map(([id, shard]) => [id, shard.checkpoint]));
  }

  /** Records read and not yet durable, over all shards. */
  get outstanding(): number {
    let n = 0;
    for (const shard of this.shards.values()) n += shard.outstanding;
    return n;
  }

  get checkpointFile(): string | undefined {
    return this.store?.file;
  }

  /** Lists the shards, opens an iterator on each and starts reading. */
  async start(): Promise<void> {
    const { kinesis, streamName } = this.options;
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    this.streamCreationTimestamp = summary.StreamDescriptionSummary?.StreamCreationTimestamp?.getTime() ?? 0;
    const saved = this.store?.load(this.options.streamArn, this.streamCreationTimestamp)?.shards ?? {};
    const shards = await this.listShards();
    const readers = shards.map((shard) => {
      const id = shard.ShardId!;
      const checkpoint = new ShardCheckpoint(id, saved[id], () => this.saveCheckpoints());
      this.shards.set(id, checkpoint);
      return new ShardReader(id, checkpoint, this);
    });
    await Promise.all(readers.map((reader) => reader.open()));
    for (const reader of readers) this.running.push(reader.run());
  }

  /** Stops reading (a batch being put is left to the delivery stream); saves the checkpoints. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.running);
    await this.store?.flush();
  }

  /** Resolves once the checkpoints saved so far are on disk. */
  async flushCheckpoints(): Promise<void> {
    await this.store?.flush();
  }

  /** @internal */
  get context() {
    return { options: this.options, timer: this.timer, signal: this.abort.signal };
  }

  private saveCheckpoints(): void {
    void this.store?.save(() => ({
      streamArn: this.options.streamArn,
      streamCreationTimestamp: this.streamCreationTimestamp,
      shards: Object.fromEntries(
        [...this.shards].flatMap(([id, shard]) => (shard.checkpoint ? [[id, shard.checkpoint]] : [])),
      ),
    }));
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

class ShardReader {
  private iterator: string | undefined;
  private lastRead: string | undefined;

  constructor(
    private readonly shardId: string,
    private readonly checkpoint: ShardCheckpoint,
    private readonly source: KinesisStreamSource,
  ) {}

  async open(): Promise<void> {
    const { options } = this.source.context;
    const after = this.lastRead ?? this.checkpoint.checkpoint;
    const input: GetShardIteratorCommandInput = {
      StreamName: options.streamName,
      ShardId: this.shardId,
      ...(after
        ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }
        : { ShardIteratorType: 'TRIM_HORIZON' }),
    };
    this.iterator = (await options.kinesis.send(new GetShardIteratorCommand(input))).ShardIterator;
  }

  async run(): Promise<void> {
    const { options, timer, signal } = this.source.context;
    const idlePollMs = options.idlePollMs ?? LIMITS.local.esmIdlePollMs.value;
    while (!signal.aborted && this.iterator) {
      let response: GetRecordsCommandOutput;
      try {
        response = await options.kinesis.send(
          new GetRecordsCommand({ ShardIterator: this.iterator, Limit: LIMITS.kinesis.getRecordsMaxRecords.value }),
          { abortSignal: signal },
        );
      } catch (error) {
        if (signal.aborted) return;
        await timer.sleep(Math.max(idlePollMs, 200), signal);
        const name = (error as Error).name;
        if (name === 'ExpiredIteratorException' || name === 'InvalidArgumentException')
          await this.open().catch(() => {});
        continue;
      }
      const records: SourceRecord[] = (response.Records ?? []).map((r) => {
        const sequenceNumber = r.SequenceNumber!;
        const arrival = r.ApproximateArrivalTimestamp?.getTime() ?? timer.now();
        return {
          data: r.Data ?? new Uint8Array(),
          arrival,
          kinesis: {
            shardId: this.shardId,
            partitionKey: r.PartitionKey!,
            sequenceNumber,
            subsequenceNumber: 0,
            approximateArrivalTimestamp: arrival,
          },
          settle: this.checkpoint.track(sequenceNumber),
        };
      });
      if (records.length > 0) {
        this.lastRead = records.at(-1)!.kinesis!.sequenceNumber;
        if (firehoseReadChannel.hasSubscribers) {
          firehoseReadChannel.publish({
            deliveryStreamName: options.deliveryStream.deliveryStreamName,
            shardId: this.shardId,
            records: records.length,
            millisBehindLatest: response.MillisBehindLatest ?? 0,
          });
        }
        try {
          await options.deliveryStream.put(records, { signal });
        } catch {
          // Refused only when the delivery stream or this source is stopping: the records stay past the checkpoint.
          return;
        }
      }
      this.iterator = response.NextShardIterator;
      if (records.length === 0) await timer.sleep(idlePollMs, signal);
    }
  }
}
