import { fileURLToPath } from 'node:url';

export { estimateFare, type FareEstimate } from './fare-estimate/estimate-fare.ts';
export { type ApplicationStatus, type LifecycleStep, nextStep } from './flink-application-lifecycle/lifecycle.ts';
export {
  type DecodedRecord,
  decodeRecord,
  processRecord,
  type RecordLogger,
} from './kinesis-consumer/process-record.ts';

/** Entry files of streamkit's built-in handlers; the cloud stack bundles them and the local runtime runs them. */
export const BUILTIN_HANDLERS = {
  kinesisConsumer: fileURLToPath(new URL('./kinesis-consumer/handler.ts', import.meta.url)),
  /** The fare API of kinesis-flink-apigw (API Gateway Lambda proxy integration). */
  fareEstimate: fileURLToPath(new URL('./fare-estimate/handler.ts', import.meta.url)),
  /** `Custom::FlinkApplicationLifecycle`: starts the Flink application after create, stops it before delete. */
  flinkApplicationLifecycle: fileURLToPath(new URL('./flink-application-lifecycle/handler.ts', import.meta.url)),
} as const;

/** The handler entry of a consumer: its own file, or the built-in Kinesis consumer. */
export function handlerEntry(consumer: { readonly handler?: string | undefined }): string {
  return consumer.handler ?? BUILTIN_HANDLERS.kinesisConsumer;
}
