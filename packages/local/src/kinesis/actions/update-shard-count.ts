/**
 * UpdateShardCount (UNIFORM_SCALING): rescales an ACTIVE provisioned stream to `TargetShardCount` shards of equal
 * width, by the splits and merges `planUniformScaling` chooses; the stream is UPDATING for the engine's
 * `updateStreamDelayMs`, then the new shards open. AWS's default limits apply: at most double and at least half the
 * open shards, at most `KINESIS_API_LIMITS.shardsPerStream` shards, the account's shard quota, and
 * `KINESIS_API_LIMITS.shardCountUpdatesPerDay` calls per stream in any 24 hours (on the engine's clock).
 */
import { type ActionContext, findStream, requireActive } from '../action-context.ts';
import { KINESIS_API_LIMITS } from '../api-limits.ts';
import { KinesisServiceError } from '../errors.ts';
import { planUniformScaling, requireProvisioned, startReshard } from '../resharding.ts';
import type { ScalingType, UpdateShardCountOutput } from '../shapes.ts';
import { RequestValidation, readStreamRef, requestBody } from '../validation.ts';

const SCALING_TYPES: readonly ScalingType[] = ['UNIFORM_SCALING'];
const DAY_MS = 24 * 60 * 60 * 1000;

export function updateShardCount(context: ActionContext, input: unknown): UpdateShardCountOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const ref = readStreamRef(body, v);
  const target = v.integer(body, 'TargetShardCount');
  const scalingType = v.string(body, 'ScalingType');
  if (v.required(target, 'targetShardCount')) v.range(target, 'targetShardCount', KINESIS_API_LIMITS.targetShardCount);
  if (v.required(scalingType, 'scalingType')) v.oneOf(scalingType, 'scalingType', SCALING_TYPES);
  v.throwIfInvalid();

  const { store } = context;
  const stream = findStream(context, ref);
  requireActive(context, stream);
  requireProvisioned(context, stream, 'UpdateShardCount');
  const current = stream.openShardIndexes.length;
  const where = `stream ${stream.name} under account ${store.account}`;
  if (target! > current * 2) {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      `UpdateShardCount cannot scale ${where} up to ${target} shards: at most double the ${current} open shards ` +
        `(${current * 2})`,
    );
  }
  if (target! * 2 < current) {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      `UpdateShardCount cannot scale ${where} down to ${target} shards: at least half the ${current} open shards ` +
        `(${Math.ceil(current / 2)})`,
    );
  }
  const perStream = KINESIS_API_LIMITS.shardsPerStream.value;
  if (target! > perStream) {
    throw new KinesisServiceError(
      'LimitExceededException',
      `UpdateShardCount cannot scale ${where} to ${target} shards: a stream can have at most ${perStream}`,
    );
  }
  const now = context.clock();
  const since = now - DAY_MS;
  const recent = stream.shardCountUpdates.filter((at) => at > since);
  const perDay = KINESIS_API_LIMITS.shardCountUpdatesPerDay.value;
  if (recent.length >= perDay) {
    throw new KinesisServiceError(
      'LimitExceededException',
      `UpdateShardCount was called ${recent.length} times for ${where} in the last 24 hours; the limit is ${perDay} ` +
        `(the oldest of them was at ${new Date(recent[0]!).toISOString()})`,
    );
  }
  store.checkShardQuota(target! - current);

  store.recordShardCountUpdate(stream, since);
  startReshard(context, stream, planUniformScaling(stream, target!));
  return {
    StreamName: stream.name,
    CurrentShardCount: current,
    TargetShardCount: target!,
    StreamARN: stream.arn,
  };
}
