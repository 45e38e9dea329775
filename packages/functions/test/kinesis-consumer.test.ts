import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { Context, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { handler } from '../src/kinesis-consumer/handler.ts';
import { decodeRecord, processRecord } from '../src/kinesis-consumer/process-record.ts';

/** The sample event of the AWS Lambda Developer Guide ("Using Lambda with Kinesis"). */
const sample: KinesisStreamEvent = JSON.parse(
  readFileSync(new URL('./events/kinesis-sample.json', import.meta.url), 'utf8'),
);

function kinesisRecord(data: string | object, sequenceNumber = '1'): KinesisStreamRecord {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  const base = structuredClone(sample.Records[0]!);
  return { ...base, kinesis: { ...base.kinesis, sequenceNumber, data: Buffer.from(text).toString('base64') } };
}

const context = {
  functionName: 'test',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

const silent = { info: () => {} };

describe('decodeRecord', () => {
  test('decodes the AWS sample record as text', () => {
    const decoded = decodeRecord(sample.Records[0]!);
    assert.equal(decoded.text, 'Hello, this is a test.');
    assert.equal(decoded.json, undefined);
    assert.equal(decoded.arrivedAt.toISOString(), '2018-12-17T22:10:50.987Z');
  });

  test('parses JSON data', () => {
    const decoded = decodeRecord(kinesisRecord({ ticker: 'AMZN', price: 181.5 }));
    assert.deepEqual(decoded.json, { ticker: 'AMZN', price: 181.5 });
  });

  test('throws on a record without data, which fails that record only', () => {
    const broken = { ...sample.Records[0]!, kinesis: { partitionKey: 'x' } } as unknown as KinesisStreamRecord;
    assert.throws(() => decodeRecord(broken), /malformed Kinesis record/);
  });
});

describe('processRecord', () => {
  test('logs the decoded record', () => {
    const lines: unknown[] = [];
    processRecord(kinesisRecord({ n: 1 }), { info: (_m, extra) => lines.push(extra) });
    assert.deepEqual((lines[0] as { data: unknown }).data, { n: 1 });
  });
});

describe('handler', () => {
  test('answers a fully processed batch with no item failures', async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    assert.deepEqual(await handler(sample, context), { batchItemFailures: [] });
  });

  test('reports only the malformed record as failed', async () => {
    const broken = { ...sample.Records[1]!, kinesis: { sequenceNumber: '42' } } as unknown as KinesisStreamRecord;
    const result = await handler({ Records: [sample.Records[0]!, broken] }, context);
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: '42' }] });
  });

  test('a record logger can be silent', () => {
    assert.equal(processRecord(kinesisRecord('plain text'), silent).text, 'plain text');
  });
});
