/**
 * The local REST API with Lambda proxy integrations (the fare API of kinesis-flink-apigw): requests become proxy
 * events for a local function, answers become responses, and the API key, unknown routes and failing handlers are
 * answered as API Gateway answers them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type LambdaProxyApi, startLambdaProxyApi } from '../src/api-gateway/lambda-proxy-api.ts';
import { bundleHandler } from '../src/lambda/bundle.ts';
import { LocalFunction } from '../src/lambda/local-function.ts';

const fixture = fileURLToPath(new URL('./fixtures/proxy-handlers.ts', import.meta.url));

describe('a local REST API with Lambda proxy integrations', () => {
  let api: LambdaProxyApi;
  const functions: LocalFunction[] = [];

  before(async () => {
    const bundle = await bundleHandler({ entry: fixture, outdir: mkdtempSync(join(tmpdir(), 'streamkit-proxy-')) });
    const fn = (exportName: string) => {
      const created = new LocalFunction({ functionName: `proxy-${exportName}`, bundle, exportName });
      functions.push(created);
      return created;
    };
    api = await startLambdaProxyApi({
      apiKey: 'k-123',
      routes: [
        { method: 'POST', path: '/echo', function: fn('echo') },
        { method: 'GET', path: '/broken', function: fn('throws') },
        { method: 'GET', path: '/odd', function: fn('notAProxyAnswer') },
      ],
    });
  });
  after(async () => {
    await api.close();
    await Promise.all(functions.map((f) => f.close()));
  });

  const call = (path: string, init: RequestInit = {}, key: string | null = 'k-123') =>
    fetch(`${api.url}${path}`, { ...init, headers: { ...(key && { 'x-api-key': key }), ...init.headers } });

  test('a request becomes a proxy event and the answer a response', async () => {
    assert.match(api.url, /^http:\/\/127\.0\.0\.1:\d+\/prod\/$/);
    const response = await call('echo', { method: 'POST', body: JSON.stringify({ trip_id: 7 }) });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('x-echo'), 'yes');
    assert.deepEqual(await response.json(), {
      method: 'POST',
      path: '/echo',
      stage: 'prod',
      apiKey: 'k-123',
      body: { trip_id: 7 },
    });
  });

  test('without the API key: 403 Forbidden; an unknown route: 403 Missing Authentication Token', async () => {
    const noKey = await call('echo', { method: 'POST', body: '{}' }, null);
    assert.equal(noKey.status, 403);
    assert.deepEqual(await noKey.json(), { message: 'Forbidden' });
    const wrongKey = await call('echo', { method: 'POST', body: '{}' }, 'nope');
    assert.equal(wrongKey.status, 403);
    const unknown = await call('nowhere');
    assert.equal(unknown.status, 403);
    assert.deepEqual(await unknown.json(), { message: 'Missing Authentication Token' });
    const wrongMethod = await call('echo');
    assert.equal(wrongMethod.status, 403);
  });

  test('a handler that throws, or answers something that is not a proxy answer, gets 502', async () => {
    for (const path of ['broken', 'odd']) {
      const response = await call(path);
      assert.equal(response.status, 502);
      assert.deepEqual(await response.json(), { message: 'Internal server error' });
    }
  });
});
