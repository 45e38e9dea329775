import { fileURLToPath } from 'node:url';

export {
  answer,
  type CustomResourceOutcome,
  type CustomResourceRequest,
  responseBody,
  sendResponse,
} from './custom-resources/cloudformation-response.ts';
export {
  BOOTSTRAP_FIELD,
  bootstrapServers,
  type ClusterNetwork,
  clusterNetwork,
} from './custom-resources/msk-cluster-lookup.ts';
export {
  apiKeyOf,
  checkRequest as checkRotationRequest,
  keysToRetire,
  ROTATION_STEPS,
  type RotationStep,
  SECRET_FIELD as API_KEY_SECRET_FIELD,
  secretString as apiKeySecretString,
  testOutcome as rotationTestOutcome,
} from './fare-api-key-rotation/rotation.ts';
export { estimateFare, type FareEstimate } from './fare-estimate/estimate-fare.ts';
export { envelope, type ForwardedRecord, firehoseData } from './firehose-forwarder/firehose-record.ts';
export {
  chunk,
  type ForwardOptions,
  type ForwardResult,
  forwardToFirehose,
  type PutRecordBatch,
  type PutRecordBatchResult,
} from './firehose-forwarder/put-record-batch.ts';
export { type ApplicationStatus, type LifecycleStep, nextStep } from './flink-application-lifecycle/lifecycle.ts';
export { type KafkaRecordPosition, processKafkaRecords, type RecordFailure } from './kafka/partial-batch.ts';
export {
  type DecodedKafkaRecord,
  decodeKafkaRecord,
  type KafkaTextRecord,
  processKafkaRecord,
} from './kafka-consumer/process-record.ts';
export {
  type DecodedRecord,
  decodeRecord,
  processRecord,
  type RecordLogger,
} from './kinesis-consumer/process-record.ts';

/** Entry files of streamkit's built-in handlers; the cloud stack bundles them and the local runtime runs them. */
export const BUILTIN_HANDLERS = {
  kinesisConsumer: fileURLToPath(new URL('./kinesis-consumer/handler.ts', import.meta.url)),
  kafkaConsumer: fileURLToPath(new URL('./kafka-consumer/handler.ts', import.meta.url)),
  firehoseForwarder: fileURLToPath(new URL('./firehose-forwarder/handler.ts', import.meta.url)),
  /** The fare API of kinesis-flink-apigw (API Gateway Lambda proxy integration). */
  fareEstimate: fileURLToPath(new URL('./fare-estimate/handler.ts', import.meta.url)),
  /** `Custom::FlinkApplicationLifecycle`: starts the Flink application after create, stops it before delete. */
  flinkApplicationLifecycle: fileURLToPath(new URL('./flink-application-lifecycle/handler.ts', import.meta.url)),
  /** Rotates the fare API's key (Secrets Manager's four steps) and deletes the keys it made when the stack goes. */
  fareApiKeyRotation: fileURLToPath(new URL('./fare-api-key-rotation/handler.ts', import.meta.url)),
} as const;

/** Entry files of streamkit's own custom resource functions (cloud only). */
export const CUSTOM_RESOURCE_HANDLERS = {
  mskClusterLookup: fileURLToPath(new URL('./custom-resources/msk-cluster-lookup.ts', import.meta.url)),
  /** `Custom::MskServerlessTopics`: creates (or grows) the declared topics on MSK Serverless; Delete keeps them. */
  mskServerlessTopics: fileURLToPath(new URL('./custom-resources/msk-serverless-topics.ts', import.meta.url)),
} as const;

/** The handler entry of a consumer: its own file, or the built-in handler (the Kinesis consumer unless told). */
export function handlerEntry(
  consumer: { readonly handler?: string | undefined },
  builtin: keyof typeof BUILTIN_HANDLERS = 'kinesisConsumer',
): string {
  return consumer.handler ?? BUILTIN_HANDLERS[builtin];
}
