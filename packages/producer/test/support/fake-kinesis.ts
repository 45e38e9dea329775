/**
 * A Kinesis client double for producer unit tests: it answers ListShards from a shard list the test sets (and may
 * change, as a reshard would) and PutRecords by routing each record to the shard its hash key falls in, the way
 * Kinesis does. Tests can hold requests and answer them by hand, or refuse chosen records.
 */
import { createHash } from 'node:crypto';
import {
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListShardsCommand,
  type PutRecordsRequestEntry,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';

export const MAX_HASH_KEY = (1n << 128n) - 1n;

export interface FakeShard {
  readonly shardId: string;
  readonly start: bigint;
  readonly end: bigint;
  readonly closed?: boolean;
}

/** `count` shards splitting the hash key space evenly, like a new stream. */
export function evenShards(count: number): FakeShard[] {
  const width = (MAX_HASH_KEY + 1n) / BigInt(count);
  return Array.from({ length: count }, (_, i) => ({
    shardId: `shardId-${String(i).padStart(12, '0')}`,
    start: width * BigInt(i),
    end: i === count - 1 ? MAX_HASH_KEY : width * BigInt(i + 1) - 1n,
  }));
}

export function hashKeyOf(entry: { PartitionKey?: string; ExplicitHashKey?: string }): bigint {
  return entry.ExplicitHashKey !== undefined
    ? BigInt(entry.ExplicitHashKey)
    : BigInt(
        `0x${createHash('md5')
          .update(entry.PartitionKey ?? '')
          .digest('hex')}`,
      );
}

export interface PutRecordsCall {
  readonly records: readonly PutRecordsRequestEntry[];
  /** Clock time when the call was made (if the test gave a clock). */
  readonly at: number;
  /** Answers the call now with `answer` (default: every record stored). */
  respond(answer?: (records: readonly PutRecordsRequestEntry[]) => PutRecordsResultEntry[]): void;
  fail(error: Error): void;
  readonly settled: boolean;
}

export interface StoredRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly entry: PutRecordsRequestEntry;
}

export class FakeKinesis {
  shards: FakeShard[];
  /** Every PutRecords call, answered or not. */
  readonly calls: PutRecordsCall[] = [];
  /** What the stream holds, in the order stored. */
  readonly stored: StoredRecord[] = [];
  listShardsCalls = 0;
  /** What DescribeStreamSummary reports as RecordDistributionStrategy (nothing, like a provisioned stream). */
  recordDistributionStrategy: 'AUTO' | 'USER_PARTITION_KEY' | undefined;
  /** When true, PutRecords calls wait for `respond()`; otherwise they are answered at once. */
  hold = false;
  /** Decides each record's fate when answered automatically (default: stored). */
  refuse:
    | ((entry: PutRecordsRequestEntry, attempt: number) => { code: string; message: string } | undefined)
    | undefined;
  private sequence = 0n;
  private readonly attempts = new Map<string, number>();

  constructor(
    shards: FakeShard[],
    private readonly now: () => number = Date.now,
  ) {
    this.shards = shards;
  }

  /** The client to hand to the producer. */
  get client(): Pick<KinesisClient, 'send'> {
    return { send: ((command: unknown) => this.send(command)) as KinesisClient['send'] };
  }

  /** Calls not answered yet. */
  get open(): PutRecordsCall[] {
    return this.calls.filter((c) => !c.settled);
  }

  shardFor(hashKey: bigint): FakeShard {
    const shard = this.shards.find((s) => !s.closed && s.start <= hashKey && hashKey <= s.end);
    if (!shard) throw new Error(`no open shard for ${hashKey}`);
    return shard;
  }

  /** Stored records of one shard, in order. */
  storedIn(shardId: string): StoredRecord[] {
    return this.stored.filter((r) => r.shardId === shardId);
  }

  private send(command: unknown): Promise<unknown> {
    if (command instanceof DescribeStreamSummaryCommand) {
      return Promise.resolve({
        StreamDescriptionSummary: {
          StreamName: 'stream',
          OpenShardCount: this.shards.filter((s) => !s.closed).length,
          ...(this.recordDistributionStrategy === undefined
            ? {}
            : { RecordDistributionStrategy: this.recordDistributionStrategy }),
        },
      });
    }
    if (command instanceof ListShardsCommand) {
      this.listShardsCalls++;
      return Promise.resolve({
        Shards: this.shards.map((s) => ({
          ShardId: s.shardId,
          HashKeyRange: { StartingHashKey: s.start.toString(), EndingHashKey: s.end.toString() },
          SequenceNumberRange: { StartingSequenceNumber: '1', ...(s.closed ? { EndingSequenceNumber: '9' } : {}) },
        })),
      });
    }
    const input = (command as { input: { Records: PutRecordsRequestEntry[] } }).input;
    return new Promise((resolve, reject) => {
      let settled = false;
      const call: PutRecordsCall = {
        records: input.Records,
        at: this.now(),
        respond: (answer) => {
          if (settled) throw new Error('call already answered');
          settled = true;
          resolve({ FailedRecordCount: 0, Records: (answer ?? ((r) => this.store(r)))(input.Records) });
        },
        fail: (error) => {
          if (settled) throw new Error('call already answered');
          settled = true;
          reject(error);
        },
        get settled() {
          return settled;
        },
      };
      this.calls.push(call);
      if (!this.hold) call.respond();
    });
  }

  /** Stores records like Kinesis (refusing those `refuse` names) and returns the result entries. */
  store(records: readonly PutRecordsRequestEntry[]): PutRecordsResultEntry[] {
    return records.map((entry) => {
      const key = Buffer.from(entry.Data ?? []).toString('base64') + entry.PartitionKey;
      const attempt = (this.attempts.get(key) ?? 0) + 1;
      this.attempts.set(key, attempt);
      const refusal = this.refuse?.(entry, attempt);
      if (refusal) return { ErrorCode: refusal.code, ErrorMessage: refusal.message };
      const shard = this.shardFor(hashKeyOf(entry));
      this.sequence++;
      const sequenceNumber = `4959${this.sequence.toString().padStart(20, '0')}`;
      this.stored.push({ shardId: shard.shardId, sequenceNumber, entry });
      return { ShardId: shard.shardId, SequenceNumber: sequenceNumber };
    });
  }
}
