/**
 * The alarms of a pipeline, defined once. The CDK stack turns each definition into a CloudWatch alarm; the local
 * runtime evaluates the same definitions against the metrics it records.
 *
 * Thresholds marked `origin: 'original'` are the original solution's (§2.1 of its inventory); the rest are
 * streamkit's additions. Unlike the original, every alarm has its dimensions, treats missing data as not breaching
 * (an idle pipeline is healthy) and notifies an SNS topic.
 */
import type { ApigwKinesisLambdaSpec } from '../presets/apigw-kinesis-lambda.ts';
import type { DeliverySettings } from '../presets/kinesis-firehose-s3.ts';
import type { KinesisFlinkApigwSpec } from '../presets/kinesis-flink-apigw.ts';
import type { MskPipelineSpec, PipelineSpec } from '../presets/registry.ts';
import type { ResolvedCluster } from '../spec/kafka.ts';

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
  | { readonly kind: 'queue'; readonly consumer: string }
  | { readonly kind: 'deliveryStream' }
  | { readonly kind: 'processor' }
  | { readonly kind: 'cluster' }
  | { readonly kind: 'broker'; readonly brokerId: number }
  | { readonly kind: 'consumerGroup'; readonly consumer: string }
  | { readonly kind: 'connector' }
  | { readonly kind: 'flinkApplication' }
  | { readonly kind: 'flinkSource' }
  | { readonly kind: 'enrichmentFunction' };

export interface AlarmDefinition {
  /** Unique within a pipeline and stable: used for construct ids and local alarm names. */
  readonly id: string;
  readonly description: string;
  readonly resource: AlarmResource;
  readonly namespace:
    | 'AWS/Kinesis'
    | 'AWS/Lambda'
    | 'AWS/SQS'
    | 'AWS/ApiGateway'
    | 'AWS/Firehose'
    | 'AWS/Kafka'
    | 'AWS/KinesisAnalytics'
    | 'AWS/KafkaConnect';
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
  // The original passed the delivery stream's ARN here (bug 2), so its Firehose alarm never saw data.
  deliveryStream: ['DeliveryStreamName'],
  processor: ['FunctionName'],
  // MSK's dimension names have spaces.
  cluster: ['Cluster Name'],
  broker: ['Cluster Name', 'Broker ID'],
  consumerGroup: ['Cluster Name', 'Consumer Group', 'Topic'],
  connector: ['ConnectorName'],
  // The Flink application (or Studio notebook) by name.
  flinkApplication: ['Application'],
  // The Kinesis source of the job: Id is the stream name with "-" written "_", Flow is Input (the original's §2.4).
  flinkSource: ['Application', 'Id', 'Flow'],
  enrichmentFunction: ['FunctionName'],
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
  common: Pick<AlarmDefinition, 'resource' | 'namespace' | 'origin'> &
    Partial<Pick<AlarmDefinition, 'periodSeconds' | 'evaluationPeriods' | 'datapointsToAlarm'>>,
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
  const stream = STREAM_ALARMS.map((row) =>
    define(row, { resource: { kind: 'stream' }, namespace: 'AWS/Kinesis', origin: 'original' }),
  );
  switch (spec.preset) {
    case 'apigw-kinesis-lambda':
      return [...stream, ...apiAndConsumerAlarms(spec)];
    case 'kinesis-firehose-s3':
      return [...stream, ...deliveryAlarms(spec.delivery, 'kinesis')];
    case 'kpl-kinesis-flink-s3':
      return [...stream, ...flinkAlarms()];
    case 'kinesis-flink-apigw':
      return [...stream, ...flinkAlarms(), ...enrichmentAlarms(spec)];
    default:
      return mskAlarms(spec);
  }
}

/**
 * The original solution's Flink alarms (its §2.4) with its thresholds: downtime, failed checkpoints, CPU, heap, old
 * generation GC and how far the job is behind the stream. The original's GC alarm was the expression
 * `oldGenerationGCTime * 100 / 60000 > 60`; over a 60 s period that is `oldGenerationGCTime > 36000` ms, the same
 * alarm without an expression. Its records-out alarm (≤ 0 records/s) is left out: it fires whenever the producer
 * pauses. Unlike the original, missing data is not breaching, so a stopped application or notebook is not in ALARM.
 */
function flinkAlarms(): AlarmDefinition[] {
  const app = {
    resource: { kind: 'flinkApplication' },
    namespace: 'AWS/KinesisAnalytics',
    origin: 'original',
  } as const;
  const rows: Row[] = [
    ['FlinkDowntime', 'downtime', 'Average', '>', 0, 'The Flink job is not running (failing or restarting)'],
    ['FlinkCheckpointFailures', 'numberOfFailedCheckpoints', 'Average', '>', 0, 'Checkpoints of the Flink job failed'],
    ['FlinkCpuUtilization', 'cpuUtilization', 'Maximum', '>', 80, 'The Flink application uses more than 80 % CPU'],
    [
      'FlinkHeapMemoryUtilization',
      'heapMemoryUtilization',
      'Maximum',
      '>',
      90,
      'The Flink application uses more than 90 % of its heap',
    ],
    [
      'FlinkOldGenerationGc',
      'oldGenerationGCTime',
      'Maximum',
      '>',
      36_000,
      'Old generation garbage collection takes more than 60 % of the time (36 s of each minute)',
    ],
  ];
  return [
    ...rows.map((row) => define(row, app)),
    define(
      [
        'FlinkMillisBehindLatest',
        'millisBehindLatest',
        'Maximum',
        '>',
        60_000,
        'The Flink job reads the stream more than a minute behind its latest record',
      ],
      { ...app, resource: { kind: 'flinkSource' } },
    ),
  ];
}

/** streamkit's alarms on the enrichment endpoint: server errors of the REST API, errors and throttles of its function. */
function enrichmentAlarms(_spec: KinesisFlinkApigwSpec): AlarmDefinition[] {
  const fn = { resource: { kind: 'enrichmentFunction' }, namespace: 'AWS/Lambda', origin: 'streamkit' } as const;
  return [
    define(['EnrichmentApiServerErrors', '5XXError', 'Sum', '>', 0, 'The fare API answered with a 5xx error'], {
      resource: { kind: 'api' },
      namespace: 'AWS/ApiGateway',
      origin: 'streamkit',
    }),
    define(['EnrichmentFunctionErrors', 'Errors', 'Sum', '>', 0, 'The fare function threw, timed out or crashed'], fn),
    define(
      ['EnrichmentFunctionThrottles', 'Throttles', 'Sum', '>', 0, 'Invocations of the fare function were throttled'],
      fn,
    ),
  ];
}

function apiAndConsumerAlarms(spec: ApigwKinesisLambdaSpec): AlarmDefinition[] {
  const alarms: AlarmDefinition[] = [];
  alarms.push(
    define(['ApiServerErrors', '5XXError', 'Sum', '>', 0, 'The ingest API answered with a 5xx error'], {
      resource: { kind: 'api' },
      namespace: 'AWS/ApiGateway',
      origin: 'streamkit',
    }),
  );
  alarms.push(...consumerAlarms(spec.consumers, 'IteratorAge'));
  return alarms;
}

/**
 * Errors and throttles of each consumer function, how far behind it is, and its dead-letter queue when it has one.
 * Kinesis consumers measure lag as IteratorAge; Kafka consumers by their consumer group's offset lag (`mskAlarms`).
 */
function consumerAlarms(
  consumers: readonly { readonly name: string; readonly onFailure: string }[],
  lag: 'IteratorAge' | 'none',
): AlarmDefinition[] {
  const alarms: AlarmDefinition[] = [];
  for (const { name, onFailure } of consumers) {
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
    );
    if (lag === 'IteratorAge') {
      alarms.push(
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
    }
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

/**
 * The original's Firehose alarm (DataFreshness > 900 s over 5 minutes, its §2.3) keyed by the delivery stream's name,
 * plus streamkit's: failed S3 deliveries, throttled reads of the source stream, and — when the feature is on — the
 * partition limit, format conversion failures and the record transformation (its success rate and its function).
 */
function deliveryAlarms(delivery: DeliverySettings, source: 'kinesis' | 'directPut'): AlarmDefinition[] {
  const firehose = (origin: AlarmDefinition['origin']) =>
    ({ resource: { kind: 'deliveryStream' }, namespace: 'AWS/Firehose', origin, periodSeconds: 300 }) as const;
  const alarms = [
    define(
      [
        'DeliveryDataFreshness',
        'DeliveryToS3.DataFreshness',
        'Maximum',
        '>',
        900,
        'The oldest record not yet in S3 is more than 15 minutes old',
      ],
      firehose('original'),
    ),
    define(
      [
        'DeliveryToS3Success',
        'DeliveryToS3.Success',
        'Average',
        '<',
        1,
        'Some writes to S3 failed (Firehose retries them until the records leave the stream)',
      ],
      firehose('streamkit'),
    ),
    source === 'kinesis'
      ? define(
          [
            'DeliveryThrottledGetRecords',
            'ThrottledGetRecords',
            'Sum',
            '>',
            0,
            'Firehose’s reads of the source stream were throttled (shards serve 5 reads/s shared by every consumer)',
          ],
          firehose('streamkit'),
        )
      : define(
          [
            'DeliveryThrottledRecords',
            'ThrottledRecords',
            'Sum',
            '>',
            0,
            'Firehose throttled records put to it (the forwarder retries them, then fails the batch)',
          ],
          firehose('streamkit'),
        ),
  ];
  if (delivery.dynamicPartitioning.enabled) {
    alarms.push(
      define(
        [
          'DeliveryPartitionCountExceeded',
          'PartitionCountExceeded',
          'Maximum',
          '>',
          0,
          'More partitions are active than the delivery stream’s limit; further records go to the error prefix',
        ],
        firehose('streamkit'),
      ),
    );
  }
  if (delivery.dataFormatConversion.enabled) {
    alarms.push(
      define(
        [
          'DeliveryFormatConversionFailed',
          'FailedConversion.Records',
          'Sum',
          '>',
          0,
          'Records could not be converted to Parquet and went to the error prefix',
        ],
        firehose('streamkit'),
      ),
    );
  }
  if (delivery.processor) {
    const fn = { resource: { kind: 'processor' }, namespace: 'AWS/Lambda', origin: 'streamkit' } as const;
    alarms.push(
      define(
        [
          'DeliveryProcessingSuccess',
          'ExecuteProcessing.Success',
          'Average',
          '<',
          1,
          'Invocations of the record transformation failed; their records go to the error prefix once retries are spent',
        ],
        firehose('streamkit'),
      ),
      define(
        ['processorErrors', 'Errors', 'Sum', '>', 0, 'The record transformation function threw, timed out or crashed'],
        fn,
      ),
      define(
        ['processorThrottles', 'Throttles', 'Sum', '>', 0, 'Invocations of the record transformation were throttled'],
        fn,
      ),
    );
  }
  return alarms;
}

/** MSK's metrics: published every minute at the DEFAULT monitoring level. */
const kafka = (resource: AlarmResource, extra: Partial<AlarmDefinition> = {}) =>
  ({ resource, namespace: 'AWS/Kafka', origin: 'streamkit', ...extra }) as const;

/**
 * The alarms of an MSK pipeline (the original had none): per broker, disk use of 80 % and CPU (user) of 60 % over
 * 15 minutes — MSK's own guidance for headroom — and under-replicated partitions for 5 minutes; offline partitions at
 * once; and each consumer group's lag. Brokers exist only on provisioned clusters the stack creates (MSK Serverless and
 * existing clusters get the consumer alarms); Express brokers have no disk to watch.
 */
export function mskAlarms(spec: MskPipelineSpec): AlarmDefinition[] {
  const alarms: AlarmDefinition[] = [];
  if (spec.cluster) alarms.push(...brokerAlarms(spec.cluster));
  const consumers =
    spec.preset === 'msk-lambda' ? spec.consumers : spec.preset === 'msk-lambda-firehose-s3' ? [spec.forwarder] : [];
  for (const { name } of consumers) {
    alarms.push(
      define(
        [
          `${name}OffsetLag`,
          'MaxOffsetLag',
          'Maximum',
          '>',
          10_000,
          `The ${name} function’s consumer group is more than 10,000 records behind on a partition`,
        ],
        kafka(
          { kind: 'consumerGroup', consumer: name },
          { periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 5 },
        ),
      ),
    );
  }
  alarms.push(...consumerAlarms(consumers, 'none'));
  if (spec.preset === 'msk-lambda-firehose-s3') alarms.push(...deliveryAlarms(spec.delivery, 'directPut'));
  if (spec.preset === 'msk-flink-s3') {
    // The Flink presets' application alarms; their source alarm watches a Kinesis stream, which this job does not read.
    alarms.push(...flinkAlarms().filter((alarm) => alarm.resource.kind === 'flinkApplication'));
  }
  if (spec.preset === 'msk-connect-s3') {
    alarms.push(
      define(
        ['ConnectorErroredTasks', 'ErroredTaskCount', 'Maximum', '>', 0, 'A task of the S3 sink connector failed'],
        {
          resource: { kind: 'connector' },
          namespace: 'AWS/KafkaConnect',
          origin: 'streamkit',
        },
      ),
    );
  }
  return alarms;
}

function brokerAlarms(cluster: ResolvedCluster): AlarmDefinition[] {
  if (cluster.kind === 'serverless') return [];
  const alarms: AlarmDefinition[] = [
    define(
      [
        'ClusterOfflinePartitions',
        'OfflinePartitionsCount',
        'Maximum',
        '>',
        0,
        'Partitions have no active leader: they can be neither written nor read',
      ],
      kafka({ kind: 'cluster' }),
    ),
  ];
  const sustained = { periodSeconds: 300, evaluationPeriods: 3, datapointsToAlarm: 3 };
  for (let brokerId = 1; brokerId <= cluster.brokers; brokerId++) {
    const broker = { kind: 'broker', brokerId } as const;
    if (cluster.kind === 'provisioned') {
      alarms.push(
        define(
          [
            `Broker${brokerId}DiskUsed`,
            'KafkaDataLogsDiskUsed',
            'Maximum',
            '>=',
            80,
            `Broker ${brokerId} has used 80 % of its storage; a full disk stops it accepting writes`,
          ],
          kafka(broker, { periodSeconds: 300 }),
        ),
      );
    }
    alarms.push(
      define(
        [
          `Broker${brokerId}Cpu`,
          'CpuUser',
          'Average',
          '>=',
          60,
          `Broker ${brokerId} has spent 60 % of its CPU in user space for 15 minutes; MSK advises headroom for broker failures`,
        ],
        kafka(broker, sustained),
      ),
      define(
        [
          `Broker${brokerId}UnderReplicatedPartitions`,
          'UnderReplicatedPartitions',
          'Maximum',
          '>',
          0,
          `Partitions on broker ${brokerId} have had fewer in-sync replicas than their replication factor for 5 minutes`,
        ],
        kafka(broker, { periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 5 }),
      ),
    );
  }
  return alarms;
}
