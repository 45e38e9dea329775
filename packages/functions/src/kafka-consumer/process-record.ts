/**
 * The record logic of streamkit's built-in Kafka consumer: pure, no AWS, no I/O besides the logger it is given.
 * Records arrive as Powertools' Kafka consumer gives them (`@aws-lambda-powertools/kafka`): key, value and headers
 * already decoded to text. Copy this file next to your own handler to start from it.
 */
import type { RecordLogger } from '../kinesis-consumer/process-record.ts';

/** A Kafka record with its key, value and headers decoded to UTF-8 text. */
export interface KafkaTextRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly key?: string | null | undefined;
  readonly value: string | null | undefined;
  readonly headers?: readonly Record<string, string>[] | null | undefined;
}

export interface DecodedKafkaRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: Date;
  readonly key: string | undefined;
  /** The value as text; undefined for a tombstone (a record without value). */
  readonly text: string | undefined;
  /** The value parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

/** Checks and decodes one record; a record without its coordinates is malformed and fails. */
export function decodeKafkaRecord(record: KafkaTextRecord): DecodedKafkaRecord {
  if (typeof record?.topic !== 'string' || !Number.isInteger(record.partition) || !Number.isInteger(record.offset)) {
    throw new TypeError(`malformed Kafka record: ${JSON.stringify(record).slice(0, 200)}`);
  }
  const text = record.value ?? undefined;
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: new Date(record.timestamp),
    key: record.key ?? undefined,
    text,
    json: text === undefined ? undefined : parseJson(text),
    headers: Object.assign({}, ...(record.headers ?? [])),
  };
}

/** Decodes one record and logs it. Throwing marks the record as failed in the partial batch response. */
export function processKafkaRecord(record: KafkaTextRecord, logger: RecordLogger): DecodedKafkaRecord {
  const decoded = decodeKafkaRecord(record);
  logger.info('record', {
    topic: decoded.topic,
    partition: decoded.partition,
    offset: decoded.offset,
    timestamp: decoded.timestamp.toISOString(),
    key: decoded.key,
    data: decoded.json ?? decoded.text ?? null,
  });
  return decoded;
}

function parseJson(text: string): unknown {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
