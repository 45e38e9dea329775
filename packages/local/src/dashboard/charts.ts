/**
 * What the dashboard charts for each component of a pipeline: the CloudWatch metrics a person would put on a
 * CloudWatch dashboard for it (the cloud stack's dashboard shows the same ones), placed under the component of the
 * diagram they belong to.
 */
import type { AlarmResource, PipelineComponent } from '@streamkit/core';
import type { Dimensions, Statistic } from '../metrics/metric-store.ts';
import type { PipelineResources } from '../metrics/pipeline-resources.ts';

export interface ChartDefinition {
  /** Unique on the page: `stream-IncomingRecords`, `orders-Errors`… */
  readonly id: string;
  /** The diagram component it belongs to. */
  readonly component: string;
  readonly title: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Dimensions;
  readonly statistic: Statistic;
  readonly unit: string;
}

type Row = [metricName: string, statistic: Statistic, title: string, unit: string];

const BY_KIND: Partial<Record<PipelineComponent['kind'], Row[]>> = {
  'ingest-api': [
    ['Count', 'Sum', 'Requests', 'requests'],
    ['4XXError', 'Sum', '4xx answers', 'requests'],
    ['5XXError', 'Sum', '5xx answers', 'requests'],
    ['Latency', 'Average', 'Latency', 'ms'],
  ],
  'kinesis-stream': [
    ['IncomingRecords', 'Sum', 'Incoming records', 'records'],
    ['IncomingBytes', 'Sum', 'Incoming bytes', 'bytes'],
    ['GetRecords.IteratorAgeMilliseconds', 'Maximum', 'Iterator age', 'ms'],
    ['WriteProvisionedThroughputExceeded', 'Sum', 'Throttled writes', 'records'],
  ],
  'lambda-consumer': [
    ['Invocations', 'Sum', 'Invocations', 'invocations'],
    ['Errors', 'Sum', 'Errors', 'invocations'],
    ['Duration', 'Average', 'Duration', 'ms'],
    ['IteratorAge', 'Maximum', 'Iterator age', 'ms'],
  ],
  'lambda-processor': [
    ['Invocations', 'Sum', 'Invocations', 'invocations'],
    ['Errors', 'Sum', 'Errors', 'invocations'],
    ['Duration', 'Average', 'Duration', 'ms'],
  ],
  'dead-letter-queue': [['ApproximateNumberOfMessagesVisible', 'Maximum', 'Messages in the queue', 'messages']],
  flink: [
    ['downtime', 'Maximum', 'Downtime', 'ms'],
    ['numberOfFailedCheckpoints', 'Maximum', 'Failed checkpoints', 'checkpoints'],
    ['cpuUtilization', 'Maximum', 'CPU', '%'],
    ['heapMemoryUtilization', 'Maximum', 'Heap', '%'],
  ],
  firehose: [
    ['DataReadFromKinesisStream.Records', 'Sum', 'Records read from the stream', 'records'],
    ['DeliveryToS3.Records', 'Sum', 'Records delivered to S3', 'records'],
    ['DeliveryToS3.DataFreshness', 'Maximum', 'Age of the oldest undelivered record', 's'],
  ],
};

const NAMESPACE: Partial<Record<PipelineComponent['kind'], string>> = {
  'ingest-api': 'AWS/ApiGateway',
  'kinesis-stream': 'AWS/Kinesis',
  'lambda-consumer': 'AWS/Lambda',
  'lambda-processor': 'AWS/Lambda',
  'dead-letter-queue': 'AWS/SQS',
  firehose: 'AWS/Firehose',
  flink: 'AWS/KinesisAnalytics',
};

/** The resources a component of the diagram stands for (a consumers box stands for every consumer). */
function resourcesOfComponent(
  kind: PipelineComponent['kind'],
  r: PipelineResources,
): { label: string; dimensions: Dimensions }[] {
  switch (kind) {
    case 'ingest-api':
      return r.api ? [{ label: '', dimensions: { ApiName: r.api.apiName, Stage: r.api.stage } }] : [];
    case 'kinesis-stream':
      return [{ label: '', dimensions: { StreamName: r.streamName } }];
    case 'lambda-consumer':
      return [...r.functions]
        .filter(([consumer]) => consumer !== 'processor')
        .map(([consumer, name]) => ({ label: consumer, dimensions: { FunctionName: name } }));
    case 'lambda-processor': {
      const name = r.functions.get('processor');
      return name ? [{ label: '', dimensions: { FunctionName: name } }] : [];
    }
    case 'dead-letter-queue':
      return [...r.queues].map(([consumer, name]) => ({ label: consumer, dimensions: { QueueName: name } }));
    case 'firehose':
      return r.deliveryStreamName ? [{ label: '', dimensions: { DeliveryStreamName: r.deliveryStreamName } }] : [];
    case 'flink':
      return r.flinkApplication ? [{ label: '', dimensions: { Application: r.flinkApplication } }] : [];
    default:
      return [];
  }
}

export function chartsFor(components: readonly PipelineComponent[], resources: PipelineResources): ChartDefinition[] {
  const charts: ChartDefinition[] = [];
  for (const component of components) {
    const rows = BY_KIND[component.kind] ?? [];
    const namespace = NAMESPACE[component.kind];
    if (!namespace) continue;
    for (const { label, dimensions } of resourcesOfComponent(component.kind, resources)) {
      for (const [metricName, statistic, title, unit] of rows) {
        charts.push({
          id: `${component.id}${label ? `-${label}` : ''}-${metricName}`,
          component: component.id,
          title: label ? `${label}: ${title}` : title,
          namespace,
          metricName,
          dimensions,
          statistic,
          unit,
        });
      }
    }
  }
  return charts;
}

/** The diagram component an alarm's resource is drawn as. */
export function componentOfAlarm(
  components: readonly PipelineComponent[],
  resource: AlarmResource,
): string | undefined {
  return components.find((c) => c.kind === COMPONENT_OF_RESOURCE[resource.kind])?.id;
}

/** Which kind of diagram component draws each kind of alarmed resource. */
const COMPONENT_OF_RESOURCE: Record<AlarmResource['kind'], PipelineComponent['kind']> = {
  stream: 'kinesis-stream',
  api: 'ingest-api',
  function: 'lambda-consumer',
  queue: 'dead-letter-queue',
  deliveryStream: 'firehose',
  processor: 'lambda-processor',
  flinkApplication: 'flink',
  flinkSource: 'kinesis-stream',
  enrichmentFunction: 'lambda-consumer',
  cluster: 'kafka',
  broker: 'kafka',
  consumerGroup: 'lambda-consumer',
  connector: 'kafka-connect',
};
