/**
 * The checks a Kafka event source mapping's settings pass before it is created, as CreateEventSourceMapping makes
 * them: each range from `LIMITS.kafkaEsm`, the starting position and its timestamp, the topic and brokers. A bad value
 * is an SK_VALIDATION naming the setting, what is allowed and what was given — at creation, not when the mapping
 * first reads (where a bad timestamp used to surface as a RangeError).
 */
import { describeRange, LIMITS, type RangeLimit, StreamkitError, withinLimit } from '@streamkit/core';
import type { KafkaEventSourceSettings } from './kafka-batch-processor.ts';

const KE = LIMITS.kafkaEsm;

export interface KafkaMappingTarget {
  readonly bootstrapServers: readonly string[];
  readonly topic: string;
  readonly settings: KafkaEventSourceSettings;
}

export function checkKafkaEventSourceMapping({ bootstrapServers, topic, settings }: KafkaMappingTarget): void {
  const fail = (path: string, message: string): never => {
    throw new StreamkitError('SK_VALIDATION', `${path} ${message}`, { path });
  };
  const ranged = (path: string, limit: RangeLimit, value: unknown) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || !withinLimit(limit, value)) {
      fail(path, `must be ${describeRange(limit)} (got ${show(value)})`);
    }
  };
  if (!Array.isArray(bootstrapServers) || bootstrapServers.length === 0) {
    fail('bootstrapServers', `must list at least one host:port (got ${show(bootstrapServers)})`);
  }
  if (typeof topic !== 'string' || !/^[a-zA-Z0-9._-]+$/.test(topic) || topic.length > LIMITS.msk.topicNameLength.max) {
    fail('topic', `must be a Kafka topic name: 1-249 of [a-zA-Z0-9._-] (got ${show(topic)})`);
  }
  const { batchSize, maxBatchingWindow, retryAttempts, maxRecordAge, startingPosition } = settings;
  if (!Number.isInteger(batchSize))
    fail('batchSize', `must be a whole number ${describeRange(KE.batchSize)} (got ${show(batchSize)})`);
  ranged('batchSize', KE.batchSize, batchSize);
  if (maxBatchingWindow !== undefined) ranged('maxBatchingWindow', KE.maxBatchingWindow, maxBatchingWindow);
  ranged('retryAttempts', KE.retryAttempts, retryAttempts);
  ranged('maxRecordAge', KE.maxRecordAge, maxRecordAge);
  if (!(KE.startingPosition.values as readonly string[]).includes(startingPosition)) {
    fail('startingPosition', `must be one of ${KE.startingPosition.values.join(', ')} (got ${show(startingPosition)})`);
  }
  const timestamp = settings.startingPositionTimestamp;
  if (startingPosition === 'AT_TIMESTAMP') {
    if (timestamp === undefined) fail('startingPositionTimestamp', 'is required when startingPosition is AT_TIMESTAMP');
    if (Number.isNaN(new Date(timestamp as string | number).getTime())) {
      fail('startingPositionTimestamp', `must be an ISO-8601 date-time or epoch milliseconds (got ${show(timestamp)})`);
    }
  } else if (timestamp !== undefined) {
    fail('startingPositionTimestamp', `applies only when startingPosition is AT_TIMESTAMP (it is ${startingPosition})`);
  }
  for (const name of ['bisectBatchOnError', 'reportBatchItemFailures'] as const) {
    if (typeof settings[name] !== 'boolean') fail(name, `must be true or false (got ${show(settings[name])})`);
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return String(value);
}
