/**
 * Bad-input catalogue: the local Firehose API (Direct PUT over AWS JSON 1.1). Raw HTTP requests, each expecting the
 * AWS error type, the member it names (`at 'records.1.member.data'`) and a message with the limit or value. A refused
 * PutRecordBatch buffers none of its records.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type BadInput, catalogue, type Observed } from '../../core/test/support/bad-input.ts';
import { type FirehoseApi, startFirehoseApi } from '../src/firehose/api/server.ts';
import { deliverySettings, testDelivery } from './support/firehose.ts';

interface FirehoseRequest {
  readonly action: string;
  /** An object sent as JSON, or raw text. */
  readonly body?: unknown;
  readonly method?: string;
  readonly target?: string;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');
const aws = (code: string, message: RegExp, field?: string) =>
  field === undefined ? { code, message } : { code, field, message };

const rows: BadInput<FirehoseRequest>[] = [
  {
    name: 'an unknown action',
    input: { action: 'CreateDeliveryStream', body: {} },
    expect: aws('UnknownOperationException', /Unknown operation "Firehose_20150804.CreateDeliveryStream"/),
  },
  {
    name: 'an action named constructor (an Object method)',
    input: { action: 'constructor', body: {} },
    expect: aws('UnknownOperationException', /Unknown operation "Firehose_20150804.constructor"/),
  },
  {
    name: 'an action named toString',
    input: { action: 'toString', body: {} },
    expect: aws('UnknownOperationException', /Unknown operation "Firehose_20150804.toString"/),
  },
  {
    name: 'an action named hasOwnProperty',
    input: { action: 'hasOwnProperty', body: {} },
    expect: aws('UnknownOperationException', /Unknown operation "Firehose_20150804.hasOwnProperty"/),
  },
  {
    name: 'an action named __proto__',
    input: { action: '__proto__', body: {} },
    expect: aws('UnknownOperationException', /Unknown operation "Firehose_20150804.__proto__"/),
  },
  {
    name: 'a Kinesis target',
    input: { action: 'x', target: 'Kinesis_20131202.PutRecord', body: {} },
    expect: aws('UnknownOperationException', /Unknown operation "Kinesis_20131202.PutRecord"/),
  },
  {
    name: 'a GET',
    input: { action: 'PutRecord', method: 'GET' },
    expect: aws('UnknownOperationException', /Only POST is supported/),
  },
  {
    name: 'a body that is not JSON',
    input: { action: 'PutRecord', body: '{"DeliveryStreamName": ' },
    expect: aws('SerializationException', /The request body is not valid JSON/),
  },
  {
    name: 'a body that is a list',
    input: { action: 'PutRecord', body: '[]' },
    expect: aws('SerializationException', /The request body must be a JSON object/),
  },
  {
    name: 'a body that is null',
    input: { action: 'PutRecord', body: 'null' },
    expect: aws('SerializationException', /The request body must be a JSON object/),
  },
  {
    name: 'PutRecord without a delivery stream name',
    input: { action: 'PutRecord', body: { Record: { Data: b64('x') } } },
    expect: aws(
      'ValidationException',
      /Value at 'deliveryStreamName' failed to satisfy constraint: Member must not be null/,
      'deliveryStreamName',
    ),
  },
  {
    name: 'PutRecord with an empty delivery stream name',
    input: { action: 'PutRecord', body: { DeliveryStreamName: '', Record: { Data: b64('x') } } },
    expect: aws(
      'ValidationException',
      /Value '' at 'deliveryStreamName' failed to satisfy constraint: Member must have length greater than or equal to 1/,
      'deliveryStreamName',
    ),
  },
  {
    name: 'PutRecord with a 65-character name',
    input: { action: 'PutRecord', body: { DeliveryStreamName: 'n'.repeat(65), Record: { Data: b64('x') } } },
    expect: aws(
      'ValidationException',
      /at 'deliveryStreamName' failed to satisfy constraint: Member must have length less than or equal to 64/,
      'deliveryStreamName',
    ),
  },
  {
    name: 'PutRecord with a name that has a slash',
    input: { action: 'PutRecord', body: { DeliveryStreamName: 'a/b', Record: { Data: b64('x') } } },
    expect: aws(
      'ValidationException',
      /Value 'a\/b' at 'deliveryStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: \[a-zA-Z0-9_.-\]\+/,
      'deliveryStreamName',
    ),
  },
  {
    name: 'PutRecord with a name that is a number',
    input: { action: 'PutRecord', body: { DeliveryStreamName: 5, Record: { Data: b64('x') } } },
    expect: aws(
      'ValidationException',
      /at 'deliveryStreamName' failed to satisfy constraint: Member must not be null/,
      'deliveryStreamName',
    ),
  },
  {
    name: 'PutRecord to a delivery stream that does not exist',
    input: { action: 'PutRecord', body: { DeliveryStreamName: 'nope', Record: { Data: b64('x') } } },
    expect: aws('ResourceNotFoundException', /^Firehose nope under account 000000000000 not found\.$/),
  },
  {
    name: 'PutRecord without a record',
    input: { action: 'PutRecord', body: { DeliveryStreamName: 'clicks' } },
    expect: aws(
      'ValidationException',
      /at 'record.data' failed to satisfy constraint: Member must not be null/,
      'record.data',
    ),
  },
  {
    name: 'PutRecord with Data as a number',
    input: { action: 'PutRecord', body: { DeliveryStreamName: 'clicks', Record: { Data: 42 } } },
    expect: aws('SerializationException', /record.Data must be a base64 string \(got a number\)/),
  },
  {
    name: 'PutRecord with Data as an object',
    input: { action: 'PutRecord', body: { DeliveryStreamName: 'clicks', Record: { Data: { a: 1 } } } },
    expect: aws('SerializationException', /record.Data must be a base64 string \(got an object\)/),
  },
  {
    name: 'PutRecord with Data that is not base64',
    input: { action: 'PutRecord', body: { DeliveryStreamName: 'clicks', Record: { Data: 'hello world' } } },
    expect: aws('SerializationException', /record.Data is not valid base64/),
  },
  {
    name: 'PutRecord with base64 missing its padding',
    input: { action: 'PutRecord', body: { DeliveryStreamName: 'clicks', Record: { Data: 'QQ' } } },
    expect: aws('SerializationException', /record.Data is not valid base64/),
  },
  {
    name: 'PutRecord over 1000 KiB',
    input: {
      action: 'PutRecord',
      body: { DeliveryStreamName: 'clicks', Record: { Data: Buffer.alloc(1_024_001).toString('base64') } },
    },
    expect: aws(
      'ValidationException',
      /at 'record.data' failed to satisfy constraint: Member must have length less than or equal to 1024000/,
      'record.data',
    ),
  },
  {
    name: 'PutRecord into a stream-sourced delivery stream',
    input: { action: 'PutRecord', body: { DeliveryStreamName: 'archive', Record: { Data: b64('x') } } },
    expect: aws(
      'InvalidArgumentException',
      /This operation is not permitted on KinesisStreamAsSource delivery stream type/,
    ),
  },
  {
    name: 'PutRecordBatch without records',
    input: { action: 'PutRecordBatch', body: { DeliveryStreamName: 'clicks' } },
    expect: aws('ValidationException', /at 'records' failed to satisfy constraint: Member must not be null/, 'records'),
  },
  {
    name: 'PutRecordBatch with records as an object',
    input: { action: 'PutRecordBatch', body: { DeliveryStreamName: 'clicks', Records: { Data: b64('x') } } },
    expect: aws('ValidationException', /at 'records' failed to satisfy constraint: Member must not be null/, 'records'),
  },
  {
    name: 'PutRecordBatch with no records',
    input: { action: 'PutRecordBatch', body: { DeliveryStreamName: 'clicks', Records: [] } },
    expect: aws(
      'ValidationException',
      /at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1/,
      'records',
    ),
  },
  {
    name: 'PutRecordBatch with 501 records',
    input: {
      action: 'PutRecordBatch',
      body: { DeliveryStreamName: 'clicks', Records: Array.from({ length: 501 }, () => ({ Data: b64('x') })) },
    },
    expect: aws(
      'ValidationException',
      /at 'records' failed to satisfy constraint: Member must have length less than or equal to 500/,
      'records',
    ),
  },
  {
    name: 'PutRecordBatch with a record lacking data',
    input: { action: 'PutRecordBatch', body: { DeliveryStreamName: 'clicks', Records: [{ Data: b64('a') }, {}] } },
    expect: aws(
      'ValidationException',
      /at 'records.2.member.data' failed to satisfy constraint: Member must not be null/,
      'records.2.member.data',
    ),
  },
  {
    name: 'PutRecordBatch with a record that is null',
    input: { action: 'PutRecordBatch', body: { DeliveryStreamName: 'clicks', Records: [null] } },
    expect: aws(
      'ValidationException',
      /at 'records.1.member.data' failed to satisfy constraint: Member must not be null/,
      'records.1.member.data',
    ),
  },
  {
    name: 'PutRecordBatch with a record of bad base64',
    input: {
      action: 'PutRecordBatch',
      body: { DeliveryStreamName: 'clicks', Records: [{ Data: b64('a') }, { Data: '!!!!' }] },
    },
    expect: aws('SerializationException', /records.2.member.Data is not valid base64/),
  },
  {
    name: 'PutRecordBatch over 4 MiB',
    input: {
      action: 'PutRecordBatch',
      body: {
        DeliveryStreamName: 'clicks',
        Records: Array.from({ length: 5 }, () => ({ Data: Buffer.alloc(1_000_000).toString('base64') })),
      },
    },
    expect: aws('InvalidArgumentException', /Records size exceeds 4194304 bytes \(got 5000000\)/),
  },
  {
    name: 'PutRecordBatch into a stream-sourced delivery stream',
    input: { action: 'PutRecordBatch', body: { DeliveryStreamName: 'archive', Records: [{ Data: b64('x') }] } },
    expect: aws('InvalidArgumentException', /not permitted on KinesisStreamAsSource delivery stream type/),
  },
  {
    name: 'DescribeDeliveryStream of one that does not exist',
    input: { action: 'DescribeDeliveryStream', body: { DeliveryStreamName: 'ghost' } },
    expect: aws('ResourceNotFoundException', /Firehose ghost under account 000000000000 not found/),
  },
  {
    name: 'DescribeDeliveryStream without a name',
    input: { action: 'DescribeDeliveryStream', body: {} },
    expect: aws(
      'ValidationException',
      /at 'deliveryStreamName' failed to satisfy constraint: Member must not be null/,
      'deliveryStreamName',
    ),
  },
  {
    name: 'ListDeliveryStreams with a Limit of 0',
    input: { action: 'ListDeliveryStreams', body: { Limit: 0 } },
    expect: aws(
      'ValidationException',
      /Value '0' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000/,
      'limit',
    ),
  },
  {
    name: 'ListDeliveryStreams with a Limit as text',
    input: { action: 'ListDeliveryStreams', body: { Limit: '5' } },
    expect: aws('SerializationException', /Limit must be an integer \(got "5"\)/),
  },
  {
    name: 'ListDeliveryStreams with an unknown type',
    input: { action: 'ListDeliveryStreams', body: { DeliveryStreamType: 'Direct' } },
    expect: aws(
      'ValidationException',
      /Value 'Direct' at 'deliveryStreamType' failed to satisfy constraint: Member must satisfy enum value set: \[DirectPut, KinesisStreamAsSource, MSKAsSource, DatabaseAsSource\]/,
      'deliveryStreamType',
    ),
  },
];

describe('bad input: the local Firehose API (Direct PUT)', () => {
  let api: FirehoseApi;
  const direct = testDelivery(deliverySettings('compression: UNCOMPRESSED'), { name: 'clicks' });
  const fromStream = testDelivery(deliverySettings(''), { name: 'archive', type: 'KinesisStreamAsSource' });
  before(async () => {
    api = await startFirehoseApi({ deliveryStreams: [direct.stream, fromStream.stream] });
  });
  after(() => api?.close());

  catalogue(rows, async (request) => {
    const body =
      request.body === undefined
        ? undefined
        : typeof request.body === 'string'
          ? request.body
          : JSON.stringify(request.body);
    const response = await fetch(`${api.endpoint}/`, {
      method: request.method ?? 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': request.target ?? `Firehose_20150804.${request.action}`,
      },
      ...(body !== undefined && { body }),
    });
    const answer = (await response.json()) as { __type: string; message: string };
    assert.ok(response.status >= 400 && response.status < 500, `HTTP ${response.status}: ${answer.message}`);
    assert.equal(response.headers.get('x-amzn-errortype'), answer.__type);
    return {
      code: answer.__type,
      field: /at '([^']+)'/.exec(answer.message)?.[1],
      message: answer.message,
    } satisfies Observed;
  });

  test('a refused PutRecordBatch buffers none of its records, not even the valid ones', async () => {
    const before = direct.stream.counts.incoming;
    for (const bad of [{}, { Data: '!!!!' }, { Data: 7 }]) {
      const response = await fetch(`${api.endpoint}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Firehose_20150804.PutRecordBatch' },
        body: JSON.stringify({ DeliveryStreamName: 'clicks', Records: [{ Data: b64('ok') }, bad] }),
      });
      assert.equal(response.status, 400);
    }
    assert.equal(direct.stream.counts.incoming, before);
  });
});
