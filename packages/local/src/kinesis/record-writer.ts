/**
 * Writes validated record entries to a stream, for PutRecord and PutRecords: hash key (ExplicitHashKey, else the MD5
 * of the partition key) → shard → append, then — once every shard written to has made the records durable — one
 * `streamkit:kinesis:put` message per shard.
 *
 * Every entry is routed before the first one is appended, so a bad entry fails the call with nothing stored.
 */
import { LIMITS } from '@streamkit/core';
import type { ActionContext } from './action-context.ts';
import { type KinesisPutMessage, putChannel } from './channels.ts';
import { KinesisServiceError } from './errors.ts';
import { explicitHashKeyHex, partitionKeyHashKey } from './hash-key.ts';
import type { RecordToAppend } from './record-storage.ts';
import { formatSequenceNumber } from './sequence-number.ts';
import type { KinesisShard, KinesisStream } from './store.ts';
import type { RecordEntry } from './validation.ts';

export interface WrittenRecord {
  readonly ShardId: string;
  readonly SequenceNumber: string;
}

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

/** Appends the entries, in order per shard, and resolves once they are durable with where each one went. */
export async function writeRecords(
  context: ActionContext,
  stream: KinesisStream,
  entries: readonly RecordEntry[],
): Promise<WrittenRecord[]> {
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

  const written = new Array<WrittenRecord>(entries.length);
  const arrival = context.clock();
  for (const batch of batches.values()) {
    const { shard } = batch;
    const first = shard.log.append(batch.records, arrival);
    batch.entryIndexes.forEach((entryIndex, i) => {
      written[entryIndex] = {
        ShardId: shard.shardId,
        SequenceNumber: formatSequenceNumber(shard.sequenceNumberPrefix, first + i),
      };
    });
  }
  // Acknowledged means durable: nothing is answered before every shard written to has fsynced its records.
  await Promise.all([...batches.values()].map((batch) => batch.shard.log.flushed()));
  if (putChannel.hasSubscribers) {
    for (const batch of batches.values()) {
      putChannel.publish({
        streamName: stream.name,
        shardId: batch.shard.shardId,
        records: batch.records.length,
        bytes: batch.bytes,
      } satisfies KinesisPutMessage);
    }
  }
  return written;
}
