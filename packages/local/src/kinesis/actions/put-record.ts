/**
 * PutRecord: one record, routed by ExplicitHashKey or the MD5 of its partition key, answered once it is durable.
 * `SequenceNumberForOrdering` is checked and otherwise needs no work: the engine's sequence numbers always increase
 * strictly per shard. When the shard limits model refuses the record: ProvisionedThroughputExceededException.
 */
import { type ActionContext, findWritableStream } from '../action-context.ts';
import { KinesisServiceError } from '../errors.ts';
import { checkRecordSizes, writeRecords } from '../record-writer.ts';
import type { PutRecordOutput } from '../shapes.ts';
import {
  RequestValidation,
  readRecordEntry,
  readStreamRef,
  requestBody,
  SEQUENCE_NUMBER_PATTERN,
} from '../validation.ts';

export async function putRecord(context: ActionContext, input: unknown): Promise<PutRecordOutput> {
  const body = requestBody(input);
  const v = new RequestValidation();
  const ref = readStreamRef(body, v);
  const entry = readRecordEntry(body, v);
  v.pattern(v.string(body, 'SequenceNumberForOrdering'), 'sequenceNumberForOrdering', SEQUENCE_NUMBER_PATTERN);
  const dryRun = v.boolean(body, 'DryRun');
  v.throwIfInvalid();

  checkRecordSizes([entry!], () => 'the record');
  const stream = findWritableStream(context, ref);
  if (dryRun) {
    throw new KinesisServiceError('DryRunOperationException', 'The request would have succeeded, but DryRun is set.');
  }
  const [result] = await writeRecords(context, stream, [entry!], 'PutRecord');
  if ('ErrorCode' in result!) throw new KinesisServiceError(result.ErrorCode, result.ErrorMessage);
  return stream.encryptionType === 'KMS' ? { ...result!, EncryptionType: 'KMS' } : result!;
}
