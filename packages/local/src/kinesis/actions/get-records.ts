/**
 * GetRecords: up to `Limit` records (at most `LIMITS.kinesis.getRecordsMaxRecords`, and no more than
 * `LIMITS.kinesis.getRecordsMaxBytes` of data) from the iterator's position, a `NextShardIterator` after them, and
 * `MillisBehindLatest`: 0 when the response reaches the tip of the shard, otherwise the age of the oldest record not
 * yet returned. Once a response reaches the end of a closed shard, it has the shard's `ChildShards` and no
 * `NextShardIterator`, as on AWS. Records written while the stream was encrypted have `EncryptionType: KMS`. Records
 * older than the stream's retention period are skipped. When the shard limits model is on, a call beyond the shard's
 * calls per second or read throughput gets ProvisionedThroughputExceededException.
 */
import { LIMITS } from '@streamkit/core';
import type { ActionContext } from '../action-context.ts';
import { KINESIS_API_LIMITS } from '../api-limits.ts';
import { getChannel, type KinesisGetMessage } from '../channels.ts';
import { isEncryptedAt } from '../encryption.ts';
import { KinesisServiceError } from '../errors.ts';
import { childShardShapes, isAtShardEnd } from '../lineage.ts';
import { formatSequenceNumber } from '../sequence-number.ts';
import { epochSeconds, type GetRecordsOutput, type RecordShape } from '../shapes.ts';
import { decodeShardIterator, encodeShardIterator } from '../shard-iterator.ts';
import { publishThrottle, rateExceededMessage } from '../shard-limits.ts';
import { shardIdOf } from '../store.ts';
import { RequestValidation, requestBody, STREAM_ARN_PATTERN } from '../validation.ts';

export function getRecords(context: ActionContext, input: unknown): GetRecordsOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const iterator = v.string(body, 'ShardIterator');
  const limit = v.integer(body, 'Limit');
  const streamArn = v.string(body, 'StreamARN');
  const dryRun = v.boolean(body, 'DryRun');
  if (v.required(iterator, 'shardIterator'))
    v.length(iterator, 'shardIterator', KINESIS_API_LIMITS.shardIteratorLength);
  v.range(limit, 'limit', { min: 1, max: LIMITS.kinesis.getRecordsMaxRecords.value });
  v.length(streamArn, 'streamARN', KINESIS_API_LIMITS.streamArnLength);
  v.pattern(streamArn, 'streamARN', STREAM_ARN_PATTERN);
  v.throwIfInvalid();

  const state = decodeShardIterator(context.tokens, iterator!);
  if (!state) throw new KinesisServiceError('InvalidArgumentException', 'Invalid ShardIterator.');
  const now = context.clock();
  const ttlMs = LIMITS.kinesis.shardIteratorTtlSeconds.value * 1000;
  if (now - state.issuedAt > ttlMs) {
    throw new KinesisServiceError(
      'ExpiredIteratorException',
      `Iterator expired. The iterator was created at time ${amzUtcString(state.issuedAt)} while right now it is ` +
        `${amzUtcString(now)} which is further in the future than the tolerated delay of ${ttlMs} milliseconds.`,
    );
  }

  const { store } = context;
  const stream = store.stream(state.streamName);
  const shard = stream?.createdAt === state.streamCreatedAt ? stream.shards[state.shardIndex] : undefined;
  if (!stream || !shard || (stream.status !== 'ACTIVE' && stream.status !== 'UPDATING')) {
    throw new KinesisServiceError(
      'ResourceNotFoundException',
      `Shard ${shardIdOf(state.shardIndex)} in stream ${state.streamName} under account ${store.account} does not exist`,
    );
  }
  if (streamArn !== undefined && streamArn !== stream.arn) {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      `StreamARN ${streamArn} is not the stream of the ShardIterator (${stream.arn})`,
    );
  }
  if (dryRun) {
    throw new KinesisServiceError('DryRunOperationException', 'The request would have succeeded, but DryRun is set.');
  }

  if (!context.limits.admitGetRecords(shard, now)) {
    publishThrottle({ streamName: stream.name, shardId: shard.shardId, operation: 'GetRecords', records: 1 });
    throw new KinesisServiceError(
      'ProvisionedThroughputExceededException',
      rateExceededMessage(store.account, stream.name, shard.shardId),
    );
  }

  const { log } = shard;
  const from = Math.max(state.position, log.firstPosition);
  const stored = log.read(
    from,
    limit ?? LIMITS.kinesis.getRecordsMaxRecords.value,
    LIMITS.kinesis.getRecordsMaxBytes.value,
  );
  const records = new Array<RecordShape>(stored.length);
  let bytes = 0;
  for (let i = 0; i < stored.length; i++) {
    const record = stored[i]!;
    bytes += record.size;
    records[i] = {
      SequenceNumber: formatSequenceNumber(shard.sequenceNumberPrefix, from + i),
      ApproximateArrivalTimestamp: epochSeconds(record.arrival),
      Data: record.data,
      PartitionKey: record.partitionKey,
      ...(isEncryptedAt(shard, from + i) ? { EncryptionType: 'KMS' as const } : {}),
    };
  }
  context.limits.chargeRead(shard, bytes, now);
  const next = from + stored.length;
  const oldestUnread = log.arrivalAt(next);
  const millisBehindLatest = oldestUnread === undefined ? 0 : Math.max(0, now - oldestUnread);

  if (getChannel.hasSubscribers) {
    getChannel.publish({
      streamName: stream.name,
      shardId: shard.shardId,
      records: records.length,
      millisBehindLatest,
    } satisfies KinesisGetMessage);
  }
  if (isAtShardEnd(shard, next)) {
    return { Records: records, MillisBehindLatest: millisBehindLatest, ChildShards: childShardShapes(stream, shard) };
  }
  return {
    Records: records,
    NextShardIterator: encodeShardIterator(context.tokens, { ...state, position: next, issuedAt: now }),
    MillisBehindLatest: millisBehindLatest,
  };
}

/** A time as AWS writes it in ExpiredIteratorException messages: `Thu Jan 22 01:22:02 UTC 2015`. */
function amzUtcString(ms: number): string {
  const [weekday, day, month, year, time] = new Date(ms).toUTCString().replace(',', '').split(' ');
  return `${weekday} ${month} ${day} ${time} UTC ${year}`;
}
