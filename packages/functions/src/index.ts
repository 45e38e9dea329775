import { fileURLToPath } from 'node:url';

export {
  type DecodedRecord,
  decodeRecord,
  processRecord,
  type RecordLogger,
} from './kinesis-consumer/process-record.ts';

/** Entry files of streamkit's built-in handlers; the cloud stack bundles them and the local runtime runs them. */
export const BUILTIN_HANDLERS = {
  kinesisConsumer: fileURLToPath(new URL('./kinesis-consumer/handler.ts', import.meta.url)),
} as const;

/** The handler entry of a consumer: its own file, or the built-in Kinesis consumer. */
export function handlerEntry(consumer: { readonly handler?: string | undefined }): string {
  return consumer.handler ?? BUILTIN_HANDLERS.kinesisConsumer;
}
