/**
 * The configuration of msk-connect-s3's S3 sink, defined once for both targets: the cloud stack writes it into the
 * MSK Connect connector and its worker configuration (`packages/cdk/src/msk/s3-sink-connector.ts`), and `streamkit
 * dev` hands the same properties to a local Kafka Connect worker (`packages/local/src/connect/`), where streamkit's
 * own sink (`connect/`) reads the Confluent S3 sink's keys and writes the same object layout into the local object
 * store. The spec's `connectorConfiguration` and `workerConfiguration` are added last and win on both targets.
 */
import { LIMITS } from '../limits.ts';

/** Worker properties streamkit starts from: string keys, JSON values without schemas. */
export const DEFAULT_WORKER_PROPERTIES: Readonly<Record<string, string>> = {
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': 'false',
};

export interface S3SinkConfigurationInputs {
  readonly topics: readonly string[];
  readonly bucketName: string;
  readonly region: string;
  /** @default LIMITS.mskConnect.connectorClass.default */
  readonly connectorClass?: string;
  /** @default LIMITS.mskConnect.tasksMax.default */
  readonly tasksMax?: number;
  /** @default LIMITS.mskConnect.flushSize.default */
  readonly flushSize?: number;
  /** @default LIMITS.mskConnect.rotateIntervalMs.default */
  readonly rotateIntervalMs?: number;
  /** Added to (and overriding) the properties streamkit writes. */
  readonly connectorConfiguration?: Readonly<Record<string, string>>;
}

/** The Confluent S3 sink's properties: JSON lines under `topics/<topic>/partition=<p>/`, rotated by size and time. */
export function s3SinkConnectorConfiguration(inputs: S3SinkConfigurationInputs): Record<string, string> {
  const C = LIMITS.mskConnect;
  return {
    'connector.class': inputs.connectorClass ?? C.connectorClass.default,
    'tasks.max': String(inputs.tasksMax ?? C.tasksMax.default),
    topics: inputs.topics.join(','),
    's3.bucket.name': inputs.bucketName,
    's3.region': inputs.region,
    'flush.size': String(inputs.flushSize ?? C.flushSize.default),
    'rotate.schedule.interval.ms': String(inputs.rotateIntervalMs ?? C.rotateIntervalMs.default),
    timezone: 'UTC',
    'storage.class': 'io.confluent.connect.s3.storage.S3Storage',
    'format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
    'partitioner.class': 'io.confluent.connect.storage.partitioner.DefaultPartitioner',
    'topics.dir': 'topics',
    ...inputs.connectorConfiguration,
  };
}

/** The worker configuration: streamkit's converters, then the spec's properties. */
export function s3SinkWorkerConfiguration(
  workerConfiguration: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return { ...DEFAULT_WORKER_PROPERTIES, ...workerConfiguration };
}

/**
 * The consumer group of a sink connector: Kafka Connect names it `connect-<connector name>` (on MSK Connect and
 * locally), which the IAM policy grants and the local drain reads.
 */
export function sinkConsumerGroup(connectorName: string): string {
  return `connect-${connectorName}`;
}
