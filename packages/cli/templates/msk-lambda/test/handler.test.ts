import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Context } from 'aws-lambda';
import { handler } from '../src/handler.ts';
import { processTick } from '../src/process-record.ts';

/** An MSK event as Lambda sends it: records grouped by `<topic>-<partition>`, values in base64. */
function mskEvent(...ticks: unknown[]) {
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/ticks/abcd1234-0123-4567-89ab-cdef01234567-1',
    bootstrapServers: 'b-1.ticks.abc123.c2.kafka.us-east-1.amazonaws.com:9098',
    records: {
      'ticks-0': ticks.map((tick, offset) => ({
        topic: 'ticks',
        partition: 0,
        offset,
        timestamp: 1_700_000_000_000,
        timestampType: 'CREATE_TIME',
        key: Buffer.from('AMZN').toString('base64'),
        value: Buffer.from(JSON.stringify(tick)).toString('base64'),
        headers: [],
      })),
    },
  };
}

test('processTick turns a price into cents and refuses a tick without a positive price', () => {
  assert.deepEqual(processTick({ ticker: 'AMZN', price: 181.5, event_time: '2026-01-01 12:00:00.000' }), {
    ticker: 'AMZN',
    priceInCents: 18150,
  });
  assert.throws(() => processTick({ ticker: 'AMZN', price: -1, event_time: '' }), /positive number/);
});

test('the handler reports the first bad record of its partition, to be retried from there', async () => {
  const event = mskEvent(
    { ticker: 'AMZN', price: 181.5 },
    { ticker: 'AMZN', price: 'n/a' },
    { ticker: 'AMZN', price: 1 },
  );
  const response = await handler(event as never, {} as Context);
  assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: { partition: 'ticks-0', offset: 1 } }] });
});
