/**
 * What the forwarder writes to Firehose for one Kafka record: a JSON line with the record's coordinates, so that the
 * duplicates at-least-once delivery can produce are recognisable downstream by (topic, partition, offset), and its
 * key, value and headers decoded (the value as JSON when it is JSON, else as text). The original solution wrote the
 * same envelope with the value still in base64.
 */
import { type KafkaEventRecord, LIMITS, StreamkitError } from '@streamkit/core';

export interface ForwardedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly timestampType: string;
  readonly key: string | null;
  readonly value: unknown;
  readonly headers: Record<string, string>;
}

/** The envelope of one record (pure). */
export function envelope(record: KafkaEventRecord): ForwardedRecord {
  const text = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
  const value = record.value === null || record.value === undefined ? null : text(record.value);
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    timestampType: record.timestampType,
    key: record.key ? text(record.key) : null,
    value: value === null ? null : parseJson(value),
    headers: Object.fromEntries(
      (record.headers ?? []).flatMap((header) =>
        Object.entries(header).map(([name, bytes]) => [name, Buffer.from(bytes).toString('utf8')]),
      ),
    ),
  };
}

/**
 * The Firehose record data of one Kafka record: its envelope as one JSON line. A record larger than Firehose takes
 * can never be delivered: it is refused with SK_VALIDATION, which fails the invocation so that the event source
 * mapping isolates it (bisecting) and hands it to the on-failure destination.
 */
export function firehoseData(record: KafkaEventRecord): Uint8Array {
  const data = Buffer.from(`${JSON.stringify(envelope(record))}\n`, 'utf8');
  const max = LIMITS.firehose.recordMaxBytes.value;
  if (data.byteLength > max) {
    throw new StreamkitError(
      'SK_VALIDATION',
      `record ${record.topic}-${record.partition}@${record.offset} is ${data.byteLength} bytes as a Firehose record, over Firehose's limit of ${max}`,
      { path: `${record.topic}-${record.partition}@${record.offset}` },
    );
  }
  return data;
}

function parseJson(text: string): unknown {
  const first = text.trimStart()[0];
  if (first === '{' || first === '[' || first === '"') {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
