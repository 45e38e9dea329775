/**
 * Aggregated records and Lambda: the local Kinesis event source mapping, like Lambda's, hands the handler the Kinesis
 * records as stored — aggregated — and the example handler (examples/kpl-consumer.ts) deaggregates them with
 * `deaggregate` before processing each user record, partial batch responses included.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arn, type KinesisEvent } from '@streamkit/core';
import { type InvokeTarget, KinesisEventSourceMapping } from '@streamkit/local';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { handler, revenueByZone } from '../examples/kpl-consumer.ts';
import { encodeAggregatedRecord, hasAggregatedRecordMagic } from '../src/aggregation/aggregated-record.ts';
import { type TaxiRide, taxiRides } from '../src/generators/taxi-rides.ts';
import { KinesisProducer } from '../src/kinesis-producer/kinesis-producer.ts';
import { createStream, startLocalKinesis } from './support/local-kinesis.ts';

const RIDES = 2000;
const context = {
  functionName: 'kpl-consumer',
  awsRequestId: 'request-1',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

test('the local event source mapping delivers aggregated records as they are; the handler deaggregates them', {
  timeout: 60_000,
}, async (t) => {
  const { kinesis } = await startLocalKinesis(t);
  await createStream(kinesis, 'rides', 2);
  const rides: TaxiRide[] = [];
  const producer = new KinesisProducer({ kinesis, streamName: 'rides' });
  for (const { data, partitionKey } of taxiRides({ seed: 5, now: () => Date.UTC(2026, 0, 15, 18) })) {
    rides.push(data);
    producer.addUserRecord({ partitionKey, data: JSON.stringify(data) });
    if (rides.length === RIDES) break;
  }
  await producer.close();
  const kinesisRecords = producer.metrics.kinesisRecordsPut;

  revenueByZone.clear();
  let delivered = 0;
  let aggregatedDelivered = 0;
  const failures: unknown[] = [];
  const target: InvokeTarget = {
    functionName: 'kpl-consumer',
    functionArn: arn.function('kpl-consumer'),
    async invoke(event) {
      const records = (event as KinesisEvent).Records;
      delivered += records.length;
      aggregatedDelivered += records.filter((r) =>
        hasAggregatedRecordMagic(Buffer.from(r.kinesis.data, 'base64')),
      ).length;
      const payload = await handler(event as KinesisStreamEvent, context);
      failures.push(...payload.batchItemFailures);
      return { requestId: `request-${delivered}`, payload };
    },
  };
  const mapping = new KinesisEventSourceMapping({
    kinesis,
    streamName: 'rides',
    streamArn: arn.stream('rides'),
    target,
    settings: {
      batchSize: 100,
      maxBatchingWindow: 0,
      parallelizationFactor: 1,
      retryAttempts: 0,
      bisectBatchOnError: false,
      maxRecordAge: -1,
      startingPosition: 'TRIM_HORIZON',
      startingPositionTimestamp: undefined,
      reportBatchItemFailures: true,
      tumblingWindow: 0,
      filters: [],
    },
    idlePollMs: 20,
  });
  await mapping.start();
  t.after(() => mapping.stop());
  const deadline = Date.now() + 30_000;
  while (delivered < kinesisRecords && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));

  assert.equal(delivered, kinesisRecords, 'one event record per Kinesis record: nothing deaggregated on the way');
  assert.ok(kinesisRecords < RIDES / 20, `${kinesisRecords} Kinesis records for ${RIDES} rides`);
  assert.equal(aggregatedDelivered, kinesisRecords, 'each reached the handler as a KPL aggregated record');
  assert.deepEqual(failures, []);
  const expected = new Map<string, number>();
  for (const ride of rides) expected.set(ride.pickup_zone, (expected.get(ride.pickup_zone) ?? 0) + ride.total_amount);
  assert.deepEqual(
    [...revenueByZone].map(([zone, revenue]) => [zone, revenue.toFixed(2)]).sort(),
    [...expected].map(([zone, revenue]) => [zone, revenue.toFixed(2)]).sort(),
    'every ride processed exactly once',
  );
});

test('a user record the handler fails names its Kinesis record in the partial batch response', async () => {
  const ride = [...take(taxiRides({ seed: 6 }), 1)][0]!;
  const aggregated = encodeAggregatedRecord([
    { partitionKey: ride.ride_id, data: Buffer.from(JSON.stringify(ride)) },
    { partitionKey: 'bad', data: Buffer.from('{"ride_id":"no fare"}') },
  ]);
  const plain = Buffer.from(JSON.stringify(ride));
  const event = {
    Records: [
      eventRecord('49590000000000000000000000000000000000000000000001', aggregated),
      eventRecord('49590000000000000000000000000000000000000000000002', plain),
    ],
  } as KinesisStreamEvent;
  revenueByZone.clear();
  const response = await handler(event, context);
  assert.deepEqual(response.batchItemFailures, [
    { itemIdentifier: '49590000000000000000000000000000000000000000000001' },
  ]);
  assert.equal(revenueByZone.get(ride.pickup_zone)?.toFixed(2), (ride.total_amount * 2).toFixed(2));
});

function* take<T>(source: Iterator<{ data: T }>, n: number): Generator<T> {
  for (let i = 0; i < n; i++) yield source.next().value!.data;
}

function eventRecord(sequenceNumber: string, data: Uint8Array) {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: 'a',
      sequenceNumber,
      data: Buffer.from(data).toString('base64'),
      approximateArrivalTimestamp: 1_768_478_400,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: arn.function('kpl-consumer'),
    awsRegion: 'us-east-1',
    eventSourceARN: arn.stream('rides'),
  };
}
