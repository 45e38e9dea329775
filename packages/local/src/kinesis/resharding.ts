/**
 * Plans of SplitShard, MergeShards and UpdateShardCount: the splits and merges (`ReshardOperation`s) the store applies
 * when the stream's update ends. Plans are computed against the open shards when the call is made; the stream is
 * UPDATING until they apply, so no other reshard can come in between.
 *
 * UpdateShardCount with UNIFORM_SCALING ends with `target` shards of equal width (the last one takes the remainder,
 * as for a new stream). Like AWS, it gets there by splits and merges only, so that every new shard has one parent
 * (a split) or two adjacent ones (a merge): first every open shard is split at each target boundary inside it, then
 * the pieces of each target range are merged left to right. Shards that already match a target range are kept. The
 * pieces in between are the "short-lived shards" AWS mentions: they open and close at the same moment, hold no
 * records, and readers pass through them (GetRecords at their end returns their ChildShards).
 */
import type { ActionContext } from './action-context.ts';
import { KinesisServiceError } from './errors.ts';
import { type HashKeyRange, splitHashKeySpace } from './hash-key.ts';
import { MAX_SHARD_INDEX } from './sequence-number.ts';
import { type KinesisShard, type KinesisStream, type ReshardOperation, shardIdOf } from './store.ts';

interface Piece extends HashKeyRange {
  readonly index: number;
}

export interface ReshardPlan {
  readonly operations: readonly ReshardOperation[];
  /** Shards the plan opens, short-lived ones included. */
  readonly shardsOpened: number;
}

/** The open shards of a stream, in hash key order. */
function openPieces(stream: KinesisStream): Piece[] {
  return stream.openShardIndexes.map((index) => {
    const shard = stream.shards[index]!;
    return { index, start: shard.hashKeyRange.start, end: shard.hashKeyRange.end };
  });
}

export function planUniformScaling(stream: KinesisStream, target: number): ReshardPlan {
  const targets = splitHashKeySpace(target);
  const boundaries = targets.slice(1).map((range) => range.start);
  const operations: ReshardOperation[] = [];
  let next = stream.shards.length;

  const pieces: Piece[] = [];
  for (const shard of openPieces(stream)) {
    let rest: Piece = shard;
    for (const boundary of boundaries) {
      if (boundary <= rest.start || boundary > rest.end) continue;
      operations.push({ kind: 'split', shardIndex: rest.index, newStartingHashKey: boundary.toString() });
      pieces.push({ index: next, start: rest.start, end: boundary - 1n });
      rest = { index: next + 1, start: boundary, end: rest.end };
      next += 2;
    }
    pieces.push(rest);
  }

  let i = 0;
  for (const range of targets) {
    let merged = pieces[i++]!;
    while (merged.end < range.end) {
      const piece = pieces[i++]!;
      operations.push({ kind: 'merge', shardIndex: merged.index, adjacentShardIndex: piece.index });
      merged = { index: next++, start: merged.start, end: piece.end };
    }
  }
  return { operations, shardsOpened: next - stream.shards.length };
}

export function planSplit(shard: KinesisShard, newStartingHashKey: bigint): ReshardPlan {
  return {
    operations: [{ kind: 'split', shardIndex: shard.index, newStartingHashKey: newStartingHashKey.toString() }],
    shardsOpened: 2,
  };
}

export function planMerge(shard: KinesisShard, adjacent: KinesisShard): ReshardPlan {
  return {
    operations: [{ kind: 'merge', shardIndex: shard.index, adjacentShardIndex: adjacent.index }],
    shardsOpened: 1,
  };
}

/**
 * Starts a reshard: the stream is UPDATING until the plan applies (at once without an `updateStreamDelayMs`), and
 * subscriptions to the stream look again at their shards.
 */
export function startReshard(context: ActionContext, stream: KinesisStream, plan: ReshardPlan): void {
  const lastIndex = stream.shards.length + plan.shardsOpened - 1;
  if (lastIndex > MAX_SHARD_INDEX) {
    throw new KinesisServiceError(
      'LimitExceededException',
      `Stream ${stream.name} under account ${context.store.account} would need shard IDs up to ${shardIdOf(lastIndex)}; ` +
        `the local engine numbers shards up to ${shardIdOf(MAX_SHARD_INDEX)}`,
    );
  }
  context.store.beginUpdate(stream, plan.operations);
  context.subscriptions.streamChanged(stream.name);
}

/** Resharding is for provisioned streams only (InvalidArgumentException for an on-demand one). */
export function requireProvisioned(context: ActionContext, stream: KinesisStream, action: string): void {
  if (stream.mode !== 'PROVISIONED') {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      `${action} is only supported for streams in PROVISIONED capacity mode; stream ${stream.name} under account ` +
        `${context.store.account} is ${stream.mode}`,
    );
  }
}

/** A shard that a reshard can act on: it must still be open (ResourceInUseException otherwise). */
export function requireOpen(context: ActionContext, stream: KinesisStream, shard: KinesisShard): void {
  if (shard.endingPosition !== undefined) {
    throw new KinesisServiceError(
      'ResourceInUseException',
      `Shard ${shard.shardId} in stream ${stream.name} under account ${context.store.account} is closed: ` +
        'an earlier reshard split or merged it',
    );
  }
}
