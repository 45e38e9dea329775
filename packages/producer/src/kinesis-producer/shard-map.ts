/**
 * Which shard a hash key belongs to: the open shards of a stream (from ListShards) sorted by hash key range. The
 * producer predicts each user record's shard from it, like the KPL's ShardMap, so that it aggregates only records of
 * one shard together and limits its rate per shard. The map is rebuilt when a record lands on a shard other than the
 * predicted one (a reshard happened) or Kinesis says the stream changed.
 */
import {
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListShardsCommand,
  type ListShardsCommandOutput,
} from '@aws-sdk/client-kinesis';
import { StreamkitError } from '@streamkit/core';
import { decimalToHashKey } from './hash-key.ts';

export interface ShardRange {
  readonly shardId: string;
  /** First hash key of the shard, as 32-digit hex. */
  readonly startingHashKey: string;
  /** Last hash key of the shard, as 32-digit hex. */
  readonly endingHashKey: string;
}

export class ShardMap {
  /** Open shards by starting hash key. */
  readonly shards: readonly ShardRange[];
  private readonly starts: readonly string[];
  private readonly byId: ReadonlyMap<string, ShardRange>;

  constructor(shards: readonly ShardRange[]) {
    this.shards = [...shards].sort((a, b) => (a.startingHashKey < b.startingHashKey ? -1 : 1));
    this.starts = this.shards.map((shard) => shard.startingHashKey);
    this.byId = new Map(this.shards.map((shard) => [shard.shardId, shard]));
  }

  /** The open shard whose range holds `hashKey` (hex), or undefined if none does. */
  shardFor(hashKey: string): ShardRange | undefined {
    const starts = this.starts;
    let low = 0;
    let high = starts.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (starts[middle]! <= hashKey) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    const shard = this.shards[found];
    return shard !== undefined && hashKey <= shard.endingHashKey ? shard : undefined;
  }

  shard(shardId: string): ShardRange | undefined {
    return this.byId.get(shardId);
  }
}

/** What the producer needs to name its stream in requests. */
export interface StreamRef {
  readonly StreamName?: string;
  readonly StreamARN?: string;
}

/** The open shards of a stream (those without an ending sequence number), every page of ListShards. */
export async function listOpenShards(
  kinesis: Pick<KinesisClient, 'send'>,
  stream: StreamRef,
  signal?: AbortSignal,
): Promise<ShardMap> {
  const shards: ShardRange[] = [];
  let nextToken: string | undefined;
  do {
    const page: ListShardsCommandOutput = await kinesis.send(
      new ListShardsCommand(nextToken === undefined ? { ...stream } : { NextToken: nextToken }),
      signal ? { abortSignal: signal } : {},
    );
    for (const shard of page.Shards ?? []) {
      if (shard.SequenceNumberRange?.EndingSequenceNumber !== undefined) continue;
      const range = shard.HashKeyRange;
      if (shard.ShardId === undefined || range?.StartingHashKey === undefined || range.EndingHashKey === undefined) {
        throw new StreamkitError('SK_INTERNAL', `ListShards answered a shard without an id or hash key range`);
      }
      shards.push({
        shardId: shard.ShardId,
        startingHashKey: decimalToHashKey(range.StartingHashKey),
        endingHashKey: decimalToHashKey(range.EndingHashKey),
      });
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  if (shards.length === 0) {
    throw new StreamkitError('SK_NOT_FOUND', `Stream ${stream.StreamName ?? stream.StreamARN} has no open shards`);
  }
  return new ShardMap(shards);
}

/**
 * The stream's RecordDistributionStrategy (DescribeStreamSummary): AUTO when Kinesis places records itself, ignoring
 * partition and explicit hash keys (on-demand streams may choose it); USER_PARTITION_KEY, or undefined — the field is
 * absent for provisioned streams, and when the caller may not call DescribeStreamSummary — when keys decide, as
 * always. Like the KPL, a producer that cannot tell keeps aggregating.
 */
export async function recordDistributionStrategy(
  kinesis: Pick<KinesisClient, 'send'>,
  stream: StreamRef,
  signal?: AbortSignal,
): Promise<string | undefined> {
  try {
    const { StreamDescriptionSummary } = await kinesis.send(
      new DescribeStreamSummaryCommand({ ...stream }),
      signal ? { abortSignal: signal } : {},
    );
    return StreamDescriptionSummary?.RecordDistributionStrategy;
  } catch {
    return undefined;
  }
}
