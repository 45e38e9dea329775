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

const base = { evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: 'notBreaching' as const };

export function alarmsFor(spec: PipelineSpec): AlarmDefinition[] {
  const stream = { kind: 'stream' } as const;
  const alarms: AlarmDefinition[] = [
    {
      ...base,
      id: 'StreamIteratorAge',
      description: 'Records wait more than a minute in the stream before a consumer reads them',
      resource: stream,
      namespace: 'AWS/Kinesis',
      metricName: 'GetRecords.IteratorAgeMilliseconds',
      statistic: 'Maximum',
      periodSeconds: 60,
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: 60_000,
      origin: 'original',
    },
    {
      ...base,
      id: 'StreamReadThrottled',
      description: 'More than 1 % of GetRecords calls are throttled',
      resource: stream,
      namespace: 'AWS/Kinesis',
      metricName: 'ReadProvisionedThroughputExceeded',
      statistic: 'Average',
      periodSeconds: 60,
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: 0.01,
      origin: 'original',
    },
    {
      ...base,
      id: 'StreamWriteThrottled',
      description: 'More than 1 % of writes are throttled',
      resource: stream,
      namespace: 'AWS/Kinesis',
      metricName: 'WriteProvisionedThroughputExceeded',
      statistic: 'Average',
      periodSeconds: 60,
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: 0.01,
      origin: 'original',
    },
    {
      ...base,
      id: 'StreamPutRecordSuccess',
      description: 'Fewer than 95 % of PutRecord calls succeed',
      resource: stream,
      namespace: 'AWS/Kinesis',
      metricName: 'PutRecord.Success',
      statistic: 'Average',
      periodSeconds: 60,
      comparison: 'LessThanOrEqualToThreshold',
      threshold: 0.95,
      origin: 'original',
    },
    {
      ...base,
      id: 'StreamPutRecordsSuccess',
      description: 'Fewer than 95 % of PutRecords calls succeed',
      resource: stream,
      namespace: 'AWS/Kinesis',
      metricName: 'PutRecords.Success',
      statistic: 'Average',
      periodSeconds: 60,
      comparison: 'LessThanOrEqualToThreshold',
      threshold: 0.95,
      origin: 'original',
    },
    {
      ...base,
      id: 'StreamGetRecordsSuccess',
      description: 'Fewer than 98 % of GetRecords calls succeed',
      resource: stream,
      namespace: 'AWS/Kinesis',
      metricName: 'GetRecords.Success',
      statistic: 'Average',
      periodSeconds: 60,
      comparison: 'LessThanOrEqualToThreshold',
      threshold: 0.98,
      origin: 'original',
    },
    {
      ...base,
      id: 'ApiServerErrors',
      description: 'The ingest API answered with a 5xx error',
      resource: { kind: 'api' },
      namespace: 'AWS/ApiGateway',
      metricName: '5XXError',
      statistic: 'Sum',
      periodSeconds: 60,
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      origin: 'streamkit',
    },
  ];
  for (const consumer of spec.consumers) {
    const fn = { kind: 'function', consumer: consumer.name } as const;
    alarms.push(
      {
        ...base,
        id: `${consumer.name}Errors`,
        description: `The ${consumer.name} function threw, timed out or crashed`,
        resource: fn,
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        statistic: 'Sum',
        periodSeconds: 60,
        comparison: 'GreaterThanThreshold',
        threshold: 0,
        origin: 'streamkit',
      },
      {
        ...base,
        id: `${consumer.name}Throttles`,
        description: `Invocations of the ${consumer.name} function were throttled`,
        resource: fn,
        namespace: 'AWS/Lambda',
        metricName: 'Throttles',
        statistic: 'Sum',
        periodSeconds: 60,
        comparison: 'GreaterThanThreshold',
        threshold: 0,
        origin: 'streamkit',
      },
      {
        ...base,
        id: `${consumer.name}IteratorAge`,
        description: `The ${consumer.name} function is more than a minute behind the stream`,
        resource: fn,
        namespace: 'AWS/Lambda',
        metricName: 'IteratorAge',
        statistic: 'Maximum',
        periodSeconds: 60,
        comparison: 'GreaterThanOrEqualToThreshold',
        threshold: 60_000,
        origin: 'streamkit',
      },
    );
    if (consumer.onFailure === 'sqs') {
      alarms.push({
        ...base,
        id: `${consumer.name}DeadLetters`,
        description: `Failed batches of the ${consumer.name} function are waiting in its dead-letter queue`,
        resource: { kind: 'queue', consumer: consumer.name },
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        statistic: 'Maximum',
        periodSeconds: 300,
        comparison: 'GreaterThanThreshold',
        threshold: 0,
        origin: 'streamkit',
      });
    }
  }
  return alarms;
}
