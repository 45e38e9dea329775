/**
 * streamkit's built-in Kinesis consumer: a thin adapter over `processRecord`. Powertools' batch processor runs the
 * record function for each record and answers with a partial batch response, so only failed records are retried
 * (the event source mapping must have ReportBatchItemFailures on; streamkit turns it on by default).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { processRecord } from './process-record.ts';

const processor = new BatchProcessor(EventType.KinesisDataStreams);
const logger = new Logger({ serviceName: 'streamkit-kinesis-consumer' });

export const handler = async (event: KinesisStreamEvent, context: Context) =>
  processPartialResponse(event, (record: KinesisStreamRecord) => processRecord(record, logger), processor, { context });
