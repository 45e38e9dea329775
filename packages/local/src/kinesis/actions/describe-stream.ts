/**
 * DescribeStream: the stream and a page of its shards (`Limit`, capped like AWS, after `ExclusiveStartShardId`),
 * with `HasMoreShards` when more follow.
 */
import { type ActionContext, findStream } from '../action-context.ts';
import { KINESIS_API_LIMITS } from '../api-limits.ts';
import { type DescribeStreamOutput, shardShape, streamHeader } from '../shapes.ts';
import { RequestValidation, readStreamRef, requestBody, SHARD_ID_PATTERN } from '../validation.ts';

export function describeStream(context: ActionContext, input: unknown): DescribeStreamOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const ref = readStreamRef(body, v);
  const limit = v.integer(body, 'Limit');
  const exclusiveStartShardId = v.string(body, 'ExclusiveStartShardId');
  v.range(limit, 'limit', KINESIS_API_LIMITS.describeStreamLimit);
  v.length(exclusiveStartShardId, 'exclusiveStartShardId', KINESIS_API_LIMITS.shardIdLength);
  v.pattern(exclusiveStartShardId, 'exclusiveStartShardId', SHARD_ID_PATTERN);
  v.throwIfInvalid();

  const stream = findStream(context, ref);
  const pageSize = Math.min(
    limit ?? KINESIS_API_LIMITS.describeStreamLimit.default,
    KINESIS_API_LIMITS.describeStreamMaxShards.value,
  );
  // Like AWS, a stream shows its shards once it is no longer CREATING.
  const shards = stream.status === 'CREATING' ? [] : stream.shards;
  const after = exclusiveStartShardId === undefined ? shards : shards.filter((s) => s.shardId > exclusiveStartShardId);
  const page = after.slice(0, pageSize);
  return {
    StreamDescription: {
      ...streamHeader(stream),
      Shards: page.map(shardShape),
      HasMoreShards: after.length > page.length,
    },
  };
}
