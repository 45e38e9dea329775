import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { arn } from '@streamkit/core';
import { bundleHandler } from '../src/lambda/bundle.ts';
import { LocalFunction } from '../src/lambda/local-function.ts';
import {
  deliverySettings,
  lines,
  objects,
  records,
  tempDir,
  testDelivery,
  whileAdvancing,
} from './support/firehose.ts';

const entry = new URL('./fixtures/firehose-transform.ts', import.meta.url).pathname;

interface ErrorRecord {
  attemptsMade: number;
  errorCode: string;
  errorMessage: string;
  rawData: string;
  lambdaArn?: string;
}

describe('a delivery stream with a Lambda record transformation (LocalFunction)', () => {
  const functions: Record<string, LocalFunction> = {};
  before(async () => {
    const bundle = await bundleHandler({ entry, outdir: join(tempDir(), 'build') });
    for (const exportName of ['handler', 'throws', 'forgets']) {
      functions[exportName] = new LocalFunction({ functionName: `transform-${exportName}`, bundle, exportName });
    }
  });
  after(() => Promise.all(Object.values(functions).map((f) => f.close())));

  test('Ok records are delivered transformed, Dropped ones are settled, ProcessingFailed ones go to the error prefix', async () => {
    const { stream, store, timer } = testDelivery(
      deliverySettings('compression: GZIP\nprocessor: { handler: ./t.ts, bufferSizeInMBs: 1 }'),
      { processor: functions.handler!, type: 'KinesisStreamAsSource' },
    );
    let settled = 0;
    const orders = (i: number) => ({
      id: i,
      ticker: 'amzn',
      ...(i % 6 === 1 && { drop: true }),
      ...(i % 6 === 2 && { fail: true }),
    });
    await stream.put(records(30, orders, timer.now(), () => settled++));
    await stream.flushAll();

    const [data] = await objects(store, 'GZIP', 'data/');
    const delivered = lines(data!.content).map((l) => JSON.parse(l));
    assert.equal(delivered.length, 20);
    assert.ok(delivered.every((o) => o.ticker === 'AMZN'));
    assert.deepEqual(delivered[0].seen, {
      deliveryStreamArn: arn.deliveryStream('orders-delivery'),
      sourceKinesisStreamArn: arn.stream('orders-stream'),
      region: 'us-east-1',
      invocationId: 'string',
      arrival: timer.now(),
    });

    const [errors] = await objects(store, 'GZIP', 'errors/');
    assert.match(errors!.key, /\/processing-failed\/orders-delivery-1-/);
    const failed = lines(errors!.content).map((l) => JSON.parse(l) as ErrorRecord);
    assert.equal(failed.length, 5);
    for (const f of failed) {
      assert.equal(f.errorCode, 'Lambda.ProcessingFailedStatus');
      assert.equal(f.lambdaArn, functions.handler!.functionArn);
      assert.equal(JSON.parse(Buffer.from(f.rawData, 'base64').toString()).fail, true, 'the original record');
    }
    assert.deepEqual(
      { dropped: stream.counts.dropped, delivered: stream.counts.delivered, errored: stream.counts.errored, settled },
      { dropped: 5, delivered: 20, errored: 5, settled: 30 },
    );
  });

  test('an invocation that keeps failing is tried 1 + numberOfRetries times, then its records go to the error prefix', async () => {
    const { stream, store, timer } = testDelivery(
      deliverySettings('compression: UNCOMPRESSED\nprocessor: { handler: ./t.ts, numberOfRetries: 2 }'),
      { processor: functions.throws! },
    );
    let invocations = 0;
    const count = (m: unknown) => {
      if ((m as { functionName: string }).functionName === 'transform-throws') invocations++;
    };
    subscribe('streamkit:lambda:invoke', count);
    try {
      await whileAdvancing(timer, stream.put(records(4, (i) => ({ id: i }), timer.now())));
    } finally {
      unsubscribe('streamkit:lambda:invoke', count);
    }
    assert.equal(invocations, 3);
    await stream.flushAll();
    const [errors] = await objects(store, 'UNCOMPRESSED', 'errors/');
    const failed = lines(errors!.content).map((l) => JSON.parse(l) as ErrorRecord);
    assert.equal(failed.length, 4);
    for (const f of failed) {
      assert.equal(f.errorCode, 'Lambda.FunctionError');
      assert.equal(f.attemptsMade, 3);
      assert.match(f.errorMessage, /Error: the transformation broke/);
    }
  });

  test('a response that leaves out a record id fails the invocation (Lambda.MissingRecordId)', async () => {
    const { stream, store, timer } = testDelivery(
      deliverySettings('compression: UNCOMPRESSED\nprocessor: { handler: ./t.ts, numberOfRetries: 0 }'),
      { processor: functions.forgets! },
    );
    await stream.put(records(3, (i) => ({ id: i }), timer.now()));
    await stream.flushAll();
    const [errors] = await objects(store, 'UNCOMPRESSED', 'errors/');
    const failed = lines(errors!.content).map((l) => JSON.parse(l) as ErrorRecord);
    assert.deepEqual(
      failed.map((f) => f.errorCode),
      ['Lambda.MissingRecordId', 'Lambda.MissingRecordId', 'Lambda.MissingRecordId'],
    );
    assert.equal((await objects(store, 'UNCOMPRESSED', 'data/')).length, 0);
  });

  test('partition keys returned by the function partition the objects (!{partitionKeyFromLambda:…})', async () => {
    const { stream, store, timer } = testDelivery(
      deliverySettings(`compression: UNCOMPRESSED
bufferingHints: { sizeInMBs: 64, intervalInSeconds: 60 }
prefix: "region=!{partitionKeyFromLambda:region}/"
dynamicPartitioning: { enabled: true }
processor: { handler: ./t.ts }`),
      { processor: functions.handler! },
    );
    await stream.put(records(9, (i) => ({ id: i, ticker: 'msft', region: ['eu', 'us', 'ap'][i % 3] }), timer.now()));
    await stream.flushAll();
    const all = await objects(store, 'UNCOMPRESSED');
    assert.deepEqual(all.map((o) => o.key.split('/')[0]).sort(), ['region=ap', 'region=eu', 'region=us']);
    for (const object of all) {
      const region = object.key.split('/')[0]!.slice('region='.length);
      assert.ok(lines(object.content).every((l) => JSON.parse(l).region === region));
      assert.equal(lines(object.content).length, 3);
    }
  });
});
