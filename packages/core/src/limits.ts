/**
 * Every AWS limit and every default streamkit uses, in one place.
 *
 * Each entry says where its numbers come from:
 * - `aws`: an AWS service limit or AWS's own default (with the documentation page it comes from);
 * - `streamkit`: our opinion, chosen for production use (the reason is in `note`).
 *
 * The spec schema, the CDK constructs, the local runtime, the CLI and `docs/limits.md` all read this table.
 * `npm run docs:limits` regenerates the docs page; CI fails when it drifts.
 */

export type LimitSource = 'aws' | 'streamkit';

export interface RangeLimit {
  readonly kind: 'range';
  readonly min: number;
  readonly max: number;
  /** Values allowed in addition to the range, such as -1 meaning "infinite". */
  readonly also?: readonly number[];
  readonly default?: number;
  /** Where the default comes from (the range itself is always an AWS limit unless `rangeSource` says otherwise). */
  readonly defaultSource?: LimitSource;
  readonly rangeSource?: LimitSource;
  readonly unit?: string;
  readonly description: string;
  readonly note?: string;
  /** The AWS documentation page the numbers come from. */
  readonly docs?: string;
}

export interface ValueLimit {
  readonly kind: 'value';
  readonly value: number;
  readonly source: LimitSource;
  readonly unit?: string;
  readonly description: string;
  readonly note?: string;
  /** The AWS documentation page the numbers come from. */
  readonly docs?: string;
}

export interface ChoiceLimit<T extends string = string> {
  readonly kind: 'choice';
  readonly values: readonly T[];
  readonly default?: T;
  readonly defaultSource?: LimitSource;
  readonly description: string;
  readonly note?: string;
  /** The AWS documentation page the numbers come from. */
  readonly docs?: string;
}

export interface FlagLimit {
  readonly kind: 'flag';
  readonly default: boolean;
  readonly defaultSource: LimitSource;
  readonly description: string;
  readonly note?: string;
  /** The AWS documentation page the numbers come from. */
  readonly docs?: string;
}

/** A default that is text, such as an S3 prefix. */
export interface TextLimit {
  readonly kind: 'text';
  readonly default: string;
  readonly defaultSource: LimitSource;
  readonly description: string;
  readonly note?: string;
  /** The AWS documentation page the numbers come from. */
  readonly docs?: string;
}

export type Limit = RangeLimit | ValueLimit | ChoiceLimit | FlagLimit | TextLimit;

// The builders keep each entry's literal type, so `LIMITS.esm.batchSize.default` is known to be a number.
const range = <const S extends Omit<RangeLimit, 'kind'>>(spec: S) => ({ kind: 'range' as const, ...spec });
const value = <const S extends Omit<ValueLimit, 'kind'>>(spec: S) => ({ kind: 'value' as const, ...spec });
const flag = <const S extends Omit<FlagLimit, 'kind'>>(spec: S) => ({ kind: 'flag' as const, ...spec });
const text = <const S extends Omit<TextLimit, 'kind'>>(spec: S) => ({ kind: 'text' as const, ...spec });
const choice = <const T extends string, const S extends Omit<ChoiceLimit<T>, 'kind'> = Omit<ChoiceLimit<T>, 'kind'>>(
  spec: S & { values: readonly T[] },
) => ({ kind: 'choice' as const, ...spec });

const KiB = 1024;
const MiB = 1024 * KiB;

export const LIMITS = {
  pipeline: {
    nameLength: range({
      min: 1,
      max: 40,
      rangeSource: 'streamkit',
      unit: 'characters',
      description: 'Length of the pipeline name (lowercase letters, digits and hyphens, starting with a letter)',
      note: 'Short enough that derived CloudFormation stack and resource names stay within AWS name limits.',
    }),
  },
  kinesis: {
    streamMode: choice({
      values: ['ON_DEMAND', 'PROVISIONED'],
      default: 'ON_DEMAND',
      defaultSource: 'streamkit',
      description: 'Capacity mode of the data stream',
      note: 'On-demand needs no shard planning; the original solution offered provisioned streams only.',
    }),
    shardCount: range({
      min: 1,
      max: 500,
      default: 2,
      defaultSource: 'streamkit',
      unit: 'shards',
      description: 'Open shards of a provisioned stream',
      note: 'The range is the default shard quota of most regions (raisable); the default is the original solution’s.',
    }),
    onDemandInitialShards: value({
      value: 4,
      source: 'aws',
      unit: 'shards',
      description: 'Shards of a new on-demand stream (4 MiB/s write capacity)',
    }),
    retentionHours: range({
      min: 24,
      max: 8760,
      default: 24,
      defaultSource: 'aws',
      unit: 'hours',
      description: 'Data retention period of the stream',
    }),
    streamNameLength: range({ min: 1, max: 128, unit: 'characters', description: 'Length of a stream name' }),
    partitionKeyLength: range({ min: 1, max: 256, unit: 'characters', description: 'Length of a partition key' }),
    recordMaxBytes: value({
      value: 1 * MiB,
      source: 'aws',
      unit: 'bytes',
      description: 'Largest record (data blob plus partition key)',
    }),
    putRecordsMaxRecords: value({
      value: 500,
      source: 'aws',
      unit: 'records',
      description: 'Records per PutRecords call',
    }),
    putRecordsMaxBytes: value({
      value: 5 * MiB,
      source: 'aws',
      unit: 'bytes',
      description: 'Payload of a PutRecords call, partition keys included',
    }),
    getRecordsMaxRecords: value({
      value: 10_000,
      source: 'aws',
      unit: 'records',
      description: 'Records per GetRecords call',
    }),
    getRecordsMaxBytes: value({
      value: 10 * MiB,
      source: 'aws',
      unit: 'bytes',
      description: 'Data per GetRecords call',
    }),
    shardWriteBytesPerSecond: value({
      value: 1 * MiB,
      source: 'aws',
      unit: 'bytes/s',
      description: 'Write throughput per shard',
    }),
    shardWriteRecordsPerSecond: value({
      value: 1000,
      source: 'aws',
      unit: 'records/s',
      description: 'Write rate per shard',
    }),
    shardReadBytesPerSecond: value({
      value: 2 * MiB,
      source: 'aws',
      unit: 'bytes/s',
      description: 'Read throughput per shard, shared by polling consumers',
      note: 'A GetRecords response larger than this counts against the following seconds too (10 MB: 5 seconds).',
    }),
    shardGetRecordsPerSecond: value({
      value: 5,
      source: 'aws',
      unit: 'calls/s',
      description: 'GetRecords calls per shard',
    }),
    retentionChangesPerSecond: value({
      value: 5,
      source: 'aws',
      unit: 'calls/s',
      description: 'IncreaseStreamRetentionPeriod and DecreaseStreamRetentionPeriod calls per stream (each)',
    }),
    shardIteratorTtlSeconds: value({
      value: 300,
      source: 'aws',
      unit: 'seconds',
      description: 'Lifetime of a shard iterator',
    }),
    shardLevelMetrics: choice({
      values: [
        'IncomingBytes',
        'IncomingRecords',
        'OutgoingBytes',
        'OutgoingRecords',
        'WriteProvisionedThroughputExceeded',
        'ReadProvisionedThroughputExceeded',
        'IteratorAgeMilliseconds',
      ],
      description: 'Shard-level (enhanced) metrics a stream can publish',
    }),
    encryption: choice({
      values: ['MANAGED', 'KMS'],
      default: 'MANAGED',
      defaultSource: 'streamkit',
      description:
        'Server-side encryption: the AWS managed key (alias/aws/kinesis) or a customer managed key with rotation',
      note: 'The AWS managed key costs nothing and needs no key policy; choose KMS to control the key yourself.',
    }),
  },
  esm: {
    batchSize: range({
      min: 1,
      max: 10_000,
      default: 100,
      defaultSource: 'aws',
      unit: 'records',
      description: 'Records per function invocation',
    }),
    maxBatchingWindow: range({
      min: 0,
      max: 300,
      default: 0,
      defaultSource: 'aws',
      unit: 'seconds',
      description: 'How long to gather records before invoking the function',
    }),
    parallelizationFactor: range({
      min: 1,
      max: 10,
      default: 1,
      defaultSource: 'aws',
      unit: 'batches per shard',
      description: 'Batches processed concurrently from each shard (records of one partition key stay in order)',
    }),
    retryAttempts: range({
      min: 0,
      max: 10_000,
      also: [-1],
      default: 3,
      defaultSource: 'streamkit',
      unit: 'retries',
      description:
        'Retries of a failed batch before it goes to the on-failure destination (-1 = until the records expire)',
      note: 'AWS defaults to -1, which lets one poison record block a shard for the whole retention period.',
    }),
    maxRecordAge: range({
      min: 60,
      max: 604_800,
      also: [-1],
      default: 86_400,
      defaultSource: 'streamkit',
      unit: 'seconds',
      description: 'Records older than this go to the on-failure destination instead of the function (-1 = no limit)',
      note: 'AWS defaults to -1; 24 hours matches the original solution and the default retention.',
    }),
    bisectBatchOnError: flag({
      default: true,
      defaultSource: 'streamkit',
      description: 'Split a failed batch in two before retrying, which isolates poison records',
      note: 'AWS defaults to off; the original solution turned it on.',
    }),
    reportBatchItemFailures: flag({
      default: true,
      defaultSource: 'streamkit',
      description: 'Honour partial batch responses',
      note: 'AWS defaults to off; streamkit handlers use Powertools partial batch responses.',
    }),
    startingPosition: choice({
      values: ['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'],
      default: 'TRIM_HORIZON',
      defaultSource: 'streamkit',
      description: 'Where a new event source mapping starts reading each shard',
      note: 'TRIM_HORIZON so that records written before the mapping is enabled are not skipped (the original used LATEST).',
    }),
    tumblingWindow: range({
      min: 0,
      max: 900,
      default: 0,
      defaultSource: 'aws',
      unit: 'seconds',
      description:
        'Length of the tumbling windows records are grouped into, with state carried between invocations (0 = none)',
    }),
    tumblingWindowStateMaxBytes: value({
      value: 1024 * 1024,
      source: 'aws',
      unit: 'bytes',
      description: 'Largest window state per shard; beyond it the window is terminated early',
    }),
    filters: range({
      min: 0,
      max: 5,
      default: 0,
      defaultSource: 'aws',
      unit: 'filters',
      description: 'Event filters (FilterCriteria) of one event source mapping; a record is processed when any matches',
      note: 'The maximum is the default quota (raisable to 10).',
    }),
    filterPatternLength: value({
      value: 4096,
      source: 'aws',
      unit: 'characters',
      description: 'Length of one filter pattern as JSON',
    }),
    enhancedFanOut: flag({
      default: false,
      defaultSource: 'streamkit',
      description:
        'Read through a registered enhanced fan-out consumer (SubscribeToShard, 2 MiB/s per shard of its own)',
      note: 'Enhanced fan-out is billed per consumer-shard hour and per GB; shared polling is enough for up to two consumers.',
    }),
    invokePayloadMaxBytes: value({
      value: 6 * MiB,
      source: 'aws',
      unit: 'bytes',
      description: 'Largest synchronous invocation payload, which caps a batch',
    }),
    pollIntervalMs: value({
      value: 1000,
      source: 'aws',
      unit: 'milliseconds',
      description: 'How often an idle shard is polled',
      note: 'The local runtime does the same (`local.esmIdlePollMs`); a full response is followed by the next call at once.',
    }),
  },
  lambda: {
    memorySize: range({
      min: 128,
      max: 10_240,
      default: 256,
      defaultSource: 'streamkit',
      unit: 'MB',
      description: 'Function memory (CPU scales with it)',
      note: 'AWS defaults to 128 MB.',
    }),
    timeout: range({
      min: 1,
      max: 900,
      default: 60,
      defaultSource: 'streamkit',
      unit: 'seconds',
      description: 'Function timeout',
      note: 'AWS defaults to 3 s, too short for a batch of 100 records with I/O.',
    }),
    functionNameLength: range({ min: 1, max: 64, unit: 'characters', description: 'Length of a function name' }),
  },
  apiGateway: {
    throttlingRateLimit: range({
      min: 1,
      max: 10_000,
      default: 100,
      defaultSource: 'streamkit',
      unit: 'requests/s',
      description: 'Steady-state request rate of the ingest API stage',
      note: 'The maximum is the default account-level quota per region; the default is the original solution’s.',
    }),
    throttlingBurstLimit: range({
      min: 0,
      max: 5000,
      default: 50,
      defaultSource: 'streamkit',
      unit: 'requests',
      description: 'Burst capacity of the ingest API stage',
      note: 'The original solution’s default; the maximum is the default account-level burst quota.',
    }),
    payloadMaxBytes: value({ value: 10 * MiB, source: 'aws', unit: 'bytes', description: 'Largest request body' }),
    auth: choice({
      values: ['iam', 'cognito', 'apiKey'],
      default: 'iam',
      defaultSource: 'streamkit',
      description: 'How callers of the ingest API authenticate',
      note: 'IAM (SigV4) needs no extra resources and no shared secret; the original used a Cognito user pool.',
    }),
  },
  sqs: {
    retentionSeconds: range({
      min: 60,
      max: 1_209_600,
      default: 1_209_600,
      defaultSource: 'streamkit',
      unit: 'seconds',
      description: 'How long the dead-letter queue keeps failure records',
      note: 'The maximum (14 days), so that failures can be inspected after a long weekend.',
    }),
  },
  logs: {
    retentionDays: value({
      value: 30,
      source: 'streamkit',
      unit: 'days',
      description: 'How long the pipeline’s log groups (function logs, API access and execution logs) keep events',
      note: 'A month covers a debugging cycle without unbounded log storage (the original kept API access logs forever).',
    }),
  },
  firehose: {
    bufferingSize: range({
      min: 1,
      max: 128,
      default: 5,
      defaultSource: 'aws',
      unit: 'MiB',
      description: 'Data a delivery stream buffers before it writes an object (BufferingHints.SizeInMBs)',
    }),
    bufferingSizeWithPartitioning: range({
      min: 64,
      max: 128,
      default: 128,
      defaultSource: 'streamkit',
      unit: 'MiB',
      description:
        'Buffer size when dynamic partitioning or record format conversion is on (AWS requires at least 64 MiB)',
      note: 'The largest buffer makes the fewest, largest objects, which is what partitioned and Parquet data is for; aws-cdk-lib defaults to it too.',
    }),
    bufferingInterval: range({
      min: 0,
      max: 900,
      default: 300,
      defaultSource: 'aws',
      unit: 'seconds',
      description:
        'How long a delivery stream buffers before it writes an object (BufferingHints.IntervalInSeconds; 0 = zero buffering)',
    }),
    bufferingIntervalWithPartitioning: range({
      min: 60,
      max: 900,
      unit: 'seconds',
      description: 'Buffer interval when dynamic partitioning is on (zero buffering is not available with it)',
    }),
    compression: choice({
      values: ['UNCOMPRESSED', 'GZIP', 'ZIP', 'Snappy', 'HADOOP_SNAPPY'],
      default: 'GZIP',
      defaultSource: 'streamkit',
      description: 'Compression of the objects written to S3 (CompressionFormat)',
      note: 'AWS defaults to UNCOMPRESSED; GZIP is the original solution’s default and what Athena and most readers take as is.',
    }),
    prefix: text({
      default: 'data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/',
      defaultSource: 'streamkit',
      description: 'S3 prefix of delivered objects, with !{timestamp:…}, !{firehose:random-string} and partition keys',
      note: 'The original solution’s Hive-style prefix, which Athena and Glue crawlers read as partitions; AWS’s default is yyyy/MM/dd/HH/.',
    }),
    errorOutputPrefix: text({
      default:
        'errors/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/!{firehose:error-output-type}/',
      defaultSource: 'streamkit',
      description: 'S3 prefix of records that failed processing, jq extraction or format conversion',
      note: 'The original solution’s error prefix, with a trailing slash so that each error type is a folder of its own.',
    }),
    prefixLength: range({
      min: 0,
      max: 1024,
      unit: 'characters',
      description: 'Length of prefix and errorOutputPrefix as written (before evaluation)',
    }),
    evaluatedPrefixLength: value({
      value: 512,
      source: 'aws',
      unit: 'characters',
      description: 'Length of an evaluated prefix',
    }),
    retryDuration: range({
      min: 0,
      max: 7200,
      default: 300,
      defaultSource: 'aws',
      unit: 'seconds',
      description:
        'How long dynamic partitioning retries a delivery before records go to the error prefix (RetryOptions)',
    }),
    metadataExtractionQueryLength: range({
      min: 1,
      max: 5120,
      unit: 'characters',
      description: 'Length of the jq metadata extraction query of dynamic partitioning (a processor parameter)',
    }),
    partitionKeys: range({
      min: 1,
      max: 50,
      unit: 'keys',
      description: 'Partition keys one metadata extraction query produces',
    }),
    activePartitions: value({
      value: 500,
      source: 'aws',
      unit: 'partitions',
      description: 'Partitions buffered at once per delivery stream with dynamic partitioning (raisable to 5000)',
    }),
    jsonParsingEngine: choice({
      values: ['JQ-1.6'],
      default: 'JQ-1.6',
      defaultSource: 'aws',
      description: 'The jq version dynamic partitioning evaluates queries with',
    }),
    parquetCompression: choice({
      values: ['SNAPPY', 'GZIP', 'UNCOMPRESSED'],
      default: 'SNAPPY',
      defaultSource: 'aws',
      description: 'Compression inside Parquet files written by record format conversion (ParquetSerDe.Compression)',
    }),
    columnTypes: choice({
      values: ['string', 'boolean', 'int', 'bigint', 'float', 'double', 'timestamp', 'date'],
      description: 'Glue column types of the record format conversion schema',
    }),
    columns: range({
      min: 1,
      max: 1000,
      rangeSource: 'streamkit',
      unit: 'columns',
      description: 'Columns of the record format conversion schema',
      note: 'Far more than a record of one event needs; Glue itself allows more.',
    }),
    processorBufferSize: range({
      min: 1,
      max: 3,
      default: 1,
      defaultSource: 'aws',
      unit: 'MiB',
      description: 'Data buffered before the Lambda processor is invoked (BufferSizeInMBs)',
    }),
    processorBufferInterval: range({
      min: 0,
      max: 900,
      default: 60,
      defaultSource: 'aws',
      unit: 'seconds',
      description: 'How long data is buffered before the Lambda processor is invoked (BufferIntervalInSeconds)',
    }),
    processorRetries: range({
      min: 0,
      max: 300,
      default: 3,
      defaultSource: 'aws',
      unit: 'retries',
      description:
        'Retries of a failed processor invocation before its records go to the error prefix (NumberOfRetries)',
    }),
    putRecordBatchMaxRecords: value({
      value: 500,
      source: 'aws',
      unit: 'records',
      description: 'Records per PutRecordBatch call (Direct PUT)',
    }),
    putRecordBatchMaxBytes: value({
      value: 4 * MiB,
      source: 'aws',
      unit: 'bytes',
      description: 'Payload of a PutRecordBatch call (Direct PUT)',
    }),
    recordMaxBytes: value({
      value: 1000 * KiB,
      source: 'aws',
      unit: 'bytes',
      description: 'Largest record, before base64 encoding (Direct PUT)',
    }),
    deliveryStreamNameLength: range({
      min: 1,
      max: 64,
      unit: 'characters',
      description: 'Length of a delivery stream name',
    }),
  },
  s3: {
    abortIncompleteMultipartUploadDays: range({
      min: 1,
      max: 3650,
      default: 7,
      defaultSource: 'streamkit',
      unit: 'days',
      description: 'Lifecycle rule: incomplete multipart uploads of the output bucket are aborted after this many days',
      note: 'The original solution’s rule; parts of failed uploads otherwise cost storage forever.',
    }),
    intelligentTieringDays: range({
      min: 0,
      max: 3650,
      default: 1,
      defaultSource: 'streamkit',
      unit: 'days',
      description: 'Lifecycle rule: objects of the output bucket move to S3 Intelligent-Tiering after this many days',
      note: 'The original solution’s rule; archived stream data is mostly read rarely.',
    }),
  },
  flink: {
    runtime: choice({
      values: ['FLINK-2_2'],
      default: 'FLINK-2_2',
      defaultSource: 'streamkit',
      description: 'Apache Flink runtime of the Managed Service for Apache Flink application (RuntimeEnvironment)',
      note: 'The jobs in flink/ are built against Apache Flink 2.2, the newest runtime MSF supports; jars built for 2.2 do not run on 1.x runtimes. The original used FLINK-1_15.',
      docs: 'https://docs.aws.amazon.com/managed-flink/latest/apiv2/API_CreateApplication.html',
    }),
    notebookRuntime: choice({
      values: ['ZEPPELIN-FLINK-3_0'],
      default: 'ZEPPELIN-FLINK-3_0',
      defaultSource: 'aws',
      description: 'Runtime of a Studio notebook (Apache Zeppelin with Flink 1.15)',
      docs: 'https://docs.aws.amazon.com/managed-flink/latest/java/how-notebook.html',
    }),
    mode: choice({
      values: ['application', 'notebook'],
      default: 'application',
      defaultSource: 'streamkit',
      description:
        'How the Flink SQL of kpl-kinesis-flink-s3 runs: a SQL application that starts with the stack, or a Studio notebook you run it in',
      note: 'An application runs unattended and is what the local target runs too; the original shipped only the notebook.',
    }),
    parallelism: range({
      min: 1,
      max: 256,
      default: 1,
      defaultSource: 'aws',
      unit: 'tasks',
      description: 'Initial parallelism of the application (ParallelismConfiguration.Parallelism)',
      note: 'The maximum is parallelismPerKpu times the KPU quota (64 per application, raisable), at most 256 here.',
      docs: 'https://docs.aws.amazon.com/managed-flink/latest/java/how-scaling.html',
    }),
    parallelismPerKpu: range({
      min: 1,
      max: 8,
      default: 1,
      defaultSource: 'aws',
      unit: 'tasks per KPU',
      description: 'Parallel tasks per Kinesis Processing Unit (1 vCPU, 4 GB); higher suits I/O-bound jobs',
      docs: 'https://docs.aws.amazon.com/managed-flink/latest/java/how-scaling.html',
    }),
    kpusPerApplication: value({
      value: 64,
      source: 'aws',
      unit: 'KPUs',
      description: 'KPUs one application may use (parallelism / parallelismPerKpu, rounded up); a raisable quota',
      docs: 'https://docs.aws.amazon.com/managed-flink/latest/java/limits.html',
    }),
    autoScaling: flag({
      default: true,
      defaultSource: 'aws',
      description: 'Let the service raise parallelism under load (AutoScalingEnabled)',
      docs: 'https://docs.aws.amazon.com/managed-flink/latest/java/how-scaling-auto.html',
    }),
    checkpointing: flag({
      default: true,
      defaultSource: 'aws',
      description: 'Periodic checkpoints of the job state (CheckpointingEnabled), which restarts resume from',
      docs: 'https://docs.aws.amazon.com/managed-flink/latest/apiv2/API_CheckpointConfiguration.html',
    }),
    checkpointInterval: range({
      min: 1,
      max: 3600,
      default: 60,
      defaultSource: 'aws',
      rangeSource: 'streamkit',
      unit: 'seconds',
      description: 'Time between checkpoints (CheckpointInterval)',
      note: 'AWS’s default is 60 000 ms; the API takes milliseconds from 1, streamkit whole seconds up to an hour.',
      docs: 'https://docs.aws.amazon.com/managed-flink/latest/apiv2/API_CheckpointConfiguration.html',
    }),
    minPauseBetweenCheckpoints: range({
      min: 0,
      max: 3600,
      default: 5,
      defaultSource: 'aws',
      rangeSource: 'streamkit',
      unit: 'seconds',
      description: 'Least time between the end of one checkpoint and the start of the next',
      docs: 'https://docs.aws.amazon.com/managed-flink/latest/apiv2/API_CheckpointConfiguration.html',
    }),
    snapshots: flag({
      default: true,
      defaultSource: 'aws',
      description: 'Take a snapshot when the application stops or updates, and restore from it on start',
      docs: 'https://docs.aws.amazon.com/managed-flink/latest/apiv2/API_ApplicationSnapshotConfiguration.html',
    }),
    logLevel: choice({
      values: ['DEBUG', 'INFO', 'WARN', 'ERROR'],
      default: 'INFO',
      defaultSource: 'aws',
      description: 'Level of the application log written to CloudWatch Logs (MonitoringConfiguration.LogLevel)',
      docs: 'https://docs.aws.amazon.com/managed-flink/latest/java/cloudwatch-logs.html',
    }),
    metricsLevel: choice({
      values: ['APPLICATION', 'TASK', 'OPERATOR', 'PARALLELISM'],
      default: 'APPLICATION',
      defaultSource: 'aws',
      description: 'Granularity of the CloudWatch metrics (MonitoringConfiguration.MetricsLevel); finer costs more',
      note: 'The alarms need only application-level metrics; the original chose TASK.',
      docs: 'https://docs.aws.amazon.com/managed-flink/latest/java/metrics-dimensions.html',
    }),
    vpcSubnets: range({
      min: 1,
      max: 16,
      unit: 'subnets',
      description: 'Subnets of the application’s VPC configuration',
      docs: 'https://docs.aws.amazon.com/managed-flink/latest/apiv2/API_VpcConfiguration.html',
    }),
    vpcSecurityGroups: range({
      min: 1,
      max: 5,
      unit: 'security groups',
      description: 'Security groups of the application’s VPC configuration',
      docs: 'https://docs.aws.amazon.com/managed-flink/latest/apiv2/API_VpcConfiguration.html',
    }),
    applicationNameLength: range({
      min: 1,
      max: 128,
      unit: 'characters',
      description: 'Length of an application name',
      docs: 'https://docs.aws.amazon.com/managed-flink/latest/apiv2/API_CreateApplication.html',
    }),
    logRetentionDays: value({
      value: 30,
      source: 'streamkit',
      unit: 'days',
      description: 'How long the application log group keeps events',
      note: 'The pipeline’s log retention; the original kept Flink logs 365 days and retained the group after deletion.',
    }),
    enrichmentTimeout: range({
      min: 1,
      max: 600,
      default: 30,
      defaultSource: 'streamkit',
      rangeSource: 'streamkit',
      unit: 'seconds',
      description: 'How long the async I/O operator waits for one enrichment request, retries included',
      note: 'The original’s 30 s (AsyncDataStream timeout).',
    }),
    enrichmentCapacity: range({
      min: 1,
      max: 10_000,
      default: 20,
      defaultSource: 'streamkit',
      rangeSource: 'streamkit',
      unit: 'requests',
      description:
        'Enrichment requests in flight per parallel task (AsyncDataStream capacity); beyond it the source waits',
      note: 'The original’s 20.',
    }),
    enrichmentRetries: range({
      min: 0,
      max: 10,
      default: 3,
      defaultSource: 'streamkit',
      rangeSource: 'streamkit',
      unit: 'retries',
      description:
        'Retries of a failed enrichment request (5xx, 429 or a transport error) with exponential backoff, within the timeout',
      note: 'The original had none: one failed request failed and restarted the job.',
    }),
    enrichmentOrdered: flag({
      default: false,
      defaultSource: 'streamkit',
      description:
        'Emit enriched records in input order (orderedWait) instead of as they complete (unorderedWait, as the original)',
      note: 'Rides are independent, so the original’s unordered emission keeps one slow request from holding back the others.',
    }),
    enrichmentRateLimit: range({
      min: 1,
      max: 10_000,
      default: 20,
      defaultSource: 'streamkit',
      unit: 'requests/s',
      description: 'Steady-state request rate of the enrichment API’s usage plan',
      note: 'The original’s usage plan (rate 20); the maximum is the default account-level quota per region.',
    }),
    enrichmentBurstLimit: range({
      min: 0,
      max: 5000,
      default: 100,
      defaultSource: 'streamkit',
      unit: 'requests',
      description: 'Burst capacity of the enrichment API’s usage plan',
      note: 'The original’s usage plan (burst 100).',
    }),
    enrichmentApiKeyRotation: range({
      min: 1,
      max: 1000,
      default: 30,
      defaultSource: 'streamkit',
      unit: 'days',
      description:
        'Days between rotations of the enrichment API’s key (the Secrets Manager secret’s rotation schedule); the key it replaces stays valid until the next rotation',
      note: 'Secrets Manager schedules from 4 hours to 1000 days (whole days here); the original’s key never changed (its bug 6).',
      docs: 'https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html',
    }),
    enrichmentApiKeyTestAttempts: value({
      value: 6,
      source: 'streamkit',
      unit: 'calls',
      description:
        'Calls the key rotation makes with the new key (testSecret, 5 s apart) before it gives up; API Gateway takes a few seconds to accept a new key of a usage plan',
      note: 'A failed test leaves the old key current; Secrets Manager retries the rotation.',
    }),
    producerInstanceType: text({
      default: 't3.small',
      defaultSource: 'streamkit',
      description: 'EC2 instance type of the demo producer (x86 or Graviton)',
      note: 'The original’s fixed t3.small, now a setting (its bug 17).',
    }),
    producerRate: range({
      min: 1,
      max: 100_000,
      default: 100,
      defaultSource: 'streamkit',
      rangeSource: 'streamkit',
      unit: 'records/s',
      description: 'Records per second the demo producer on EC2 sends',
      note: 'The original KPL demo’s fixed 100 records/s.',
    }),
  },
  msk: {
    clusterLookupTimeout: value({
      value: 60,
      source: 'streamkit',
      unit: 'seconds',
      description:
        'Timeout of the custom resource function that looks up an existing cluster (subnets, security groups, bootstrap brokers)',
      note: 'Three MSK and EC2 describe calls; a minute leaves room for API retries.',
    }),
    serverlessTopicsTimeout: value({
      value: 120,
      source: 'streamkit',
      unit: 'seconds',
      description: 'Timeout of the custom resource function that creates the declared topics on MSK Serverless',
      note: 'It connects from the VPC over IAM (OAUTHBEARER) and creates or grows each topic; two minutes leave room for a cold ENI and broker retries.',
    }),
    clusterKind: choice({
      values: ['provisioned', 'express', 'serverless'],
      default: 'provisioned',
      defaultSource: 'streamkit',
      description:
        'What kind of MSK cluster: provisioned with Standard brokers, provisioned with Express brokers, or MSK Serverless',
      note: 'Standard brokers allow every setting the original offered (storage, open monitoring, every auth method); Express and Serverless trade settings for elasticity. https://docs.aws.amazon.com/msk/latest/developerguide/broker-instance-types.html',
    }),
    kafkaVersion: choice({
      values: ['3.7.x', '3.8.x', '3.9.x', '4.0.x'],
      default: '3.8.x',
      defaultSource: 'aws',
      description: 'Apache Kafka version of a provisioned cluster with Standard brokers',
      note: 'The versions MSK supports for new clusters (3.6.0 and older have reached end of support); 3.8.x is the one MSK recommends. https://docs.aws.amazon.com/msk/latest/developerguide/supported-kafka-versions.html',
    }),
    expressKafkaVersion: choice({
      values: ['3.8.x', '3.9.x'],
      default: '3.8.x',
      defaultSource: 'aws',
      description: 'Apache Kafka version of a provisioned cluster with Express brokers',
      note: 'Express brokers run a subset of the MSK versions. https://docs.aws.amazon.com/msk/latest/developerguide/msk-broker-types-express.html',
    }),
    availabilityZones: range({
      min: 2,
      max: 3,
      default: 3,
      defaultSource: 'streamkit',
      unit: 'Availability Zones',
      description: 'Availability Zones (client subnets) the brokers are spread over; Express brokers need 3',
      note: 'Three zones keep a replication factor of 3 with one replica per zone, so a zone outage loses no acknowledged write.',
    }),
    brokerCount: range({
      min: 2,
      max: 30,
      default: 3,
      defaultSource: 'streamkit',
      unit: 'brokers',
      description: 'Broker nodes of a provisioned cluster: a multiple of the Availability Zones',
      note: 'One broker per zone is the smallest highly available cluster; 30 is the default quota of brokers per cluster (raisable). https://docs.aws.amazon.com/msk/latest/developerguide/limits.html',
    }),
    standardInstanceType: choice({
      values: [
        'kafka.t3.small',
        'kafka.m5.large',
        'kafka.m5.xlarge',
        'kafka.m5.2xlarge',
        'kafka.m5.4xlarge',
        'kafka.m5.8xlarge',
        'kafka.m5.12xlarge',
        'kafka.m5.16xlarge',
        'kafka.m5.24xlarge',
        'kafka.m7g.large',
        'kafka.m7g.xlarge',
        'kafka.m7g.2xlarge',
        'kafka.m7g.4xlarge',
        'kafka.m7g.8xlarge',
        'kafka.m7g.12xlarge',
        'kafka.m7g.16xlarge',
      ],
      default: 'kafka.m7g.large',
      defaultSource: 'streamkit',
      description: 'Broker instance type of a cluster with Standard brokers',
      note: 'Graviton (m7g) brokers cost less than the m5 the original defaulted to for the same throughput.',
    }),
    expressInstanceType: choice({
      values: [
        'express.m7g.large',
        'express.m7g.xlarge',
        'express.m7g.2xlarge',
        'express.m7g.4xlarge',
        'express.m7g.8xlarge',
        'express.m7g.12xlarge',
        'express.m7g.16xlarge',
      ],
      default: 'express.m7g.large',
      defaultSource: 'streamkit',
      description: 'Broker instance type of a cluster with Express brokers',
      note: 'The smallest Express broker; scale up by adding brokers or choosing a larger size.',
    }),
    storageGiB: range({
      min: 1,
      max: 16_384,
      default: 100,
      defaultSource: 'streamkit',
      unit: 'GiB',
      description: 'EBS storage per Standard broker (Express brokers have storage without a size to set)',
      note: 'The original defaulted to 1000 GiB per broker; 100 GiB keeps a test cluster cheap, and the disk alarm warns at 80 % use.',
    }),
    monitoringLevel: choice({
      values: ['DEFAULT', 'PER_BROKER', 'PER_TOPIC_PER_BROKER', 'PER_TOPIC_PER_PARTITION'],
      default: 'DEFAULT',
      defaultSource: 'aws',
      description: 'CloudWatch metrics level of a provisioned cluster (EnhancedMonitoring)',
      note: 'Every metric the alarms use (disk, CPU, partitions, consumer lag) is published at DEFAULT, which costs nothing.',
    }),
    openMonitoring: flag({
      default: false,
      defaultSource: 'streamkit',
      description: 'Open monitoring with Prometheus: the JMX and Node exporters on every Standard broker',
      note: 'The original turned it on; it only helps with a Prometheus server that scrapes the brokers, which streamkit does not deploy.',
    }),
    brokerLogs: choice({
      values: ['cloudwatch', 's3'],
      default: 'cloudwatch',
      defaultSource: 'streamkit',
      description:
        'Where the brokers of a provisioned cluster send their logs: a CloudWatch Logs group (retention: logs.retentionDays) or the stack’s log bucket',
      note: 'Always on, as the original (which kept them 731 days); S3 is cheaper for chatty clusters.',
    }),
    auth: choice({
      values: ['iam', 'scram', 'tls', 'unauthenticated'],
      default: 'iam',
      defaultSource: 'streamkit',
      description:
        'How Kafka clients authenticate: IAM (SASL/IAM), SASL/SCRAM with a Secrets Manager secret, mutual TLS, or not at all (always over TLS: streamkit clusters take no plaintext)',
      note: 'The original’s default: IAM needs no secret and works with the Lambda event source mapping, MSK Connect and Flink alike. MSK Serverless supports only IAM.',
    }),
    encryptionAtRest: choice({
      values: ['MANAGED', 'KMS'],
      default: 'MANAGED',
      defaultSource: 'aws',
      description: 'Encryption at rest: the AWS managed key (alias/aws/kafka) or a customer managed key with rotation',
    }),
    natGateways: range({
      min: 1,
      max: 3,
      default: 1,
      defaultSource: 'streamkit',
      rangeSource: 'streamkit',
      unit: 'NAT gateways',
      description: 'NAT gateways of a new VPC (the private subnets reach AWS APIs and Maven Central through them)',
      note: 'One, as the original labs VPC; one per zone survives a zone outage at three times the cost.',
    }),
    topics: range({
      min: 0,
      max: 50,
      rangeSource: 'streamkit',
      unit: 'topics',
      description: 'Topics a spec declares (the stack creates each)',
      note: 'A spec describes a pipeline, not a Kafka estate: manage larger sets of topics with Kafka tooling.',
    }),
    topicNameLength: range({ min: 1, max: 249, unit: 'characters', description: 'Length of a Kafka topic name' }),
    partitions: range({
      min: 1,
      max: 1000,
      default: 3,
      defaultSource: 'streamkit',
      rangeSource: 'streamkit',
      unit: 'partitions',
      description: 'Partitions of a topic',
      note: 'One per Availability Zone of the default cluster; Lambda reads the partitions of a topic in parallel, one batch each at a time.',
    }),
    replicationFactor: range({
      min: 1,
      max: 30,
      default: 3,
      defaultSource: 'streamkit',
      rangeSource: 'streamkit',
      unit: 'replicas',
      description: 'Replicas of each partition of a topic: at most the broker count (Express and Serverless use 3)',
      note: 'Three replicas over three zones, as MSK recommends; the original told users to create topics by hand with 2.',
    }),
    clientInstanceType: text({
      default: 't3.small',
      defaultSource: 'aws',
      description: 'EC2 instance type of the client instance with the Kafka tools',
      note: 'The original solution’s default.',
    }),
  },
  kafkaEsm: {
    batchSize: range({
      min: 1,
      max: 10_000,
      default: 100,
      defaultSource: 'aws',
      unit: 'records',
      description: 'Records per invocation of a function reading a Kafka topic',
      note: 'https://docs.aws.amazon.com/lambda/latest/dg/msk-esm-parameters.html',
    }),
    maxBatchingWindow: range({
      min: 0,
      max: 300,
      unit: 'seconds',
      description:
        'How long a Kafka event source mapping gathers records before invoking the function (absent: AWS’s 500 ms)',
      note: 'https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html#invocation-eventsourcemapping-batching',
    }),
    startingPosition: choice({
      values: ['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'],
      default: 'TRIM_HORIZON',
      defaultSource: 'streamkit',
      description: 'Where a new Kafka event source mapping starts reading each partition',
      note: 'TRIM_HORIZON so that records produced before the mapping starts are processed (the original used LATEST, which skips them).',
    }),
    retryAttempts: range({
      min: 0,
      max: 10_000,
      also: [-1],
      default: 3,
      defaultSource: 'streamkit',
      unit: 'retries',
      description:
        'Retries of a failed batch before it goes to the on-failure destination (-1 = until the record age limit)',
      note: 'AWS defaults to -1 (10 with an on-failure destination); retries need provisioned mode, which streamkit always sets. https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html',
    }),
    maxRecordAge: range({
      min: 60,
      max: 604_800,
      also: [-1],
      default: -1,
      defaultSource: 'aws',
      unit: 'seconds',
      description: 'Records older than this go to the on-failure destination instead of the function (-1 = no limit)',
      note: 'https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html',
    }),
    bisectBatchOnError: flag({
      default: true,
      defaultSource: 'streamkit',
      description: 'Split a failed batch in two before retrying, which isolates poison records',
      note: 'AWS defaults to off; splitting keeps good records of a failed batch out of the on-failure destination.',
    }),
    reportBatchItemFailures: flag({
      default: true,
      defaultSource: 'streamkit',
      description: 'Honour partial batch responses ({ itemIdentifier: { partition, offset } })',
      note: 'AWS defaults to off; streamkit’s Kafka handlers answer with partial batch responses.',
    }),
    minimumPollers: range({
      min: 1,
      max: 200,
      default: 1,
      defaultSource: 'aws',
      unit: 'event pollers',
      description: 'Provisioned mode: event pollers kept running (each handles up to 5 MB/s)',
      note: 'https://docs.aws.amazon.com/lambda/latest/dg/kafka-scaling-modes.html',
    }),
    maximumPollers: range({
      min: 1,
      max: 2000,
      default: 200,
      defaultSource: 'aws',
      unit: 'event pollers',
      description: 'Provisioned mode: most event pollers the mapping scales to',
      note: 'https://docs.aws.amazon.com/lambda/latest/dg/kafka-scaling-modes.html',
    }),
    consumerGroupIdLength: range({
      min: 1,
      max: 200,
      unit: 'characters',
      description: 'Length of the consumer group id of a Kafka event source mapping',
    }),
    onFailure: choice({
      values: ['s3', 'sqs', 'none'],
      default: 's3',
      defaultSource: 'streamkit',
      description:
        'Where discarded batches go: an S3 bucket (metadata and the records), an SQS queue (metadata only), or nowhere',
      note: 'An S3 destination keeps the records themselves; SQS keeps offsets that point at records the topic’s retention later deletes. https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html',
    }),
    consumers: range({
      min: 1,
      max: 5,
      rangeSource: 'streamkit',
      unit: 'consumers',
      description: 'Functions (each with its own event source mapping and consumer group) in an msk-lambda pipeline',
      note: 'As the Kinesis presets; each consumer group reads every record of its topic.',
    }),
  },
  firehoseForwarder: {
    attempts: range({
      min: 1,
      max: 10,
      default: 4,
      defaultSource: 'streamkit',
      rangeSource: 'streamkit',
      unit: 'attempts',
      description:
        'PutRecordBatch attempts of the msk-lambda-firehose-s3 forwarder for records Firehose refuses, before it fails the invocation',
      note: 'The original tried 4 times too, then dropped the records (bug 9); streamkit fails the invocation instead, so the event source mapping retries the batch and finally hands it to the on-failure destination.',
    }),
    backoffBaseDelayMs: value({
      value: 100,
      source: 'streamkit',
      unit: 'milliseconds',
      description: 'Wait before the forwarder’s first retry; it doubles with each retry, with full jitter',
    }),
    backoffMaxDelayMs: value({
      value: 2000,
      source: 'streamkit',
      unit: 'milliseconds',
      description: 'Longest wait between the forwarder’s retries (they must fit in the function’s timeout)',
    }),
  },
  mskConnect: {
    connectorClass: text({
      default: 'io.confluent.connect.s3.S3SinkConnector',
      defaultSource: 'streamkit',
      description:
        'connector.class of the S3 sink; streamkit writes that connector’s settings (flush.size, s3.bucket.name…)',
      note: 'The S3 sink most MSK Connect users run (its ZIP is on Confluent Hub); another plugin takes its own settings in connector.connectorConfiguration.',
    }),
    connectVersion: choice({
      values: ['2.7.1', '3.7.x'],
      default: '3.7.x',
      defaultSource: 'streamkit',
      description: 'Apache Kafka Connect version of the connector',
      note: 'The newer of the two versions MSK Connect runs. https://docs.aws.amazon.com/msk/latest/developerguide/msk-connect.html',
    }),
    mcuCount: choice({
      values: ['1', '2', '4', '8'],
      default: '1',
      defaultSource: 'aws',
      description: 'MSK Connect units per worker (each 1 vCPU and 4 GiB)',
      note: 'The original’s stub offered the same values.',
    }),
    minWorkerCount: range({
      min: 1,
      max: 10,
      default: 1,
      defaultSource: 'aws',
      unit: 'workers',
      description: 'Fewest workers of an auto-scaled connector',
    }),
    maxWorkerCount: range({
      min: 1,
      max: 10,
      default: 2,
      defaultSource: 'streamkit',
      unit: 'workers',
      description: 'Most workers of an auto-scaled connector',
      note: 'The original stub’s default.',
    }),
    scaleInPercentage: range({
      min: 1,
      max: 100,
      default: 20,
      defaultSource: 'aws',
      unit: '% CPU',
      description: 'CPU use below which an auto-scaled connector removes a worker',
    }),
    scaleOutPercentage: range({
      min: 1,
      max: 100,
      default: 80,
      defaultSource: 'aws',
      unit: '% CPU',
      description: 'CPU use above which an auto-scaled connector adds a worker',
    }),
    tasksMax: range({
      min: 1,
      max: 1000,
      default: 2,
      defaultSource: 'streamkit',
      rangeSource: 'streamkit',
      unit: 'tasks',
      description: 'Connector tasks (tasks.max); more tasks than partitions sit idle',
      note: 'The original stub’s default.',
    }),
    flushSize: range({
      min: 1,
      max: 1_000_000,
      default: 1000,
      defaultSource: 'streamkit',
      rangeSource: 'streamkit',
      unit: 'records',
      description: 'Records per S3 object the sink writes (flush.size)',
      note: 'The original stub defaulted to 1, one object per record, which costs a PUT per record; 1000 with a rotation interval keeps latency bounded.',
    }),
    rotateIntervalMs: range({
      min: 1000,
      max: 86_400_000,
      default: 60_000,
      defaultSource: 'streamkit',
      rangeSource: 'streamkit',
      unit: 'milliseconds',
      description: 'Longest time records wait before the sink writes an object (rotate.schedule.interval.ms)',
      note: 'A minute, so a quiet topic still reaches S3 promptly.',
    }),
  },
  pipelineShape: {
    consumers: range({
      min: 1,
      max: 5,
      rangeSource: 'streamkit',
      unit: 'consumers',
      description: 'Polling consumers (event source mappings) on one stream',
      note: 'A shard serves 5 GetRecords calls/s shared by all polling consumers; more than 5 would throttle each other.',
    }),
  },
  producer: {
    aggregationEnabled: flag({
      default: true,
      defaultSource: 'aws',
      description:
        'Pack user records into KPL aggregated records (one Kinesis record holding many user records, for one shard)',
      note: 'The KPL’s default (AggregationEnabled). Consumers must deaggregate: the KCL does, Lambda does not.',
    }),
    aggregationMaxCount: range({
      min: 1,
      max: 4_294_967_295,
      default: 4_294_967_295,
      defaultSource: 'aws',
      rangeSource: 'streamkit',
      unit: 'user records',
      description: 'User records in one aggregated Kinesis record',
      note: 'The KPL’s default (AggregationMaxCount), so in practice AggregationMaxSize decides; the KPL allows up to 2^63 − 1.',
    }),
    aggregationMaxSize: range({
      min: 64,
      max: 1024 * KiB,
      default: 50 * KiB,
      defaultSource: 'aws',
      unit: 'bytes',
      description: 'Size of one aggregated Kinesis record: magic, protobuf message and MD5 trailer',
      note: 'The KPL’s default and range (AggregationMaxSize). A user record larger than this is sent alone, not aggregated.',
    }),
    collectionMaxCount: range({
      min: 1,
      max: 500,
      default: 500,
      defaultSource: 'aws',
      unit: 'Kinesis records',
      description: 'Kinesis records in one PutRecords request',
      note: 'The KPL’s default (CollectionMaxCount); the maximum is the PutRecords limit.',
    }),
    collectionMaxSize: range({
      min: 52_224,
      max: 5 * MiB,
      default: 5 * MiB,
      defaultSource: 'aws',
      unit: 'bytes',
      description: 'Data plus partition keys in one PutRecords request',
      note: 'The KPL’s default and minimum (CollectionMaxSize); the maximum is the PutRecords limit.',
    }),
    recordMaxBufferedTime: range({
      min: 0,
      max: 60_000,
      default: 100,
      defaultSource: 'aws',
      rangeSource: 'streamkit',
      unit: 'milliseconds',
      description: 'Longest time a user record waits to be aggregated and collected before it is sent',
      note:
        'The KPL’s default (RecordMaxBufferedTime). A full aggregated record goes without waiting; like the KPL, a ' +
        'record in a PutRecords batch may wait min(50 ms, a fifth of this) more so that records of other shards can ' +
        'join the request.',
    }),
    recordTtl: range({
      min: 100,
      max: 86_400_000,
      default: 30_000,
      defaultSource: 'aws',
      rangeSource: 'streamkit',
      unit: 'milliseconds',
      description:
        'Time after `addUserRecord` within which a user record must be acknowledged, else it fails (SK_TIMEOUT)',
      note: 'The KPL’s default (RecordTtl); capped at a day here where the KPL allows up to 2^63 − 1.',
    }),
    requestTimeout: range({
      min: 100,
      max: 600_000,
      default: 6000,
      defaultSource: 'aws',
      unit: 'milliseconds',
      description: 'Longest a PutRecords request may take before it is abandoned and its records retried',
      note: 'The KPL’s default and range (RequestTimeout).',
    }),
    maxConnections: range({
      min: 1,
      max: 256,
      default: 24,
      defaultSource: 'aws',
      unit: 'requests',
      description: 'PutRecords requests in flight at once',
      note: 'The KPL’s default and range (MaxConnections). At most one request per shard is in flight, so order holds.',
    }),
    rateLimit: range({
      min: 1,
      max: 100_000,
      default: 100,
      defaultSource: 'streamkit',
      rangeSource: 'streamkit',
      unit: '% of the shard write limits',
      description:
        'Most the producer sends to one shard in any one-second window, as a percentage of 1 MiB/s and 1,000 records/s',
      note:
        'The KPL defaults to 150 % (RateLimit) so one producer can saturate a shard, at the cost of throttled requests it ' +
        'retries; streamkit stays under the shard limits instead. Several producers writing to one shard share its limit: ' +
        'give each a share.',
    }),
    maxBufferedBytes: range({
      min: 64 * KiB,
      max: 4096 * MiB,
      default: 64 * MiB,
      defaultSource: 'streamkit',
      rangeSource: 'streamkit',
      unit: 'bytes',
      description:
        'Memory the producer may hold in user records not yet acknowledged (data, partition key and bookkeeping); ' +
        'beyond it `addUserRecord` waits',
      note: 'The KPL has no such bound (its callers poll the outstanding record count); 64 MiB covers 16 shards for 4 s.',
    }),
    bufferedRecordOverhead: value({
      value: 256,
      source: 'streamkit',
      unit: 'bytes',
      description: 'Bookkeeping memory charged per buffered user record on top of its data and partition key',
      note:
        'Measured on Node.js 20: about 260 bytes per aggregated user record (its promise, callbacks, queue entries and ' +
        'share of the aggregated record). Unaggregated records in flight cost about three times that (the SDK’s ' +
        'request), so tiny unaggregated records may use up to ~3 × maxBufferedBytes.',
    }),
    backoffBaseDelay: value({
      value: 100,
      source: 'streamkit',
      unit: 'milliseconds',
      description: 'Wait before the first retry of a refused Kinesis record; it doubles with each retry, with jitter',
      note: 'The KPL retries at once and relies on its rate limiter; a backoff stops retries from adding to a throttle.',
    }),
    backoffMaxDelay: value({
      value: 5000,
      source: 'streamkit',
      unit: 'milliseconds',
      description: 'Longest wait between retries of a refused Kinesis record',
    }),
  },
  local: {
    kinesisPort: value({
      value: 4567,
      source: 'streamkit',
      description: 'Port of the local Kinesis engine in `streamkit dev`',
    }),
    ingestPort: value({
      value: 4568,
      source: 'streamkit',
      description: 'Port of the local ingest API in `streamkit dev`',
    }),
    firehosePort: value({
      value: 4573,
      source: 'streamkit',
      description: 'Port of the local Firehose API (Direct PUT, AWS JSON 1.1) in `streamkit dev`',
    }),
    esmIdlePollMs: value({
      value: 1000,
      source: 'streamkit',
      unit: 'milliseconds',
      description: 'How long the local event source mapping waits before polling a shard it has caught up with',
      note: 'As AWS (about once per second per shard): a shard serves 5 GetRecords calls/s shared by every consumer.',
    }),
    esmRetryBaseDelayMs: value({
      value: 100,
      source: 'streamkit',
      unit: 'milliseconds',
      description:
        'First delay before the local event source mapping retries a failed batch (doubles up to esmRetryMaxDelayMs)',
    }),
    esmRetryMaxDelayMs: value({
      value: 5000,
      source: 'streamkit',
      unit: 'milliseconds',
      description:
        'Longest delay between two retries of a failed batch by a local event source mapping (Kinesis and Kafka)',
    }),
    flinkCheckpointIntervalMs: value({
      value: 10_000,
      source: 'streamkit',
      unit: 'milliseconds',
      description: 'Checkpoint interval of the local Flink jobs (their file outputs appear at each checkpoint)',
      note: 'Shorter than the 60 s of Managed Service for Apache Flink, so output shows up while you watch.',
    }),
    flinkParallelism: value({
      value: 1,
      source: 'streamkit',
      description: 'Parallelism of a local Flink job (its MiniCluster runs in one JVM)',
      note: 'One task slot per operator keeps a laptop responsive; every shard is still read.',
    }),
    flinkHeapMb: value({
      value: 512,
      source: 'streamkit',
      unit: 'MiB',
      description: 'Java heap of the JVM that runs one local Flink job',
    }),
    flinkStopTimeoutMs: value({
      value: 15_000,
      source: 'streamkit',
      unit: 'milliseconds',
      description: 'How long a local Flink JVM gets to stop after SIGTERM before it is killed',
    }),
    flinkMaxRestarts: value({
      value: 5,
      source: 'streamkit',
      description: 'How many times the launcher restarts a local Flink JVM that died, from its latest checkpoint',
      note: 'Bounded so a job that cannot start (bad SQL) fails instead of looping.',
    }),
    kafkaVersion: text({
      default: '4.4.0',
      defaultSource: 'streamkit',
      description: 'Apache Kafka release the local broker runs (org.apache.kafka:kafka_2.13 from Maven Central)',
      note: 'The newest 4.x release on Maven Central that runs on Java 17 (Kafka 4 brokers need Java 17); it speaks every protocol version the MSK versions do.',
    }),
    kafkaHeapMb: value({
      value: 512,
      source: 'streamkit',
      unit: 'MiB',
      description: 'Largest heap of each local Kafka broker JVM (-Xmx)',
      note: 'Enough for development traffic; keeps three brokers light on a 2-core machine.',
    }),
    kafkaStartTimeoutSeconds: value({
      value: 180,
      source: 'streamkit',
      unit: 'seconds',
      description: 'How long the local Kafka waits for its brokers to start (after the first fetch from Maven)',
    }),
    kafkaStopTimeoutSeconds: value({
      value: 30,
      source: 'streamkit',
      unit: 'seconds',
      description: 'How long a local Kafka broker may take to shut down after SIGTERM before it is killed',
    }),
    kafkaAutoCreateTopics: flag({
      default: false,
      defaultSource: 'aws',
      description:
        'Whether the local Kafka creates a topic when a client first writes to it (auto.create.topics.enable)',
      note: 'MSK’s default configuration turns it off. https://docs.aws.amazon.com/msk/latest/developerguide/msk-default-configuration.html',
    }),
    connectHeapMb: value({
      value: 256,
      source: 'streamkit',
      unit: 'MiB',
      description: 'Largest heap of the local Kafka Connect worker JVM (-Xmx) of msk-connect-s3',
      note: 'One standalone worker with one sink; its buffers hold at most flush.size records per partition.',
    }),
    connectOffsetFlushIntervalMs: value({
      value: 2_000,
      source: 'streamkit',
      unit: 'milliseconds',
      description:
        'How often the local Kafka Connect worker commits the offsets its sink reports written (offset.flush.interval.ms)',
      note: 'Kafka Connect’s default is 60 s; locally shorter so `dev` sees the group catch up soon after the objects are written. The spec’s workerConfiguration can set it.',
    }),
    connectConsumerSessionTimeoutMs: value({
      value: 10_000,
      source: 'streamkit',
      unit: 'milliseconds',
      description: 'Session timeout of the local Kafka Connect worker’s sink consumers (consumer.session.timeout.ms)',
      note: 'Kafka’s default is 45 s: a worker killed with SIGKILL holds its partitions that long before its restart gets them. Locally 10 s (the broker’s minimum is 6 s); the spec’s workerConfiguration can set it.',
    }),
    connectStartTimeoutSeconds: value({
      value: 120,
      source: 'streamkit',
      unit: 'seconds',
      description: 'How long the local Kafka Connect worker may take until its connector’s tasks run',
    }),
    connectStopTimeoutSeconds: value({
      value: 20,
      source: 'streamkit',
      unit: 'seconds',
      description: 'How long the local Kafka Connect worker may take to stop after SIGTERM before it is killed',
    }),
    kafkaEsmDefaultBatchingWindowMs: value({
      value: 500,
      source: 'aws',
      unit: 'milliseconds',
      description: 'Batching window of a Kafka event source mapping whose maxBatchingWindow is not set',
      note: 'https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html#invocation-eventsourcemapping-batching',
    }),
    kafkaEsmRetryAttemptsWithDestination: value({
      value: 10,
      source: 'aws',
      unit: 'retries',
      description:
        'Retries a Kafka event source mapping applies when retryAttempts is -1 and it has an on-failure destination',
      note: 'https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html',
    }),
  },
  /** What every stack streamkit synthesizes carries besides its resources (tags, AppRegistry). */
  stack: {
    appRegistry: flag({
      default: false,
      defaultSource: 'streamkit',
      description: 'An AWS Service Catalog AppRegistry application (with an attribute group) associated with the stack',
      note: 'The original created one for every stack; off by default because the `streamkit:*` tags already group a pipeline’s resources in Cost Explorer and Resource Groups, and an application is one more resource to own.',
      docs: 'https://docs.aws.amazon.com/servicecatalog/latest/arguide/intro-app-registry.html',
    }),
  },
  /** `streamkit cost`: the assumptions of its monthly estimate (prices are in `cost/prices.ts`; docs/cost.md). */
  cost: {
    region: choice({
      values: ['us-east-1'],
      default: 'us-east-1',
      defaultSource: 'streamkit',
      description: 'Regions whose prices `streamkit cost` knows',
      note: 'The price table holds one region so far; prices differ by region (us-east-1 is among the cheapest).',
    }),
    hoursPerMonth: value({
      value: 730,
      source: 'aws',
      unit: 'hours',
      description: 'Hours in the month of every monthly estimate (8,760 hours a year / 12)',
      note: 'The convention of the AWS Pricing Calculator and of AWS’s pricing examples.',
      docs: 'https://docs.aws.amazon.com/pricing-calculator/latest/userguide/what-is-pricing-calculator.html',
    }),
    lambdaBatchDurationMs: value({
      value: 100,
      source: 'streamkit',
      unit: 'milliseconds',
      description: 'Billed duration `streamkit cost` assumes for one Lambda invocation (one batch or one request)',
      note: 'The built-in handlers do little per record; measure yours (the REPORT line of its logs) and scale the Lambda line.',
    }),
    logBytesPerInvocation: value({
      value: 512,
      source: 'streamkit',
      unit: 'bytes',
      description: 'CloudWatch Logs bytes `streamkit cost` assumes per Lambda invocation and per API request',
      note: 'START, END and REPORT lines (about 400 bytes) and a short log line, or one access-log line.',
    }),
    kafkaRetentionHours: value({
      value: 168,
      source: 'aws',
      unit: 'hours',
      description:
        'How long `streamkit cost` assumes Kafka keeps records (billed storage of Express brokers and MSK Serverless)',
      note: 'Apache Kafka’s default log.retention.hours; a topic’s retention.ms overrides it.',
      docs: 'https://kafka.apache.org/documentation/#brokerconfigs_log.retention.hours',
    }),
  },
  /** The local metrics, alarms and web dashboard of `streamkit dev` (docs/dashboard.md). */
  dashboard: {
    port: value({
      value: 0,
      source: 'streamkit',
      description: 'Port of the local web dashboard in `streamkit dev`: 0 picks a free port, printed at start',
      note: '`streamkit tail` finds it through `<dataDir>/dashboard.json`, which `streamkit dev` writes while it runs.',
    }),
    metricResolutionMs: value({
      value: 1000,
      source: 'streamkit',
      unit: 'milliseconds',
      description: 'Resolution of the local metrics: every datapoint falls into a one-second bucket',
      note: 'CloudWatch keeps 1-minute datapoints for AWS service metrics; locally finer, so charts move while you watch.',
    }),
    metricRetentionMs: value({
      value: 3 * 60 * 60 * 1000,
      source: 'streamkit',
      unit: 'milliseconds',
      description: 'How long the local metrics keep their datapoints (in memory)',
      note: 'CloudWatch keeps 1-minute datapoints for 15 days; locally three hours, enough for any alarm period (≤ 1 day × evaluation periods is not modelled beyond this).',
    }),
    alarmEvaluationIntervalMs: value({
      value: 10_000,
      source: 'streamkit',
      unit: 'milliseconds',
      description: 'How often the local alarms are evaluated',
      note: 'CloudWatch evaluates alarms with periods of a minute or more once a minute; locally more often, over the same periods.',
    }),
    recentRecords: value({
      value: 50,
      source: 'streamkit',
      unit: 'records',
      description: 'Recent records the dashboard and `streamkit tail` keep as a sample',
    }),
    recordSample: value({
      value: 10,
      source: 'streamkit',
      unit: 'records',
      description: 'Records per shard and put call the engine passes to the record sampler (the last ones of the call)',
      note: 'A sample, not every record: watching a pipeline must not slow it down.',
    }),
    recentDeadLetters: value({
      value: 20,
      source: 'streamkit',
      unit: 'messages',
      description: 'Latest dead-letter queue messages the dashboard shows',
    }),
    alarmHistory: value({
      value: 100,
      source: 'streamkit',
      unit: 'entries',
      description: 'State changes kept in each local alarm’s history',
      note: 'CloudWatch keeps alarm history for 30 days.',
    }),
  },
} as const;

export type StreamMode = (typeof LIMITS.kinesis.streamMode.values)[number];
export type StreamEncryption = (typeof LIMITS.kinesis.encryption.values)[number];
export type ShardLevelMetric = (typeof LIMITS.kinesis.shardLevelMetrics.values)[number];
export type StartingPosition = (typeof LIMITS.esm.startingPosition.values)[number];
export type IngestAuth = (typeof LIMITS.apiGateway.auth.values)[number];
export type CompressionFormat = (typeof LIMITS.firehose.compression.values)[number];
export type ParquetCompression = (typeof LIMITS.firehose.parquetCompression.values)[number];
export type ColumnType = (typeof LIMITS.firehose.columnTypes.values)[number];
export type MskClusterKind = (typeof LIMITS.msk.clusterKind.values)[number];
export type KafkaAuth = (typeof LIMITS.msk.auth.values)[number];
export type KafkaVersion = (typeof LIMITS.msk.kafkaVersion.values)[number];
export type ExpressKafkaVersion = (typeof LIMITS.msk.expressKafkaVersion.values)[number];
export type MonitoringLevel = (typeof LIMITS.msk.monitoringLevel.values)[number];
export type BrokerLogDestination = (typeof LIMITS.msk.brokerLogs.values)[number];
export type KafkaStartingPosition = (typeof LIMITS.kafkaEsm.startingPosition.values)[number];
export type FlinkRuntime = (typeof LIMITS.flink.runtime.values)[number];
export type FlinkMode = (typeof LIMITS.flink.mode.values)[number];
export type FlinkLogLevel = (typeof LIMITS.flink.logLevel.values)[number];
export type FlinkMetricsLevel = (typeof LIMITS.flink.metricsLevel.values)[number];

/** True when `n` is inside the range or one of its extra allowed values. */
export function withinLimit(limit: RangeLimit, n: number): boolean {
  return (n >= limit.min && n <= limit.max) || (limit.also?.includes(n) ?? false);
}

/** "between 1 and 10000" or "-1, or between 60 and 604800", for error messages. */
export function describeRange(limit: RangeLimit): string {
  const unit = limit.unit ? ` ${limit.unit}` : '';
  const base = `between ${limit.min} and ${limit.max}${unit}`;
  return limit.also?.length ? `${limit.also.join(', ')}, or ${base}` : base;
}
