/**
 * Bad-input catalogue: the settings of a local Kafka event source mapping, refused when it is created (as
 * CreateEventSourceMapping refuses them), before it connects to a broker or invokes anything: each row expects
 * SK_VALIDATION naming the setting, the LIMITS.kafkaEsm range or the allowed values, and the value given.
 */
import { describe } from 'node:test';
import { type BadInput, catalogue, type Expected, thrown } from '../../core/test/support/bad-input.ts';
import { KafkaEventSourceMapping, type KafkaEventSourceSettings } from '../src/esm/index.ts';
import type { InvokeTarget } from '../src/esm/types.ts';

const settings: KafkaEventSourceSettings = {
  batchSize: 100,
  startingPosition: 'TRIM_HORIZON',
  retryAttempts: 3,
  maxRecordAge: -1,
  bisectBatchOnError: true,
  reportBatchItemFailures: true,
};

/** Construction must refuse before anything runs: a target that is invoked fails the row loudly. */
const target: InvokeTarget = {
  functionName: 'never',
  functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:never',
  invoke: () => {
    throw new Error('a mapping with bad settings invoked its function');
  },
};

interface MappingInput {
  readonly settings?: Partial<Record<keyof KafkaEventSourceSettings, unknown>>;
  readonly topic?: unknown;
  readonly bootstrapServers?: unknown;
}

const at = (field: string, message: RegExp): Expected => ({ code: 'SK_VALIDATION', field, message });

const rows: BadInput<MappingInput>[] = [
  {
    name: 'batchSize of 0',
    input: { settings: { batchSize: 0 } },
    expect: at('batchSize', /^batchSize must be between 1 and 10000 records \(got 0\)$/),
  },
  {
    name: 'batchSize of 10001',
    input: { settings: { batchSize: 10_001 } },
    expect: at('batchSize', /^batchSize must be between 1 and 10000 records \(got 10001\)$/),
  },
  {
    name: 'batchSize of 2.5',
    input: { settings: { batchSize: 2.5 } },
    expect: at('batchSize', /^batchSize must be a whole number between 1 and 10000 records \(got 2.5\)$/),
  },
  {
    name: 'batchSize as text',
    input: { settings: { batchSize: '100' } },
    expect: at('batchSize', /^batchSize must be a whole number between 1 and 10000 records \(got "100"\)$/),
  },
  {
    name: 'maxBatchingWindow of 301 s',
    input: { settings: { maxBatchingWindow: 301 } },
    expect: at('maxBatchingWindow', /^maxBatchingWindow must be between 0 and 300 seconds \(got 301\)$/),
  },
  {
    name: 'maxBatchingWindow of -1',
    input: { settings: { maxBatchingWindow: -1 } },
    expect: at('maxBatchingWindow', /^maxBatchingWindow must be between 0 and 300 seconds \(got -1\)$/),
  },
  {
    name: 'retryAttempts of -2',
    input: { settings: { retryAttempts: -2 } },
    expect: at('retryAttempts', /^retryAttempts must be -1, or between 0 and 10000 .*\(got -2\)$/),
  },
  {
    name: 'retryAttempts of NaN',
    input: { settings: { retryAttempts: Number.NaN } },
    expect: at('retryAttempts', /^retryAttempts must be -1, or between 0 and 10000 .*\(got NaN\)$/),
  },
  {
    name: 'maxRecordAge of 59 s',
    input: { settings: { maxRecordAge: 59 } },
    expect: at('maxRecordAge', /^maxRecordAge must be -1, or between 60 and 604800 seconds \(got 59\)$/),
  },
  {
    name: 'maxRecordAge of 8 days',
    input: { settings: { maxRecordAge: 691_200 } },
    expect: at('maxRecordAge', /^maxRecordAge must be -1, or between 60 and 604800 seconds \(got 691200\)$/),
  },
  {
    name: 'startingPosition unknown',
    input: { settings: { startingPosition: 'EARLIEST' } },
    expect: at(
      'startingPosition',
      /^startingPosition must be one of TRIM_HORIZON, LATEST, AT_TIMESTAMP \(got "EARLIEST"\)$/,
    ),
  },
  {
    name: 'AT_TIMESTAMP without a timestamp',
    input: { settings: { startingPosition: 'AT_TIMESTAMP' } },
    expect: at(
      'startingPositionTimestamp',
      /^startingPositionTimestamp is required when startingPosition is AT_TIMESTAMP$/,
    ),
  },
  {
    name: 'AT_TIMESTAMP with a timestamp that is not a date',
    input: { settings: { startingPosition: 'AT_TIMESTAMP', startingPositionTimestamp: 'yesterday' } },
    expect: at(
      'startingPositionTimestamp',
      /^startingPositionTimestamp must be an ISO-8601 date-time or epoch milliseconds \(got "yesterday"\)$/,
    ),
  },
  {
    name: 'a timestamp without AT_TIMESTAMP',
    input: { settings: { startingPositionTimestamp: 0 } },
    expect: at(
      'startingPositionTimestamp',
      /^startingPositionTimestamp applies only when startingPosition is AT_TIMESTAMP \(it is TRIM_HORIZON\)$/,
    ),
  },
  {
    name: 'bisectBatchOnError as "yes"',
    input: { settings: { bisectBatchOnError: 'yes' } },
    expect: at('bisectBatchOnError', /^bisectBatchOnError must be true or false \(got "yes"\)$/),
  },
  {
    name: 'reportBatchItemFailures missing',
    input: { settings: { reportBatchItemFailures: undefined } },
    expect: at('reportBatchItemFailures', /^reportBatchItemFailures must be true or false \(got undefined\)$/),
  },
  {
    name: 'no bootstrap servers',
    input: { bootstrapServers: [] },
    expect: at('bootstrapServers', /^bootstrapServers must list at least one host:port \(got a list of 0\)$/),
  },
  {
    name: 'an empty topic',
    input: { topic: '' },
    expect: at('topic', /^topic must be a Kafka topic name: 1-249 of \[a-zA-Z0-9._-\] \(got ""\)$/),
  },
  {
    name: 'a topic with a space',
    input: { topic: 'my topic' },
    expect: at('topic', /^topic must be a Kafka topic name: .* \(got "my topic"\)$/),
  },
];

describe('bad input: the settings of a local Kafka event source mapping', () => {
  catalogue(rows, (input) =>
    thrown(
      () =>
        new KafkaEventSourceMapping({
          bootstrapServers: (input.bootstrapServers ?? ['127.0.0.1:9092']) as string[],
          topic: (input.topic ?? 'orders') as string,
          target,
          settings: { ...settings, ...input.settings } as KafkaEventSourceSettings,
        }),
    ),
  );
});
