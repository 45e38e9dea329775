/**
 * MergeShards: merges two adjacent open shards of an ACTIVE provisioned stream (their hash key ranges meet, in either
 * order). The stream is UPDATING for the engine's `updateStreamDelayMs`; then both close and one child opens over
 * their union, with `ParentShardId` the shard to merge and `AdjacentParentShardId` the other.
 */
import { type ActionContext, findShard, findStream, requireActive } from '../action-context.ts';
import { KINESIS_API_LIMITS } from '../api-limits.ts';
import { KinesisServiceError } from '../errors.ts';
import { planMerge, requireOpen, requireProvisioned, startReshard } from '../resharding.ts';
import type { MergeShardsOutput } from '../shapes.ts';
import { RequestValidation, readStreamRef, requestBody, SHARD_ID_PATTERN } from '../validation.ts';

export function mergeShards(context: ActionContext, input: unknown): MergeShardsOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const ref = readStreamRef(body, v);
  const shardToMerge = v.string(body, 'ShardToMerge');
  const adjacentShardToMerge = v.string(body, 'AdjacentShardToMerge');
  for (const [value, path] of [
    [shardToMerge, 'shardToMerge'],
    [adjacentShardToMerge, 'adjacentShardToMerge'],
  ] as const) {
    if (v.required(value, path)) {
      v.length(value, path, KINESIS_API_LIMITS.shardIdLength);
      v.pattern(value, path, SHARD_ID_PATTERN);
    }
  }
  v.throwIfInvalid();

  const stream = findStream(context, ref);
  requireActive(context, stream);
  requireProvisioned(context, stream, 'MergeShards');
  const shard = findShard(context, stream, shardToMerge!);
  const adjacent = findShard(context, stream, adjacentShardToMerge!);
  requireOpen(context, stream, shard);
  requireOpen(context, stream, adjacent);
  const meets =
    shard.hashKeyRange.end + 1n === adjacent.hashKeyRange.start ||
    adjacent.hashKeyRange.end + 1n === shard.hashKeyRange.start;
  if (!meets) {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      `Shards ${shard.shardId} and ${adjacent.shardId} in stream ${stream.name} under account ` +
        `${context.store.account} are not an adjacent pair of shards eligible for merging ` +
        `(hash keys ${shard.hashKeyRange.start}-${shard.hashKeyRange.end} and ` +
        `${adjacent.hashKeyRange.start}-${adjacent.hashKeyRange.end})`,
    );
  }
  startReshard(context, stream, planMerge(shard, adjacent));
  return {};
}
