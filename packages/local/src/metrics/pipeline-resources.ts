/**
 * The names a local pipeline's resources go by — the values of the CloudWatch dimensions its metrics and alarms
 * carry. Derived from the spec alone (as the local pipeline names them), so metrics can be recorded from the first
 * record on, before anything has started.
 */
import {
  ALARM_DIMENSIONS,
  type AlarmResource,
  isMskSpec,
  type KafkaConsumerSettings,
  localNames,
  type MskPipelineSpec,
  type PipelineSpec,
  StreamkitError,
  sinkConsumerGroup,
} from '@streamkit/core';
import type { Dimensions } from './metric-store.ts';

/** The Kafka side of an MSK preset's pipeline. */
export interface KafkaResources {
  /** The `Cluster Name` dimension: the local cluster's name (the one in the ARN its Kafka events carry). */
  readonly clusterName: string;
  /** The brokers the local cluster runs (`Broker ID` 1…N). */
  readonly brokerIds: readonly number[];
  /** The spec's topics. */
  readonly topics: readonly string[];
  /** Each Kafka consumer's group and the topic it reads, by consumer name (`Consumer Group`, `Topic`). */
  readonly consumerGroups: ReadonlyMap<string, { readonly groupId: string; readonly topic: string }>;
  /** Buckets of the S3 on-failure destinations, by consumer name (consumers with `onFailure: s3`). */
  readonly failureBuckets: ReadonlyMap<string, string>;
  /** The S3 sink connector of msk-connect-s3 (`ConnectorName`). */
  readonly connectorName: string | undefined;
}

export interface PipelineResources {
  /** The Kinesis stream (the Kinesis presets). */
  readonly streamName: string | undefined;
  /** Function names by consumer name; a delivery stream's processor is `processor`. */
  readonly functions: ReadonlyMap<string, string>;
  /** Dead-letter queue names by consumer name (consumers with `onFailure: sqs`). */
  readonly queues: ReadonlyMap<string, string>;
  readonly api: { readonly apiName: string; readonly stage: string } | undefined;
  readonly deliveryStreamName: string | undefined;
  /** The Flink application of the Kinesis Flink presets (the `Application` dimension). */
  readonly flinkApplication: string | undefined;
  /** The Kafka cluster, its consumer groups and on-failure buckets (the MSK presets). */
  readonly kafka: KafkaResources | undefined;
}

export interface ResourcesOptions {
  /** Brokers the local Kafka runs (the MSK presets). @default 1, as `streamkit dev` runs it */
  readonly kafkaBrokers?: number;
}

/** The stage of the local ingest API, as the cloud stack's default stage. */
export const LOCAL_API_STAGE = 'prod';

export function resourcesOf(spec: PipelineSpec, options: ResourcesOptions = {}): PipelineResources {
  const functions = new Map<string, string>();
  const queues = new Map<string, string>();
  if (spec.preset === 'apigw-kinesis-lambda') {
    for (const consumer of spec.consumers) {
      functions.set(consumer.name, localNames.function(spec.name, consumer.name));
      if (consumer.onFailure === 'sqs') queues.set(consumer.name, localNames.deadLetterQueue(spec.name, consumer.name));
    }
  }
  if (spec.preset === 'kinesis-firehose-s3' && spec.delivery.processor) {
    functions.set('processor', localNames.function(spec.name, 'processor'));
  }
  if (spec.preset === 'kinesis-flink-apigw') {
    functions.set(ENRICHMENT_FUNCTION, localNames.function(spec.name, ENRICHMENT_FUNCTION));
  }
  const flink = spec.preset === 'kpl-kinesis-flink-s3' || spec.preset === 'kinesis-flink-apigw';
  const kafka = isMskSpec(spec) ? kafkaResourcesOf(spec, options.kafkaBrokers ?? 1) : undefined;
  for (const consumer of isMskSpec(spec) ? kafkaConsumersOf(spec) : []) {
    functions.set(consumer.name, localNames.function(spec.name, consumer.name));
    if (consumer.onFailure === 'sqs') queues.set(consumer.name, localNames.deadLetterQueue(spec.name, consumer.name));
  }
  return {
    streamName: isMskSpec(spec) ? undefined : localNames.stream(spec.name),
    functions,
    queues,
    // The cloud stack names its REST API `<stack name>-ingest` (or `-fare`), the stack is `streamkit-<pipeline>` by default.
    api:
      spec.preset === 'apigw-kinesis-lambda'
        ? { apiName: `streamkit-${spec.name}-ingest`, stage: LOCAL_API_STAGE }
        : spec.preset === 'kinesis-flink-apigw'
          ? { apiName: fareApiName(spec.name), stage: LOCAL_API_STAGE }
          : undefined,
    deliveryStreamName:
      spec.preset === 'kinesis-firehose-s3' || spec.preset === 'msk-lambda-firehose-s3'
        ? localNames.deliveryStream(spec.name)
        : undefined,
    flinkApplication: flink ? localNames.flinkApplication(spec.name) : undefined,
    kafka,
  };
}

/**
 * The consumer groups of the Kafka applications the local target runs besides functions — msk-connect-s3's sink (one
 * per topic it reads: `connect-<connector>`, as Kafka Connect names it) and msk-flink-s3's SQL job — keyed so that no
 * function's name matches (they have no `AWS/Lambda` lag).
 */
function appConsumerGroups(spec: MskPipelineSpec): [string, { groupId: string; topic: string }][] {
  if (spec.preset === 'msk-connect-s3') {
    const groupId = sinkConsumerGroup(localNames.connector(spec.name));
    return spec.connector.topics.map((topic) => [`connector:${topic}`, { groupId, topic }]);
  }
  if (spec.preset === 'msk-flink-s3') {
    return [['flink', { groupId: localNames.flinkSqlGroup(spec.name), topic: spec.flink.topic }]];
  }
  return [];
}

/** The fare API of kinesis-flink-apigw, named as its cloud stack names it. */
export function fareApiName(pipeline: string): string {
  return `streamkit-${pipeline}-fare`;
}

/** The consumer name of kinesis-flink-apigw's fare-estimate function (the enrichment endpoint). */
export const ENRICHMENT_FUNCTION = 'fare-estimate';

/** The Lambda functions an MSK preset's Kafka event source mappings invoke: msk-lambda's consumers, the forwarder. */
export function kafkaConsumersOf(spec: MskPipelineSpec): readonly KafkaConsumerSettings[] {
  if (spec.preset === 'msk-lambda') return spec.consumers;
  if (spec.preset === 'msk-lambda-firehose-s3') return [spec.forwarder];
  return [];
}

/** A Kafka consumer's group id: the spec's `consumerGroupId`, else `<pipeline>-<consumer>`. */
export function consumerGroupIdOf(spec: PipelineSpec, consumer: KafkaConsumerSettings): string {
  return consumer.consumerGroupId ?? localNames.consumerGroup(spec.name, consumer.name);
}

function kafkaResourcesOf(spec: MskPipelineSpec, brokers: number): KafkaResources {
  const consumers = kafkaConsumersOf(spec);
  return {
    clusterName: localNames.cluster(spec.name),
    brokerIds: Array.from({ length: brokers }, (_, i) => i + 1),
    topics: spec.topics.map((t) => t.name),
    consumerGroups: new Map([
      ...consumers.map((c) => [c.name, { groupId: consumerGroupIdOf(spec, c), topic: c.topic }] as const),
      ...appConsumerGroups(spec),
    ]),
    failureBuckets: new Map(
      consumers.filter((c) => c.onFailure === 's3').map((c) => [c.name, localNames.failureBucket(spec.name, c.name)]),
    ),
    connectorName: spec.preset === 'msk-connect-s3' ? localNames.connector(spec.name) : undefined,
  };
}

/** The dimensions of an alarm's resource, named as core's ALARM_DIMENSIONS names them, valued by local names. */
export function dimensionsOf(resources: PipelineResources, resource: AlarmResource): Dimensions {
  const values = ((): (string | undefined)[] | string => {
    const kafka = resources.kafka;
    switch (resource.kind) {
      case 'stream':
        return [resources.streamName];
      case 'api':
        return resources.api ? [resources.api.apiName, resources.api.stage] : [undefined];
      case 'function':
        return [resources.functions.get(resource.consumer)];
      case 'queue':
        return [resources.queues.get(resource.consumer)];
      case 'deliveryStream':
        return [resources.deliveryStreamName];
      case 'processor':
        return [resources.functions.get('processor')];
      case 'cluster':
        return [kafka?.clusterName];
      case 'broker':
        if (kafka && !kafka.brokerIds.includes(resource.brokerId)) {
          return `the local Kafka runs ${kafka.brokerIds.length} broker${kafka.brokerIds.length === 1 ? '' : 's'}; broker ${resource.brokerId} exists only in the cloud stack`;
        }
        return [kafka?.clusterName, String(resource.brokerId)];
      case 'consumerGroup': {
        const group = kafka?.consumerGroups.get(resource.consumer);
        return [kafka?.clusterName, group?.groupId, group?.topic];
      }
      case 'connector':
        return [kafka?.connectorName];
      case 'enrichmentFunction':
        return [resources.functions.get(ENRICHMENT_FUNCTION)];
      case 'flinkApplication':
        return [resources.flinkApplication];
      case 'flinkSource':
        // The source's Id is the stream's name with "-" written "_" (as the cloud stack's alarm has it).
        return [resources.flinkApplication, resources.streamName?.replaceAll('-', '_'), 'Input'];
      default:
        // A resource kind of a preset the local target does not measure yet (parity.md).
        return [undefined];
    }
  })();
  if (typeof values === 'string') throw new StreamkitError('SK_NOT_FOUND', values);
  const names = ALARM_DIMENSIONS[resource.kind] as readonly string[] | undefined;
  if (values.some((v) => v === undefined) || !names) {
    throw new StreamkitError('SK_NOT_FOUND', `the local pipeline has no ${resource.kind} of that name to measure`);
  }
  return Object.fromEntries(names.map((name, i) => [name, values[i]!]));
}
