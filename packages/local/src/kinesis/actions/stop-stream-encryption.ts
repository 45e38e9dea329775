/**
 * StopStreamEncryption: records written to an ACTIVE stream from now on are no longer encrypted (those written before
 * keep `EncryptionType: KMS`). The stream is UPDATING for the engine's `updateStreamDelayMs`, then shows
 * `EncryptionType: NONE`.
 */
import { type ActionContext, findStream, requireActive } from '../action-context.ts';
import { readEncryptionRequest } from '../encryption.ts';
import type { StreamEncryptionOutput } from '../shapes.ts';
import { RequestValidation, readStreamRef, requestBody } from '../validation.ts';

export function stopStreamEncryption(context: ActionContext, input: unknown): StreamEncryptionOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const ref = readStreamRef(body, v);
  readEncryptionRequest(body, v);

  const stream = findStream(context, ref);
  requireActive(context, stream);
  context.store.setEncryption(stream, undefined);
  context.store.beginUpdate(stream);
  return {};
}
