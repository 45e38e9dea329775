/**
 * Shard lineage after resharding: a split gives a shard two children (each with `ParentShardId` set to it), a merge
 * gives two adjacent shards one child (`ParentShardId` the shard merged, `AdjacentParentShardId` the other). Readers
 * that reach the end of a closed shard learn its children from GetRecords' and SubscribeToShard's `ChildShards`.
 */
import type { ChildShardShape } from './shapes.ts';
import type { KinesisShard, KinesisStream } from './store.ts';

/** The shards opened by the reshard that closed `shard` (none while it is open). */
export function childShards(stream: KinesisStream, shard: KinesisShard): KinesisShard[] {
  const children: KinesisShard[] = [];
  // Children always have higher indexes than their parents.
  for (let index = shard.index + 1; index < stream.shards.length; index++) {
    const candidate = stream.shards[index]!;
    if (candidate.parentShardId === shard.shardId || candidate.adjacentParentShardId === shard.shardId) {
      children.push(candidate);
    }
  }
  return children;
}

/** `ChildShards` as GetRecords and SubscribeToShardEvent give them. */
export function childShardShapes(stream: KinesisStream, shard: KinesisShard): ChildShardShape[] {
  return childShards(stream, shard).map((child) => ({
    ShardId: child.shardId,
    ParentShards: [child.parentShardId, child.adjacentParentShardId].filter((id): id is string => id !== undefined),
    HashKeyRange: {
      StartingHashKey: child.hashKeyRange.start.toString(),
      EndingHashKey: child.hashKeyRange.end.toString(),
    },
  }));
}

/** Whether every record of `shard` has been read once a reader is at `position`: the shard is closed and ends there. */
export function isAtShardEnd(shard: KinesisShard, position: number): boolean {
  return shard.endingPosition !== undefined && position >= shard.endingPosition;
}
