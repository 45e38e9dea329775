export * from './check-spec.ts';
export * from './esm/index.ts';
export * from './firehose/index.ts';
export { INGEST_REQUEST_CHANNEL, type IngestApi, type IngestApiOptions, startIngestApi } from './ingest-api/index.ts';
export * from './kafka/index.ts';
export {
  FileRecordStorage,
  KINESIS_CHANNELS,
  type KinesisEngine,
  type KinesisEngineOptions,
  KinesisService,
  KinesisServiceError,
  type KinesisThrottleMessage,
  MemoryRecordStorage,
  startKinesisEngine,
} from './kinesis/index.ts';
export { bundleHandler, type HandlerBundle } from './lambda/bundle.ts';
export { type InvocationResult, LocalFunction, type LocalFunctionOptions } from './lambda/local-function.ts';
export * from './pipeline/kafka-pipeline.ts';
export {
  type LocalPipeline,
  type LocalPipelineOptions,
  type PipelineCounts,
  startLocalPipeline,
} from './pipeline/local-pipeline.ts';
export * from './s3/object-store.ts';
export { DeadLetterQueue } from './sqs/dead-letter-queue.ts';
