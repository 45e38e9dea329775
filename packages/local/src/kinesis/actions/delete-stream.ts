/**
 * DeleteStream: the stream must be ACTIVE; it is DELETING for the engine's `deleteStreamDelayMs`, then gone with all
 * its records. Data-plane calls on a DELETING stream get ResourceNotFoundException. A stream with registered
 * consumers is deleted (with its consumers) only with `EnforceConsumerDeletion`, as on AWS.
 */
import { type ActionContext, findStream, requireActive } from '../action-context.ts';
import { KinesisServiceError } from '../errors.ts';
import type { DeleteStreamOutput } from '../shapes.ts';
import { RequestValidation, readStreamRef, requestBody } from '../validation.ts';

export function deleteStream(context: ActionContext, input: unknown): DeleteStreamOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const ref = readStreamRef(body, v);
  const enforceConsumerDeletion = v.boolean(body, 'EnforceConsumerDeletion');
  v.throwIfInvalid();

  const stream = findStream(context, ref);
  requireActive(context, stream);
  if (stream.consumers.length > 0 && !enforceConsumerDeletion) {
    throw new KinesisServiceError(
      'ResourceInUseException',
      `Stream ${stream.name} under account ${context.store.account} has ${stream.consumers.length} registered ` +
        `consumers (${stream.consumers.map((c) => c.name).join(', ')}); deregister them first or set ` +
        'EnforceConsumerDeletion',
    );
  }
  context.store.deleteStream(stream.name);
  context.subscriptions.streamChanged(stream.name);
  return {};
}
