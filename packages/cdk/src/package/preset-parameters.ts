import { LIMITS, type PresetName } from '@streamkit/core';
import type {
  ParameterGroup,
  ParameterValue,
  PresetPackage,
  RawSpec,
  TemplateParameter,
} from './template-parameter.ts';

const TRUE_FALSE = ['true', 'false'] as const;

// --- Kinesis Data Streams (K1–K4) ---------------------------------------------------------------------------------

const shardCount: TemplateParameter = {
  name: 'ShardCount',
  type: 'Number',
  label: 'Number of open shards',
  description: 'Open shards of the provisioned data stream (1–200); each takes 1 MiB/s or 1,000 records/s of writes',
  default: 2,
  minValue: 1,
  maxValue: 200,
  probe: 3,
  toSpec: (v) => ({ stream: { shardCount: Number(v) } }),
};

const retentionHours: TemplateParameter = {
  name: 'RetentionHours',
  type: 'Number',
  label: 'Data retention period (hours)',
  description: 'How long records stay readable in the stream, 24 hours to 8760 hours (365 days)',
  default: 24,
  minValue: 24,
  maxValue: 8760,
  probe: 168,
  toSpec: (v) => ({ stream: { retentionHours: Number(v) } }),
};

const enableEnhancedMonitoring: TemplateParameter = {
  name: 'EnableEnhancedMonitoring',
  type: 'String',
  label: 'Enable enhanced (shard-level) metrics',
  description: 'Whether the stream publishes every shard-level CloudWatch metric (billed per shard and metric)',
  default: 'false',
  allowedValues: TRUE_FALSE,
  toSpec: (v) => (v === 'true' ? { stream: { shardLevelMetrics: [...LIMITS.kinesis.shardLevelMetrics.values] } } : {}),
};

const kinesisStream: ParameterGroup = {
  label: 'Amazon Kinesis Data Streams configuration',
  parameters: [shardCount, retentionHours, enableEnhancedMonitoring],
};

// --- API Gateway and the Lambda consumer (K1) ---------------------------------------------------------------------

const ingestThrottling: ParameterGroup = {
  label: 'Amazon API Gateway configuration',
  parameters: [
    {
      name: 'ThrottlingRateLimit',
      type: 'Number',
      label: 'Throttling rate limit (requests per second)',
      description: 'Steady-state requests per second the ingest API accepts (1–10000)',
      default: 100,
      minValue: 1,
      maxValue: 10_000,
      probe: 300,
      toSpec: (v) => ({ ingest: { throttling: { rateLimit: Number(v) } } }),
    },
    {
      name: 'ThrottlingBurstLimit',
      type: 'Number',
      label: 'Throttling burst limit (requests)',
      description: 'Requests the ingest API accepts in a burst above the rate (0–5000)',
      default: 50,
      minValue: 0,
      maxValue: 5000,
      probe: 60,
      toSpec: (v) => ({ ingest: { throttling: { burstLimit: Number(v) } } }),
    },
  ],
};

const consumerBatchSize = (spec: (batchSize: number) => RawSpec): TemplateParameter => ({
  name: 'BatchSize',
  type: 'Number',
  label: 'Batch size',
  description: 'Most records the event source mapping hands the function per invocation (1–10000)',
  default: 100,
  minValue: 1,
  maxValue: 10_000,
  probe: 250,
  toSpec: (v) => spec(Number(v)),
});

const firstConsumer = (settings: RawSpec): RawSpec => ({ consumers: [{ name: 'consumer', ...settings }] });

const kinesisConsumer: ParameterGroup = {
  label: 'AWS Lambda consumer configuration',
  parameters: [
    consumerBatchSize((batchSize) => firstConsumer({ batchSize })),
    {
      name: 'ParallelizationFactor',
      type: 'Number',
      label: 'Parallelization factor',
      description: 'Batches of one shard the function processes at once (1–10)',
      default: 1,
      minValue: 1,
      maxValue: 10,
      probe: 4,
      toSpec: (v) => firstConsumer({ parallelizationFactor: Number(v) }),
    },
    {
      name: 'MaxRetryAttempts',
      type: 'Number',
      label: 'Maximum retry attempts',
      description:
        'Retries of a failed batch before its records go to the dead-letter queue (1–10000; the original wired this ' +
        'to the parallelization factor by mistake)',
      default: 3,
      minValue: 1,
      maxValue: 10_000,
      probe: 7,
      toSpec: (v) => firstConsumer({ retryAttempts: Number(v) }),
    },
  ],
};

// --- Firehose (K3, M3) --------------------------------------------------------------------------------------------

const bufferingAndCompression: TemplateParameter[] = [
  {
    name: 'BufferingSize',
    type: 'Number',
    label: 'Size of the buffer (MiB)',
    description: 'MiB Firehose buffers before it writes an object to S3 (1–128)',
    default: 5,
    minValue: 1,
    maxValue: 128,
    probe: 8,
    toSpec: (v) => ({ delivery: { bufferingHints: { sizeInMBs: Number(v) } } }),
  },
  {
    name: 'BufferingInterval',
    type: 'Number',
    label: 'Buffer interval (seconds)',
    description: 'Seconds Firehose buffers before it writes an object to S3 (60–900)',
    default: 300,
    minValue: 60,
    maxValue: 900,
    probe: 120,
    toSpec: (v) => ({ delivery: { bufferingHints: { intervalInSeconds: Number(v) } } }),
  },
  {
    name: 'CompressionFormat',
    type: 'String',
    label: 'Compression format',
    description: 'Compression of the objects Firehose writes to S3',
    default: 'GZIP',
    allowedValues: ['GZIP', 'HADOOP_SNAPPY', 'Snappy', 'UNCOMPRESSED', 'ZIP'],
    probe: 'ZIP',
    toSpec: (v) => ({ delivery: { compression: String(v) } }),
  },
];

const TIMESTAMP_PATH = 'year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/';

const kinesisFirehose: ParameterGroup = {
  label: 'Amazon Data Firehose configuration',
  parameters: [
    ...bufferingAndCompression,
    {
      name: 'DataPrefix',
      type: 'String',
      label: 'Prefix for data records',
      description: 'S3 key prefix of the objects Firehose writes; may use !{timestamp:…} and !{firehose:random-string}',
      default: LIMITS.firehose.prefix.default,
      maxLength: 1024,
      probe: `records/${TIMESTAMP_PATH}`,
      toSpec: (v) => ({ delivery: { prefix: String(v) } }),
    },
    {
      name: 'ErrorsPrefix',
      type: 'String',
      label: 'Prefix for failed records',
      description: 'S3 key prefix of the records Firehose fails to deliver; must use !{firehose:error-output-type}',
      default: LIMITS.firehose.errorOutputPrefix.default,
      maxLength: 1024,
      probe: `failed/${TIMESTAMP_PATH}!{firehose:error-output-type}/`,
      toSpec: (v) => ({ delivery: { errorOutputPrefix: String(v) } }),
    },
  ],
};

// --- Managed Service for Apache Flink (K2, K4) --------------------------------------------------------------------

const flinkLogLevel: TemplateParameter = {
  name: 'LogLevel',
  type: 'String',
  label: 'Monitoring log level',
  description: 'Level of the application log Managed Flink writes to CloudWatch Logs',
  default: 'INFO',
  allowedValues: ['DEBUG', 'ERROR', 'INFO', 'WARN'],
  probe: 'WARN',
  toSpec: (v) => ({ flink: { logLevel: String(v) } }),
};

const flinkApplication: ParameterGroup = {
  label: 'Amazon Managed Service for Apache Flink configuration',
  parameters: [
    flinkLogLevel,
    {
      name: 'MetricsLevel',
      type: 'String',
      label: 'Monitoring metrics level',
      description: 'Granularity of the application’s CloudWatch metrics; finer levels cost more',
      default: LIMITS.flink.metricsLevel.default,
      allowedValues: ['APPLICATION', 'OPERATOR', 'PARALLELISM', 'TASK'],
      probe: 'TASK',
      toSpec: (v) => ({ flink: { metricsLevel: String(v) } }),
    },
    {
      name: 'EnableSnapshots',
      type: 'String',
      label: 'Enable service-triggered snapshots',
      description: 'Whether the application snapshots its state when it stops or updates, and restores from it',
      default: 'true',
      allowedValues: TRUE_FALSE,
      toSpec: (v) => ({ flink: { snapshots: v === 'true' } }),
    },
    {
      name: 'EnableAutoScaling',
      type: 'String',
      label: 'Enable automatic scaling',
      description: 'Whether Managed Flink scales the application’s parallelism with its CPU use',
      default: 'true',
      allowedValues: TRUE_FALSE,
      toSpec: (v) => ({ flink: { autoScaling: v === 'true' } }),
    },
  ],
};

// --- Amazon MSK (M1–M5, labs) -------------------------------------------------------------------------------------

const M = LIMITS.msk;

const mskCluster: ParameterGroup = {
  label: 'Amazon MSK cluster configuration',
  parameters: [
    {
      name: 'KafkaVersion',
      type: 'String',
      label: 'Apache Kafka version',
      description: 'Apache Kafka version of the brokers (the versions MSK supports for new clusters)',
      default: M.kafkaVersion.default,
      allowedValues: M.kafkaVersion.values,
      // A switch: the client instance downloads the Kafka tools release of the version.
      toSpec: (v) => ({ cluster: { kafkaVersion: String(v) } }),
    },
    {
      name: 'BrokerInstanceType',
      type: 'String',
      label: 'Broker instance type',
      description: 'Instance type of the (Standard) brokers',
      default: M.standardInstanceType.default,
      allowedValues: M.standardInstanceType.values,
      probe: 'kafka.m5.large',
      toSpec: (v) => ({ cluster: { instanceType: String(v) } }),
    },
    {
      name: 'MonitoringLevel',
      type: 'String',
      label: 'Enhanced monitoring level',
      description: 'CloudWatch metrics level of the cluster; every level above DEFAULT is billed',
      default: M.monitoringLevel.default,
      allowedValues: M.monitoringLevel.values,
      probe: 'PER_BROKER',
      toSpec: (v) => ({ cluster: { monitoringLevel: String(v) } }),
    },
    {
      name: 'EbsVolumeSize',
      type: 'Number',
      label: 'EBS storage volume per broker (GiB)',
      description: 'EBS storage of each broker, 1–16384 GiB',
      default: M.storageGiB.default,
      minValue: M.storageGiB.min,
      maxValue: M.storageGiB.max,
      probe: 200,
      toSpec: (v) => ({ cluster: { storageGiB: Number(v) } }),
    },
  ],
};

const kafkaClient: ParameterGroup = {
  label: 'Kafka client configuration',
  parameters: [
    {
      name: 'ClientInstanceType',
      type: 'String',
      label: 'Client instance type',
      description:
        'EC2 instance type (x86_64, or change ClientAmiId to the arm64 image) of the Kafka client, reached with Session Manager',
      default: 't3.small',
      minLength: 1,
      probe: 't3.medium',
      toSpec: (v) => ({ client: { instanceType: String(v) } }),
    },
  ],
};

const C = LIMITS.mskConnect;
const connectorCapacity = (settings: RawSpec): RawSpec => ({ connector: { capacity: settings } });

const mskConnect: ParameterGroup = {
  label: 'Amazon MSK Connect capacity',
  parameters: [
    {
      name: 'MinWorkerCount',
      type: 'Number',
      label: 'Minimum number of workers',
      description: 'Fewest workers the auto-scaled connector runs (1–10)',
      default: C.minWorkerCount.default,
      minValue: 1,
      maxValue: 10,
      probe: 2,
      toSpec: (v) => connectorCapacity({ minWorkerCount: Number(v) }),
    },
    {
      name: 'MaxWorkerCount',
      type: 'Number',
      label: 'Maximum number of workers',
      description: 'Most workers the auto-scaled connector runs (2–10)',
      default: C.maxWorkerCount.default,
      minValue: 2,
      maxValue: 10,
      probe: 5,
      toSpec: (v) => connectorCapacity({ maxWorkerCount: Number(v) }),
    },
    {
      name: 'McuCount',
      type: 'Number',
      label: 'Number of MSK Connect units per worker',
      description: 'MSK Connect units (MCUs) of each worker; each is 1 vCPU and 4 GiB of memory',
      default: Number(C.mcuCount.default),
      allowedValues: C.mcuCount.values,
      probe: 4,
      toSpec: (v) => connectorCapacity({ mcuCount: String(v) }),
    },
    {
      name: 'ScaleInPercentage',
      type: 'Number',
      label: 'Scale-in CPU utilization (%)',
      description: 'CPU use below which the connector removes a worker (1–100)',
      default: C.scaleInPercentage.default,
      minValue: 1,
      maxValue: 100,
      probe: 30,
      toSpec: (v) => connectorCapacity({ scaleInPercentage: Number(v) }),
    },
    {
      name: 'ScaleOutPercentage',
      type: 'Number',
      label: 'Scale-out CPU utilization (%)',
      description: 'CPU use above which the connector adds a worker (11–100)',
      default: C.scaleOutPercentage.default,
      minValue: 11,
      maxValue: 100,
      probe: 75,
      toSpec: (v) => connectorCapacity({ scaleOutPercentage: Number(v) }),
    },
  ],
};

const mskConnector: ParameterGroup = {
  label: 'Connector configuration',
  parameters: [
    {
      name: 'PluginBucketName',
      type: 'String',
      label: 'Plugin bucket',
      description: 'S3 bucket of the connector plugin (for example Confluent’s S3 sink ZIP), in this Region',
      default: 'my-kafka-connect-plugins',
      minLength: 3,
      maxLength: 63,
      probe: 'probe-plugin-bucket',
      toSpec: (v, parameterValue) => ({ connector: { plugin: `s3://${v}/${parameterValue('PluginKey')}` } }),
    },
    {
      name: 'PluginKey',
      type: 'String',
      label: 'Plugin object key',
      description: 'S3 key of the plugin ZIP or JAR in the plugin bucket',
      default: 'confluentinc-kafka-connect-s3.zip',
      minLength: 5,
      probe: 'plugins/probe-connect-s3.zip',
      toSpec: (v, parameterValue) => ({ connector: { plugin: `s3://${parameterValue('PluginBucketName')}/${v}` } }),
    },
    {
      name: 'NumberOfTasks',
      type: 'Number',
      label: 'Number of tasks',
      description: 'Connector tasks (tasks.max); more tasks than topic partitions sit idle',
      default: C.tasksMax.default,
      minValue: 1,
      maxValue: C.tasksMax.max,
      probe: 6,
      toSpec: (v) => ({ connector: { tasksMax: Number(v) } }),
    },
    {
      name: 'FlushSize',
      type: 'Number',
      label: 'Flush size (records per object)',
      description: 'Records the S3 sink writes per object (flush.size)',
      default: C.flushSize.default,
      minValue: 1,
      maxValue: C.flushSize.max,
      probe: 500,
      toSpec: (v) => ({ connector: { flushSize: Number(v) } }),
    },
  ],
};

// --- Shared wording of settings that stay fixed ----------------------------------------------------------------------

const PROVISIONED_STREAM =
  'The packaged stream is PROVISIONED, as the original’s was, so that ShardCount applies; an on-demand stream (the ' +
  'spec’s default) has no shard count, and the mode decides whether ShardCount exists: use `streamkit synth` for it.';
const NEW_VPC = {
  setting: 'ProducerVpcId, ProducerSubnetId',
  why: 'streamkit’s producer runs in its own small VPC (public subnets, flow logs); no VPC to choose',
};
/** The producer instance's group: its AMI parameter joins it. */
const PRODUCER: ParameterGroup = { label: 'Producer instance configuration', parameters: [] };
const PRODUCER_AMI = { name: 'ProducerAmiId', label: 'Producer AMI (SSM parameter)', group: PRODUCER.label };
const CLIENT_AMI = { name: 'ClientAmiId', label: 'Client AMI (SSM parameter)', group: 'Kafka client configuration' };
const NEW_CLUSTER_VPC = {
  setting: 'BrokerVpcId, BrokerSubnetIds, ClientAmiId',
  why: 'the stack creates the cluster’s VPC (private subnets in 3 Availability Zones behind NAT); an existing VPC (`cluster.vpc.id`) changes which resources exist',
};
const BROKER_COUNT = {
  setting: 'NumberBrokerNodes',
  why: 'the stack has alarms and dashboard widgets per broker (disk use, under-replicated partitions), so the broker count decides which resources exist; set `cluster.brokers` in a spec',
};
const ACCESS_CONTROL = {
  setting: 'AccessControlMethod',
  why: 'IAM access control is fixed; SASL/SCRAM adds a secret and its key, unauthenticated access removes the IAM policies (set `cluster.auth` in a spec)',
};
const EXISTING_CLUSTER = {
  setting: 'ClusterArn, TopicName, SecretArn',
  why: 'the packaged preset creates its own cluster and `events` topic; consuming an existing cluster (`existingCluster` in a spec) changes which resources exist',
};

export const PRESET_PACKAGES: Record<PresetName, PresetPackage> = {
  'apigw-kinesis-lambda': {
    base: { stream: { mode: 'PROVISIONED' } },
    baseReason: PROVISIONED_STREAM,
    groups: [ingestThrottling, kinesisStream, kinesisConsumer],
    fixed: [
      {
        setting: 'ingest.auth',
        why: 'IAM (SigV4) auth is fixed; Cognito adds a user pool and client, an API key adds a usage plan and key',
      },
    ],
  },
  'kpl-kinesis-flink-s3': {
    base: { stream: { mode: 'PROVISIONED' } },
    baseReason: PROVISIONED_STREAM,
    groups: [
      kinesisStream,
      { label: 'Amazon Managed Service for Apache Flink configuration', parameters: [flinkLogLevel] },
      PRODUCER,
    ],
    amiParameter: PRODUCER_AMI,
    fixed: [
      NEW_VPC,
      {
        setting: 'ApplicationSubnetIds, ApplicationSecurityGroupIds',
        why: 'attaching the application to a VPC changes its network resources; set `flink.vpc` in a spec',
      },
      {
        setting: 'flink.mode',
        why: 'the packaged template runs the SQL as a Managed Flink application; the Studio notebook is another set of resources',
      },
    ],
  },
  'kinesis-firehose-s3': {
    base: { stream: { mode: 'PROVISIONED' } },
    baseReason: PROVISIONED_STREAM,
    groups: [kinesisStream, kinesisFirehose],
    fixed: [
      {
        setting: 'DynamicPartitioning, NewLineDelimiter, JqExpression, RetryDurationSec',
        why: 'dynamic partitioning needs a jq query and a prefix that uses it, checked together; set `delivery.dynamicPartitioning` in a spec',
      },
    ],
  },
  'kinesis-flink-apigw': {
    base: { stream: { mode: 'PROVISIONED' } },
    baseReason: PROVISIONED_STREAM,
    groups: [kinesisStream, flinkApplication, PRODUCER],
    amiParameter: PRODUCER_AMI,
    fixed: [
      NEW_VPC,
      {
        setting: 'ApplicationSubnetIds, ApplicationSecurityGroupIds',
        why: 'attaching the application to a VPC changes its network resources; set `flink.vpc` in a spec',
      },
    ],
  },
  'msk-cluster': {
    base: {},
    groups: [mskCluster, kafkaClient],
    amiParameter: CLIENT_AMI,
    fixed: [NEW_CLUSTER_VPC, BROKER_COUNT, ACCESS_CONTROL],
  },
  'msk-lambda': {
    base: {},
    groups: [
      mskCluster,
      {
        label: 'AWS Lambda consumer configuration',
        parameters: [consumerBatchSize((b) => firstConsumer({ batchSize: b }))],
      },
    ],
    fixed: [EXISTING_CLUSTER, NEW_CLUSTER_VPC, BROKER_COUNT, ACCESS_CONTROL],
  },
  'msk-lambda-firehose-s3': {
    base: {},
    groups: [
      mskCluster,
      {
        label: 'AWS Lambda consumer configuration',
        parameters: [consumerBatchSize((b) => ({ forwarder: { batchSize: b } }))],
      },
      { label: 'Amazon Data Firehose configuration', parameters: bufferingAndCompression },
    ],
    fixed: [EXISTING_CLUSTER, NEW_CLUSTER_VPC, BROKER_COUNT, ACCESS_CONTROL],
  },
  'msk-flink-s3': {
    base: {},
    baseReason: 'The application runs the preset’s default SQL: the stock-ticks example over the topic.',
    groups: [mskCluster],
    fixed: [
      { setting: 'ClusterArn', why: EXISTING_CLUSTER.why },
      {
        setting: 'LogLevel',
        why: 'the packaged application logs at the `flink.logLevel` default (INFO); set it in a spec',
      },
      NEW_CLUSTER_VPC,
      BROKER_COUNT,
      ACCESS_CONTROL,
    ],
  },
  'msk-connect-s3': {
    base: {},
    groups: [mskCluster, mskConnect, mskConnector],
    fixed: [EXISTING_CLUSTER, NEW_CLUSTER_VPC, BROKER_COUNT, ACCESS_CONTROL],
  },
  'msk-labs': {
    base: {},
    groups: [mskCluster, kafkaClient],
    amiParameter: CLIENT_AMI,
    fixed: [
      {
        setting: 'KeyPair, UserDataLocation, SetupScript, RoleName, VpcBastionStack',
        why: 'streamkit’s msk-labs is one stack with no SSH (Session Manager) and no Cloud9, so there is nothing to link',
      },
      BROKER_COUNT,
      { setting: 'TLSMutualAuthentication, PcaArn', why: ACCESS_CONTROL.why },
    ],
  },
};

/** Every parameter of a preset's package, in group order. */
export function presetParameters(preset: PresetName): TemplateParameter[] {
  return PRESET_PACKAGES[preset].groups.flatMap((g) => g.parameters);
}

export type { ParameterValue };
