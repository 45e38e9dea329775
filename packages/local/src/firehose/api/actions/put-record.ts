import type { FirehoseApiContext } from '../context.ts';
import { deliveryStreamOf } from '../context.ts';
import { checkDirectPut, recordData, recordId, sourceRecords } from '../records.ts';

/** PutRecord: one record into a DirectPut delivery stream; answered once it is buffered. */
export async function putRecord(context: FirehoseApiContext, input: Record<string, unknown>) {
  const stream = deliveryStreamOf(context, input);
  const data = recordData(input.Record, 'record');
  checkDirectPut(stream);
  await stream.put(sourceRecords(stream, [data]));
  return { RecordId: recordId(), Encrypted: false };
}
