import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BUILTIN_HANDLERS } from '@streamkit/functions';
import { bundleHandler, type HandlerBundle } from '../src/lambda/bundle.ts';
import { LocalFunction, type LocalFunctionOptions } from '../src/lambda/local-function.ts';

const fixture = new URL('./fixtures/handlers.ts', import.meta.url).pathname;

describe('the local Lambda runtime', () => {
  let bundle: HandlerBundle;
  const functions: LocalFunction[] = [];

  before(async () => {
    bundle = await bundleHandler({ entry: fixture, outdir: mkdtempSync(join(tmpdir(), 'streamkit-bundle-')) });
  });
  after(async () => {
    await Promise.all(functions.map((f) => f.close()));
  });

  function localFunction(exportName: string, options: Partial<LocalFunctionOptions> = {}): LocalFunction {
    const fn = new LocalFunction({ functionName: `test-${exportName}`, bundle, exportName, ...options });
    functions.push(fn);
    return fn;
  }

  test('invokes the handler with the event and an AWS-shaped context and environment', async () => {
    const fn = localFunction('echo', { environment: { CUSTOM: 'yes' } });
    const result = await fn.invoke({ hello: 'world' });
    assert.equal(result.error, undefined);
    const payload = result.payload as Record<string, unknown>;
    assert.deepEqual(payload.event, { hello: 'world' });
    assert.equal(payload.requestId, result.requestId);
    assert.equal(payload.functionName, 'test-echo');
    assert.ok((payload.remaining as number) > 59_000);
    assert.deepEqual(payload.env, { name: 'test-echo', custom: 'yes', handler: 'index.echo' });
    assert.ok(result.initDurationMs !== undefined, 'the first invocation is a cold start');
  });

  test('reuses a warm execution environment, keeping module state', async () => {
    const fn = localFunction('echo');
    await fn.invoke({});
    const second = await fn.invoke({});
    assert.equal((second.payload as { invocations: number }).invocations, 2);
    assert.equal(second.initDurationMs, undefined, 'a warm invocation has no init duration');
  });

  test('reports a thrown error with its type and message', async () => {
    const result = await localFunction('fails').invoke({});
    assert.equal(result.error?.errorType, 'RangeError');
    assert.equal(result.error?.errorMessage, 'price must be positive');
  });

  test('times out like Lambda and starts a new environment afterwards', async () => {
    const fn = localFunction('sleeps', { timeoutSeconds: 1 });
    const slow = await fn.invoke({ ms: 5_000 });
    assert.equal(slow.error?.errorType, 'Sandbox.Timedout');
    assert.equal(slow.error?.errorMessage, 'Task timed out after 1.00 seconds');
    assert.ok(slow.durationMs < 2_000);
    const fast = await fn.invoke({ ms: 1 });
    assert.equal(fast.payload, 'woke up');
    assert.ok(fast.initDurationMs !== undefined, 'a timed-out environment is replaced by a cold one');
  });

  test('a handler that exits the process fails the invocation, and the next one gets a new environment', async () => {
    const fn = localFunction('exits');
    const crashed = await fn.invoke({});
    assert.equal(crashed.error?.errorType, 'Runtime.ExitError');
    assert.match(crashed.error!.errorMessage, /exit status 3/);
    const again = await fn.invoke({});
    assert.equal(again.error?.errorType, 'Runtime.ExitError');
  });

  test('an exception thrown in a timer ends the environment, and the next invocation gets a new one', async () => {
    const fn = localFunction('throwsInTimer', { maxConcurrency: 1 });
    for (let i = 0; i < 3; i++) {
      const crashed = await fn.invoke({ crash: true });
      assert.equal(crashed.error?.errorType, 'Runtime.Error');
      assert.equal(crashed.error?.errorMessage, 'nothing catches this');
      // Not sent to the dying environment (which would fail it with Runtime.ExitError): a cold start that succeeds.
      const next = await fn.invoke({});
      assert.equal(next.error, undefined);
      assert.equal(next.payload, 'fine');
      assert.ok(next.initDurationMs !== undefined);
    }
  });

  test('a missing export is Runtime.HandlerNotFound', async () => {
    const result = await localFunction('nope').invoke({});
    assert.equal(result.error?.errorType, 'Runtime.HandlerNotFound');
  });

  test('supports callback-style handlers and JSON-serializes results', async () => {
    assert.equal((await localFunction('callback').invoke({})).payload, 'called back');
    assert.deepEqual((await localFunction('returnsDate').invoke({})).payload, { at: '1970-01-01T00:00:00.000Z' });
  });

  test('publishes the handler’s log lines and each invocation on diagnostics channels', async () => {
    const lines: unknown[] = [];
    const invocations: unknown[] = [];
    const onLine = (m: unknown) => lines.push(m);
    const onInvoke = (m: unknown) => invocations.push(m);
    subscribe('streamkit:lambda:log', onLine);
    subscribe('streamkit:lambda:invoke', onInvoke);
    try {
      await localFunction('logs').invoke({});
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      unsubscribe('streamkit:lambda:log', onLine);
      unsubscribe('streamkit:lambda:invoke', onInvoke);
    }
    assert.deepEqual(lines, [{ functionName: 'test-logs', stream: 'stdout', line: 'hello from the handler' }]);
    assert.equal((invocations[0] as { functionName: string }).functionName, 'test-logs');
  });

  test('runs invocations concurrently up to maxConcurrency', async () => {
    const fn = localFunction('sleeps', { maxConcurrency: 4 });
    const started = performance.now();
    await Promise.all(Array.from({ length: 4 }, () => fn.invoke({ ms: 300 })));
    assert.ok(performance.now() - started < 1_100, 'four 300 ms invocations ran side by side');
  });

  test('bundles and runs the built-in Kinesis consumer', async () => {
    const builtin = await bundleHandler({
      entry: BUILTIN_HANDLERS.kinesisConsumer,
      outdir: mkdtempSync(join(tmpdir(), 'streamkit-bundle-')),
    });
    const fn = new LocalFunction({
      functionName: 'builtin',
      bundle: builtin,
      environment: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    });
    functions.push(fn);
    const data = Buffer.from('{"ticker":"AMZN"}').toString('base64');
    const record = { kinesis: { partitionKey: 'AMZN', sequenceNumber: '1', data, approximateArrivalTimestamp: 1 } };
    const result = await fn.invoke({ Records: [{ ...record, eventSource: 'aws:kinesis' }] });
    assert.deepEqual(result.payload, { batchItemFailures: [] });
  });

  test('a handler that does not compile is rejected with the file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamkit-broken-'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'broken.ts'), 'export const handler = async () => {\n  return (;\n};\n');
    await assert.rejects(bundleHandler({ entry: join(dir, 'broken.ts'), outdir: join(dir, 'out') }), /broken\.ts:2/);
  });
});
