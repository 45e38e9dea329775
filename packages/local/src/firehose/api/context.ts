import { LIMITS, LOCAL_ACCOUNT } from '@streamkit/core';
import type { LocalDeliveryStream } from '../delivery-stream.ts';
import { FirehoseServiceError, validationError } from './errors.ts';

/** What every action sees: the delivery streams the API serves. */
export interface FirehoseApiContext {
  readonly deliveryStreams: ReadonlyMap<string, LocalDeliveryStream>;
}

const NAME = /^[a-zA-Z0-9_.-]+$/;

/** The delivery stream named by `DeliveryStreamName`, or the error AWS answers with. */
export function deliveryStreamOf(context: FirehoseApiContext, input: Record<string, unknown>): LocalDeliveryStream {
  const name = input.DeliveryStreamName;
  const limit = LIMITS.firehose.deliveryStreamNameLength;
  if (typeof name !== 'string') throw validationError('deliveryStreamName', 'Member must not be null');
  if (name.length < limit.min) {
    throw validationError('deliveryStreamName', `Member must have length greater than or equal to ${limit.min}`, name);
  }
  if (name.length > limit.max) {
    throw validationError('deliveryStreamName', `Member must have length less than or equal to ${limit.max}`, name);
  }
  if (!NAME.test(name)) {
    throw validationError(
      'deliveryStreamName',
      'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+',
      name,
    );
  }
  const stream = context.deliveryStreams.get(name);
  if (!stream) {
    throw new FirehoseServiceError(
      'ResourceNotFoundException',
      `Firehose ${name} under account ${LOCAL_ACCOUNT} not found.`,
    );
  }
  return stream;
}
