/**
 * SplitShard: splits an open shard of an ACTIVE provisioned stream in two at `NewStartingHashKey`. The stream is
 * UPDATING for the engine's `updateStreamDelayMs`; then the shard closes and its children open: the lower one takes
 * the hash keys below `NewStartingHashKey`, the upper one the rest, both with `ParentShardId` set to the shard.
 */
import { type ActionContext, findShard, findStream, requireActive } from '../action-context.ts';
import { KINESIS_API_LIMITS } from '../api-limits.ts';
import { KinesisServiceError } from '../errors.ts';
import { planSplit, requireOpen, requireProvisioned, startReshard } from '../resharding.ts';
import type { SplitShardOutput } from '../shapes.ts';
import { HASH_KEY_PATTERN, RequestValidation, readStreamRef, requestBody, SHARD_ID_PATTERN } from '../validation.ts';

export function splitShard(context: ActionContext, input: unknown): SplitShardOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const ref = readStreamRef(body, v);
  const shardToSplit = v.string(body, 'ShardToSplit');
  const newStartingHashKey = v.string(body, 'NewStartingHashKey');
  if (v.required(shardToSplit, 'shardToSplit')) {
    v.length(shardToSplit, 'shardToSplit', KINESIS_API_LIMITS.shardIdLength);
    v.pattern(shardToSplit, 'shardToSplit', SHARD_ID_PATTERN);
  }
  if (v.required(newStartingHashKey, 'newStartingHashKey')) {
    v.pattern(newStartingHashKey, 'newStartingHashKey', HASH_KEY_PATTERN);
  }
  v.throwIfInvalid();

  const stream = findStream(context, ref);
  requireActive(context, stream);
  requireProvisioned(context, stream, 'SplitShard');
  const shard = findShard(context, stream, shardToSplit!);
  requireOpen(context, stream, shard);
  const key = BigInt(newStartingHashKey!);
  const { start, end } = shard.hashKeyRange;
  if (key <= start + 1n || key >= end) {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      `NewStartingHashKey ${newStartingHashKey} used in SplitShard() on shard ${shard.shardId} in stream ` +
        `${stream.name} under account ${context.store.account} is not both greater than one plus the shard's ` +
        `StartingHashKey ${start} and less than the shard's EndingHashKey ${end}.`,
    );
  }
  context.store.checkShardQuota(1);
  startReshard(context, stream, planSplit(shard, key));
  return {};
}
