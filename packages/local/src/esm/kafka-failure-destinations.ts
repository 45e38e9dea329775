/**
 * The on-failure destinations of a local Kafka event source mapping: the local SQS queue (the failure record, as the
 * message body) and the local object store (the failure record with the whole event in `payload`, at the key Lambda
 * uses: `aws/lambda/<mapping UUID>/<topic-partition>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<UUID>`).
 */
import { randomUUID } from 'node:crypto';
import type { LocalObjectStore } from '../s3/object-store.ts';
import type { KafkaFailureDestination } from './kafka-batch-processor.ts';
import type { KafkaBatchFailureRecord } from './kafka-event.ts';

/** Anything with SQS's SendMessage shape, such as the local `DeadLetterQueue`. */
export interface QueueLike {
  send(body: KafkaBatchFailureRecord): void | Promise<void>;
}

export function sqsKafkaFailureDestination(queue: QueueLike): KafkaFailureDestination {
  return { send: (failure) => queue.send(failure) };
}

export function s3KafkaFailureDestination(options: {
  readonly store: LocalObjectStore;
  readonly bucket: string;
  /** The event source mapping's UUID (the key's second part). */
  readonly mappingUuid: string;
}): KafkaFailureDestination {
  return {
    async send(failure, event) {
      const partition = Object.keys(failure.KafkaBatchInfo.recordsInfo)[0] ?? 'unknown';
      const at = new Date(failure.timestamp);
      const pad = (n: number) => String(n).padStart(2, '0');
      const [y, m, d, h] = [
        at.getUTCFullYear(),
        pad(at.getUTCMonth() + 1),
        pad(at.getUTCDate()),
        pad(at.getUTCHours()),
      ];
      const stamp = `${y}-${m}-${d}T${h}.${pad(at.getUTCMinutes())}.${pad(at.getUTCSeconds())}`;
      const key = `aws/lambda/${options.mappingUuid}/${partition}/${y}/${m}/${d}/${stamp}-${randomUUID()}`;
      const body = { ...failure, payload: JSON.stringify(event) };
      await options.store.putObject(options.bucket, key, Buffer.from(JSON.stringify(body)));
    },
  };
}
