/** The account and region the local target pretends to be, so ARNs and events look like AWS's. */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';

export const arn = {
  stream: (name: string, region = LOCAL_REGION, account = LOCAL_ACCOUNT) =>
    `arn:aws:kinesis:${region}:${account}:stream/${name}`,
  function: (name: string, region = LOCAL_REGION, account = LOCAL_ACCOUNT) =>
    `arn:aws:lambda:${region}:${account}:function:${name}`,
  queue: (name: string, region = LOCAL_REGION, account = LOCAL_ACCOUNT) => `arn:aws:sqs:${region}:${account}:${name}`,
  deliveryStream: (name: string, region = LOCAL_REGION, account = LOCAL_ACCOUNT) =>
    `arn:aws:firehose:${region}:${account}:deliverystream/${name}`,
};

/** Names of a pipeline's resources on the local target (the cloud target lets CloudFormation name them). */
export const localNames = {
  stream: (pipeline: string) => `${pipeline}-stream`,
  function: (pipeline: string, consumer: string) => `${pipeline}-${consumer}`,
  deadLetterQueue: (pipeline: string, consumer: string) => `${pipeline}-${consumer}-dlq`,
  deliveryStream: (pipeline: string) => `${pipeline}-delivery`,
  /** The output bucket: a folder of the local object store, `<dataDir>/s3/<bucket>`. */
  bucket: (pipeline: string) => `${pipeline}-output`,
  /** The Flink application of a Flink preset (its one job), the `Application` dimension of its metrics. */
  flinkApplication: (pipeline: string) => `${pipeline}-application`,
  /** The local Kafka cluster: its `Cluster Name` dimension and the name in the ARN the Kafka events carry. */
  cluster: (pipeline: string) => pipeline,
  /** A Kafka consumer's group id when the spec names none (the cloud stack's is `<stack name>-<consumer>`). */
  consumerGroup: (pipeline: string, consumer: string) => `${pipeline}-${consumer}`,
  /** The bucket of a Kafka consumer's S3 on-failure destination. */
  failureBucket: (pipeline: string, consumer: string) => `${pipeline}-${consumer}-failures`,
  /** The S3 sink connector of msk-connect-s3 (its `ConnectorName` dimension). */
  connector: (pipeline: string) => `${pipeline}-s3-sink`,
  /** The consumer group of msk-flink-s3's local Flink SQL job. */
  flinkSqlGroup: (pipeline: string) => `${pipeline}-flink-sql`,
};

/**
 * Credentials the local target accepts. Requests signed with them (SigV4) pass the local ingest API's IAM check;
 * any AWS client pointed at the local Kinesis engine may use them too. They only ever guard 127.0.0.1.
 * Override with STREAMKIT_LOCAL_ACCESS_KEY_ID / STREAMKIT_LOCAL_SECRET_ACCESS_KEY.
 */
export const LOCAL_CREDENTIALS = {
  accessKeyId: process.env.STREAMKIT_LOCAL_ACCESS_KEY_ID ?? 'streamkit-local',
  secretAccessKey: process.env.STREAMKIT_LOCAL_SECRET_ACCESS_KEY ?? 'streamkit-local-secret',
} as const;

/** The API key (x-api-key) the local ingest API accepts when `ingest.auth` is apiKey. Override with STREAMKIT_LOCAL_API_KEY. */
export const LOCAL_API_KEY = process.env.STREAMKIT_LOCAL_API_KEY ?? 'streamkit-local-api-key';

/**
 * The token (`Authorization` header) the local ingest API accepts when `ingest.auth` is cognito, standing in for a
 * Cognito ID token. Override with STREAMKIT_LOCAL_ID_TOKEN.
 */
export const LOCAL_ID_TOKEN = process.env.STREAMKIT_LOCAL_ID_TOKEN ?? 'streamkit-local-id-token';
