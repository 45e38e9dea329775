/**
 * The price table `streamkit cost` estimates from: AWS list prices (on-demand, no free tier, no savings plans, no
 * taxes) for the regions in `LIMITS.cost.region`, each with the pricing page it comes from. Prices change: the date
 * they were read is `PRICES_READ_ON`, and docs/cost.md prints the whole table with it.
 */
import type { LIMITS } from '../limits.ts';

export type PriceRegion = (typeof LIMITS.cost.region.values)[number];

export interface Price {
  readonly usd: number;
  /** What one `usd` buys: `shard-hour`, `GB`, `million requests`… */
  readonly per: string;
  /** The AWS pricing page the figure comes from. */
  readonly docs: string;
  readonly note?: string;
}

/**
 * The day the table was compiled from AWS's published list prices. The billing rules it encodes (record rounding,
 * 25 KB PUT payload units, the orchestrating KPU) were checked against the linked pages that day; re-check a figure
 * on its page before relying on an estimate, and update the table and this date together.
 */
export const PRICES_READ_ON = '2026-11-26';

const KINESIS = 'https://aws.amazon.com/kinesis/data-streams/pricing/';
const FIREHOSE = 'https://aws.amazon.com/firehose/pricing/';
const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const API_GATEWAY = 'https://aws.amazon.com/api-gateway/pricing/';
const S3 = 'https://aws.amazon.com/s3/pricing/';
const KMS = 'https://aws.amazon.com/kms/pricing/';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/';
const MSK = 'https://aws.amazon.com/msk/pricing/';
const FLINK = 'https://aws.amazon.com/managed-service-apache-flink/pricing/';
const EC2 = 'https://aws.amazon.com/ec2/pricing/on-demand/';
const VPC = 'https://aws.amazon.com/vpc/pricing/';
const SECRETS = 'https://aws.amazon.com/secrets-manager/pricing/';
const SQS = 'https://aws.amazon.com/sqs/pricing/';

const price = (usd: number, per: string, docs: string, note?: string): Price => ({
  usd,
  per,
  docs,
  ...(note && { note }),
});

/** Hourly prices of the MSK broker sizes the spec allows (`LIMITS.msk.standardInstanceType`, `expressInstanceType`). */
const brokerHours = (sizes: Record<string, number>): Record<string, Price> =>
  Object.fromEntries(Object.entries(sizes).map(([type, usd]) => [type, price(usd, 'broker-hour', MSK)]));

/** Linux on-demand hourly prices of the EC2 instance types the presets' producer and client instances use. */
const instanceHours = (sizes: Record<string, number>): Record<string, Price> =>
  Object.fromEntries(Object.entries(sizes).map(([type, usd]) => [type, price(usd, 'instance-hour', EC2)]));

const US_EAST_1 = {
  kinesis: {
    shardHour: price(0.015, 'shard-hour', KINESIS, 'provisioned mode'),
    putPayloadUnits: price(
      0.014,
      'million PUT payload units',
      KINESIS,
      'provisioned mode; a unit is 25 KB of a record',
    ),
    extendedRetentionShardHour: price(0.02, 'shard-hour', KINESIS, 'provisioned mode, retention 24 h to 7 days'),
    onDemandStreamHour: price(0.04, 'stream-hour', KINESIS, 'on-demand mode'),
    onDemandDataIn: price(0.08, 'GB', KINESIS, 'on-demand mode; each record rounded up to 1 KB'),
    onDemandDataOut: price(0.04, 'GB', KINESIS, 'on-demand mode; per consumer that reads it'),
    onDemandExtendedRetention: price(0.1, 'GB-month', KINESIS, 'on-demand mode, retention 24 h to 7 days'),
    longTermRetention: price(0.023, 'GB-month', KINESIS, 'data older than 7 days, both modes'),
  },
  firehose: {
    ingestion: price(0.029, 'GB', FIREHOSE, 'first 500 TB a month; each record rounded up to 5 KB'),
    formatConversion: price(0.018, 'GB', FIREHOSE, 'JSON to Parquet or ORC; 5 KB rounding'),
    dynamicPartitioning: price(0.02, 'GB', FIREHOSE, 'data delivered with dynamic partitioning'),
    dynamicPartitioningObjects: price(0.005, 'thousand objects', FIREHOSE, 'objects delivered to S3'),
  },
  lambda: {
    requests: price(0.2, 'million requests', LAMBDA),
    armGbSecond: price(0.0000133334, 'GB-second', LAMBDA, 'Arm (Graviton), the architecture streamkit deploys'),
  },
  apiGateway: {
    restRequests: price(3.5, 'million requests', API_GATEWAY, 'REST APIs, first 333 million a month'),
  },
  s3: {
    standardStorage: price(0.023, 'GB-month', S3, 'S3 Standard and Intelligent-Tiering frequent access, first 50 TB'),
    putRequests: price(0.005, 'thousand PUT requests', S3),
  },
  kms: {
    customerKey: price(1, 'key-month', KMS, 'customer managed key (rotation included)'),
  },
  cloudwatch: {
    standardAlarm: price(0.1, 'alarm-month', CLOUDWATCH, 'standard-resolution metric alarm'),
    dashboard: price(3, 'dashboard-month', CLOUDWATCH, 'beyond the three free dashboards of an account'),
    logsIngestion: price(0.5, 'GB', CLOUDWATCH, 'standard log class'),
    logsStorage: price(0.03, 'GB-month', CLOUDWATCH, 'compressed; streamkit keeps logs one month'),
  },
  msk: {
    standardBrokers: brokerHours({
      'kafka.t3.small': 0.0456,
      'kafka.m5.large': 0.21,
      'kafka.m5.xlarge': 0.42,
      'kafka.m5.2xlarge': 0.84,
      'kafka.m5.4xlarge': 1.68,
      'kafka.m5.8xlarge': 3.36,
      'kafka.m5.12xlarge': 5.04,
      'kafka.m5.16xlarge': 6.72,
      'kafka.m5.24xlarge': 10.08,
      'kafka.m7g.large': 0.204,
      'kafka.m7g.xlarge': 0.408,
      'kafka.m7g.2xlarge': 0.816,
      'kafka.m7g.4xlarge': 1.632,
      'kafka.m7g.8xlarge': 3.264,
      'kafka.m7g.12xlarge': 4.896,
      'kafka.m7g.16xlarge': 6.528,
    }),
    expressBrokers: brokerHours({
      'express.m7g.large': 0.408,
      'express.m7g.xlarge': 0.816,
      'express.m7g.2xlarge': 1.632,
      'express.m7g.4xlarge': 3.264,
      'express.m7g.8xlarge': 6.528,
      'express.m7g.12xlarge': 9.792,
      'express.m7g.16xlarge': 13.056,
    }),
    brokerStorage: price(0.1, 'GB-month', MSK, 'provisioned storage of Standard brokers'),
    expressStorage: price(0.1, 'GB-month', MSK, 'storage Express brokers use'),
    expressDataIn: price(0.01, 'GB', MSK, 'data written to Express brokers'),
    serverlessClusterHour: price(0.75, 'cluster-hour', MSK, 'MSK Serverless'),
    serverlessPartitionHour: price(0.0015, 'partition-hour', MSK, 'MSK Serverless'),
    serverlessDataIn: price(0.1, 'GB', MSK, 'MSK Serverless'),
    serverlessDataOut: price(0.05, 'GB', MSK, 'MSK Serverless; per consumer that reads it'),
    serverlessStorage: price(0.1, 'GB-month', MSK, 'MSK Serverless'),
    connectMcuHour: price(0.11, 'MCU-hour', MSK, 'MSK Connect; one MCU is 1 vCPU and 4 GiB'),
  },
  flink: {
    kpuHour: price(0.11, 'KPU-hour', FLINK, 'one KPU is 1 vCPU and 4 GB; one more KPU per application orchestrates'),
    runningStorage: price(0.1, 'GB-month', FLINK, '50 GB of running application storage per KPU'),
  },
  ec2: {
    instances: instanceHours({
      't3.micro': 0.0104,
      't3.small': 0.0208,
      't3.medium': 0.0416,
      't3.large': 0.0832,
      't4g.micro': 0.0084,
      't4g.small': 0.0168,
      't4g.medium': 0.0336,
      't4g.large': 0.0672,
      'm7g.large': 0.0816,
    }),
  },
  vpc: {
    natGatewayHour: price(0.045, 'NAT gateway-hour', VPC),
  },
  secretsManager: {
    secret: price(0.4, 'secret-month', SECRETS),
  },
  sqs: {
    standardRequests: price(0.4, 'million requests', SQS, 'standard queues, after the first million a month'),
  },
} as const;

export type PriceList = typeof US_EAST_1;

/** The prices of every region `streamkit cost` knows. */
export const PRICES: Readonly<Record<PriceRegion, PriceList>> = { 'us-east-1': US_EAST_1 };
