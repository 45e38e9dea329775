/**
 * The soak's consumer: the handler a user would write for taxi rides, plus one line per ride in SOAK_PROCESSED_FILE
 * (its `trip_id`), so the soak counts what was processed independently of the runtime's own counters. One write per
 * batch keeps it cheap at thousands of records a second.
 */
import { appendFileSync } from 'node:fs';
import type { KinesisStreamEvent } from 'aws-lambda';

export const handler = async (event: KinesisStreamEvent) => {
  let lines = '';
  for (const record of event.Records) {
    const ride = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')) as { trip_id: number };
    lines += `${ride.trip_id}\n`;
  }
  appendFileSync(process.env.SOAK_PROCESSED_FILE!, lines);
  return { batchItemFailures: [] };
};
