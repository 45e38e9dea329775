/**
 * streamkit's built-in Kafka consumer (msk-lambda): a thin adapter over `processKafkaRecord`. Powertools' Kafka
 * consumer flattens the event and decodes keys, values and headers; `processKafkaRecords` answers with a partial batch
 * response, so only the failed record of a partition and those after it are delivered again (the event source mapping
 * must have ReportBatchItemFailures on; streamkit turns it on by default).
 */
import { kafkaConsumer } from '@aws-lambda-powertools/kafka';
import { Logger } from '@aws-lambda-powertools/logger';
import { type KafkaBatchResponse, type KafkaEvent, kafkaEventProblem } from '@streamkit/core';
import type { Context } from 'aws-lambda';
import { processKafkaRecords } from '../kafka/partial-batch.ts';
import { type KafkaTextRecord, processKafkaRecord } from './process-record.ts';

const logger = new Logger({ serviceName: 'streamkit-kafka-consumer' });

const consume = kafkaConsumer<string | undefined, string>(async (event) =>
  processKafkaRecords(
    event.records as KafkaTextRecord[] & typeof event.records,
    (record) => processKafkaRecord(record, logger),
    ({ record, error }) =>
      logger.error('record failed', { topic: record.topic, partition: record.partition, offset: record.offset, error }),
  ),
);

/**
 * Takes a Kafka event of MSK or of self-managed Kafka (Powertools' types name only MSK's). An event whose records
 * cannot be named in a partial batch response fails as a whole, with a message that says where it is malformed
 * (rather than a TypeError from deep inside the decoder): Lambda then retries the batch, and nothing is dropped.
 */
export const handler = async (event: KafkaEvent, context: Context): Promise<KafkaBatchResponse> => {
  const problem = kafkaEventProblem(event);
  if (problem) throw new TypeError(`malformed Kafka event: ${problem}`);
  return (await consume(event as unknown as Parameters<typeof consume>[0], context)) as KafkaBatchResponse;
};
