/**
 * The Firehose record transformation: a thin adapter around transformTick that answers each record with Ok,
 * Dropped or ProcessingFailed. The same file runs in AWS Lambda and in `streamkit dev`.
 */
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { type StockTick, transformTick } from './process-record.ts';

export const handler = async (event: FirehoseTransformationEvent): Promise<FirehoseTransformationResult> => ({
  records: event.records.map(({ recordId, data }) => {
    try {
      const line = transformTick(JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as StockTick);
      return line === undefined
        ? { recordId, result: 'Dropped' as const, data }
        : { recordId, result: 'Ok' as const, data: Buffer.from(line).toString('base64') };
    } catch {
      return { recordId, result: 'ProcessingFailed' as const, data };
    }
  }),
});
