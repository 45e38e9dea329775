/**
 * Shapes of what a Kafka event source mapping (Amazon MSK or self-managed Apache Kafka) sends a function, and the
 * partial batch response the function may return. They follow the AWS Lambda Developer Guide
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html).
 */

export interface KafkaEventRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly timestampType: 'CREATE_TIME' | 'LOG_APPEND_TIME';
  /** Base64; absent when the record has no key. */
  readonly key?: string;
  /** Base64; null for a tombstone. */
  readonly value: string | null;
  /** Each header as `{ name: [bytes…] }`. */
  readonly headers: readonly Record<string, readonly number[]>[];
}

export interface KafkaEvent {
  readonly eventSource: 'aws:kafka' | 'SelfManagedKafka';
  /** The MSK cluster's ARN (absent for self-managed Kafka). */
  readonly eventSourceArn?: string;
  /** Comma-separated `host:port` list. */
  readonly bootstrapServers: string;
  /** Records by `<topic>-<partition>`, each list in offset order. */
  readonly records: Readonly<Record<string, readonly KafkaEventRecord[]>>;
}

/** Names a record to resume from: its `<topic>-<partition>` key in the event, and its offset. */
export interface KafkaItemIdentifier {
  readonly partition: string;
  readonly offset: number;
}

/** What a function returns to report failed records; Lambda resumes each partition at its lowest failed offset. */
export interface KafkaBatchResponse {
  readonly batchItemFailures: readonly { readonly itemIdentifier: KafkaItemIdentifier }[];
}

/** The `<topic>-<partition>` key under which a record's partition appears in the event. */
export function kafkaPartitionKey(record: { readonly topic: string; readonly partition: number }): string {
  return `${record.topic}-${record.partition}`;
}

/**
 * How Lambda reads a function's answer to a Kafka batch (with ReportBatchItemFailures on): nothing, null, an empty
 * object or an empty list is full success; well-formed identifiers name, per partition, the lowest offset to retry
 * from; anything else (an identifier without partition or offset, of a partition not in the batch) fails the whole
 * batch.
 */
export function readKafkaBatchResponse(
  response: unknown,
  event: KafkaEvent,
):
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly retryFrom: ReadonlyMap<string, number> }
  | { readonly kind: 'failure'; readonly reason: string } {
  if (response === undefined || response === null || typeof response !== 'object') return { kind: 'success' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'failure', reason: 'batchItemFailures is not a list' };
  if (failures.length === 0) return { kind: 'success' };
  const retryFrom = new Map<string, number>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier as
      | { partition?: unknown; offset?: unknown }
      | null
      | undefined;
    if (!id || typeof id !== 'object') return { kind: 'failure', reason: 'an itemIdentifier is missing' };
    const { partition, offset } = id;
    if (typeof partition !== 'string' || !Object.hasOwn(event.records, partition)) {
      return { kind: 'failure', reason: `itemIdentifier.partition ${JSON.stringify(partition)} is not in the batch` };
    }
    const offsets = event.records[partition]!.map((r) => r.offset);
    if (typeof offset !== 'number' || !offsets.includes(offset)) {
      return { kind: 'failure', reason: `itemIdentifier.offset ${JSON.stringify(offset)} is not in ${partition}` };
    }
    const lowest = retryFrom.get(partition);
    if (lowest === undefined || offset < lowest) retryFrom.set(partition, offset);
  }
  return { kind: 'partial', retryFrom };
}

/**
 * What makes `event` unusable as a Kafka event, if anything: not an object, `records` not a mapping of
 * `<topic>-<partition>` to lists, or a record without the coordinates a partial batch response names it by (topic,
 * partition and offset, matching its key). Problems of one record's key, value or headers are that record's to fail.
 * The message names the place: `records["orders-0"][2].offset must be a whole number (got "7")`.
 */
export function kafkaEventProblem(event: unknown): string | undefined {
  if (!isObject(event)) return `the event must be an object (got ${describe(event)})`;
  const { records } = event as { records?: unknown };
  if (!isObject(records)) {
    return `records must be a mapping of "<topic>-<partition>" to lists of records (got ${describe(records)})`;
  }
  for (const [key, list] of Object.entries(records)) {
    const at = `records[${JSON.stringify(key)}]`;
    if (!Array.isArray(list)) return `${at} must be a list of records (got ${describe(list)})`;
    for (const [i, record] of list.entries()) {
      const where = `${at}[${i}]`;
      if (!isObject(record)) return `${where} must be a record object (got ${describe(record)})`;
      const { topic, partition, offset } = record as { topic?: unknown; partition?: unknown; offset?: unknown };
      if (typeof topic !== 'string' || topic === '')
        return `${where}.topic must be a topic name (got ${describe(topic)})`;
      if (!Number.isSafeInteger(partition) || (partition as number) < 0) {
        return `${where}.partition must be a whole number of at least 0 (got ${describe(partition)})`;
      }
      if (!Number.isSafeInteger(offset) || (offset as number) < 0) {
        return `${where}.offset must be a whole number of at least 0 (got ${describe(offset)})`;
      }
      const expected = kafkaPartitionKey({ topic, partition: partition as number });
      if (expected !== key) return `${where} is of ${expected}, not of the partition it is listed under (${key})`;
    }
  }
  return undefined;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}
