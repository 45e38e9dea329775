/**
 * The alarms of a pipeline, defined once. The CDK stack turns each definition into a CloudWatch alarm; the local
 * runtime evaluates the same definitions against the metrics it records.
 *
 * Thresholds marked `origin: 'original'` are the original solution's (§2.1 of its inventory); the rest are
 * streamkit's additions. Unlike the original, every alarm has its dimensions, treats missing data as not breaching
 * (an idle pipeline is healthy) and notifies an SNS topic.
 */
import type { PipelineSpec } from '../presets/registry.ts';

export type AlarmStatistic = 'Average' | 'Maximum' | 'Minimum' | 'Sum' | 'SampleCount';
export type AlarmComparison =
  | 'GreaterThanOrEqualToThreshold'
  | 'GreaterThanThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';
export type TreatMissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing';

/** What an alarm watches; each target maps it to its own resource name. */
export type AlarmResource =
  | { readonly kind: 'stream' }
  | { readonly kind: 'api' }
  | { readonly kind: 'function'; readonly consumer: string }
  | { readonly kind: 'queue'; readonly consumer: string };

export interface AlarmDefinition {
  /** Unique within a pipeline and stable: used for construct ids and local alarm names. */
  readonly id: string;
  readonly description: string;
  readonly resource: AlarmResource;
  readonly namespace: 'AWS/Kinesis' | 'AWS/Lambda' | 'AWS/SQS' | 'AWS/ApiGateway';
  readonly metricName: string;
  readonly statistic: AlarmStatistic;
  readonly periodSeconds: number;
  readonly comparison: AlarmComparison;
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
  readonly origin: 'original' | 'streamkit';
}

/** The CloudWatch dimension names of each resource kind. */
export const ALARM_DIMENSIONS: Record<AlarmResource['kind'], readonly string[]> = {
  stream: ['StreamName'],
  api: ['ApiName', 'Stage'],
  function: ['FunctionName'],
  queue: ['QueueName'],
};

const COMPARISON = {
  '>': 'GreaterThanThreshold',
  '>=': 'GreaterThanOrEqualToThreshold',
  '<': 'LessThanThreshold',
  '<=': 'LessThanOrEqualToThreshold',
} as const satisfies Record<string, AlarmComparison>;

/** id, metric, statistic, comparison, threshold, description — one row per alarm, as the docs table reads. */
type Row = [string, string, AlarmStatistic, keyof typeof COMPARISON, number, string];

function define(
  row: Row,
  common: Pick<AlarmDefinition, 'resource' | 'namespace' | 'origin'> & { periodSeconds?: number },
): AlarmDefinition {
  const [id, metricName, statistic, comparison, threshold, description] = row;
  return {
    id,
    description,
    metricName,
    statistic,
    comparison: COMPARISON[comparison],
    threshold,
    periodSeconds: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: 'notBreaching',
    ...common,
  };
}

/** The original solution's stream alarms and thresholds (its §2.1), now with the StreamName dimension. */
const STREAM_ALARMS: Row[] = [
  [
    'StreamIteratorAge',
    'GetRecords.IteratorAgeMilliseconds',
    'Maximum',
    '>=',
    60_000,
    'Records wait more than a minute in the stream before a consumer reads them',
  ],
  [
    'StreamReadThrottled',
    'ReadProvisionedThroughputExceeded',
    'Average',
    '>=',
    0.01,
    'More than 1 % of GetRecords calls are throttled',
  ],
  [
    'StreamWriteThrottled',
    'WriteProvisionedThroughputExceeded',
    'Average',
    '>=',
    0.01,
    'More than 1 % of writes are throttled',
  ],
  ['StreamPutRecordSuccess', 'PutRecord.Success', 'Average', '<=', 0.95, 'Fewer than 95 % of PutRecord calls succeed'],
  [
    'StreamPutRecordsSuccess',
    'PutRecords.Success',
    'Average',
    '<=',
    0.95,
    'Fewer than 95 % of PutRecords calls succeed',
  ],
  [
    'StreamGetRecordsSuccess',
    'GetRecords.Success',
    'Average',
    '<=',
    0.98,
    'Fewer than 98 % of GetRecords calls succeed',
  ],
];

export function alarmsFor(spec: PipelineSpec): AlarmDefinition[] {
  const alarms = STREAM_ALARMS.map((row) =>
    define(row, { resource: { kind: 'stream' }, namespace: 'AWS/Kinesis', origin: 'original' }),
  );
  alarms.push(
    define(['ApiServerErrors', '5XXError', 'Sum', '>', 0, 'The ingest API answered with a 5xx error'], {
      resource: { kind: 'api' },
      namespace: 'AWS/ApiGateway',
      origin: 'streamkit',
    }),
  );
  for (const { name, onFailure } of spec.consumers) {
    const fn = {
      resource: { kind: 'function', consumer: name },
      namespace: 'AWS/Lambda',
      origin: 'streamkit',
    } as const;
    alarms.push(
      define([`${name}Errors`, 'Errors', 'Sum', '>', 0, `The ${name} function threw, timed out or crashed`], fn),
      define(
        [`${name}Throttles`, 'Throttles', 'Sum', '>', 0, `Invocations of the ${name} function were throttled`],
        fn,
      ),
      define(
        [
          `${name}IteratorAge`,
          'IteratorAge',
          'Maximum',
          '>=',
          60_000,
          `The ${name} function is more than a minute behind the stream`,
        ],
        fn,
      ),
    );
    if (onFailure === 'sqs') {
      const description = `Failed batches of the ${name} function are waiting in its dead-letter queue`;
      alarms.push(
        define([`${name}DeadLetters`, 'ApproximateNumberOfMessagesVisible', 'Maximum', '>', 0, description], {
          resource: { kind: 'queue', consumer: name },
          namespace: 'AWS/SQS',
          origin: 'streamkit',
          // SQS publishes its queue metrics every 5 minutes.
          periodSeconds: 300,
        }),
      );
    }
  }
  return alarms;
}
