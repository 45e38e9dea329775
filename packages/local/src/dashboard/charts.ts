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

/** Charts of one namespace for each resource a component stands for. */
interface ChartGroup {
  readonly namespace: string;
  readonly rows: readonly Row[];
  readonly resources: (r: PipelineResources) => { label: string; dimensions: Dimensions }[];
}

const LAMBDA: Row[] = [
  ['Invocations', 'Sum', 'Invocations', 'invocations'],
  ['Errors', 'Sum', 'Errors', 'invocations'],
  ['Duration', 'Average', 'Duration', 'ms'],
];

/** The functions of the consumers (not a delivery stream's processor), labelled by consumer. */
const consumerFunctions = (r: PipelineResources) =>
  [...r.functions]
    .filter(([consumer]) => consumer !== 'processor')
    .map(([consumer, name]) => ({ label: consumer, dimensions: { FunctionName: name } }));

const single = (dimensions: Dimensions | undefined) => (dimensions ? [{ label: '', dimensions }] : []);

const BY_KIND: Partial<Record<PipelineComponent['kind'], readonly ChartGroup[]>> = {
  'ingest-api': [
    {
      namespace: 'AWS/ApiGateway',
      rows: [
        ['Count', 'Sum', 'Requests', 'requests'],
        ['4XXError', 'Sum', '4xx answers', 'requests'],
        ['5XXError', 'Sum', '5xx answers', 'requests'],
        ['Latency', 'Average', 'Latency', 'ms'],
      ],
      resources: (r) => single(r.api && { ApiName: r.api.apiName, Stage: r.api.stage }),
    },
  ],
  'kinesis-stream': [
    {
      namespace: 'AWS/Kinesis',
      rows: [
        ['IncomingRecords', 'Sum', 'Incoming records', 'records'],
        ['IncomingBytes', 'Sum', 'Incoming bytes', 'bytes'],
        ['GetRecords.IteratorAgeMilliseconds', 'Maximum', 'Iterator age', 'ms'],
        ['WriteProvisionedThroughputExceeded', 'Sum', 'Throttled writes', 'records'],
      ],
      resources: (r) => single(r.streamName ? { StreamName: r.streamName } : undefined),
    },
  ],
  'lambda-consumer': [
    {
      namespace: 'AWS/Lambda',
      rows: [...LAMBDA, ['IteratorAge', 'Maximum', 'Iterator age', 'ms']],
      resources: (r) => (r.kafka ? [] : consumerFunctions(r)),
    },
    {
      // A Kafka consumer's lag is in records, from its event source mapping (AWS/Lambda) and its group (AWS/Kafka).
      namespace: 'AWS/Lambda',
      rows: [...LAMBDA, ['OffsetLag', 'Maximum', 'Offset lag', 'records']],
      resources: (r) => (r.kafka ? consumerFunctions(r) : []),
    },
    {
      namespace: 'AWS/Kafka',
      rows: [['MaxOffsetLag', 'Maximum', 'Offset lag of its most behind partition', 'records']],
      resources: (r) =>
        [...(r.kafka?.consumerGroups ?? [])].map(([consumer, { groupId, topic }]) => ({
          label: consumer,
          dimensions: { 'Cluster Name': r.kafka!.clusterName, 'Consumer Group': groupId, Topic: topic },
        })),
    },
  ],
  'lambda-processor': [
    {
      namespace: 'AWS/Lambda',
      rows: LAMBDA,
      resources: (r) =>
        single(r.functions.has('processor') ? { FunctionName: r.functions.get('processor')! } : undefined),
    },
  ],
  'dead-letter-queue': [
    {
      namespace: 'AWS/SQS',
      rows: [['ApproximateNumberOfMessagesVisible', 'Maximum', 'Messages in the queue', 'messages']],
      resources: (r) => [...r.queues].map(([consumer, name]) => ({ label: consumer, dimensions: { QueueName: name } })),
    },
  ],
  firehose: [
    {
      namespace: 'AWS/Firehose',
      rows: [['DataReadFromKinesisStream.Records', 'Sum', 'Records read from the stream', 'records']],
      resources: (r) =>
        single(r.deliveryStreamName && r.streamName ? { DeliveryStreamName: r.deliveryStreamName } : undefined),
    },
    {
      namespace: 'AWS/Firehose',
      rows: [
        ['DeliveryToS3.Records', 'Sum', 'Records delivered to S3', 'records'],
        ['DeliveryToS3.DataFreshness', 'Maximum', 'Age of the oldest undelivered record', 's'],
      ],
      resources: (r) => single(r.deliveryStreamName ? { DeliveryStreamName: r.deliveryStreamName } : undefined),
    },
  ],
  flink: [
    {
      namespace: 'AWS/KinesisAnalytics',
      rows: [
        ['downtime', 'Maximum', 'Downtime', 'ms'],
        ['numberOfFailedCheckpoints', 'Maximum', 'Failed checkpoints', 'checkpoints'],
        ['cpuUtilization', 'Maximum', 'CPU', '%'],
        ['heapMemoryUtilization', 'Maximum', 'Heap', '%'],
      ],
      resources: (r) => single(r.flinkApplication ? { Application: r.flinkApplication } : undefined),
    },
  ],
  // The diagram shows a component's first chart under its label: the brokers' messages in come first.
  kafka: [
    {
      namespace: 'AWS/Kafka',
      rows: [
        ['MessagesInPerSec', 'Average', 'Messages in', 'messages/s'],
        ['CpuUser', 'Average', 'CPU (user)', '%'],
        ['KafkaDataLogsDiskUsed', 'Maximum', 'Disk used', '%'],
        ['UnderReplicatedPartitions', 'Maximum', 'Under-replicated partitions', 'partitions'],
      ],
      resources: (r) =>
        (r.kafka?.brokerIds ?? []).map((id) => ({
          label: `broker ${id}`,
          dimensions: { 'Cluster Name': r.kafka!.clusterName, 'Broker ID': String(id) },
        })),
    },
    {
      namespace: 'AWS/Kafka',
      rows: [
        ['GlobalPartitionCount', 'Maximum', 'Partitions', 'partitions'],
        ['OfflinePartitionsCount', 'Maximum', 'Offline partitions', 'partitions'],
      ],
      resources: (r) => single(r.kafka && { 'Cluster Name': r.kafka.clusterName }),
    },
  ],
};

export function chartsFor(components: readonly PipelineComponent[], resources: PipelineResources): ChartDefinition[] {
  const charts: ChartDefinition[] = [];
  for (const component of components) {
    for (const { namespace, rows, resources: of } of BY_KIND[component.kind] ?? []) {
      for (const { label, dimensions } of of(resources)) {
        for (const [metricName, statistic, title, unit] of rows) {
          charts.push({
            id: `${component.id}${label ? `-${label.replaceAll(' ', '-')}` : ''}-${metricName}`,
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
