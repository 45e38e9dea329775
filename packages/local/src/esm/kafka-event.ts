/**
 * The event Lambda's Kafka event source mapping sends (Amazon MSK: `eventSource: 'aws:kafka'`; self-managed Apache
 * Kafka: `'SelfManagedKafka'`), and the record it sends to an on-failure destination when it discards records — the
 * shapes AWS documents in "Using Lambda with Amazon MSK" and "Capturing discarded batches for Amazon MSK and
 * self-managed Apache Kafka event sources".
 *
 * Records are grouped by `<topic>-<partition>`, in offset order; key and value are base64; each header is an object
 * with one key whose value is the header's bytes as a list of numbers.
 */
import { type FailureCondition, type KafkaEvent, type KafkaEventRecord, kafkaPartitionKey } from '@streamkit/core';

/** A record read from a topic partition, as the mapping holds it. */
export interface KafkaRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  /** Epoch milliseconds (the record's CreateTime). */
  readonly timestamp: number;
  readonly key?: Uint8Array | undefined;
  readonly value?: Uint8Array | undefined;
  readonly headers: readonly (readonly [Uint8Array, Uint8Array])[];
}

export type KafkaEventSource = KafkaEvent['eventSource'];

export interface KafkaEventContext {
  readonly eventSource: KafkaEventSource;
  readonly eventSourceArn?: string;
  readonly bootstrapServers: readonly string[];
}

/** `<topic>-<partition>`: the key records are grouped under, and what partial batch responses name. */
export const topicPartition = kafkaPartitionKey;

export function mskEventRecord(r: KafkaRecord): KafkaEventRecord {
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return {
    topic: r.topic,
    partition: r.partition,
    offset: Number(r.offset),
    timestamp: r.timestamp,
    timestampType: 'CREATE_TIME',
    ...(r.key && { key: b64(r.key) }),
    value: r.value ? b64(r.value) : null,
    headers: r.headers.map(([name, bytes]) => ({ [Buffer.from(name).toString('utf8')]: [...bytes] })),
  };
}

export function mskEvent(records: readonly KafkaRecord[], context: KafkaEventContext): KafkaEvent {
  const grouped: Record<string, KafkaEventRecord[]> = {};
  for (const record of records) {
    const key = topicPartition(record);
    if (grouped[key] === undefined) grouped[key] = [];
    grouped[key].push(mskEventRecord(record));
  }
  return {
    eventSource: context.eventSource,
    ...(context.eventSource === 'aws:kafka' &&
      context.eventSourceArn !== undefined && {
        eventSourceArn: context.eventSourceArn,
      }),
    bootstrapServers: context.bootstrapServers.join(','),
    records: grouped,
  };
}

/** Bytes a record adds to the event's JSON: base64 key and value, headers as number lists, and the fields around. */
export function mskRecordEventBytes(r: KafkaRecord): number {
  const b64 = (n: number) => Math.ceil(n / 3) * 4;
  const headers = r.headers.reduce((sum, [name, value]) => sum + name.byteLength + value.byteLength * 4 + 8, 0);
  return b64(r.key?.byteLength ?? 0) + b64(r.value?.byteLength ?? 0) + headers + r.topic.length + 140;
}

/** Why records were discarded: the stream conditions, and a record too large for any invocation. */
export type KafkaFailureCondition = FailureCondition | 'MaximumPayloadSizeExceeded';

/** What Lambda sends to an SQS queue or SNS topic when it discards Kafka records (an S3 destination adds `payload`). */
export interface KafkaBatchFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: KafkaFailureCondition;
    readonly approximateInvokeCount: number;
  };
  /** Null when the records were never sent (MaximumPayloadSizeExceeded). */
  readonly responseContext: {
    readonly statusCode: number;
    readonly executedVersion: string;
    readonly functionError?: 'Handled' | 'Unhandled';
  } | null;
  readonly version: '1.0';
  readonly timestamp: string;
  readonly KafkaBatchInfo: {
    readonly batchSize: number;
    readonly eventSourceArn?: string;
    readonly bootstrapServers: string;
    readonly payloadSize: number;
    readonly recordsInfo: Readonly<
      Record<
        string,
        {
          readonly firstRecordOffset: string;
          readonly lastRecordOffset: string;
          readonly firstRecordTimestamp: string;
          readonly lastRecordTimestamp: string;
        }
      >
    >;
  };
  /** S3 destinations only: the whole event as JSON text. */
  readonly payload?: string;
}

/** `recordsInfo`: the first and last offset and timestamp of each topic partition in the records. */
export function recordsInfo(records: readonly KafkaRecord[]): KafkaBatchFailureRecord['KafkaBatchInfo']['recordsInfo'] {
  const info: Record<string, { first: KafkaRecord; last: KafkaRecord }> = {};
  for (const record of records) {
    const key = topicPartition(record);
    const seen = info[key];
    if (seen === undefined) info[key] = { first: record, last: record };
    else seen.last = record;
  }
  return Object.fromEntries(
    Object.entries(info).map(([key, { first, last }]) => [
      key,
      {
        firstRecordOffset: String(first.offset),
        lastRecordOffset: String(last.offset),
        firstRecordTimestamp: new Date(first.timestamp).toISOString(),
        lastRecordTimestamp: new Date(last.timestamp).toISOString(),
      },
    ]),
  );
}
