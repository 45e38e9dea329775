import assert from 'node:assert/strict';
import diagnostics_channel from 'node:diagnostics_channel';
import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { after, describe, test } from 'node:test';
import {
  LIMITS,
  LOCAL_API_KEY,
  LOCAL_CREDENTIALS,
  LOCAL_ID_TOKEN,
  LOCAL_REGION,
  recordBytes,
  StreamkitError,
} from '@streamkit/core';
import { IngestClient, type IngestRecord, stockTicker } from '@streamkit/producer';
import fc from 'fast-check';
import { amzDate, referenceSign } from '../../producer/test/support/sigv4-reference.ts';
import {
  INGEST_REQUEST_CHANNEL,
  type IngestApi,
  type IngestApiOptions,
  type IngestRequestMessage,
  type KinesisWriter,
  locateJsonError,
  startIngestApi,
} from '../src/ingest-api/index.ts';
import { KinesisServiceError } from '../src/kinesis/errors.ts';

const STREAM = 'ingest-test-stream';
const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------------
// A fake Kinesis that honours the wire contract of the engine's dispatch and remembers what it stored.

interface StoredRecord {
  readonly data: Buffer;
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
}

interface WireRecord {
  Data?: unknown;
  PartitionKey?: unknown;
  ExplicitHashKey?: unknown;
}

class FakeKinesis implements KinesisWriter {
  readonly calls: { action: string; input: Record<string, unknown> }[] = [];
  readonly stored: StoredRecord[] = [];
  /** Decides, per record, to refuse it (PutRecords) — a per-record ErrorCode. */
  refuse: (record: StoredRecord, attempt: number) => string | undefined = () => undefined;
  /** Thrown instead of answering, when set. */
  fail: unknown;
  delayMs = 0;
  private sequence = 0;
  private readonly attempts = new Map<string, number>();

  async dispatch(action: 'PutRecord' | 'PutRecords', input: object): Promise<object> {
    const body = input as Record<string, unknown>;
    this.calls.push({ action, input: body });
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.fail !== undefined) throw this.fail;
    if (body.StreamName !== STREAM) {
      throw new KinesisServiceError('ResourceNotFoundException', `Stream ${String(body.StreamName)} not found.`);
    }
    if (action === 'PutRecord') {
      const record = this.decode(body as WireRecord);
      this.stored.push(record);
      return this.acknowledge();
    }
    if (!Array.isArray(body.Records) || body.Records.length < 1 || body.Records.length > 500) {
      throw new KinesisServiceError('ValidationException', 'Records must have 1 to 500 entries');
    }
    const decoded = (body.Records as WireRecord[]).map((r) => this.decode(r));
    const Records = decoded.map((record) => {
      const key = record.data.toString('base64');
      const attempt = (this.attempts.get(key) ?? 0) + 1;
      this.attempts.set(key, attempt);
      const errorCode = this.refuse(record, attempt);
      if (errorCode !== undefined) return { ErrorCode: errorCode, ErrorMessage: `refused by the test (${errorCode})` };
      this.stored.push(record);
      return this.acknowledge();
    });
    return { FailedRecordCount: Records.filter((r) => 'ErrorCode' in r).length, Records };
  }

  private decode(wire: WireRecord): StoredRecord {
    if (typeof wire.Data !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(wire.Data)) {
      throw new KinesisServiceError('SerializationException', 'Data must be base64');
    }
    if (typeof wire.PartitionKey !== 'string' || wire.PartitionKey.length < 1 || wire.PartitionKey.length > 256) {
      throw new KinesisServiceError('ValidationException', 'PartitionKey must be 1 to 256 characters');
    }
    const data = Buffer.from(wire.Data, 'base64');
    if (data.length + Buffer.byteLength(wire.PartitionKey) > MiB) {
      throw new KinesisServiceError('ValidationException', 'record over 1 MiB');
    }
    return typeof wire.ExplicitHashKey === 'string'
      ? { data, partitionKey: wire.PartitionKey, explicitHashKey: wire.ExplicitHashKey }
      : { data, partitionKey: wire.PartitionKey };
  }

  private acknowledge() {
    this.sequence++;
    return {
      SequenceNumber: `49590338271490256608559692538361571095921575989136588898${String(this.sequence).padStart(4, '0')}`,
      ShardId: 'shardId-000000000000',
    };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

const servers: IngestApi[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function startApi(options: Partial<IngestApiOptions> = {}) {
  const kinesis = new FakeKinesis();
  const api = await startIngestApi({
    port: 0,
    streamName: STREAM,
    writer: kinesis,
    auth: 'apiKey',
    throttling: { rateLimit: 10_000, burstLimit: 5000 },
    ...options,
  });
  servers.push(api);
  return { api, kinesis };
}

interface Answer {
  readonly status: number;
  readonly body: { message?: string; type?: string; [key: string]: unknown };
  readonly headers: Headers;
}

const API_KEY_HEADERS = { 'content-type': 'application/json', 'x-api-key': LOCAL_API_KEY };

async function post(
  api: IngestApi,
  path: string,
  body: unknown,
  headers: Record<string, string> = API_KEY_HEADERS,
  method = 'POST',
): Promise<Answer> {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers,
    ...(method === 'GET'
      ? {}
      : { body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), headers: response.headers };
}

/** Asserts the answer and that nothing reached Kinesis. */
function assertRefused(answer: Answer, kinesis: FakeKinesis, status: number, message: string | RegExp) {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  if (typeof message === 'string') assert.equal(answer.body.message, message);
  else assert.match(answer.body.message ?? '', message);
  assert.equal(kinesis.calls.length, 0, 'the writer was never called');
  assert.equal(kinesis.stored.length, 0, 'nothing stored');
}

const record = (i: number, extra: Record<string, unknown> = {}) => ({
  data: { ticker: 'AMZN', price: 100 + i },
  partitionKey: `key-${i}`,
  ...extra,
});

// ---------------------------------------------------------------------------------------------------------------

describe('ingest API routes', () => {
  test('POST /record writes one record with PutRecord and answers the Kinesis response', async () => {
    const { api, kinesis } = await startApi();
    const answer = await post(api, '/record', { data: 'hello', partitionKey: 'greeting' });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('content-type'), 'application/json');
    assert.ok(answer.headers.get('x-amzn-requestid'));
    assert.deepEqual(Object.keys(answer.body).sort(), ['SequenceNumber', 'ShardId']);
    assert.equal(answer.body.ShardId, 'shardId-000000000000');
    assert.deepEqual(kinesis.calls, [
      {
        action: 'PutRecord',
        input: { StreamName: STREAM, Data: Buffer.from('hello').toString('base64'), PartitionKey: 'greeting' },
      },
    ]);
  });

  test('POST /records writes the batch in order with PutRecords and passes FailedRecordCount through', async () => {
    const { api, kinesis } = await startApi();
    kinesis.refuse = (r) => (r.partitionKey === 'key-1' ? 'ProvisionedThroughputExceededException' : undefined);
    const answer = await post(api, '/records', { records: [record(0), record(1), record(2)] });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.FailedRecordCount, 1);
    const results = answer.body.Records as Record<string, string>[];
    assert.equal(results.length, 3);
    assert.equal(results[1]?.ErrorCode, 'ProvisionedThroughputExceededException');
    assert.ok(results[0]?.SequenceNumber && results[2]?.SequenceNumber);
    assert.equal(kinesis.calls[0]?.action, 'PutRecords');
    assert.deepEqual(
      (kinesis.calls[0]!.input.Records as { PartitionKey: string }[]).map((r) => r.PartitionKey),
      ['key-0', 'key-1', 'key-2'],
    );
  });

  test('text data is stored as its UTF-8 bytes, any other JSON value as its JSON text', async () => {
    const { api, kinesis } = await startApi();
    const values: unknown[] = ['héllo wörld ✓', { ticker: 'AMZN', price: 181.5 }, [1, 'two'], 42, true, ''];
    const answer = await post(api, '/records', { records: values.map((data, i) => ({ data, partitionKey: `k${i}` })) });
    assert.equal(answer.status, 200);
    assert.deepEqual(
      kinesis.stored.map((r) => r.data.toString('utf8')),
      ['héllo wörld ✓', '{"ticker":"AMZN","price":181.5}', '[1,"two"]', '42', 'true', ''],
    );
    assert.deepEqual(kinesis.stored[0]?.data, recordBytes('héllo wörld ✓'));
  });

  test('an explicit hash key is passed to Kinesis as ExplicitHashKey', async () => {
    const { api, kinesis } = await startApi();
    const hashKey = ((1n << 128n) - 1n).toString();
    const answer = await post(api, '/record', { data: 'x', partitionKey: 'p', explicitHashKey: hashKey });
    assert.equal(answer.status, 200);
    assert.equal(kinesis.calls[0]?.input.ExplicitHashKey, hashKey);
  });

  test('an unknown path answers 404 Not Found and a method other than POST 405', async () => {
    const { api, kinesis } = await startApi();
    assertRefused(await post(api, '/nope', record(0)), kinesis, 404, 'Not Found');
    assertRefused(await post(api, '/record/', record(0)), kinesis, 404, 'Not Found');
    const get = await post(api, '/record', undefined, API_KEY_HEADERS, 'GET');
    assertRefused(get, kinesis, 405, 'Method Not Allowed');
    assert.equal(get.headers.get('allow'), 'POST');
    assertRefused(
      await post(api, '/records', { records: [record(0)] }, API_KEY_HEADERS, 'PUT'),
      kinesis,
      405,
      'Method Not Allowed',
    );
  });

  test('the query string does not change the route', async () => {
    const { api } = await startApi();
    assert.equal((await post(api, '/record?source=test', record(0))).status, 200);
  });
});

describe('ingest API request validation (nothing is stored)', () => {
  test('malformed JSON says where it broke', async () => {
    const { api, kinesis } = await startApi();
    assertRefused(
      await post(api, '/record', '{"data": "x", "partitionKey": }'),
      kinesis,
      400,
      'The request body is not valid JSON: expected a JSON value (object, array, string, number, true, false or null) but found "}" at line 1, column 31',
    );
    assertRefused(
      await post(api, '/records', '{\n  "records": [\n    {"data": 1, "partitionKey": "a"},\n  ]\n}'),
      kinesis,
      400,
      /not valid JSON: .* found "\]" at line 4, column 3/,
    );
    assertRefused(
      await post(api, '/record', '{"data": "x"'),
      kinesis,
      400,
      /found the end of the body at line 1, column 13/,
    );
    assert.equal((await post(api, '/record', '{"data": "x"')).headers.get('x-amzn-errortype'), 'BadRequestException');
  });

  test('an empty body says what was expected', async () => {
    const { api, kinesis } = await startApi();
    assertRefused(await post(api, '/record', ''), kinesis, 400, /The request body is empty; expected \{"data"/);
    assertRefused(await post(api, '/records', '  '), kinesis, 400, /The request body is empty; expected \{"records"/);
  });

  test('a body that is not UTF-8 is refused', async () => {
    const { api, kinesis } = await startApi();
    const body = Buffer.concat([
      Buffer.from('{"data": "'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('", "partitionKey": "k"}'),
    ]);
    assertRefused(
      await post(api, '/record', new Uint8Array(body)),
      kinesis,
      400,
      'The request body is not valid UTF-8 text',
    );
  });

  test('missing fields are named with their path', async () => {
    const { api, kinesis } = await startApi();
    assertRefused(await post(api, '/record', { data: 'x' }), kinesis, 400, 'partitionKey is required');
    assertRefused(
      await post(api, '/record', {}),
      kinesis,
      400,
      '2 problems: data is required; partitionKey is required',
    );
    assertRefused(await post(api, '/records', {}), kinesis, 400, 'records is required');
    assertRefused(
      await post(api, '/records', { records: [record(0), { data: 'x' }] }),
      kinesis,
      400,
      'records[1].partitionKey is required',
    );
  });

  test('wrong types name the path, the type wanted and the value received', async () => {
    const { api, kinesis } = await startApi();
    assertRefused(
      await post(api, '/record', { data: 'x', partitionKey: 42 }),
      kinesis,
      400,
      'partitionKey must be a string (got 42)',
    );
    assertRefused(
      await post(api, '/record', { data: null, partitionKey: 'k' }),
      kinesis,
      400,
      'data must be a string, object, array, number or boolean (got null)',
    );
    assertRefused(
      await post(api, '/record', [record(0)]),
      kinesis,
      400,
      'The request body must be an object (got an array)',
    );
    assertRefused(
      await post(api, '/records', { records: record(0) }),
      kinesis,
      400,
      'records must be an array (got an object)',
    );
    assertRefused(
      await post(api, '/records', { records: [record(0), 'text'] }),
      kinesis,
      400,
      'records[1] must be an object (got "text")',
    );
  });

  test('extra fields are refused, with a suggestion for a near miss', async () => {
    const { api, kinesis } = await startApi();
    assertRefused(
      await post(api, '/record', { data: 'x', partition_key: 'k' }),
      kinesis,
      400,
      '2 problems: partitionKey is required; partition_key is not allowed (allowed fields: data, partitionKey, explicitHashKey), did you mean "partitionKey"?',
    );
    assertRefused(
      await post(api, '/records', { records: [record(0, { streamName: 'other' })] }),
      kinesis,
      400,
      /^records\[0\]\.streamName is not allowed \(allowed fields: data, partitionKey, explicitHashKey\)/,
    );
  });

  test('partition keys must be 1 to 256 characters', async () => {
    const { api, kinesis } = await startApi();
    const records = [record(0), record(1), record(2), { data: 'x', partitionKey: 'k'.repeat(300) }];
    assertRefused(
      await post(api, '/records', { records }),
      kinesis,
      400,
      'records[3].partitionKey must be at most 256 characters (got 300)',
    );
    assertRefused(
      await post(api, '/record', { data: 'x', partitionKey: '' }),
      kinesis,
      400,
      'partitionKey must be at least 1 character (got 0)',
    );
    const longest = await post(api, '/record', { data: 'x', partitionKey: 'k'.repeat(256) });
    assert.equal(longest.status, 200);
  });

  test('every problem of a request is reported at once', async () => {
    const { api, kinesis } = await startApi();
    const answer = await post(api, '/records', {
      records: [record(0), { partitionKey: 7 }, { data: 'x', partitionKey: 'k', explicitHashKey: '007' }],
    });
    assertRefused(answer, kinesis, 400, /^3 problems: /);
    assert.match(answer.body.message!, /records\[1\]\.data is required/);
    assert.match(answer.body.message!, /records\[1\]\.partitionKey must be a string \(got 7\)/);
    assert.match(
      answer.body.message!,
      /records\[2\]\.explicitHashKey must be a whole number from 0 to 2\^128 - 1 .*\(got "007"\)/,
    );
  });

  test('an explicit hash key above 2^128 - 1 is refused', async () => {
    const { api, kinesis } = await startApi();
    const tooBig = (1n << 128n).toString();
    assertRefused(
      await post(api, '/record', { data: 'x', partitionKey: 'k', explicitHashKey: tooBig }),
      kinesis,
      400,
      `explicitHashKey must be at most 340282366920938463463374607431768211455 (2^128 - 1) (got "${tooBig}")`,
    );
  });

  test('a batch of more than 500 records says 500 and the count received; an empty batch is refused', async () => {
    const { api, kinesis } = await startApi();
    const records = Array.from({ length: 501 }, (_, i) => record(i));
    assertRefused(
      await post(api, '/records', { records }),
      kinesis,
      400,
      'records must have at most 500 records (got 501)',
    );
    assertRefused(
      await post(api, '/records', { records: [] }),
      kinesis,
      400,
      'records must have at least 1 record (got 0)',
    );
    const full = await post(api, '/records', { records: records.slice(0, 500) });
    assert.equal(full.status, 200, 'exactly 500 is fine');
  });

  test('a record over 1 MiB (data plus partition key) names the record and its sizes', async () => {
    const { api, kinesis } = await startApi();
    const key = 'k'.repeat(10);
    const big = { data: 'x'.repeat(MiB - 9), partitionKey: key };
    assertRefused(
      await post(api, '/records', { records: [record(0), big] }),
      kinesis,
      400,
      'records[1] is 1048577 bytes (data 1048567 + partition key 10), over the Kinesis limit of 1048576 bytes per record',
    );
    assertRefused(
      await post(api, '/record', big),
      kinesis,
      400,
      'The record is 1048577 bytes (data 1048567 + partition key 10), over the Kinesis limit of 1048576 bytes per record',
    );
    // Multi-byte text counts in bytes: 350,000 × "€" is 1,050,000 bytes.
    assertRefused(
      await post(api, '/record', { data: '€'.repeat(350_000), partitionKey: 'k' }),
      kinesis,
      400,
      /^The record is 1050001 bytes/,
    );
    const exact = await post(api, '/record', { data: 'x'.repeat(MiB - 10), partitionKey: key });
    assert.equal(exact.status, 200, 'exactly 1 MiB is fine');
  });

  test('a batch over 5 MiB is refused', async () => {
    const { api, kinesis } = await startApi();
    const records = Array.from({ length: 6 }, (_, i) => ({ data: 'x'.repeat(900 * 1024), partitionKey: `k${i}` }));
    assertRefused(
      await post(api, '/records', { records }),
      kinesis,
      400,
      'The batch is 5529612 bytes (data and partition keys of 6 records), over the Kinesis limit of 5242880 bytes per PutRecords request',
    );
  });

  test('a body over 10 MiB answers 413', async () => {
    const { api, kinesis } = await startApi();
    const body = JSON.stringify({
      records: [{ data: 'x'.repeat(LIMITS.apiGateway.payloadMaxBytes.value), partitionKey: 'k' }],
    });
    assertRefused(
      await post(api, '/records', body),
      kinesis,
      413,
      `Request Too Long: the body is ${body.length} bytes, over the limit of 10485760 bytes`,
    );
  });

  test('a content type other than application/json answers 415', async () => {
    const { api, kinesis } = await startApi();
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx']) {
      assertRefused(
        await post(api, '/record', record(0), { 'content-type': contentType, 'x-api-key': LOCAL_API_KEY }),
        kinesis,
        415,
        'Unsupported Media Type',
      );
    }
  });

  test('application/json with a charset, and no content type at all (API Gateway assumes JSON), are accepted', async () => {
    const { api, kinesis } = await startApi();
    const withCharset = await post(api, '/record', record(0), {
      'content-type': 'Application/JSON; charset=UTF-8',
      'x-api-key': LOCAL_API_KEY,
    });
    assert.equal(withCharset.status, 200);
    // A Uint8Array body makes fetch send no Content-Type header.
    const bare = await post(api, '/record', new TextEncoder().encode(JSON.stringify(record(1))), {
      'x-api-key': LOCAL_API_KEY,
    });
    assert.equal(bare.status, 200);
    assert.equal(kinesis.stored.length, 2);
  });
});

describe('ingest API auth: iam (SigV4)', () => {
  const iamClient = (
    api: IngestApi,
    overrides: { secretAccessKey?: string; accessKeyId?: string; region?: string; now?: number } = {},
  ) =>
    new IngestClient({
      url: api.url,
      auth: {
        type: 'iam',
        credentials: {
          accessKeyId: overrides.accessKeyId ?? LOCAL_CREDENTIALS.accessKeyId,
          secretAccessKey: overrides.secretAccessKey ?? LOCAL_CREDENTIALS.secretAccessKey,
        },
        region: overrides.region ?? LOCAL_REGION,
      },
      maxAttempts: 1,
      ...(overrides.now === undefined ? {} : { clock: { now: () => overrides.now!, sleep: async () => {} } }),
    });

  const refusal = (status: number, message: RegExp) => (error: unknown) => {
    assert.ok(StreamkitError.is(error), String(error));
    assert.equal(error.code, 'SK_VALIDATION');
    assert.equal(error.details?.status, status);
    assert.match(error.message, message);
    return true;
  };

  test('the IngestClient signs and the API verifies: records round-trip', async () => {
    const { api, kinesis } = await startApi({ auth: 'iam' });
    const ticks = stockTicker({ seed: 9, now: () => Date.UTC(2026, 0, 1) });
    const batch: IngestRecord[] = Array.from({ length: 50 }, () => ticks.next().value);
    const output = await iamClient(api).putRecords(batch);
    assert.equal(output.failedRecordCount, 0);
    const single = await iamClient(api).putRecord({ data: 'one more', partitionKey: 'p' });
    assert.match(single.sequenceNumber, /^\d+$/);
    assert.deepEqual(
      kinesis.stored.map((r) => r.data.toString()),
      [...batch.map((r) => JSON.stringify(r.data)), 'one more'],
    );
  });

  test('a request signed by an independent SigV4 implementation (no x-amz-content-sha256, as botocore) is accepted', async () => {
    const { api, kinesis } = await startApi({ auth: 'iam' });
    const body = JSON.stringify(record(0));
    const signed = referenceSign({
      method: 'POST',
      url: `${api.url}/record?b=2&a=1`,
      headers: { 'content-type': 'application/json' },
      body,
      ...LOCAL_CREDENTIALS,
      region: LOCAL_REGION,
      service: 'execute-api',
      amzDate: amzDate(Date.now()),
    });
    const { host: _host, ...headers } = signed.headers;
    const answer = await post(api, '/record?b=2&a=1', body, headers);
    assert.equal(answer.status, 200, answer.body.message);
    assert.equal(kinesis.stored.length, 1);
  });

  test('no Authorization header answers 403 Missing Authentication Token', async () => {
    const { api, kinesis } = await startApi({ auth: 'iam' });
    const answer = await post(api, '/record', record(0), { 'content-type': 'application/json' });
    assertRefused(answer, kinesis, 403, 'Missing Authentication Token');
    assert.equal(answer.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
  });

  test('auth comes before validation: an unsigned malformed request answers 403, not 400', async () => {
    const { api, kinesis } = await startApi({ auth: 'iam' });
    assertRefused(
      await post(api, '/record', '{oops', { 'content-type': 'text/plain' }),
      kinesis,
      403,
      'Missing Authentication Token',
    );
  });

  test('a wrong secret key answers 403 with the canonical request the server expected', async () => {
    const { api, kinesis } = await startApi({ auth: 'iam' });
    await assert.rejects(
      iamClient(api, { secretAccessKey: 'not-the-secret' }).putRecord({ data: 'x', partitionKey: 'p' }),
      refusal(
        403,
        /The request signature we calculated does not match the signature you provided\. .*The Canonical String for this request should have been\n'POST\n\/record\n/s,
      ),
    );
    assert.equal(kinesis.calls.length, 0);
  });

  test('an unknown access key id answers 403 "The security token included in the request is invalid."', async () => {
    const { api, kinesis } = await startApi({ auth: 'iam' });
    await assert.rejects(
      iamClient(api, { accessKeyId: 'AKIAUNKNOWN' }).putRecord({ data: 'x', partitionKey: 'p' }),
      refusal(403, /: The security token included in the request is invalid\.$/),
    );
    assert.equal(kinesis.calls.length, 0);
  });

  test('a request signed more than 5 minutes ago, or ahead, answers 403', async () => {
    const { api, kinesis } = await startApi({ auth: 'iam' });
    await assert.rejects(
      iamClient(api, { now: Date.now() - 6 * 60_000 }).putRecord({ data: 'x', partitionKey: 'p' }),
      refusal(403, /Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)/),
    );
    await assert.rejects(
      iamClient(api, { now: Date.now() + 6 * 60_000 }).putRecord({ data: 'x', partitionKey: 'p' }),
      refusal(403, /Signature not yet current: /),
    );
    const slightlyBehind = await iamClient(api, { now: Date.now() - 4 * 60_000 }).putRecord({
      data: 'x',
      partitionKey: 'p',
    });
    assert.ok(slightlyBehind.sequenceNumber);
    assert.equal(kinesis.stored.length, 1, 'only the request within 5 minutes');
  });

  test('a signature over another body answers 403 (the body was changed after signing)', async () => {
    const { api, kinesis } = await startApi({ auth: 'iam' });
    const signed = referenceSign({
      method: 'POST',
      url: `${api.url}/record`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(record(0)),
      ...LOCAL_CREDENTIALS,
      region: LOCAL_REGION,
      service: 'execute-api',
      amzDate: amzDate(Date.now()),
    });
    const { host: _host, ...headers } = signed.headers;
    assertRefused(
      await post(api, '/record', JSON.stringify(record(666)), headers),
      kinesis,
      403,
      /^The request signature we calculated does not match the signature you provided/,
    );
  });

  test('a signed x-amz-content-sha256 that is not the hash of the body answers 403', async () => {
    const { api, kinesis } = await startApi({ auth: 'iam' });
    const fakeHash = 'a'.repeat(64);
    const signed = referenceSign({
      method: 'POST',
      url: `${api.url}/record`,
      headers: { 'content-type': 'application/json', 'x-amz-content-sha256': fakeHash },
      body: JSON.stringify(record(0)),
      ...LOCAL_CREDENTIALS,
      region: LOCAL_REGION,
      service: 'execute-api',
      amzDate: amzDate(Date.now()),
    });
    const { host: _host, ...headers } = signed.headers;
    assertRefused(
      await post(api, '/record', JSON.stringify(record(0)), headers),
      kinesis,
      403,
      /x-amz-content-sha256 header \(a{64}\) is not the SHA-256 of the body received/,
    );
  });

  test('a signature scoped to another region or service answers 403', async () => {
    const { api, kinesis } = await startApi({ auth: 'iam' });
    await assert.rejects(
      iamClient(api, { region: 'eu-west-1' }).putRecord({ data: 'x', partitionKey: 'p' }),
      refusal(403, /Credential should be scoped to a valid region, not 'eu-west-1'/),
    );
    const signed = referenceSign({
      method: 'POST',
      url: `${api.url}/record`,
      headers: { 'content-type': 'application/json' },
      body: '{}',
      ...LOCAL_CREDENTIALS,
      region: LOCAL_REGION,
      service: 'kinesis',
      amzDate: amzDate(Date.now()),
    });
    const { host: _host, ...headers } = signed.headers;
    assertRefused(
      await post(api, '/record', '{}', headers),
      kinesis,
      403,
      /Credential should be scoped to correct service: 'execute-api'/,
    );
  });

  test('an Authorization header that is not SigV4 answers 403 naming what is missing', async () => {
    const { api, kinesis } = await startApi({ auth: 'iam' });
    const answer = await post(api, '/record', record(0), {
      'content-type': 'application/json',
      authorization: 'AWS4-HMAC-SHA256 Credential=streamkit-local/20260101/us-east-1/execute-api/aws4_request',
      'x-amz-date': amzDate(Date.now()),
    });
    assertRefused(
      answer,
      kinesis,
      403,
      "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.",
    );
    assert.equal(answer.headers.get('x-amzn-errortype'), 'IncompleteSignatureException');
    assertRefused(
      await post(api, '/record', record(0), { 'content-type': 'application/json', authorization: 'Bearer abc' }),
      kinesis,
      403,
      /must use the AWS4-HMAC-SHA256 algorithm .* not 'Bearer'/,
    );
  });

  test('the API checks against the credentials it was given', async () => {
    const credentials = { accessKeyId: 'AKIACUSTOM', secretAccessKey: 'custom-secret' };
    const { api } = await startApi({ auth: 'iam', credentials, region: 'ap-southeast-2' });
    const client = new IngestClient({ url: api.url, auth: { type: 'iam', credentials, region: 'ap-southeast-2' } });
    assert.ok((await client.putRecord({ data: 'x', partitionKey: 'p' })).sequenceNumber);
    await assert.rejects(
      iamClient(api, { region: 'ap-southeast-2' }).putRecord({ data: 'x', partitionKey: 'p' }),
      refusal(403, /security token/),
    );
  });
});

describe('ingest API auth: apiKey and cognito', () => {
  test('apiKey: the configured x-api-key passes; a missing or wrong one answers 403 Forbidden', async () => {
    const { api, kinesis } = await startApi({ auth: 'apiKey' });
    assertRefused(
      await post(api, '/record', record(0), { 'content-type': 'application/json' }),
      kinesis,
      403,
      'Forbidden',
    );
    assertRefused(
      await post(api, '/record', record(0), { 'content-type': 'application/json', 'x-api-key': `${LOCAL_API_KEY}x` }),
      kinesis,
      403,
      'Forbidden',
    );
    const client = new IngestClient({ url: api.url, auth: { type: 'apiKey', apiKey: LOCAL_API_KEY } });
    assert.equal((await client.putRecords([record(0), record(1)])).failedRecordCount, 0);
    assert.equal(kinesis.stored.length, 2);
  });

  test('apiKey: a configured key replaces the default', async () => {
    const { api, kinesis } = await startApi({ auth: 'apiKey', apiKey: 'my-key' });
    assertRefused(await post(api, '/record', record(0)), kinesis, 403, 'Forbidden');
    assert.equal(
      (await post(api, '/record', record(0), { 'x-api-key': 'my-key', 'content-type': 'application/json' })).status,
      200,
    );
  });

  test('cognito: the configured token passes (raw or Bearer); a missing or wrong one answers 401 Unauthorized', async () => {
    const { api, kinesis } = await startApi({ auth: 'cognito' });
    const answer = await post(api, '/record', record(0), { 'content-type': 'application/json' });
    assertRefused(answer, kinesis, 401, 'Unauthorized');
    assert.equal(answer.headers.get('x-amzn-errortype'), 'UnauthorizedException');
    assertRefused(
      await post(api, '/record', record(0), { 'content-type': 'application/json', authorization: 'wrong-token' }),
      kinesis,
      401,
      'Unauthorized',
    );
    assertRefused(
      await post(api, '/record', record(0), { 'content-type': 'application/json', 'x-api-key': LOCAL_API_KEY }),
      kinesis,
      401,
      'Unauthorized',
    );
    const client = new IngestClient({ url: api.url, auth: { type: 'cognito', token: LOCAL_ID_TOKEN } });
    assert.ok((await client.putRecord(record(0))).sequenceNumber);
    const bearer = await post(api, '/record', record(1), {
      'content-type': 'application/json',
      authorization: `Bearer ${LOCAL_ID_TOKEN}`,
    });
    assert.equal(bearer.status, 200);
  });
});

describe('ingest API throttling', () => {
  test('beyond the burst, requests answer 429 until the rate refills the bucket', async () => {
    let now = 1_000_000;
    const { api, kinesis } = await startApi({ throttling: { rateLimit: 2, burstLimit: 3 }, now: () => now });
    for (let i = 0; i < 3; i++) assert.equal((await post(api, '/record', record(i))).status, 200);
    const throttled = await post(api, '/record', record(3));
    assert.equal(throttled.status, 429);
    assert.deepEqual(throttled.body, { message: 'Too Many Requests' });
    assert.equal(throttled.headers.get('x-amzn-errortype'), 'TooManyRequestsException');
    assert.equal(kinesis.stored.length, 3, 'the throttled request stored nothing');
    now += 500; // 2 requests/s: one token back
    assert.equal((await post(api, '/record', record(4))).status, 200);
    assert.equal((await post(api, '/record', record(5))).status, 429);
    now += 10_000; // refills up to the burst only
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(api, '/record', record(10 + i))).status);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
  });

  test('requests refused by auth do not use up the bucket', async () => {
    const now = 1_000_000;
    const { api } = await startApi({ throttling: { rateLimit: 1, burstLimit: 1 }, now: () => now });
    for (let i = 0; i < 5; i++)
      assert.equal((await post(api, '/record', record(i), { 'content-type': 'application/json' })).status, 403);
    assert.equal((await post(api, '/record', record(0))).status, 200);
  });

  test('throttle: false turns throttling off', async () => {
    const { api, kinesis } = await startApi({ throttling: { rateLimit: 1, burstLimit: 0 }, throttle: false });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post(api, '/record', record(i))));
    assert.ok(answers.every((a) => a.status === 200));
    assert.equal(kinesis.stored.length, 20);
  });

  test('the IngestClient waits out a 429 and succeeds', async () => {
    let now = 1_000_000;
    const { api } = await startApi({ throttling: { rateLimit: 1, burstLimit: 1 }, now: () => now });
    const sleeps: number[] = [];
    const client = new IngestClient({
      url: api.url,
      auth: { type: 'apiKey', apiKey: LOCAL_API_KEY },
      baseDelayMs: 1000,
      random: () => 0.5,
      clock: {
        now: () => now,
        async sleep(ms) {
          sleeps.push(ms);
          now += ms; // the server's clock moves with the client's waits
        },
      },
    });
    await client.putRecord(record(0));
    const second = await client.putRecord(record(1));
    // 1 request/s: 750 ms of refill is not a whole token (429 again); 750 + 1500 ms is.
    assert.equal(second.attempts, 3);
    assert.deepEqual(sleeps, [750, 1500]);
  });
});

describe('ingest API Kinesis errors', () => {
  test('a Kinesis client error answers 400 with its message and type', async () => {
    const { api, kinesis } = await startApi({ streamName: 'missing-stream' });
    const answer = await post(api, '/record', record(0));
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, { message: 'Stream missing-stream not found.', type: 'ResourceNotFoundException' });
    kinesis.fail = new KinesisServiceError(
      'ProvisionedThroughputExceededException',
      'Rate exceeded for shard shardId-000000000000',
    );
    const throttled = await post(api, '/records', { records: [record(1)] });
    assert.deepEqual(throttled.body, {
      message: 'Rate exceeded for shard shardId-000000000000',
      type: 'ProvisionedThroughputExceededException',
    });
  });

  test('a Kinesis server error or any other failure answers 500 Internal server error', async () => {
    const { api, kinesis } = await startApi();
    kinesis.fail = new KinesisServiceError('InternalFailure', 'boom');
    const internal = await post(api, '/record', record(0));
    assert.equal(internal.status, 500);
    assert.deepEqual(internal.body, { message: 'Internal server error' });
    kinesis.fail = new TypeError('cannot read properties of undefined');
    assert.deepEqual((await post(api, '/record', record(0))).body, { message: 'Internal server error' });
  });

  test('a writer that does not answer within the integration timeout answers 504', async () => {
    const { api, kinesis } = await startApi({ integrationTimeoutMs: 50 });
    kinesis.delayMs = 500;
    const answer = await post(api, '/record', record(0));
    assert.equal(answer.status, 504);
    assert.deepEqual(answer.body, { message: 'Endpoint request timed out' });
  });

  test('the IngestClient retries records Kinesis refused until every one is acknowledged', async () => {
    const { api, kinesis } = await startApi();
    kinesis.refuse = (r, attempt) =>
      Number(r.partitionKey.slice(4)) % 4 === 0 && attempt <= 2 ? 'ProvisionedThroughputExceededException' : undefined;
    const client = new IngestClient({
      url: api.url,
      auth: { type: 'apiKey', apiKey: LOCAL_API_KEY },
      clock: { now: Date.now, sleep: async () => {} },
    });
    const records = Array.from({ length: 100 }, (_, i) => record(i));
    const output = await client.putRecords(records);
    assert.equal(output.failedRecordCount, 0);
    assert.equal(output.retriedRecords, 50, '25 records refused twice');
    assert.equal(kinesis.stored.length, 100, 'every record stored exactly once');
    assert.deepEqual(new Set(kinesis.stored.map((r) => r.partitionKey)).size, 100);
  });

  test('the IngestClient surfaces a 400 as SK_VALIDATION with the API message, and stores nothing', async () => {
    const { api, kinesis } = await startApi();
    const client = new IngestClient({ url: api.url, auth: { type: 'apiKey', apiKey: LOCAL_API_KEY } });
    await assert.rejects(
      client.putRecords([record(0), { data: 'x', partitionKey: 'k'.repeat(257) }]),
      (error: unknown) =>
        StreamkitError.is(error) &&
        error.code === 'SK_VALIDATION' &&
        error.message === 'records[1].partitionKey must be at most 256 characters (got 257)',
    );
    assert.equal(kinesis.calls.length, 0);
  });
});

describe('ingest API observability and lifecycle', () => {
  test('publishes every answered request on streamkit:ingest:request', async () => {
    const { api } = await startApi();
    const messages: IngestRequestMessage[] = [];
    const listener = (message: unknown) => {
      if ((message as IngestRequestMessage).route.startsWith('/')) messages.push(message as IngestRequestMessage);
    };
    diagnostics_channel.subscribe(INGEST_REQUEST_CHANNEL, listener);
    try {
      await post(api, '/records', { records: [record(0), record(1), record(2)] });
      await post(api, '/records', { records: [record(0), { data: 'x' }] });
      await post(api, '/nowhere', {});
    } finally {
      diagnostics_channel.unsubscribe(INGEST_REQUEST_CHANNEL, listener);
    }
    assert.deepEqual(
      messages.map(({ route, status, records }) => ({ route, status, records })),
      [
        { route: '/records', status: 200, records: 3 },
        { route: '/records', status: 400, records: 2 },
        { route: '/nowhere', status: 404, records: 0 },
      ],
    );
    assert.equal(messages[0]?.failedRecords, 0);
    assert.equal(messages[1]?.error, 'records[1].partitionKey is required');
    assert.ok(messages.every((m) => typeof m.durationMs === 'number' && m.durationMs >= 0));
  });

  test('listens on 127.0.0.1 only', async () => {
    const { api } = await startApi();
    assert.match(api.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external === undefined) return; // no other interface to try
    await assert.rejects(
      new Promise((resolve, reject) => {
        const req = httpRequest(
          { host: external.address, port: api.port, method: 'POST', path: '/record', timeout: 2000 },
          resolve,
        );
        req.on('error', reject);
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.end();
      }),
    );
  });

  test('a port in use is SK_CONFLICT; bad settings are SK_VALIDATION naming the setting and the value', async () => {
    const { api } = await startApi();
    await assert.rejects(
      startApi({ port: api.port }),
      (error: unknown) =>
        StreamkitError.is(error) && error.code === 'SK_CONFLICT' && error.message.includes(String(api.port)),
    );
    const invalid = [
      [
        { throttling: { rateLimit: 0, burstLimit: 50 } },
        'throttling.rateLimit must be between 1 and 10000 requests/s (got 0)',
      ],
      [
        { throttling: { rateLimit: 100, burstLimit: 5001 } },
        'throttling.burstLimit must be between 0 and 5000 requests (got 5001)',
      ],
      [{ port: 70_000 }, 'port must be a whole number between 0 and 65535 (got 70000)'],
      [{ auth: 'none' as never }, 'auth must be one of iam, cognito, apiKey (got "none")'],
    ] as const;
    for (const [options, message] of invalid) {
      await assert.rejects(
        startApi(options),
        (error: unknown) => StreamkitError.is(error) && error.code === 'SK_VALIDATION' && error.message === message,
      );
    }
  });

  test('close() ends open keep-alive connections and frees the port', async () => {
    const { api } = await startApi();
    await post(api, '/record', record(0));
    await api.close();
    await assert.rejects(fetch(`${api.url}/record`, { method: 'POST' }));
    const again = await startIngestApi({
      port: api.port,
      streamName: STREAM,
      writer: new FakeKinesis(),
      auth: 'apiKey',
      throttling: { rateLimit: 1, burstLimit: 1 },
    });
    await again.close();
  });
});

describe('locateJsonError', () => {
  test('agrees with JSON.parse on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        assert.equal(locateJsonError(text) === undefined, valid);
      }),
      { numRuns: 2000 },
    );
  });

  test('agrees with JSON.parse on JSON with one character changed', () => {
    const mutated = fc
      .tuple(
        fc.json(),
        fc.nat(),
        fc.constantFrom('', ',', '"', '}', ']', ':', '\\', '\n', '0', '-', 'e', '.', 'n', ' '),
      )
      .map(([json, at, c]) => {
        const i = json.length === 0 ? 0 : at % json.length;
        return json.slice(0, i) + c + json.slice(i + 1);
      });
    fc.assert(
      fc.property(mutated, (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        assert.equal(locateJsonError(text) === undefined, valid, text);
      }),
      { numRuns: 3000 },
    );
  });

  test('handles deep nesting without overflowing the stack', () => {
    assert.equal(locateJsonError(`${'['.repeat(200_000)}${']'.repeat(200_000)}`), undefined);
    assert.deepEqual(locateJsonError(`${'['.repeat(200_000)}`), { offset: 200_000, expected: 'a JSON value' });
  });
});
