import { LIMITS } from '@streamkit/core';
import type { FirehoseApiContext } from '../context.ts';
import { deliveryStreamOf } from '../context.ts';
import { FirehoseServiceError, validationError } from '../errors.ts';
import { checkDirectPut, recordData, recordId, sourceRecords } from '../records.ts';

/** PutRecordBatch: up to 500 records (4 MiB) into a DirectPut delivery stream; answered once they are buffered. */
export async function putRecordBatch(context: FirehoseApiContext, input: Record<string, unknown>) {
  const stream = deliveryStreamOf(context, input);
  const records = input.Records;
  const F = LIMITS.firehose;
  if (!Array.isArray(records)) throw validationError('records', 'Member must not be null');
  if (records.length === 0) throw validationError('records', 'Member must have length greater than or equal to 1');
  if (records.length > F.putRecordBatchMaxRecords.value) {
    throw validationError(
      'records',
      `Member must have length less than or equal to ${F.putRecordBatchMaxRecords.value}`,
    );
  }
  const data = records.map((record, i) => recordData(record, `records.${i + 1}.member`));
  const bytes = data.reduce((n, d) => n + d.byteLength, 0);
  if (bytes > F.putRecordBatchMaxBytes.value) {
    throw new FirehoseServiceError(
      'InvalidArgumentException',
      `Records size exceeds ${F.putRecordBatchMaxBytes.value} bytes (got ${bytes}).`,
    );
  }
  checkDirectPut(stream);
  await stream.put(sourceRecords(stream, data));
  return { FailedPutCount: 0, Encrypted: false, RequestResponses: data.map(() => ({ RecordId: recordId() })) };
}
