import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StreamkitError } from '@streamkit/core';
import type { Clock } from '../src/clock.ts';
import { IngestClient, type IngestClientOptions, type PutRecordsOutput } from '../src/ingest-client.ts';
import type { IngestRecord } from '../src/ingest-record.ts';
import { amzDate, referenceSign } from './support/sigv4-reference.ts';

const URL_BASE = 'http://127.0.0.1:4568';
const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret/key+TEST' };
const NOW = Date.UTC(2026, 0, 15, 10, 30, 0);

interface Sent {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly rawBody: string;
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** A fake fetch standing in for the ingest API: `answer` decides each response; every request is kept. */
function fakeApi(answer: (request: Sent, call: number) => Answer | Error) {
  const requests: Sent[] = [];
  const fetch = (async (input: string | URL, init?: RequestInit) => {
    const rawBody = String(init?.body ?? '');
    const request: Sent = {
      url: String(input),
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      body: JSON.parse(rawBody),
      rawBody,
    };
    requests.push(request);
    const result = answer(request, requests.length);
    if (result instanceof Error) throw result;
    return new Response(JSON.stringify(result.body), {
      status: result.status,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof globalThis.fetch;
  return { fetch, requests };
}

/** A clock whose sleeps return at once and are remembered. */
function fakeClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  let now = NOW;
  return {
    sleeps,
    now: () => now,
    async sleep(ms) {
      sleeps.push(ms);
      now += ms;
    },
  };
}

function client(fetch: typeof globalThis.fetch, options: Partial<IngestClientOptions> = {}) {
  const clock = fakeClock();
  const c = new IngestClient({
    url: URL_BASE,
    auth: { type: 'apiKey', apiKey: 'key' },
    fetch,
    clock,
    random: () => 0.5,
    ...options,
  });
  return { client: c, clock };
}

const records = (n: number): IngestRecord[] =>
  Array.from({ length: n }, (_, i) => ({ data: { i }, partitionKey: `key-${i}` }));

const ok = (shard = 'shardId-000000000000') => ({ SequenceNumber: '4959', ShardId: shard });

function isError(code: string, message?: RegExp) {
  return (error: unknown) => {
    assert.ok(StreamkitError.is(error), `expected a StreamkitError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  };
}

describe('referenceSign (the test oracle)', () => {
  test('reproduces the get-vanilla example of the AWS SigV4 test suite', () => {
    const signed = referenceSign({
      method: 'GET',
      url: 'https://example.amazonaws.com/',
      headers: {},
      body: '',
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      region: 'us-east-1',
      service: 'service',
      amzDate: '20150830T123600Z',
    });
    assert.equal(signed.signature, '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  });
});

describe('IngestClient auth', () => {
  test('signs IAM requests with SigV4 for execute-api, verified by an independent implementation', async () => {
    const api = fakeApi(() => ({ status: 200, body: ok() }));
    const { client: c } = client(api.fetch, {
      url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
      auth: { type: 'iam', credentials: CREDENTIALS, region: 'eu-west-1' },
    });
    await c.putRecord({ data: 'héllo', partitionKey: 'p' });

    const [sent] = api.requests;
    assert.ok(sent);
    assert.equal(sent.url, 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/record');
    assert.equal(sent.headers['x-amz-date'], amzDate(NOW), 'signed at the injected clock');
    const authorization = sent.headers.authorization ?? '';
    assert.match(
      authorization,
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/20260115\/eu-west-1\/execute-api\/aws4_request, /,
    );
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
    assert.deepEqual(signedHeaders, ['content-type', 'host', 'x-amz-content-sha256', 'x-amz-date']);

    const expected = referenceSign({
      method: 'POST',
      url: sent.url,
      headers: {
        'content-type': sent.headers['content-type']!,
        'x-amz-content-sha256': sent.headers['x-amz-content-sha256']!,
      },
      body: sent.rawBody,
      ...CREDENTIALS,
      region: 'eu-west-1',
      service: 'execute-api',
      amzDate: sent.headers['x-amz-date']!,
    });
    assert.equal(/Signature=([0-9a-f]+)/.exec(authorization)?.[1], expected.signature);
  });

  test('takes credentials from a provider and sends its session token', async () => {
    const api = fakeApi(() => ({ status: 200, body: ok() }));
    const { client: c } = client(api.fetch, {
      auth: {
        type: 'iam',
        credentials: async () => ({ ...CREDENTIALS, sessionToken: 'token-1' }),
        region: 'us-east-1',
      },
    });
    await c.putRecord({ data: 'x', partitionKey: 'p' });
    assert.equal(api.requests[0]?.headers['x-amz-security-token'], 'token-1');
    assert.match(api.requests[0]?.headers.authorization ?? '', /x-amz-security-token/);
  });

  test('sends the API key as x-api-key and the Cognito token as Authorization', async () => {
    const api = fakeApi(() => ({ status: 200, body: ok() }));
    await client(api.fetch, { auth: { type: 'apiKey', apiKey: 'k-1' } }).client.putRecord({
      data: 1,
      partitionKey: 'p',
    });
    await client(api.fetch, { auth: { type: 'cognito', token: 'id-token' } }).client.putRecord({
      data: 1,
      partitionKey: 'p',
    });
    assert.equal(api.requests[0]?.headers['x-api-key'], 'k-1');
    assert.equal(api.requests[0]?.headers.authorization, undefined);
    assert.equal(api.requests[1]?.headers.authorization, 'id-token');
    assert.equal(api.requests[1]?.headers['content-type'], 'application/json');
  });

  test('refuses a URL that is not http(s)', () => {
    assert.throws(
      () => new IngestClient({ url: 'localhost:4568', auth: { type: 'apiKey', apiKey: 'k' } }),
      isError('SK_VALIDATION', /url/),
    );
  });
});

describe('IngestClient.putRecords retries', () => {
  test('sends refused records again, alone and in order, until every record is acknowledged', async () => {
    const refusals = new Map<string, number>(); // partition key → refusals so far
    const api = fakeApi((request) => {
      const batch = (request.body as { records: IngestRecord[] }).records;
      const Records = batch.map((r) => {
        const index = Number(r.partitionKey.slice(4));
        const seen = refusals.get(r.partitionKey) ?? 0;
        if (index % 3 === 0 && seen < 2) {
          refusals.set(r.partitionKey, seen + 1);
          return { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard' };
        }
        return { SequenceNumber: `seq-${r.partitionKey}`, ShardId: 'shardId-000000000001' };
      });
      const FailedRecordCount = Records.filter((r) => 'ErrorCode' in r).length;
      return { status: 200, body: { FailedRecordCount, Records } };
    });
    const { client: c, clock } = client(api.fetch);
    const input = records(10);
    const output = await c.putRecords(input);

    assert.equal(output.failedRecordCount, 0);
    assert.equal(output.attempts, 3);
    assert.equal(output.retriedRecords, 8, '4 records refused twice each');
    assert.deepEqual(
      output.records.map((r) => ('sequenceNumber' in r ? r.sequenceNumber : r.errorCode)),
      input.map((r) => `seq-${r.partitionKey}`),
      'results in the order given',
    );
    const sentKeys = api.requests.map((r) =>
      (r.body as { records: IngestRecord[] }).records.map((x) => x.partitionKey),
    );
    assert.deepEqual(sentKeys[1], ['key-0', 'key-3', 'key-6', 'key-9']);
    assert.deepEqual(sentKeys[2], ['key-0', 'key-3', 'key-6', 'key-9']);
    assert.equal(clock.sleeps.length, 2, 'a backoff before each retry');
  });

  test('gives up after maxAttempts and reports which records are still refused', async () => {
    const api = fakeApi((request) => {
      const batch = (request.body as { records: IngestRecord[] }).records;
      const Records = batch.map((r) =>
        r.partitionKey === 'key-1'
          ? { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' }
          : { SequenceNumber: '1', ShardId: 'shardId-000000000000' },
      );
      return { status: 200, body: { FailedRecordCount: Records.filter((r) => 'ErrorCode' in r).length, Records } };
    });
    const { client: c } = client(api.fetch, { maxAttempts: 4 });
    const output: PutRecordsOutput = await c.putRecords(records(3));
    assert.equal(api.requests.length, 4);
    assert.equal(output.failedRecordCount, 1);
    assert.equal(output.retriedRecords, 3);
    assert.deepEqual(output.records[1], { errorCode: 'InternalFailure', errorMessage: 'Internal service failure.' });
    assert.ok('sequenceNumber' in output.records[0]! && 'sequenceNumber' in output.records[2]!);
  });

  test('does not send again a record refused for a reason retrying cannot fix', async () => {
    const api = fakeApi(() => ({
      status: 200,
      body: { FailedRecordCount: 1, Records: [{ ErrorCode: 'KMSAccessDeniedException', ErrorMessage: 'denied' }] },
    }));
    const output = await client(api.fetch).client.putRecords(records(1));
    assert.equal(api.requests.length, 1);
    assert.equal(output.failedRecordCount, 1);
    assert.equal(output.retriedRecords, 0);
  });

  test('retries 429 with exponential backoff and jitter, capped at maxDelayMs', async () => {
    const api = fakeApi((_, call) =>
      call <= 4
        ? { status: 429, body: { message: 'Too Many Requests' } }
        : { status: 200, body: { FailedRecordCount: 0, Records: [ok(), ok()] } },
    );
    const { client: c, clock } = client(api.fetch, { baseDelayMs: 100, maxDelayMs: 300 });
    const output = await c.putRecords(records(2));
    assert.equal(output.attempts, 5);
    assert.equal(output.retriedRecords, 8);
    // Half of each ceiling is fixed, half is jitter (random() = 0.5 here): ceilings 100, 200, 300 (capped), 300.
    assert.deepEqual(clock.sleeps, [75, 150, 225, 225]);
  });

  test('jitter keeps every wait between half the ceiling and the ceiling', async () => {
    for (const jitter of [0, 0.999999]) {
      const api = fakeApi((_, call) => (call <= 3 ? { status: 503, body: {} } : { status: 200, body: ok() }));
      const { client: c, clock } = client(api.fetch, { random: () => jitter, baseDelayMs: 100 });
      await c.putRecord({ data: 1, partitionKey: 'p' });
      const ceilings = [100, 200, 400];
      clock.sleeps.forEach((ms, i) => {
        assert.ok(ms >= ceilings[i]! / 2 && ms <= ceilings[i]!, `${ms} within [${ceilings[i]! / 2}, ${ceilings[i]}]`);
      });
    }
  });
});

describe('IngestClient errors', () => {
  test('surfaces a 400 as SK_VALIDATION with the API message, without retrying', async () => {
    const message = 'records[3].partitionKey must be at most 256 characters (got 300)';
    const api = fakeApi(() => ({ status: 400, body: { message } }));
    await assert.rejects(client(api.fetch).client.putRecords(records(5)), (error: unknown) => {
      assert.ok(StreamkitError.is(error));
      assert.equal(error.code, 'SK_VALIDATION');
      assert.equal(error.message, message);
      assert.equal(error.retriable, false);
      return true;
    });
    assert.equal(api.requests.length, 1);
  });

  test('refused credentials are SK_VALIDATION and a missing route SK_NOT_FOUND, neither retried', async () => {
    const denied = fakeApi(() => ({
      status: 403,
      body: { message: 'The security token included in the request is invalid.' },
    }));
    await assert.rejects(
      client(denied.fetch).client.putRecord({ data: 1, partitionKey: 'p' }),
      isError('SK_VALIDATION', /403.*security token/),
    );
    const missing = fakeApi(() => ({ status: 404, body: { message: 'Not Found' } }));
    await assert.rejects(
      client(missing.fetch).client.putRecord({ data: 1, partitionKey: 'p' }),
      isError('SK_NOT_FOUND'),
    );
    assert.equal(denied.requests.length + missing.requests.length, 2);
  });

  test('retries Kinesis throughput errors (400 ProvisionedThroughputExceededException)', async () => {
    const api = fakeApi((_, call) =>
      call === 1
        ? { status: 400, body: { message: 'Rate exceeded', type: 'ProvisionedThroughputExceededException' } }
        : { status: 200, body: ok() },
    );
    const output = await client(api.fetch).client.putRecord({ data: 1, partitionKey: 'p' });
    assert.equal(output.attempts, 2);
  });

  test('gives up on server errors after maxAttempts with SK_UNAVAILABLE', async () => {
    const api = fakeApi(() => ({ status: 500, body: { message: 'Internal server error' } }));
    await assert.rejects(
      client(api.fetch, { maxAttempts: 3 }).client.putRecords(records(2)),
      isError('SK_UNAVAILABLE', /500.*Internal server error/),
    );
    assert.equal(api.requests.length, 3);
  });

  test('retries an unreachable API, then says which URL could not be reached', async () => {
    const refused = () =>
      Object.assign(new TypeError('fetch failed'), { cause: new Error('connect ECONNREFUSED 127.0.0.1:4568') });
    const api = fakeApi(refused);
    await assert.rejects(
      client(api.fetch, { maxAttempts: 2 }).client.putRecord({ data: 1, partitionKey: 'p' }),
      isError('SK_UNAVAILABLE', /127\.0\.0\.1:4568\/record.*ECONNREFUSED/),
    );
    assert.equal(api.requests.length, 2);
  });

  test('an abort during a backoff stops the retries', async () => {
    const controller = new AbortController();
    const api = fakeApi(() => ({ status: 429, body: { message: 'Too Many Requests' } }));
    const c = new IngestClient({
      url: URL_BASE,
      auth: { type: 'apiKey', apiKey: 'k' },
      fetch: api.fetch,
      clock: {
        now: () => NOW,
        async sleep() {
          controller.abort(new Error('stopped by the test'));
        },
      },
    });
    await assert.rejects(
      c.putRecord({ data: 1, partitionKey: 'p' }, { signal: controller.signal }),
      /stopped by the test/,
    );
    assert.equal(api.requests.length, 1);
  });
});
