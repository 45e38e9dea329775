export * from './alarms/alarm-evaluation.ts';
export * from './alarms/local-alarms.ts';
export * from './check-spec.ts';
export * from './connect/index.ts';
export * from './dashboard/activity.ts';
export { type Dashboard, type DashboardOptions, startDashboard } from './dashboard/server.ts';
export { type DashboardSnapshot, snapshotOf } from './dashboard/snapshot.ts';
export * from './esm/index.ts';
export * from './firehose/index.ts';
export * from './flink/index.ts';
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
export * from './metrics/kafka-metrics.ts';
export * from './metrics/local-monitoring.ts';
export * from './metrics/metric-channel.ts';
export * from './metrics/metric-store.ts';
export * from './metrics/pipeline-metrics.ts';
export * from './metrics/pipeline-resources.ts';
export * from './pipeline/kafka-pipeline.ts';
export {
  type LocalPipeline,
  type LocalPipelineOptions,
  type PipelineCounts,
  startLocalPipeline,
} from './pipeline/local-pipeline.ts';
export * from './s3/object-store.ts';
export { DeadLetterQueue } from './sqs/dead-letter-queue.ts';
