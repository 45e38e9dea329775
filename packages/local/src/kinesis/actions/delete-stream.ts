/**
 * DeleteStream: the stream must be ACTIVE; it is DELETING for the engine's `deleteStreamDelayMs`, then gone with all
 * its records. Data-plane calls on a DELETING stream get ResourceNotFoundException.
 */
import { type ActionContext, findStream, requireActive } from '../action-context.ts';
import type { DeleteStreamOutput } from '../shapes.ts';
import { RequestValidation, readStreamRef, requestBody } from '../validation.ts';

export function deleteStream(context: ActionContext, input: unknown): DeleteStreamOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const ref = readStreamRef(body, v);
  // Accepted for compatibility: the engine has no stream consumers yet, so there is nothing to enforce.
  v.boolean(body, 'EnforceConsumerDeletion');
  v.throwIfInvalid();

  const stream = findStream(context, ref);
  requireActive(context, stream);
  context.store.deleteStream(stream.name);
  return {};
}
