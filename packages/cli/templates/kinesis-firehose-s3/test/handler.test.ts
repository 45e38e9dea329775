import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { handler } from '../src/handler.ts';
import { transformTick } from '../src/process-record.ts';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

/** A Firehose transformation event as Firehose sends it (the shape of AWS's documented sample event). */
function firehoseEvent(...ticks: unknown[]): FirehoseTransformationEvent {
  return {
    invocationId: 'invocation-1',
    deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/ticks',
    region: 'us-east-1',
    records: ticks.map((tick, i) => ({
      recordId: `record-${i}`,
      approximateArrivalTimestamp: 1_700_000_000_000,
      data: encode(tick),
    })),
  };
}

test('transformTick writes one JSON line with the price in cents, and drops ticks without a positive price', () => {
  assert.equal(
    transformTick({ ticker: 'amzn', price: 181.5, event_time: 't' }),
    '{"ticker":"AMZN","price":181.5,"event_time":"t","priceInCents":18150}\n',
  );
  assert.equal(transformTick({ ticker: 'amzn', price: 0, event_time: 't' }), undefined);
});

test('the handler answers every record: Ok, Dropped or ProcessingFailed', async () => {
  const result = await handler(
    firehoseEvent({ ticker: 'amzn', price: 1 }, { ticker: 'amzn', price: 0 }, { ticker: 'amzn', price: 'n/a' }),
  );
  assert.deepEqual(
    result.records.map((r) => r.result),
    ['Ok', 'Dropped', 'ProcessingFailed'],
  );
});
