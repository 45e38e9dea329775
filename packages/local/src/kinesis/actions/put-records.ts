/**
 * PutRecords: up to `LIMITS.kinesis.putRecordsMaxRecords` records and `LIMITS.kinesis.putRecordsMaxBytes` (data plus
 * partition keys) per call, each routed like PutRecord. The result lists, in request order, the shard and sequence
 * number of every record — or, for a record the shard limits model refused, `ErrorCode` and `ErrorMessage`, counted
 * in `FailedRecordCount` while the other records are written. A request that breaks a request limit fails as a whole
 * with nothing stored, as on AWS. The answer comes once the written records are durable.
 */
import { LIMITS } from '@streamkit/core';
import { type ActionContext, findWritableStream } from '../action-context.ts';
import { KinesisServiceError } from '../errors.ts';
import { checkRecordSizes, writeRecords } from '../record-writer.ts';
import type { PutRecordsOutput } from '../shapes.ts';
import {
  listMemberPath,
  type RecordEntry,
  RequestValidation,
  readRecordEntry,
  readStreamRef,
  requestBody,
} from '../validation.ts';

const MiB = 1024 * 1024;

export async function putRecords(context: ActionContext, input: unknown): Promise<PutRecordsOutput> {
  const body = requestBody(input);
  const v = new RequestValidation();
  const ref = readStreamRef(body, v);
  const records = v.list(body, 'Records');
  const dryRun = v.boolean(body, 'DryRun');
  const entries: RecordEntry[] = [];
  if (v.required(records, 'records')) {
    v.length(records, 'records', { min: 1, max: LIMITS.kinesis.putRecordsMaxRecords.value });
    records.forEach((record, index) => {
      const path = listMemberPath('records', index);
      const entry = readRecordEntry(v.listObject(record, path), v, path);
      if (entry) entries.push(entry);
    });
  }
  v.throwIfInvalid();

  checkRecordSizes(entries, (index) => listMemberPath('records', index));
  const totalBytes = entries.reduce((sum, entry) => sum + entry.size, 0);
  const maxBytes = LIMITS.kinesis.putRecordsMaxBytes.value;
  if (totalBytes > maxBytes) {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      `Records size exceeds ${maxBytes / MiB} MB limit: the ${entries.length} records total ${totalBytes} bytes ` +
        `(data plus partition keys), the limit is ${maxBytes} bytes`,
    );
  }
  const stream = findWritableStream(context, ref);
  if (dryRun) {
    throw new KinesisServiceError('DryRunOperationException', 'The request would have succeeded, but DryRun is set.');
  }
  const results = await writeRecords(context, stream, entries, 'PutRecords');
  const failed = results.reduce((count, result) => count + ('ErrorCode' in result ? 1 : 0), 0);
  return {
    FailedRecordCount: failed,
    Records: results,
    ...(stream.encryptionType === 'KMS' ? { EncryptionType: 'KMS' as const } : {}),
  };
}
