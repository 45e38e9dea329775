/**
 * Writes validated record entries to a stream, for PutRecord and PutRecords: hash key (ExplicitHashKey, else the MD5
 * of the partition key) → open shard → the shard limits model → append, then — once every shard written to has made
 * the records durable (and readable) — a wake-up for the shard's SubscribeToShard subscriptions and one
 * `streamkit:kinesis:put` message per shard.
 *
 * Every entry is routed before the first one is appended, so a bad entry fails the call with nothing stored. A record
 * the shard limits model refuses is not written; its result carries AWS's error code and message instead.
 */
import { LIMITS } from '@streamkit/core';
import type { ActionContext } from './action-context.ts';
import { type KinesisPutMessage, type KinesisRecordsMessage, putChannel, recordsChannel } from './channels.ts';
import { KinesisServiceError } from './errors.ts';
import { explicitHashKeyHex, partitionKeyHashKey } from './hash-key.ts';
import type { RecordToAppend } from './record-storage.ts';
import { formatSequenceNumber } from './sequence-number.ts';
import { publishThrottle, rateExceededMessage } from './shard-limits.ts';
import type { KinesisShard, KinesisStream } from './store.ts';
import type { RecordEntry } from './validation.ts';

export interface WrittenRecord {
  readonly ShardId: string;
  readonly SequenceNumber: string;
}

/** A record the shard limits model refused, as PutRecords reports it. */
export interface ThrottledRecord {
  readonly ErrorCode: 'ProvisionedThroughputExceededException';
  readonly ErrorMessage: string;
}

export type RecordWriteResult = WrittenRecord | ThrottledRecord;

interface ShardBatch {
  readonly shard: KinesisShard;
  readonly records: RecordToAppend[];
  /** Index in the request of each record of `records`. */
  readonly entryIndexes: number[];
  bytes: number;
}

/**
 * Checks the size of each record, data plus partition key, against `LIMITS.kinesis.recordMaxBytes` (the data alone
 * was checked by validation). `pathOf` names an entry in messages.
 */
export function checkRecordSizes(entries: readonly RecordEntry[], pathOf: (index: number) => string): void {
  const max = LIMITS.kinesis.recordMaxBytes.value;
  entries.forEach((entry, index) => {
    if (entry.size > max) {
      throw new KinesisServiceError(
        'InvalidArgumentException',
        `Record size ${entry.size} bytes (data ${entry.dataBytes} + partition key ${entry.size - entry.dataBytes}) ` +
          `exceeds the limit of ${max} bytes (${pathOf(index)})`,
      );
    }
  });
}

/**
 * Appends the entries, in order per shard, and resolves once they are durable with where each one went (or why it
 * was refused), in request order.
 */
export async function writeRecords(
  context: ActionContext,
  stream: KinesisStream,
  entries: readonly RecordEntry[],
  operation: 'PutRecord' | 'PutRecords',
): Promise<RecordWriteResult[]> {
  const batches = new Map<KinesisShard, ShardBatch>();
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index]!;
    let hashKey: string | undefined;
    if (entry.explicitHashKey === undefined) {
      hashKey = partitionKeyHashKey(entry.partitionKey);
    } else {
      hashKey = explicitHashKeyHex(entry.explicitHashKey);
      if (hashKey === undefined) {
        throw new KinesisServiceError(
          'InvalidArgumentException',
          'Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. ' +
            `Specified value was ${entry.explicitHashKey}`,
        );
      }
    }
    const shard = context.store.shardForHashKey(stream, hashKey);
    let batch = batches.get(shard);
    if (!batch) {
      batch = { shard, records: [], entryIndexes: [], bytes: 0 };
      batches.set(shard, batch);
    }
    batch.records.push({ data: entry.data, partitionKey: entry.partitionKey, size: entry.size });
    batch.entryIndexes.push(index);
    batch.bytes += entry.size;
  }

  const results = new Array<RecordWriteResult>(entries.length);
  const arrival = context.clock();
  const appended: ShardBatch[] = [];
  for (const batch of batches.values()) {
    const admitted = context.limits.enabled ? admit(context, stream, batch, arrival, results, operation) : batch;
    if (admitted.records.length === 0) continue;
    const { shard } = admitted;
    const first = shard.log.append(admitted.records, arrival);
    admitted.entryIndexes.forEach((entryIndex, i) => {
      results[entryIndex] = {
        ShardId: shard.shardId,
        SequenceNumber: formatSequenceNumber(shard.sequenceNumberPrefix, first + i),
      };
    });
    appended.push(admitted);
  }
  // Acknowledged means durable: nothing is answered before every shard written to has fsynced its records.
  await Promise.all(appended.map((batch) => batch.shard.log.flushed()));
  // Only now are the records readable: wake the shards' SubscribeToShard subscriptions.
  for (const batch of appended) context.subscriptions.recordsAppended(stream.name, batch.shard.index);
  if (putChannel.hasSubscribers) {
    for (const batch of appended) {
      putChannel.publish({
        streamName: stream.name,
        shardId: batch.shard.shardId,
        operation,
        records: batch.records.length,
        bytes: batch.bytes,
      } satisfies KinesisPutMessage);
    }
  }
  if (recordsChannel.hasSubscribers) {
    for (const batch of appended) {
      const from = Math.max(0, batch.records.length - LIMITS.dashboard.recordSample.value);
      recordsChannel.publish({
        streamName: stream.name,
        shardId: batch.shard.shardId,
        arrival,
        records: batch.records.slice(from).map((record, i) => ({
          sequenceNumber: (results[batch.entryIndexes[from + i]!] as WrittenRecord).SequenceNumber,
          partitionKey: record.partitionKey,
          data: record.data,
        })),
      } satisfies KinesisRecordsMessage);
    }
  }
  return results;
}

/**
 * The records of a batch the shard limits model admits, in order; the refused ones get their result in `results`
 * and one throttle message is published for them.
 */
function admit(
  context: ActionContext,
  stream: KinesisStream,
  batch: ShardBatch,
  now: number,
  results: RecordWriteResult[],
  operation: 'PutRecord' | 'PutRecords',
): ShardBatch {
  const { shard } = batch;
  const admitted: ShardBatch = { shard, records: [], entryIndexes: [], bytes: 0 };
  let refused = 0;
  batch.records.forEach((record, i) => {
    const entryIndex = batch.entryIndexes[i]!;
    if (context.limits.admitWrite(shard, record.size, now)) {
      admitted.records.push(record);
      admitted.entryIndexes.push(entryIndex);
      admitted.bytes += record.size;
    } else {
      refused++;
      results[entryIndex] = {
        ErrorCode: 'ProvisionedThroughputExceededException',
        ErrorMessage: rateExceededMessage(context.store.account, stream.name, shard.shardId),
      };
    }
  });
  if (refused > 0) publishThrottle({ streamName: stream.name, shardId: shard.shardId, operation, records: refused });
  return admitted;
}
