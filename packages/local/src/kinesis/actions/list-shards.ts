/**
 * ListShards: a page of a stream's shards (`MaxResults`, capped like AWS), after `ExclusiveStartShardId` or from a
 * `NextToken` (which then identifies the stream by itself and expires like AWS's), narrowed by a `ShardFilter`.
 *
 * Every shard of the engine is open and untrimmed (no resharding, no retention trimming yet), so the filters reduce
 * to: AFTER_SHARD_ID lists the shards after `ShardId`; AT_TIMESTAMP lists every shard if the stream existed at
 * `Timestamp` and none otherwise; AT_LATEST, AT_TRIM_HORIZON, FROM_TRIM_HORIZON and FROM_TIMESTAMP list every shard.
 */
import { type ActionContext, findStream, openNextToken, requireActive, sealNextToken } from '../action-context.ts';
import { KINESIS_API_LIMITS } from '../api-limits.ts';
import { KinesisServiceError } from '../errors.ts';
import { type ListShardsOutput, type ShardFilterType, shardShape } from '../shapes.ts';
import type { KinesisStream } from '../store.ts';
import { TOKEN_KINDS, tokenInteger, tokenString } from '../token-sealer.ts';
import { RequestValidation, readStreamRef, requestBody, SHARD_ID_PATTERN } from '../validation.ts';

const SHARD_FILTER_TYPES: readonly ShardFilterType[] = [
  'AFTER_SHARD_ID',
  'AT_TRIM_HORIZON',
  'FROM_TRIM_HORIZON',
  'AT_LATEST',
  'AT_TIMESTAMP',
  'FROM_TIMESTAMP',
];

export function listShards(context: ActionContext, input: unknown): ListShardsOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const ref = readStreamRef(body, v);
  const nextToken = v.string(body, 'NextToken');
  const exclusiveStartShardId = v.string(body, 'ExclusiveStartShardId');
  const maxResults = v.integer(body, 'MaxResults');
  const streamCreationTimestamp = v.timestamp(body, 'StreamCreationTimestamp');
  const filter = v.object(body, 'ShardFilter');
  const filterTypeValue = filter && v.string(filter, 'Type', 'shardFilter');
  const filterShardId = filter && v.string(filter, 'ShardId', 'shardFilter');
  const filterTimestamp = filter && v.timestamp(filter, 'Timestamp', 'shardFilter');

  v.length(nextToken, 'nextToken', KINESIS_API_LIMITS.nextTokenLength);
  for (const [value, path] of [
    [exclusiveStartShardId, 'exclusiveStartShardId'],
    [filterShardId, 'shardFilter.shardId'],
  ] as const) {
    v.length(value, path, KINESIS_API_LIMITS.shardIdLength);
    v.pattern(value, path, SHARD_ID_PATTERN);
  }
  v.range(maxResults, 'maxResults', KINESIS_API_LIMITS.listShardsMaxResults);
  const filterType =
    filter && v.required(filterTypeValue, 'shardFilter.type')
      ? v.oneOf(filterTypeValue, 'shardFilter.type', SHARD_FILTER_TYPES)
      : undefined;
  v.throwIfInvalid();

  const pageSize = Math.min(
    maxResults ?? KINESIS_API_LIMITS.listShardsMaxResults.default,
    KINESIS_API_LIMITS.listShardsMaxShards.value,
  );

  if (nextToken !== undefined) {
    const conflicting = Object.entries({
      StreamName: ref.name,
      StreamARN: ref.arn,
      ExclusiveStartShardId: exclusiveStartShardId,
      StreamCreationTimestamp: streamCreationTimestamp,
      ShardFilter: filter,
    })
      .filter(([, value]) => value !== undefined)
      .map(([member]) => member);
    if (conflicting.length > 0) {
      throw new KinesisServiceError(
        'InvalidArgumentException',
        `NextToken cannot be combined with ${conflicting.join(', ')}: the token already says what to list`,
      );
    }
    const { stream, afterIndex } = continuation(context, nextToken);
    return page(context, stream, stream.shards.slice(afterIndex + 1), pageSize);
  }

  const stream = findStream(context, ref);
  requireActive(context, stream);
  if (streamCreationTimestamp !== undefined && streamCreationTimestamp !== stream.createdAt) {
    throw new KinesisServiceError(
      'ResourceNotFoundException',
      `Stream ${stream.name} under account ${context.store.account} was not created at ` +
        `${new Date(streamCreationTimestamp).toISOString()} (it was created at ${new Date(stream.createdAt).toISOString()})`,
    );
  }

  let shards = stream.shards;
  if (exclusiveStartShardId !== undefined) shards = shards.filter((s) => s.shardId > exclusiveStartShardId);
  if (filterType === 'AFTER_SHARD_ID') {
    if (filterShardId === undefined) {
      throw new KinesisServiceError('InvalidArgumentException', 'ShardFilter of type AFTER_SHARD_ID needs a ShardId');
    }
    shards = shards.filter((s) => s.shardId > filterShardId);
  } else if (filterType === 'AT_TIMESTAMP' || filterType === 'FROM_TIMESTAMP') {
    if (filterTimestamp === undefined) {
      throw new KinesisServiceError('InvalidArgumentException', `ShardFilter of type ${filterType} needs a Timestamp`);
    }
    if (filterType === 'AT_TIMESTAMP' && filterTimestamp < stream.createdAt) shards = [];
  }
  return page(context, stream, shards, pageSize);
}

function page(
  context: ActionContext,
  stream: KinesisStream,
  shards: KinesisStream['shards'],
  pageSize: number,
): ListShardsOutput {
  const listed = shards.slice(0, pageSize);
  const last = listed.at(-1);
  return {
    Shards: listed.map(shardShape),
    ...(shards.length > listed.length && last
      ? {
          NextToken: sealNextToken(context, TOKEN_KINDS.listShardsNextToken, [
            stream.name,
            stream.createdAt,
            last.index,
          ]),
        }
      : {}),
  };
}

/** The stream and the shard index a NextToken continues after. */
function continuation(context: ActionContext, token: string): { stream: KinesisStream; afterIndex: number } {
  const fields = openNextToken(context, TOKEN_KINDS.listShardsNextToken, token);
  const name = tokenString(fields, 0);
  const createdAt = tokenInteger(fields, 1);
  const afterIndex = tokenInteger(fields, 2);
  if (name === undefined || createdAt === undefined || afterIndex === undefined) {
    throw new KinesisServiceError('InvalidArgumentException', `Invalid NextToken: ${token}`);
  }
  const stream = context.store.stream(name);
  if (!stream || stream.createdAt !== createdAt) {
    throw new KinesisServiceError(
      'ResourceNotFoundException',
      `Stream ${name} under account ${context.store.account} not found.`,
    );
  }
  return { stream, afterIndex };
}
