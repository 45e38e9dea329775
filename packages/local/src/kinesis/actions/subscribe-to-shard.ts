/**
 * SubscribeToShard: an ACTIVE consumer subscribes to one shard of its stream and receives its records as an event
 * stream (see `shard-subscriptions.ts` for the events and how a subscription ends, `event-stream.ts` for the wire).
 * Errors found before the subscription starts — bad input, an unknown consumer or shard, a concurrent subscription —
 * are ordinary error responses; errors after it started are exception events.
 *
 * `StartingPosition` works like GetShardIterator's iterator types; AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER also
 * take a `ContinuationSequenceNumber` given before the shard's first record (see `continuationSequenceNumber`).
 */
import { type ActionContext, findShard } from '../action-context.ts';
import { KINESIS_API_LIMITS } from '../api-limits.ts';
import { checkConsumerArn, findConsumerByArn } from '../consumers.ts';
import { KinesisServiceError } from '../errors.ts';
import { formatSequenceNumber, parseSequenceNumber } from '../sequence-number.ts';
import type { ShardIteratorType, SubscribeToShardOutput } from '../shapes.ts';
import { isBeforeFirstRecord } from '../shard-subscriptions.ts';
import type { KinesisShard, KinesisStream } from '../store.ts';
import { RequestValidation, requestBody, SEQUENCE_NUMBER_PATTERN, SHARD_ID_PATTERN } from '../validation.ts';

const STARTING_POSITION_TYPES: readonly ShardIteratorType[] = [
  'AT_SEQUENCE_NUMBER',
  'AFTER_SEQUENCE_NUMBER',
  'TRIM_HORIZON',
  'LATEST',
  'AT_TIMESTAMP',
];

export function subscribeToShard(context: ActionContext, input: unknown): SubscribeToShardOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const consumerArn = v.string(body, 'ConsumerARN');
  const shardId = v.string(body, 'ShardId');
  const startingPosition = v.object(body, 'StartingPosition');
  const typeValue = startingPosition && v.string(startingPosition, 'Type', 'startingPosition');
  const sequenceNumber = startingPosition && v.string(startingPosition, 'SequenceNumber', 'startingPosition');
  const timestamp = startingPosition && v.timestamp(startingPosition, 'Timestamp', 'startingPosition');
  if (v.required(consumerArn, 'consumerARN')) checkConsumerArn(consumerArn, 'consumerARN', v);
  if (v.required(shardId, 'shardId')) {
    v.length(shardId, 'shardId', KINESIS_API_LIMITS.shardIdLength);
    v.pattern(shardId, 'shardId', SHARD_ID_PATTERN);
  }
  const type =
    v.required(startingPosition, 'startingPosition') && v.required(typeValue, 'startingPosition.type')
      ? v.oneOf(typeValue, 'startingPosition.type', STARTING_POSITION_TYPES)
      : undefined;
  v.pattern(sequenceNumber, 'startingPosition.sequenceNumber', SEQUENCE_NUMBER_PATTERN);
  v.throwIfInvalid();

  const { stream, consumer } = findConsumerByArn(context, consumerArn!);
  if (stream.status !== 'ACTIVE' && stream.status !== 'UPDATING') {
    throw new KinesisServiceError(
      'ResourceInUseException',
      `Stream ${stream.name} under account ${context.store.account} not ACTIVE, instead in state ${stream.status}`,
    );
  }
  if (consumer.status !== 'ACTIVE') {
    throw new KinesisServiceError(
      'ResourceInUseException',
      `Consumer ${consumer.arn} under account ${context.store.account} is not ACTIVE, instead in state ${consumer.status}`,
    );
  }
  const shard = findShard(context, stream, shardId!);
  const position = startPosition(context, stream, shard, type!, sequenceNumber, timestamp);
  const subscription = context.subscriptions.subscribe(context, {
    streamName: stream.name,
    streamCreatedAt: stream.createdAt,
    shardIndex: shard.index,
    shardId: shard.shardId,
    consumerArn: consumer.arn,
    position,
  });
  return { EventStream: subscription };
}

/** The position of the first record to send. */
function startPosition(
  context: ActionContext,
  stream: KinesisStream,
  shard: KinesisShard,
  type: ShardIteratorType,
  sequenceNumber: string | undefined,
  timestamp: number | undefined,
): number {
  const { log } = shard;
  const where = `in SubscribeToShard on shard ${shard.shardId} in stream ${stream.name} under account ${context.store.account}`;
  switch (type) {
    case 'TRIM_HORIZON':
    case 'LATEST':
      if (sequenceNumber !== undefined || timestamp !== undefined) {
        throw new KinesisServiceError(
          'InvalidArgumentException',
          `StartingPosition of type ${type} takes no SequenceNumber or Timestamp ` +
            `(got ${sequenceNumber === undefined ? `Timestamp ${timestamp}` : `SequenceNumber ${sequenceNumber}`})`,
        );
      }
      return type === 'TRIM_HORIZON' ? log.firstPosition : log.nextPosition;
    case 'AT_SEQUENCE_NUMBER':
    case 'AFTER_SEQUENCE_NUMBER': {
      if (sequenceNumber === undefined) {
        throw new KinesisServiceError(
          'InvalidArgumentException',
          `StartingPosition of type ${type} needs a SequenceNumber (got none)`,
        );
      }
      if (isBeforeFirstRecord(shard, sequenceNumber)) return log.firstPosition;
      const decoded = parseSequenceNumber(sequenceNumber);
      if (!decoded || decoded.streamCreatedAt !== stream.createdAt) {
        throw new KinesisServiceError(
          'InvalidArgumentException',
          `SequenceNumber ${sequenceNumber} used ${where} is invalid because it did not come from this stream.`,
        );
      }
      if (decoded.shardIndex !== shard.index) {
        throw new KinesisServiceError(
          'InvalidArgumentException',
          `Invalid SequenceNumber ${sequenceNumber}. It encodes ${stream.shards[decoded.shardIndex]?.shardId ?? `shard index ${decoded.shardIndex}`}, ` +
            `while it was used ${where}`,
        );
      }
      if (decoded.position >= log.nextPosition) {
        throw new KinesisServiceError(
          'InvalidArgumentException',
          `SequenceNumber ${sequenceNumber} used ${where} is invalid: the shard has not issued it yet ` +
            `(the next record will get ${formatSequenceNumber(shard.sequenceNumberPrefix, log.nextPosition)})`,
        );
      }
      const position = type === 'AT_SEQUENCE_NUMBER' ? decoded.position : decoded.position + 1;
      return Math.max(position, log.firstPosition);
    }
    case 'AT_TIMESTAMP': {
      if (timestamp === undefined) {
        throw new KinesisServiceError(
          'InvalidArgumentException',
          'StartingPosition of type AT_TIMESTAMP needs a Timestamp (got none)',
        );
      }
      const now = context.clock();
      if (timestamp > now) {
        throw new KinesisServiceError(
          'InvalidArgumentException',
          `StartingPosition Timestamp ${new Date(timestamp).toISOString()} is in the future ` +
            `(now is ${new Date(now).toISOString()})`,
        );
      }
      return Math.max(log.positionAt(timestamp), log.firstPosition);
    }
  }
}
