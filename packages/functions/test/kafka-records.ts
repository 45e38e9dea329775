/** MSK-shaped events for the Kafka handlers' tests, built from the AWS Lambda Developer Guide's sample event. */
import { readFileSync } from 'node:fs';
import type { KafkaEvent, KafkaEventRecord } from '@streamkit/core';

/** The sample event of the AWS Lambda Developer Guide ("Using Lambda with Amazon MSK"). */
/** An event of an MSK cluster (rather than self-managed Kafka), as Powertools' Kafka consumer expects. */
export type MskEvent = KafkaEvent & { readonly eventSource: 'aws:kafka' };

export const sample: MskEvent = JSON.parse(readFileSync(new URL('./events/msk-sample.json', import.meta.url), 'utf8'));

/** A record of `topic`-`partition` at `offset` whose value is `value` (JSON-encoded unless a string). */
export function kafkaRecord(value: unknown, offset: number, partition = 0, topic = 'orders'): KafkaEventRecord {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return {
    topic,
    partition,
    offset,
    timestamp: Date.parse('2026-07-13T14:05:09.000Z') + offset,
    timestampType: 'CREATE_TIME',
    key: Buffer.from(`key-${offset}`).toString('base64'),
    value: Buffer.from(text).toString('base64'),
    headers: [{ source: [...Buffer.from('test')] }],
  };
}

/** An MSK event of `records`, grouped by topic-partition as Lambda sends them. */
export function kafkaEvent(records: readonly KafkaEventRecord[]): MskEvent {
  const grouped: Record<string, KafkaEventRecord[]> = {};
  for (const r of records) {
    const key = `${r.topic}-${r.partition}`;
    grouped[key] = [...(grouped[key] ?? []), r];
  }
  return { ...sample, records: grouped };
}
