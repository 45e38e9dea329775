/**
 * A Lambda handler for a Kinesis stream written by a KPL-style producer (streamkit's KinesisProducer, the Java KPL or
 * aws-kinesis-agg). Lambda's Kinesis event source does not deaggregate — and neither does streamkit's local runtime —
 * so each event record may carry hundreds of user records: `deaggregate` expands them first. Records that were not
 * aggregated pass through unchanged, so the handler also works for plain producers.
 *
 * Partial batch responses keep working: a deaggregated record keeps the sequence number of the Kinesis record that
 * carried it, so a failure names that Kinesis record and Lambda retries from it (its other user records come again:
 * at least once, as always with Kinesis).
 *
 * This file is type-checked and run by packages/producer/test/lambda-deaggregation.test.ts.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { type DeaggregatedEventRecord, deaggregate, type TaxiRide } from '@streamkit/producer';
import type { Context, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

/** Revenue per pickup zone seen by this execution environment — stands in for your own processing. */
export const revenueByZone = new Map<string, number>();

/** The pure record function: one taxi ride. Throwing marks its Kinesis record as failed. */
export function processRide(record: DeaggregatedEventRecord<KinesisStreamRecord>): void {
  const ride = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')) as TaxiRide;
  if (typeof ride.total_amount !== 'number') throw new TypeError(`ride ${ride.ride_id} has no total_amount`);
  revenueByZone.set(ride.pickup_zone, (revenueByZone.get(ride.pickup_zone) ?? 0) + ride.total_amount);
}

const processor = new BatchProcessor(EventType.KinesisDataStreams);

export const handler = async (event: KinesisStreamEvent, context: Context) =>
  processPartialResponse({ Records: deaggregate(event.Records) }, processRide, processor, { context });
