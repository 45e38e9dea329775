/**
 * The Lambda handler: a thin adapter around processTick, with Powertools' batch processor, which answers with a
 * partial batch response (only the records that threw are retried). The same file runs in AWS Lambda and in
 * `streamkit dev`.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { processTick, type StockTick } from './process-record.ts';

const processor = new BatchProcessor(EventType.KinesisDataStreams);

function processRecord(record: KinesisStreamRecord): void {
  const tick = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')) as StockTick;
  const result = processTick(tick);
  console.log(JSON.stringify(result));
}

export const handler = async (event: KinesisStreamEvent, context: Context) =>
  processPartialResponse(event, processRecord, processor, { context });
