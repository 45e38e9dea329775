/**
 * The Lambda handler: a thin adapter around processTick. Powertools' Kafka consumer decodes each record's key, value
 * and headers; processKafkaRecords answers with a partial batch response, so only the failed record of a partition
 * and those after it are delivered again. The same file runs in AWS Lambda and in `streamkit dev`.
 */
import { kafkaConsumer } from '@aws-lambda-powertools/kafka';
import { processKafkaRecords } from '@streamkit/functions/kafka';
import { processTick, type StockTick } from './process-record.ts';

export const handler = kafkaConsumer<string | undefined, string>(async (event) =>
  processKafkaRecords(event.records, (record) => {
    const result = processTick(JSON.parse(record.value) as StockTick);
    console.log(JSON.stringify(result));
  }),
);
