/**
 * StartStreamEncryption: encrypts the records written to an ACTIVE stream from now on with a KMS key (or changes the
 * key). The stream is UPDATING for the engine's `updateStreamDelayMs`; it shows `EncryptionType: KMS` and the `KeyId`,
 * and records written from now on come back with `EncryptionType: KMS`. The engine holds no keys: any well-formed
 * key ID, key ARN or alias is accepted and nothing is actually encrypted.
 */
import { type ActionContext, findStream, requireActive } from '../action-context.ts';
import { readEncryptionRequest } from '../encryption.ts';
import type { StreamEncryptionOutput } from '../shapes.ts';
import { RequestValidation, readStreamRef, requestBody } from '../validation.ts';

export function startStreamEncryption(context: ActionContext, input: unknown): StreamEncryptionOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const ref = readStreamRef(body, v);
  const { keyId } = readEncryptionRequest(body, v);

  const stream = findStream(context, ref);
  requireActive(context, stream);
  context.store.setEncryption(stream, keyId);
  context.store.beginUpdate(stream);
  return {};
}
