/**
 * GetShardIterator: an iterator at the shard's trim horizon, its tip (LATEST), at or after a sequence number, or at
 * the first record that arrived at or after a timestamp. The iterator lives `LIMITS.kinesis.shardIteratorTtlSeconds`.
 */
import { type ActionContext, findShard, findWritableStream } from '../action-context.ts';
import { KINESIS_API_LIMITS } from '../api-limits.ts';
import { KinesisServiceError } from '../errors.ts';
import { formatSequenceNumber, parseSequenceNumber } from '../sequence-number.ts';
import type { GetShardIteratorOutput, ShardIteratorType } from '../shapes.ts';
import { encodeShardIterator } from '../shard-iterator.ts';
import type { KinesisShard, KinesisStream } from '../store.ts';
import {
  RequestValidation,
  readStreamRef,
  requestBody,
  SEQUENCE_NUMBER_PATTERN,
  SHARD_ID_PATTERN,
} from '../validation.ts';

const ITERATOR_TYPES: readonly ShardIteratorType[] = [
  'AT_SEQUENCE_NUMBER',
  'AFTER_SEQUENCE_NUMBER',
  'TRIM_HORIZON',
  'LATEST',
  'AT_TIMESTAMP',
];

export function getShardIterator(context: ActionContext, input: unknown): GetShardIteratorOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const ref = readStreamRef(body, v);
  const shardId = v.string(body, 'ShardId');
  const typeValue = v.string(body, 'ShardIteratorType');
  const startingSequenceNumber = v.string(body, 'StartingSequenceNumber');
  const timestamp = v.timestamp(body, 'Timestamp');
  const dryRun = v.boolean(body, 'DryRun');
  if (v.required(shardId, 'shardId')) {
    v.length(shardId, 'shardId', KINESIS_API_LIMITS.shardIdLength);
    v.pattern(shardId, 'shardId', SHARD_ID_PATTERN);
  }
  const type = v.required(typeValue, 'shardIteratorType')
    ? v.oneOf(typeValue, 'shardIteratorType', ITERATOR_TYPES)
    : undefined;
  v.pattern(startingSequenceNumber, 'startingSequenceNumber', SEQUENCE_NUMBER_PATTERN);
  v.throwIfInvalid();

  const stream = findWritableStream(context, ref);
  const shard = findShard(context, stream, shardId!);
  const position = startingPosition(context, stream, shard, type!, startingSequenceNumber, timestamp);
  if (dryRun) {
    throw new KinesisServiceError('DryRunOperationException', 'The request would have succeeded, but DryRun is set.');
  }
  return {
    ShardIterator: encodeShardIterator(context.tokens, {
      streamName: stream.name,
      streamCreatedAt: stream.createdAt,
      shardIndex: shard.index,
      position,
      issuedAt: context.clock(),
    }),
  };
}

function startingPosition(
  context: ActionContext,
  stream: KinesisStream,
  shard: KinesisShard,
  type: ShardIteratorType,
  sequenceNumber: string | undefined,
  timestamp: number | undefined,
): number {
  const { log } = shard;
  switch (type) {
    case 'TRIM_HORIZON':
    case 'LATEST':
      if (sequenceNumber !== undefined) {
        throw new KinesisServiceError(
          'InvalidArgumentException',
          'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or ' +
            '(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. ' +
            `Request specified ${type} and also a StartingSequenceNumber.`,
        );
      }
      return type === 'TRIM_HORIZON' ? log.firstPosition : log.nextPosition;
    case 'AT_SEQUENCE_NUMBER':
    case 'AFTER_SEQUENCE_NUMBER': {
      if (sequenceNumber === undefined) {
        throw new KinesisServiceError(
          'InvalidArgumentException',
          'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or ' +
            '(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. ' +
            `Request specified ${type} and no StartingSequenceNumber.`,
        );
      }
      const where = `used in GetShardIterator on shard ${shard.shardId} in stream ${stream.name} under account ${context.store.account}`;
      const decoded = parseSequenceNumber(sequenceNumber);
      if (!decoded) {
        throw new KinesisServiceError(
          'InvalidArgumentException',
          `StartingSequenceNumber ${sequenceNumber} ${where} is invalid.`,
        );
      }
      if (decoded.streamCreatedAt !== stream.createdAt) {
        throw new KinesisServiceError(
          'InvalidArgumentException',
          `StartingSequenceNumber ${sequenceNumber} ${where} is invalid because it did not come from this stream.`,
        );
      }
      if (decoded.shardIndex !== shard.index) {
        throw new KinesisServiceError(
          'InvalidArgumentException',
          `Invalid StartingSequenceNumber. It encodes ${stream.shards[decoded.shardIndex]?.shardId ?? `shard index ${decoded.shardIndex}`}, ` +
            `while it was used in a call to a shard with ${shard.shardId}`,
        );
      }
      if (decoded.position >= log.nextPosition) {
        throw new KinesisServiceError(
          'InvalidArgumentException',
          `StartingSequenceNumber ${sequenceNumber} ${where} is invalid: the shard has not issued it yet ` +
            `(the next record will get ${formatSequenceNumber(shard.sequenceNumberPrefix, log.nextPosition)})`,
        );
      }
      return type === 'AT_SEQUENCE_NUMBER' ? decoded.position : decoded.position + 1;
    }
    case 'AT_TIMESTAMP': {
      if (timestamp === undefined) {
        throw new KinesisServiceError(
          'InvalidArgumentException',
          'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. ' +
            'Current request has no timestamp parameter.',
        );
      }
      const now = context.clock();
      if (timestamp > now) {
        throw new KinesisServiceError(
          'InvalidArgumentException',
          'The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. ' +
            `timestampInMillis: ${timestamp}, currentTimestampInMillis: ${now}`,
        );
      }
      return Math.max(log.positionAt(timestamp), log.firstPosition);
    }
  }
}
