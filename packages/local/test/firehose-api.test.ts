import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { arn } from '@streamkit/core';
import { type FirehoseApi, startFirehoseApi } from '../src/firehose/api/server.ts';
import { deliverySettings, lines, objects, type TestDelivery, testDelivery } from './support/firehose.ts';

/** A request as @aws-sdk/client-firehose sends it: AWS JSON 1.1, the action in X-Amz-Target. */
async function call(api: FirehoseApi, action: string, body: unknown) {
  const response = await fetch(`${api.endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `Firehose_20150804.${action}`,
      'x-amz-date': '20260713T140509Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=streamkit-local/20260713/us-east-1/firehose/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    errorType: response.headers.get('x-amzn-errortype'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('the local Firehose API (Direct PUT over AWS JSON 1.1)', () => {
  let api: FirehoseApi;
  const direct: TestDelivery = testDelivery(
    deliverySettings('compression: UNCOMPRESSED\nbufferingHints: { intervalInSeconds: 60 }'),
    { name: 'clicks' },
  );
  const fromStream: TestDelivery = testDelivery(deliverySettings(''), {
    name: 'archive',
    type: 'KinesisStreamAsSource',
  });

  before(async () => {
    api = await startFirehoseApi({ deliveryStreams: [direct.stream, fromStream.stream] });
  });
  after(() => api?.close());

  test('PutRecord and PutRecordBatch take base64 records into a DirectPut delivery stream', async () => {
    const one = await call(api, 'PutRecord', { DeliveryStreamName: 'clicks', Record: { Data: b64('{"n":0}\n') } });
    assert.equal(one.status, 200);
    assert.equal(one.contentType, 'application/x-amz-json-1.1');
    assert.equal(typeof one.body.RecordId, 'string');
    assert.equal(one.body.Encrypted, false);
    const batch = await call(api, 'PutRecordBatch', {
      DeliveryStreamName: 'clicks',
      Records: Array.from({ length: 500 }, (_, i) => ({ Data: b64(`{"n":${i + 1}}\n`) })),
    });
    assert.equal(batch.status, 200);
    assert.equal(batch.body.FailedPutCount, 0);
    assert.equal((batch.body.RequestResponses as unknown[]).length, 500);
    await direct.stream.flushAll();
    const [object] = await objects(direct.store, 'UNCOMPRESSED');
    assert.deepEqual(
      lines(object!.content).map((l) => JSON.parse(l).n),
      Array.from({ length: 501 }, (_, i) => i),
    );
  });

  test('DescribeDeliveryStream and ListDeliveryStreams answer in AWS’s shapes', async () => {
    const described = await call(api, 'DescribeDeliveryStream', { DeliveryStreamName: 'archive' });
    const description = described.body.DeliveryStreamDescription as Record<string, unknown>;
    assert.equal(description.DeliveryStreamARN, arn.deliveryStream('archive'));
    assert.equal(description.DeliveryStreamType, 'KinesisStreamAsSource');
    assert.equal(description.DeliveryStreamStatus, 'ACTIVE');
    const [destination] = description.Destinations as { ExtendedS3DestinationDescription: Record<string, unknown> }[];
    assert.deepEqual(destination!.ExtendedS3DestinationDescription.BufferingHints, {
      SizeInMBs: 5,
      IntervalInSeconds: 300,
    });
    assert.equal(destination!.ExtendedS3DestinationDescription.CompressionFormat, 'GZIP');
    const listed = await call(api, 'ListDeliveryStreams', {});
    assert.deepEqual(listed.body, { DeliveryStreamNames: ['archive', 'clicks'], HasMoreDeliveryStreams: false });
    const direct = await call(api, 'ListDeliveryStreams', { DeliveryStreamType: 'DirectPut', Limit: 1 });
    assert.deepEqual(direct.body, { DeliveryStreamNames: ['clicks'], HasMoreDeliveryStreams: false });
  });

  const refusals: [string, string, unknown, number, string, RegExp][] = [
    [
      'an unknown delivery stream',
      'PutRecord',
      { DeliveryStreamName: 'nope', Record: { Data: b64('x') } },
      400,
      'ResourceNotFoundException',
      /^Firehose nope under account 000000000000 not found\.$/,
    ],
    [
      'Direct PUT into a stream-sourced delivery stream',
      'PutRecord',
      { DeliveryStreamName: 'archive', Record: { Data: b64('x') } },
      400,
      'InvalidArgumentException',
      /^This operation is not permitted on KinesisStreamAsSource delivery stream type\.$/,
    ],
    [
      '501 records in one batch',
      'PutRecordBatch',
      { DeliveryStreamName: 'clicks', Records: Array.from({ length: 501 }, () => ({ Data: b64('x') })) },
      400,
      'ValidationException',
      /Value at 'records' failed to satisfy constraint: Member must have length less than or equal to 500/,
    ],
    [
      'a record over 1000 KiB',
      'PutRecord',
      { DeliveryStreamName: 'clicks', Record: { Data: b64('x'.repeat(1_024_001)) } },
      400,
      'ValidationException',
      /'record\.data' failed to satisfy constraint: Member must have length less than or equal to 1024000/,
    ],
    [
      'a batch over 4 MiB',
      'PutRecordBatch',
      {
        DeliveryStreamName: 'clicks',
        Records: Array.from({ length: 5 }, () => ({ Data: b64('x'.repeat(1_000_000)) })),
      },
      400,
      'InvalidArgumentException',
      /Records size exceeds 4194304 bytes \(got 5000000\)/,
    ],
    [
      'a record without data',
      'PutRecord',
      { DeliveryStreamName: 'clicks', Record: {} },
      400,
      'ValidationException',
      /'record\.data' failed to satisfy constraint: Member must not be null/,
    ],
    ['a body that is not JSON', 'PutRecord', '{oops', 400, 'SerializationException', /not valid JSON/],
    ['an unknown action', 'CreateDeliveryStream', {}, 400, 'UnknownOperationException', /Unknown operation/],
  ];
  for (const [what, action, body, status, type, message] of refusals) {
    test(`refuses ${what} with ${type}`, async () => {
      const answer = await call(api, action, body);
      assert.equal(answer.status, status);
      assert.equal(answer.body.__type, type);
      assert.equal(answer.errorType, type);
      assert.match(String(answer.body.message), message);
    });
  }

  test('serves a client that is not ours: the AWS CLI (botocore) puts a batch and describes the stream', async () => {
    assert.equal(
      spawnSync('aws', ['--version']).status,
      0,
      'the AWS CLI is required: pip install awscli (.ci/run does)',
    );
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_PAGER: '' };
    const aws = async (...args: string[]) =>
      JSON.parse(
        (
          await promisify(execFile)(
            'aws',
            ['firehose', ...args, '--endpoint-url', api.endpoint, '--region', 'us-east-1', '--output', 'json'],
            { env, encoding: 'utf8' },
          )
        ).stdout,
      );
    const before = direct.stream.counts.incoming;
    // AWS CLI v1 sends blob arguments as they are (it base64-encodes them on the wire).
    const put = await aws('put-record-batch', '--delivery-stream-name', 'clicks', '--records', 'Data=one', 'Data=two');
    assert.equal(put.FailedPutCount, 0);
    assert.equal(put.RequestResponses.length, 2);
    assert.equal(direct.stream.counts.incoming - before, 2);
    const described = await aws('describe-delivery-stream', '--delivery-stream-name', 'archive');
    assert.equal(described.DeliveryStreamDescription.DeliveryStreamType, 'KinesisStreamAsSource');
    await assert.rejects(
      aws('put-record', '--delivery-stream-name', 'missing', '--record', 'Data=x'),
      /ResourceNotFoundException.*Firehose missing under account 000000000000 not found/s,
    );
  });
});

describe('an unmodified AWS SDK v3 FirehoseClient against the local Firehose API', () => {
  test('puts single records and batches that land, all of them, in the delivered objects', async (t) => {
    const { FirehoseClient, PutRecordBatchCommand, PutRecordCommand, DescribeDeliveryStreamCommand } = await import(
      '@aws-sdk/client-firehose'
    );
    const direct = testDelivery(
      deliverySettings('compression: UNCOMPRESSED\nbufferingHints: { intervalInSeconds: 60 }'),
      {
        name: 'sdk-clicks',
      },
    );
    const api = await startFirehoseApi({ deliveryStreams: [direct.stream] });
    const firehose = new FirehoseClient({
      endpoint: api.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'streamkit-local', secretAccessKey: 'streamkit-local-secret' },
    });
    t.after(async () => {
      firehose.destroy();
      await api.close();
    });

    const one = await firehose.send(
      new PutRecordCommand({ DeliveryStreamName: 'sdk-clicks', Record: { Data: Buffer.from('{"n":0}\n') } }),
    );
    assert.equal(typeof one.RecordId, 'string');
    const batch = await firehose.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: 'sdk-clicks',
        Records: Array.from({ length: 300 }, (_, i) => ({ Data: Buffer.from(`{"n":${i + 1}}\n`) })),
      }),
    );
    assert.equal(batch.FailedPutCount, 0);
    const described = await firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'sdk-clicks' }));
    assert.equal(described.DeliveryStreamDescription?.DeliveryStreamType, 'DirectPut');

    await direct.stream.flushAll();
    const delivered = (await objects(direct.store, 'UNCOMPRESSED')).flatMap((o) => lines(o.content));
    assert.deepEqual(
      delivered.map((line) => JSON.parse(line).n),
      Array.from({ length: 301 }, (_, i) => i),
    );
  });
});
