/**
 * CreateStream: a provisioned stream of `ShardCount` shards, or an on-demand one (`StreamModeDetails.StreamMode:
 * ON_DEMAND`, or no `ShardCount` at all) of `LIMITS.kinesis.onDemandInitialShards` shards. The stream is CREATING for
 * the engine's `createStreamDelayMs`, then ACTIVE.
 */
import { LIMITS, type StreamMode } from '@streamkit/core';
import type { ActionContext } from '../action-context.ts';
import { KINESIS_API_LIMITS } from '../api-limits.ts';
import { KinesisServiceError } from '../errors.ts';
import type { CreateStreamOutput } from '../shapes.ts';
import { checkStreamName, RequestValidation, requestBody } from '../validation.ts';

/** Members AWS knows that would change what the stream does; the engine refuses them rather than ignore them. */
const UNSUPPORTED = ['WarmThroughputMiBps', 'MaxRecordSizeInKiB', 'RecordDistributionStrategy'] as const;

export function createStream(context: ActionContext, input: unknown): CreateStreamOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const name = v.string(body, 'StreamName');
  const shardCount = v.integer(body, 'ShardCount');
  const modeDetails = v.object(body, 'StreamModeDetails');
  const modeValue = modeDetails && v.string(modeDetails, 'StreamMode', 'streamModeDetails');
  const tags = v.stringMap(body, 'Tags');

  if (v.required(name, 'streamName')) checkStreamName(name, 'streamName', v);
  v.range(shardCount, 'shardCount', { min: LIMITS.kinesis.shardCount.min, max: Number.MAX_SAFE_INTEGER });
  if (modeDetails && v.required(modeValue, 'streamModeDetails.streamMode')) {
    v.oneOf(modeValue, 'streamModeDetails.streamMode', LIMITS.kinesis.streamMode.values);
  }
  if (tags) {
    const entries = Object.entries(tags);
    v.length(entries, 'tags', KINESIS_API_LIMITS.tagsPerRequest);
    for (const [key, value] of entries) {
      v.length(key, 'tags.key', KINESIS_API_LIMITS.tagKeyLength);
      v.length(value, 'tags.value', KINESIS_API_LIMITS.tagValueLength);
    }
  }
  v.throwIfInvalid();

  for (const member of UNSUPPORTED) {
    if (body[member] !== undefined && body[member] !== null) {
      throw new KinesisServiceError(
        'InvalidArgumentException',
        `${member} is not supported by the local Kinesis engine (got ${JSON.stringify(body[member])})`,
      );
    }
  }

  const mode: StreamMode =
    (modeValue as StreamMode | undefined) ?? (shardCount === undefined ? 'ON_DEMAND' : 'PROVISIONED');
  if (mode === 'ON_DEMAND' && shardCount !== undefined) {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      `ShardCount must not be given for an ON_DEMAND stream (got ${shardCount}); ` +
        `an on-demand stream starts with ${LIMITS.kinesis.onDemandInitialShards.value} shards`,
    );
  }
  if (mode === 'PROVISIONED' && shardCount === undefined) {
    throw new KinesisServiceError('InvalidArgumentException', 'ShardCount is required for a PROVISIONED stream');
  }
  if (mode === 'ON_DEMAND') {
    const { store } = context;
    const onDemand = store.streams().filter((stream) => stream.mode === 'ON_DEMAND').length;
    const limit = KINESIS_API_LIMITS.onDemandStreamCountLimit.value;
    if (onDemand >= limit) {
      throw new KinesisServiceError(
        'LimitExceededException',
        `Account ${store.account} in ${store.region} already has ${onDemand} on-demand streams, the limit is ${limit}`,
      );
    }
  }

  context.store.createStream({
    name: name!,
    mode,
    shardCount: shardCount ?? LIMITS.kinesis.onDemandInitialShards.value,
    ...(tags ? { tags } : {}),
  });
  return {};
}
