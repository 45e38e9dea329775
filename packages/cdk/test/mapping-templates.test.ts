import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { recordBytes } from '@streamkit/core';
import {
  BAD_REQUEST_BODY_RESPONSE_TEMPLATE,
  CLIENT_ERROR_RESPONSE_TEMPLATE,
  putRecordRequestTemplate,
  putRecordsRequestTemplate,
  SERVER_ERROR_RESPONSE_TEMPLATE,
  SUCCESS_RESPONSE_TEMPLATE,
} from '../src/ingest/mapping-templates.ts';
import { renderTemplate } from './support/velocity.ts';

interface KinesisEntry {
  readonly Data: string;
  readonly PartitionKey: string;
  readonly ExplicitHashKey?: string;
}

const STREAM = 'pipeline-stream';

function putRecord(body: unknown): KinesisEntry & { StreamName: string } {
  return JSON.parse(renderTemplate(putRecordRequestTemplate(STREAM), { body: JSON.stringify(body) }));
}

function putRecords(body: unknown): { StreamName: string; Records: KinesisEntry[] } {
  return JSON.parse(renderTemplate(putRecordsRequestTemplate(STREAM), { body: JSON.stringify(body) }));
}

const bytes = (entry: KinesisEntry) => Buffer.from(entry.Data, 'base64');

// Every JSON type `data` may have, with text that needs escaping in JSON and in base64.
const DATA_VALUES: [string, unknown][] = [
  ['plain text', 'hello'],
  ['text with quotes, backslashes, a newline and non-ASCII characters', 'say "hi" \\ to\nZoë 👋'],
  ['text that is itself JSON', '{"a":1}'],
  ['an object', { order: 42, items: ['a', 'b'], nested: { ok: true, none: null } }],
  ['an array', [1, 'two', false]],
  ['a number', 3.5],
  ['a boolean', false],
];

describe('the PutRecord mapping template', () => {
  for (const [what, data] of DATA_VALUES) {
    test(`stores ${what} as the bytes core's recordBytes gives`, () => {
      const request = putRecord({ data, partitionKey: 'k' });
      assert.deepEqual(bytes(request), recordBytes(data));
    });
  }

  test('writes to the stream and passes the partition key through, quotes and all', () => {
    const request = putRecord({ data: 'x', partitionKey: 'user "7" \\ é' });
    assert.equal(request.StreamName, STREAM);
    assert.equal(request.PartitionKey, 'user "7" \\ é');
    assert.equal('ExplicitHashKey' in request, false);
  });

  test('passes an explicit hash key through when one is given', () => {
    const request = putRecord({
      data: 'x',
      partitionKey: 'k',
      explicitHashKey: '340282366920938463463374607431768211455',
    });
    assert.equal(request.ExplicitHashKey, '340282366920938463463374607431768211455');
  });
});

describe('the PutRecords mapping template', () => {
  test('turns every record into an entry, in order, each following the recordBytes rule', () => {
    const records = DATA_VALUES.map(([, data], i) => ({ data, partitionKey: `key-${i}` }));
    const request = putRecords({ records });
    assert.equal(request.StreamName, STREAM);
    assert.deepEqual(
      request.Records.map((r) => r.PartitionKey),
      records.map((r) => r.partitionKey),
    );
    for (const [i, entry] of request.Records.entries()) {
      assert.deepEqual(bytes(entry), recordBytes(records[i]!.data));
    }
  });

  test('an explicit hash key belongs to its own record only, never to the records after it', () => {
    const request = putRecords({
      records: [
        { data: 'a', partitionKey: 'a' },
        { data: 'b', partitionKey: 'b', explicitHashKey: '12345' },
        { data: 'c', partitionKey: 'c' },
      ],
    });
    assert.deepEqual(
      request.Records.map((r) => r.ExplicitHashKey),
      [undefined, '12345', undefined],
    );
  });

  test('a single record makes a one-entry request', () => {
    assert.equal(putRecords({ records: [{ data: { a: 1 }, partitionKey: 'p' }] }).Records.length, 1);
  });
});

describe('the integration response templates', () => {
  test('a Kinesis success is passed through unchanged', () => {
    const body =
      '{"SequenceNumber":"49590338271490256608559692538361571095921575989136588898","ShardId":"shardId-000000000001"}';
    assert.equal(renderTemplate(SUCCESS_RESPONSE_TEMPLATE, { body }), body);
  });

  test('a Kinesis client error becomes {message, type} with Kinesis’ message and error type', () => {
    const body = JSON.stringify({
      __type: 'ResourceNotFoundException',
      message: "Stream 'orders' under account 123456789012 not found.",
    });
    assert.deepEqual(JSON.parse(renderTemplate(CLIENT_ERROR_RESPONSE_TEMPLATE, { body })), {
      message: "Stream 'orders' under account 123456789012 not found.",
      type: 'ResourceNotFoundException',
    });
  });

  test('a client error that spells its message "Message" is read as well', () => {
    const body = JSON.stringify({ __type: 'SerializationException', Message: 'Start of structure or map found "x"' });
    assert.deepEqual(JSON.parse(renderTemplate(CLIENT_ERROR_RESPONSE_TEMPLATE, { body })), {
      message: 'Start of structure or map found "x"',
      type: 'SerializationException',
    });
  });

  test('a client error without a message or type still answers valid JSON', () => {
    assert.deepEqual(JSON.parse(renderTemplate(CLIENT_ERROR_RESPONSE_TEMPLATE, { body: '{}' })), {
      message: 'Kinesis rejected the request',
      type: 'KinesisError',
    });
  });

  test('a Kinesis server error reveals nothing but "Internal server error"', () => {
    const body = JSON.stringify({ __type: 'InternalFailure', message: 'shard host 10.0.0.7 down' });
    assert.deepEqual(JSON.parse(renderTemplate(SERVER_ERROR_RESPONSE_TEMPLATE, { body })), {
      message: 'Internal server error',
    });
  });

  test('the bad-request-body answer stays valid JSON when the validation error has double and single quotes', () => {
    const validationErrorString = `[object has missing required properties (["partitionKey"]), instance type (integer) does not match any allowed primitive type (allowed: ["string"]) at 'data']`;
    const rendered = renderTemplate(BAD_REQUEST_BODY_RESPONSE_TEMPLATE, {
      body: '',
      context: { error: { validationErrorString } },
    });
    assert.deepEqual(JSON.parse(rendered), { message: `Invalid request body: ${validationErrorString}` });
  });
});
