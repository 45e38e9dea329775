/**
 * ListShards: a page of a stream's shards (`MaxResults`, capped like AWS), after `ExclusiveStartShardId` or from a
 * `NextToken` (which then identifies the stream and the filter by itself, and expires like AWS's), narrowed by a
 * `ShardFilter`. Closed shards are listed too; the filters pick by when shards were open:
 * - AFTER_SHARD_ID: the shards after `ShardId`;
 * - AT_LATEST: the open shards;
 * - AT_TRIM_HORIZON / FROM_TRIM_HORIZON: the shards open at the trim horizon (now minus the retention period, or the
 *   stream's creation if later) / those, and every shard opened since;
 * - AT_TIMESTAMP / FROM_TIMESTAMP: the shards open at `Timestamp` / those, and every shard opened since (a timestamp
 *   before the trim horizon counts as the trim horizon).
 * Like AWS, it answers while the stream is UPDATING.
 */
import { type ActionContext, findStream, openNextToken, requireActive, sealNextToken } from '../action-context.ts';
import { KINESIS_API_LIMITS } from '../api-limits.ts';
import { KinesisServiceError } from '../errors.ts';
import { type ListShardsOutput, type ShardFilterType, shardShape } from '../shapes.ts';
import type { KinesisShard, KinesisStream } from '../store.ts';
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
    const { stream, afterIndex, filter: tokenFilter } = continuation(context, nextToken);
    const shards = stream.shards.slice(afterIndex + 1).filter(shardFilter(context, stream, tokenFilter));
    return page(context, stream, shards, pageSize, tokenFilter);
  }

  const stream = findStream(context, ref);
  if (stream.status !== 'UPDATING') requireActive(context, stream);
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
  }
  const timeFilter: TimeFilter | undefined =
    filterType === undefined || filterType === 'AFTER_SHARD_ID'
      ? undefined
      : { type: filterType, timestamp: filterTimestamp ?? 0 };
  return page(context, stream, shards.filter(shardFilter(context, stream, timeFilter)), pageSize, timeFilter);
}

/** A ShardFilter that picks shards by when they were open (every type but AFTER_SHARD_ID). */
interface TimeFilter {
  readonly type: Exclude<ShardFilterType, 'AFTER_SHARD_ID'>;
  /** ms since the epoch; 0 for the types without a timestamp. */
  readonly timestamp: number;
}

function shardFilter(
  context: ActionContext,
  stream: KinesisStream,
  filter: TimeFilter | undefined,
): (shard: KinesisShard) => boolean {
  if (filter === undefined) return () => true;
  const trimHorizon = Math.max(context.clock() - stream.retentionHours * 3_600_000, stream.createdAt);
  const openAt = (at: number) => (shard: KinesisShard) =>
    shard.openedAt <= at && (shard.closedAt === undefined || shard.closedAt >= at);
  const openSince = (at: number) => (shard: KinesisShard) => shard.closedAt === undefined || shard.closedAt >= at;
  switch (filter.type) {
    case 'AT_LATEST':
      return (shard) => shard.closedAt === undefined;
    case 'AT_TRIM_HORIZON':
      return openAt(trimHorizon);
    case 'FROM_TRIM_HORIZON':
      return openSince(trimHorizon);
    case 'AT_TIMESTAMP':
      return openAt(filter.timestamp);
    case 'FROM_TIMESTAMP':
      return openSince(Math.max(filter.timestamp, trimHorizon));
  }
}

function page(
  context: ActionContext,
  stream: KinesisStream,
  shards: readonly KinesisShard[],
  pageSize: number,
  filter: TimeFilter | undefined,
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
            filter?.type ?? '',
            filter?.timestamp ?? 0,
          ]),
        }
      : {}),
  };
}

/** The stream, the shard index and the filter a NextToken continues with. */
function continuation(
  context: ActionContext,
  token: string,
): { stream: KinesisStream; afterIndex: number; filter: TimeFilter | undefined } {
  const fields = openNextToken(context, TOKEN_KINDS.listShardsNextToken, token);
  const name = tokenString(fields, 0);
  const createdAt = tokenInteger(fields, 1);
  const afterIndex = tokenInteger(fields, 2);
  const filterType = tokenString(fields, 3);
  const filterTimestamp = tokenInteger(fields, 4);
  if (
    name === undefined ||
    createdAt === undefined ||
    afterIndex === undefined ||
    filterType === undefined ||
    filterTimestamp === undefined ||
    (filterType !== '' && !TIME_FILTER_TYPES.includes(filterType as TimeFilter['type']))
  ) {
    throw new KinesisServiceError('InvalidArgumentException', `Invalid NextToken: ${token}`);
  }
  const filter: TimeFilter | undefined =
    filterType === '' ? undefined : { type: filterType as TimeFilter['type'], timestamp: filterTimestamp };
  const stream = context.store.stream(name);
  if (!stream || stream.createdAt !== createdAt) {
    throw new KinesisServiceError(
      'ResourceNotFoundException',
      `Stream ${name} under account ${context.store.account} not found.`,
    );
  }
  return { stream, afterIndex, filter };
}

const TIME_FILTER_TYPES = SHARD_FILTER_TYPES.filter((type) => type !== 'AFTER_SHARD_ID');
