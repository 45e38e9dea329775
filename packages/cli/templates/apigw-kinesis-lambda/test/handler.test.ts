import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { handler } from '../src/handler.ts';
import { processTick } from '../src/process-record.ts';

/** A Kinesis event as Lambda sends it (the shape of AWS's documented sample event). */
function kinesisEvent(...ticks: unknown[]): KinesisStreamEvent {
  return {
    Records: ticks.map((tick, i) => ({
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:4954511524144582180062593244200961000000000000000000000${i}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/lambda-role',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/ticks',
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'AMZN',
        sequenceNumber: `4954511524144582180062593244200961000000000000000000000${i}`,
        approximateArrivalTimestamp: 1_700_000_000,
        data: Buffer.from(JSON.stringify(tick)).toString('base64'),
      },
    })),
  };
}

test('processTick turns a price into cents and refuses a tick without a positive price', () => {
  assert.deepEqual(processTick({ ticker: 'AMZN', price: 181.5, event_time: '2026-01-01 12:00:00.000' }), {
    ticker: 'AMZN',
    priceInCents: 18150,
  });
  assert.throws(() => processTick({ ticker: 'AMZN', price: -1, event_time: '' }), /positive number/);
});

test('the handler reports only the bad record as a batch item failure', async () => {
  const event = kinesisEvent({ ticker: 'AMZN', price: 181.5 }, { ticker: 'AMZN', price: 'n/a' });
  const response = await handler(event, {} as Context);
  assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: event.Records[1]!.kinesis.sequenceNumber }] });
});
