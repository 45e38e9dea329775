/**
 * A running local pipeline records its metrics under CloudWatch's namespaces, names and dimensions, and the counts
 * agree with what the pipeline itself counted.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LOCAL_CREDENTIALS, LOCAL_REGION, parseSpecText } from '@streamkit/core';
import { IngestClient, KinesisStreamWriter } from '@streamkit/producer';
import { type LocalPipeline, type MetricId, startLocalPipeline } from '../src/index.ts';
import { tempDir } from './support/firehose.ts';

const sum = (p: LocalPipeline, namespace: string, metricName: string, dimensions: Record<string, string>) =>
  p.monitoring.store.aggregate({ namespace, metricName, dimensions } satisfies MetricId, 0, Number.MAX_SAFE_INTEGER);

describe('metrics of a local kinesis-firehose-s3 pipeline', () => {
  const dir = tempDir('streamkit-metrics-firehose-');
  let pipeline: LocalPipeline;
  before(async () => {
    const spec = parseSpecText(
      `name: archive\npreset: kinesis-firehose-s3\nlocal:\n  kinesisPort: 0\n  firehosePort: 0\n  dataDir: ${join(dir, 'state')}\n`,
      { source: 'metrics spec' },
    );
    pipeline = await startLocalPipeline(spec, { idlePollMs: 20 });
  });
  after(() => pipeline?.stop());

  test('Kinesis and Firehose metrics count every record, keyed by StreamName and DeliveryStreamName', async () => {
    const writer = new KinesisStreamWriter({ kinesis: pipeline.kinesis, streamName: pipeline.streamName });
    const records = Array.from({ length: 300 }, (_, i) => ({ data: { i, ticker: 'AMZN' }, partitionKey: `k-${i}` }));
    assert.equal((await writer.putRecords(records)).failedRecordCount, 0);
    await pipeline.flush();
    assert.equal(await pipeline.drain(60_000), true);
    pipeline.monitoring.metrics.sample();

    const stream = { StreamName: 'archive-stream' };
    const delivery = { DeliveryStreamName: 'archive-delivery' };
    assert.equal(sum(pipeline, 'AWS/Kinesis', 'IncomingRecords', stream)?.sum, 300);
    assert.ok((sum(pipeline, 'AWS/Kinesis', 'IncomingBytes', stream)?.sum ?? 0) > 300 * 10);
    assert.equal(sum(pipeline, 'AWS/Kinesis', 'WriteProvisionedThroughputExceeded', stream)?.sum, 0);
    assert.equal(sum(pipeline, 'AWS/Firehose', 'DataReadFromKinesisStream.Records', delivery)?.sum, 300);
    assert.equal(sum(pipeline, 'AWS/Firehose', 'DeliveryToS3.Records', delivery)?.sum, pipeline.counts.delivered);
    assert.equal(sum(pipeline, 'AWS/Firehose', 'DeliveryToS3.Success', delivery)?.minimum, 1);
    // Everything is delivered: the oldest undelivered record is 0 s old.
    assert.equal(sum(pipeline, 'AWS/Firehose', 'DeliveryToS3.DataFreshness', delivery)?.minimum, 0);
    assert.ok((sum(pipeline, 'AWS/Kinesis', 'GetRecords.Success', stream)?.sampleCount ?? 0) > 0);
  });
});

describe('metrics of a local apigw-kinesis-lambda pipeline', () => {
  const dir = tempDir('streamkit-metrics-apigw-');
  let pipeline: LocalPipeline;
  before(async () => {
    const spec = parseSpecText(
      `name: shop\npreset: apigw-kinesis-lambda\nconsumers:\n  - name: orders\nlocal:\n  kinesisPort: 0\n  ingestPort: 0\n  dataDir: ${join(dir, 'state')}\n`,
      { source: 'metrics spec' },
    );
    // The default idle poll (1 s): faster polling would exceed the shard's 5 reads/s, and StreamReadThrottled would rightly fire.
    pipeline = await startLocalPipeline(spec, { throttle: false });
  });
  after(() => pipeline?.stop());

  test('API Gateway, Kinesis and Lambda metrics agree with the pipeline’s own counts', async () => {
    const client = new IngestClient({
      url: pipeline.ingestUrl!,
      auth: { type: 'iam', credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION },
    });
    for (let i = 0; i < 3; i++) {
      const batch = Array.from({ length: 100 }, (_, j) => ({ data: { id: i * 100 + j }, partitionKey: `c-${j}` }));
      assert.equal((await client.putRecords(batch)).failedRecordCount, 0);
    }
    assert.equal(await pipeline.drain(60_000), true);

    const api = { ApiName: 'streamkit-shop-ingest', Stage: 'prod' };
    const fn = { FunctionName: 'shop-orders' };
    assert.equal(sum(pipeline, 'AWS/ApiGateway', 'Count', api)?.sum, 3);
    assert.equal(sum(pipeline, 'AWS/ApiGateway', '5XXError', api)?.sum, 0);
    assert.equal(sum(pipeline, 'AWS/Kinesis', 'IncomingRecords', { StreamName: 'shop-stream' })?.sum, 300);
    assert.equal(sum(pipeline, 'AWS/Kinesis', 'PutRecords.Success', { StreamName: 'shop-stream' })?.minimum, 1);
    assert.equal(sum(pipeline, 'AWS/Lambda', 'Invocations', fn)?.sum, pipeline.counts.invocations);
    assert.equal(sum(pipeline, 'AWS/Lambda', 'Errors', fn)?.sum, 0);
    assert.ok((sum(pipeline, 'AWS/Lambda', 'Duration', fn)?.maximum ?? 0) > 0);
    assert.ok(sum(pipeline, 'AWS/Lambda', 'IteratorAge', fn) !== undefined, 'IteratorAge recorded');
    pipeline.monitoring.metrics.sample();
    assert.equal(
      sum(pipeline, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: 'shop-orders-dlq' })?.maximum,
      0,
    );
    pipeline.monitoring.evaluate();
    const inAlarm = pipeline.monitoring.alarms.list().filter((a) => a.state !== 'OK');
    assert.deepEqual(
      inAlarm.map((a) => `${a.definition.id}: ${a.reason}`),
      [],
      'a healthy pipeline is OK',
    );
  });
});
