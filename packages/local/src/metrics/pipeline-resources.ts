/**
 * The names a local pipeline's resources go by — the values of the CloudWatch dimensions its metrics and alarms
 * carry. Derived from the spec alone (as the local pipeline names them), so metrics can be recorded from the first
 * record on, before anything has started.
 */
import { ALARM_DIMENSIONS, type AlarmResource, localNames, type PipelineSpec, StreamkitError } from '@streamkit/core';
import type { Dimensions } from './metric-store.ts';

export interface PipelineResources {
  readonly streamName: string;
  /** Function names by consumer name; a delivery stream's processor is `processor`. */
  readonly functions: ReadonlyMap<string, string>;
  /** Dead-letter queue names by consumer name (consumers with `onFailure: sqs`). */
  readonly queues: ReadonlyMap<string, string>;
  readonly api: { readonly apiName: string; readonly stage: string } | undefined;
  readonly deliveryStreamName: string | undefined;
  /** The Flink application of the Flink presets (the `Application` dimension). */
  readonly flinkApplication: string | undefined;
}

/** The stage of the local ingest API, as the cloud stack's default stage. */
export const LOCAL_API_STAGE = 'prod';

export function resourcesOf(spec: PipelineSpec): PipelineResources {
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
  return {
    streamName: localNames.stream(spec.name),
    functions,
    queues,
    // The cloud stack names its REST API `<stack name>-ingest` (or `-fare`), the stack is `streamkit-<pipeline>` by default.
    api:
      spec.preset === 'apigw-kinesis-lambda'
        ? { apiName: `streamkit-${spec.name}-ingest`, stage: LOCAL_API_STAGE }
        : spec.preset === 'kinesis-flink-apigw'
          ? { apiName: fareApiName(spec.name), stage: LOCAL_API_STAGE }
          : undefined,
    deliveryStreamName: spec.preset === 'kinesis-firehose-s3' ? localNames.deliveryStream(spec.name) : undefined,
    flinkApplication: flink ? localNames.flinkApplication(spec.name) : undefined,
  };
}

/** The fare API of kinesis-flink-apigw, named as its cloud stack names it. */
export function fareApiName(pipeline: string): string {
  return `streamkit-${pipeline}-fare`;
}

/** The consumer name of kinesis-flink-apigw's fare-estimate function (the enrichment endpoint). */
export const ENRICHMENT_FUNCTION = 'fare-estimate';

/** The dimensions of an alarm's resource, named as core's ALARM_DIMENSIONS names them, valued by local names. */
export function dimensionsOf(resources: PipelineResources, resource: AlarmResource): Dimensions {
  const values = ((): string[] | undefined => {
    switch (resource.kind) {
      case 'stream':
        return [resources.streamName];
      case 'api':
        return resources.api && [resources.api.apiName, resources.api.stage];
      case 'function': {
        const name = resources.functions.get(resource.consumer);
        return name === undefined ? undefined : [name];
      }
      case 'queue': {
        const name = resources.queues.get(resource.consumer);
        return name === undefined ? undefined : [name];
      }
      case 'deliveryStream':
        return resources.deliveryStreamName === undefined ? undefined : [resources.deliveryStreamName];
      case 'processor': {
        const name = resources.functions.get('processor');
        return name === undefined ? undefined : [name];
      }
      case 'enrichmentFunction': {
        const name = resources.functions.get(ENRICHMENT_FUNCTION);
        return name === undefined ? undefined : [name];
      }
      case 'flinkApplication':
        return resources.flinkApplication === undefined ? undefined : [resources.flinkApplication];
      case 'flinkSource':
        // The source's Id is the stream's name with "-" written "_" (as the cloud stack's alarm has it).
        return resources.flinkApplication === undefined
          ? undefined
          : [resources.flinkApplication, resources.streamName.replaceAll('-', '_'), 'Input'];
      default:
        // A resource kind of a preset the local target does not measure yet.
        return undefined;
    }
  })();
  const names = ALARM_DIMENSIONS[resource.kind] as readonly string[] | undefined;
  if (!values || !names) {
    throw new StreamkitError('SK_NOT_FOUND', `the local pipeline has no ${resource.kind} of that name to measure`);
  }
  return Object.fromEntries(names.map((name, i) => [name, values[i]!]));
}
