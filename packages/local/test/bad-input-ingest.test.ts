/**
 * Bad-input catalogue: the local ingest API (the API Gateway REST API of apigw-kinesis-lambda) in front of a real
 * local Kinesis engine. Routes, methods, auth of each mode, content types, JSON syntax, the request models and the
 * Kinesis limits; each row expects the HTTP status with API Gateway's error type, the field the message names and the
 * rule with the value received. A refused request writes nothing to the stream.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type IngestAuth, LIMITS, LOCAL_API_KEY, LOCAL_ID_TOKEN } from '@streamkit/core';
import { type BadInput, catalogue, type Observed } from '../../core/test/support/bad-input.ts';
import { type IngestApi, startIngestApi } from '../src/ingest-api/index.ts';
import { type KinesisEngine, startKinesisEngine } from '../src/kinesis/index.ts';

const STREAM = 'ingest-bad-input';

interface IngestRequest {
  /** Which API: one per auth mode. @default 'apiKey' */
  readonly auth?: IngestAuth;
  readonly path?: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** An object sent as JSON, or raw text / bytes. */
  readonly body?: unknown;
}

/** `400 BadRequestException`: the status and API Gateway's `x-amzn-ErrorType`, when it sends one. */
const answer = (code: string, message: RegExp, field?: string) =>
  field === undefined ? { code, message } : { code, field, message };
const bad = (message: RegExp, field?: string) => answer('400 BadRequestException', message, field);

const key = (n: number) => 'k'.repeat(n);

const rows: BadInput<IngestRequest>[] = [
  // Routes and methods.
  { name: 'a path that is not a route', input: { path: '/recordz', body: {} }, expect: answer('404', /^Not Found$/) },
  { name: 'the root path', input: { path: '/', body: {} }, expect: answer('404', /^Not Found$/) },
  {
    name: 'a route with a trailing slash',
    input: { path: '/record/', body: {} },
    expect: answer('404', /^Not Found$/),
  },
  { name: 'a route in capitals', input: { path: '/RECORD', body: {} }, expect: answer('404', /^Not Found$/) },
  { name: 'GET on /record', input: { method: 'GET' }, expect: answer('405', /^Method Not Allowed$/) },
  {
    name: 'PUT on /records',
    input: { path: '/records', method: 'PUT', body: {} },
    expect: answer('405', /^Method Not Allowed$/),
  },
  { name: 'DELETE on /record', input: { method: 'DELETE' }, expect: answer('405', /^Method Not Allowed$/) },
  // Auth, in each mode.
  {
    name: 'apiKey: no x-api-key',
    input: { headers: { 'x-api-key': '' }, body: { data: 'x', partitionKey: 'k' } },
    expect: answer('403 ForbiddenException', /^Forbidden$/),
  },
  {
    name: 'apiKey: a wrong x-api-key',
    input: { headers: { 'x-api-key': 'guess' }, body: { data: 'x', partitionKey: 'k' } },
    expect: answer('403 ForbiddenException', /^Forbidden$/),
  },
  {
    name: 'cognito: no Authorization',
    input: { auth: 'cognito', body: { data: 'x', partitionKey: 'k' } },
    expect: answer('401 UnauthorizedException', /^Unauthorized$/),
  },
  {
    name: 'cognito: a wrong token',
    input: { auth: 'cognito', headers: { authorization: 'Bearer nope' }, body: { data: 'x', partitionKey: 'k' } },
    expect: answer('401 UnauthorizedException', /^Unauthorized$/),
  },
  {
    name: 'iam: an unsigned request',
    input: { auth: 'iam', body: { data: 'x', partitionKey: 'k' } },
    expect: answer('403 MissingAuthenticationTokenException', /^Missing Authentication Token$/),
  },
  {
    name: 'iam: an Authorization that is not SigV4',
    input: { auth: 'iam', headers: { authorization: 'Basic dXNlcjpwYXNz' }, body: { data: 'x', partitionKey: 'k' } },
    expect: answer(
      '403 IncompleteSignatureException',
      /^Authorization header must use the AWS4-HMAC-SHA256 algorithm \(AWS Signature Version 4\), not 'Basic'\. Authorization header requires 'Credential' parameter/,
    ),
  },
  {
    name: 'iam: a SigV4 header missing its parts',
    input: {
      auth: 'iam',
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x' },
      body: { data: 'x', partitionKey: 'k' },
    },
    expect: answer(
      '403 IncompleteSignatureException',
      /Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter/,
    ),
  },
  {
    name: 'iam: an access key the API does not know',
    input: {
      auth: 'iam',
      headers: {
        'x-amz-date': '20260101T000000Z',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDUNKNOWN/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
      },
      body: { data: 'x', partitionKey: 'k' },
    },
    expect: answer('403 UnrecognizedClientException', /^The security token included in the request is invalid\.$/),
  },
  // Content type, size, encoding, JSON syntax.
  {
    name: 'a text/plain body',
    input: { headers: { 'content-type': 'text/plain' }, body: '{"data":"x","partitionKey":"k"}' },
    expect: answer('415', /^Unsupported Media Type$/),
  },
  {
    name: 'a form body',
    input: { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'data=x' },
    expect: answer('415', /^Unsupported Media Type$/),
  },
  {
    name: 'a body over 10 MiB',
    input: { body: 'x'.repeat(LIMITS.apiGateway.payloadMaxBytes.value + 1) },
    expect: answer('413', /Request Too Long: the body is 10485761 bytes, over the limit of 10485760 bytes/),
  },
  {
    name: 'a body that is not UTF-8',
    input: { body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) },
    expect: bad(/The request body is not valid UTF-8 text/),
  },
  {
    name: 'an empty body',
    input: { body: '' },
    expect: bad(/The request body is empty; expected \{"data": …, "partitionKey": "…"\}/),
  },
  {
    name: 'an empty body on /records',
    input: { path: '/records', body: '   ' },
    expect: bad(/The request body is empty; expected \{"records": \[/),
  },
  {
    name: 'JSON cut short, with its position',
    input: { body: '{"data": "x",' },
    expect: bad(
      /not valid JSON: expected a property name in double quotes but found the end of the body at line 1, column 14/,
    ),
  },
  {
    name: 'JSON with single quotes, with its position',
    input: { body: "{'data': 1}" },
    expect: bad(/not valid JSON: expected a property name in double quotes but found "'" at line 1, column 2/),
  },
  {
    name: 'JSON with a trailing comma on line 3',
    input: { body: '{\n"data": 1,\n}' },
    expect: bad(/not valid JSON: expected a property name in double quotes but found "}" at line 3, column 1/),
  },
  {
    name: 'JSON with two values',
    input: { body: '{} {}' },
    expect: bad(/not valid JSON: expected the end of the body after the JSON value but found "\{" at line 1, column 4/),
  },
  {
    name: 'JSON with a bad escape',
    input: { body: '{"data": "\\x"}' },
    expect: bad(/not valid JSON: expected an escape such as/),
  },
  {
    name: 'JSON with a raw control character',
    input: { body: '{"data": "a\u0001"}' },
    expect: bad(/control character U\+0001/),
  },
  // The request models.
  {
    name: 'PutRecord: a body that is a list',
    input: { body: [] },
    expect: bad(/^The request body must be an object \(got an array\)$/),
  },
  {
    name: 'PutRecord: a body that is null',
    input: { body: null },
    expect: bad(/^The request body must be an object \(got null\)$/),
  },
  {
    name: 'PutRecord: no partition key',
    input: { body: { data: 'x' } },
    expect: bad(/^partitionKey is required$/, 'partitionKey'),
  },
  { name: 'PutRecord: no data', input: { body: { partitionKey: 'k' } }, expect: bad(/^data is required$/, 'data') },
  {
    name: 'PutRecord: data that is null',
    input: { body: { data: null, partitionKey: 'k' } },
    expect: bad(/^data must be a string, object, array, number or boolean \(got null\)$/, 'data'),
  },
  {
    name: 'PutRecord: a partition key that is a number',
    input: { body: { data: 'x', partitionKey: 5 } },
    expect: bad(/^partitionKey must be a string \(got 5\)$/, 'partitionKey'),
  },
  {
    name: 'PutRecord: an empty partition key',
    input: { body: { data: 'x', partitionKey: '' } },
    expect: bad(/^partitionKey must be at least 1 character \(got 0\)$/, 'partitionKey'),
  },
  {
    name: 'PutRecord: a partition key of 257 characters',
    input: { body: { data: 'x', partitionKey: key(257) } },
    expect: bad(/^partitionKey must be at most 256 characters \(got 257\)$/, 'partitionKey'),
  },
  {
    name: 'PutRecord: an unknown field, with a suggestion',
    input: { body: { data: 'x', partitionkey: 'k' } },
    expect: bad(
      /^2 problems: partitionKey is required; partitionkey is not allowed \(allowed fields: data, partitionKey, explicitHashKey\), did you mean "partitionKey"\?$/,
    ),
  },
  {
    name: 'PutRecord: the Kinesis wire names',
    input: { body: { Data: 'eA==', PartitionKey: 'k' } },
    expect: bad(/problems: .*Data is not allowed .*did you mean "data"\?/),
  },
  {
    name: 'PutRecord: a hash key with a leading zero',
    input: { body: { data: 'x', partitionKey: 'k', explicitHashKey: '01' } },
    expect: bad(
      /^explicitHashKey must be a whole number from 0 to 2\^128 - 1 written in decimal without leading zeros \(got "01"\)$/,
      'explicitHashKey',
    ),
  },
  {
    name: 'PutRecord: a hash key of 2^128',
    input: { body: { data: 'x', partitionKey: 'k', explicitHashKey: (1n << 128n).toString() } },
    expect: bad(
      /^explicitHashKey must be at most 340282366920938463463374607431768211455 \(2\^128 - 1\) \(got "340282366920938463463374607431768211456"\)$/,
      'explicitHashKey',
    ),
  },
  {
    name: 'PutRecord: a hash key that is a number',
    input: { body: { data: 'x', partitionKey: 'k', explicitHashKey: 5 } },
    expect: bad(/^explicitHashKey must be a string \(got 5\)$/, 'explicitHashKey'),
  },
  {
    name: 'PutRecord: a record over 1 MiB',
    input: { body: { data: 'x'.repeat(LIMITS.kinesis.recordMaxBytes.value), partitionKey: 'k' } },
    expect: bad(
      /^The record is 1048577 bytes \(data 1048576 \+ partition key 1\), over the Kinesis limit of 1048576 bytes per record$/,
    ),
  },
  {
    name: 'PutRecords: no records field',
    input: { path: '/records', body: {} },
    expect: bad(/^records is required$/, 'records'),
  },
  {
    name: 'PutRecords: records as an object',
    input: { path: '/records', body: { records: {} } },
    expect: bad(/^records must be an array \(got an object\)$/, 'records'),
  },
  {
    name: 'PutRecords: no records',
    input: { path: '/records', body: { records: [] } },
    expect: bad(/^records must have at least 1 record \(got 0\)$/, 'records'),
  },
  {
    name: 'PutRecords: 501 records',
    input: {
      path: '/records',
      body: { records: Array.from({ length: 501 }, () => ({ data: 'x', partitionKey: 'k' })) },
    },
    expect: bad(/^records must have at most 500 records \(got 501\)$/, 'records'),
  },
  {
    name: 'PutRecords: a record that is a string',
    input: { path: '/records', body: { records: ['x'] } },
    expect: bad(/^records\[0\] must be an object \(got "x"\)$/, 'records[0]'),
  },
  {
    name: 'PutRecords: the third record without a key',
    input: {
      path: '/records',
      body: { records: [{ data: 1, partitionKey: 'a' }, { data: 2, partitionKey: 'b' }, { data: 3 }] },
    },
    expect: bad(/^records\[2\].partitionKey is required$/, 'records[2].partitionKey'),
  },
  {
    name: 'PutRecords: every problem at once',
    input: {
      path: '/records',
      body: { records: [{ data: 1 }, { partitionKey: '' }, { data: 1, partitionKey: 'k', x: 1 }] },
    },
    expect: bad(
      /^4 problems: records\[0\].partitionKey is required; records\[1\].data is required; records\[1\].partitionKey must be at least 1 character \(got 0\); records\[2\].x is not allowed/,
    ),
  },
  {
    name: 'PutRecords: an unknown top-level field',
    input: { path: '/records', body: { records: [{ data: 1, partitionKey: 'k' }], streamName: 's' } },
    expect: bad(/^streamName is not allowed \(allowed fields: records\)$/, 'streamName'),
  },
  {
    name: 'PutRecords: a batch over 5 MiB',
    input: {
      path: '/records',
      body: { records: Array.from({ length: 6 }, (_, i) => ({ data: 'x'.repeat(1_000_000), partitionKey: `k${i}` })) },
    },
    expect: bad(
      /^The batch is 6000012 bytes \(data and partition keys of 6 records\), over the Kinesis limit of 5242880 bytes per PutRecords request$/,
    ),
  },
  {
    name: 'PutRecords: one record over 1 MiB among good ones',
    input: {
      path: '/records',
      body: {
        records: [
          { data: 'ok', partitionKey: 'k' },
          { data: 'x'.repeat(1_048_576), partitionKey: 'k' },
        ],
      },
    },
    expect: bad(/^records\[1\] is 1048577 bytes \(data 1048576 \+ partition key 1\), over the Kinesis limit/),
  },
];

describe('bad input: the local ingest API', () => {
  let engine: KinesisEngine;
  const apis = new Map<IngestAuth, IngestApi>();
  before(async () => {
    engine = await startKinesisEngine({ tls: false });
    await engine.dispatch('CreateStream', { StreamName: STREAM, ShardCount: 1 });
    for (const auth of ['apiKey', 'cognito', 'iam'] as const) {
      apis.set(
        auth,
        await startIngestApi({
          port: 0,
          streamName: STREAM,
          writer: engine,
          auth,
          throttling: { rateLimit: 10_000, burstLimit: 5000 },
        }),
      );
    }
  });
  after(async () => {
    for (const api of apis.values()) await api.close();
    await engine?.close();
  });

  catalogue(rows, async (request) => {
    const auth = request.auth ?? 'apiKey';
    const body =
      request.body === undefined
        ? undefined
        : typeof request.body === 'string' || Buffer.isBuffer(request.body)
          ? request.body
          : JSON.stringify(request.body);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...(auth === 'apiKey' && { 'x-api-key': LOCAL_API_KEY }),
      ...request.headers,
    };
    const response = await fetch(`${apis.get(auth)!.url}${request.path ?? '/record'}`, {
      method: request.method ?? 'POST',
      headers,
      ...(body !== undefined && { body }),
    });
    const { message } = (await response.json()) as { message: string };
    const type = response.headers.get('x-amzn-errortype');
    return {
      code: type ? `${response.status} ${type}` : String(response.status),
      // The field a message starts with: `records[2].partitionKey is required`.
      field: /^((?:[A-Za-z_$][\w$]*|\[\d+\])(?:\.[A-Za-z_$][\w$]*|\[\d+\])*) (?:must|is) /.exec(message)?.[1],
      message,
    } satisfies Observed;
  });

  test('a refused request writes nothing to the stream, a valid one is written', async () => {
    const api = apis.get('apiKey')!;
    const send = (body: unknown) =>
      fetch(`${api.url}/records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': LOCAL_API_KEY },
        body: JSON.stringify(body),
      });
    const good = { data: { ok: true }, partitionKey: 'k' };
    assert.equal((await send({ records: [good, { data: 1 }] })).status, 400);
    assert.equal((await send({ records: [good, { data: 'x'.repeat(1_048_576), partitionKey: 'k' }] })).status, 400);
    const { ShardIterator } = await engine.dispatch('GetShardIterator', {
      StreamName: STREAM,
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    });
    assert.equal((await engine.dispatch('GetRecords', { ShardIterator })).Records.length, 0);
    assert.equal((await send({ records: [good] })).status, 200);
    const after = await engine.dispatch('GetRecords', { ShardIterator });
    assert.deepEqual(
      after.Records.map((r: { Data: string }) => Buffer.from(r.Data, 'base64').toString()),
      ['{"ok":true}'],
    );
  });

  test('the cognito and apiKey APIs take what they should (the rows above are refused for their reason only)', async () => {
    const record = JSON.stringify({ data: 'x', partitionKey: 'k' });
    const cognito = await fetch(`${apis.get('cognito')!.url}/record`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: LOCAL_ID_TOKEN },
      body: record,
    });
    assert.equal(cognito.status, 200);
    const apiKey = await fetch(`${apis.get('apiKey')!.url}/record`, {
      method: 'POST',
      headers: { 'content-type': 'Application/JSON; charset=utf-8', 'x-api-key': LOCAL_API_KEY },
      body: record,
    });
    assert.equal(apiKey.status, 200, 'a JSON content type with parameters is JSON');
  });
});
