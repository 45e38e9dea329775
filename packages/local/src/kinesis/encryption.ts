/**
 * Server-side encryption of records. The engine keeps records as they came in; what it tracks is which records were
 * written while the stream was encrypted, because AWS marks exactly those with `EncryptionType: KMS` in GetRecords,
 * SubscribeToShard and the PutRecord(s) answers that wrote them.
 *
 * Each shard keeps the positions at which encryption was switched on, off, on… (`KinesisShard.encryptionSwitches`,
 * appended by `KinesisStore.setEncryption`); a child shard opened while the stream is encrypted starts with a switch
 * at 0. A record is encrypted when an odd number of switches are at or before its position.
 */
import { KINESIS_API_LIMITS } from './api-limits.ts';
import { KinesisServiceError } from './errors.ts';
import type { EncryptionType, KinesisShard } from './store.ts';
import type { JsonObject, RequestValidation } from './validation.ts';

export function isEncryptedAt(shard: KinesisShard, position: number): boolean {
  const switches = shard.encryptionSwitches;
  if (switches.length === 0) return false;
  let count = 0;
  for (const at of switches) {
    if (at > position) break;
    count++;
  }
  return count % 2 === 1;
}

const KEY_ID_FORMS = [
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, // key ID
  /^mrk-[0-9a-fA-F]{32}$/, // multi-Region key ID
  /^alias\/[a-zA-Z0-9/_-]+$/, // alias name, alias/aws/kinesis included
  /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[0-9a-zA-Z-]+|alias\/[a-zA-Z0-9/_-]+)$/, // key or alias ARN
];

/** Reads `EncryptionType` and `KeyId` of StartStreamEncryption / StopStreamEncryption and checks them. */
export function readEncryptionRequest(body: JsonObject, v: RequestValidation): { keyId: string } {
  const type = v.string(body, 'EncryptionType');
  const keyId = v.string(body, 'KeyId');
  if (v.required(type, 'encryptionType')) v.oneOf(type, 'encryptionType', ENCRYPTION_TYPES);
  if (v.required(keyId, 'keyId')) v.length(keyId, 'keyId', KINESIS_API_LIMITS.kmsKeyIdLength);
  v.throwIfInvalid();
  if (type !== 'KMS') {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      `EncryptionType must be KMS, the only server-side encryption Kinesis offers (got ${type})`,
    );
  }
  if (!KEY_ID_FORMS.some((form) => form.test(keyId!))) {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      `KeyId '${keyId}' is not a KMS key ID, key ARN, alias name (alias/…) or alias ARN`,
    );
  }
  return { keyId: keyId! };
}

const ENCRYPTION_TYPES: readonly EncryptionType[] = ['NONE', 'KMS'];
