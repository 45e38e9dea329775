/**
 * Partial batch responses for Kafka event source mappings, in the Powertools batch style (Powertools for TypeScript
 * has no Kafka event type in its batch utility yet). Each partition is processed in offset order; when a record
 * fails, the rest of its partition is left alone — Lambda resumes the partition at the failed record, so they are
 * delivered again — and the record is reported as `{ partition: "<topic>-<partition>", offset }`.
 */
import { type KafkaBatchResponse, kafkaPartitionKey } from '@streamkit/core';

/** The parts of a Kafka record a partial batch response needs. */
export interface KafkaRecordPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

export interface RecordFailure<R> {
  readonly record: R;
  readonly error: unknown;
}

/**
 * Runs `handle` on each record, partitions one after another, and answers with the first failed record of each
 * partition. `onFailure` hears of each failure (to log it).
 */
export async function processKafkaRecords<R extends KafkaRecordPosition>(
  records: readonly R[],
  handle: (record: R) => unknown,
  onFailure: (failure: RecordFailure<R>) => void = () => {},
): Promise<KafkaBatchResponse> {
  const failed = new Map<string, number>();
  for (const record of records) {
    const partition = kafkaPartitionKey(record);
    if (failed.has(partition)) continue;
    try {
      await handle(record);
    } catch (error) {
      failed.set(partition, record.offset);
      onFailure({ record, error });
    }
  }
  return {
    batchItemFailures: [...failed].map(([partition, offset]) => ({ itemIdentifier: { partition, offset } })),
  };
}
