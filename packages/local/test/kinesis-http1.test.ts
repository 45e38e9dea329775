/**
 * The local Kinesis engine over HTTP/1.1: the AWS SDK with `NodeHttpHandler`, and raw requests that show the wire
 * contract — error bodies, headers, content types — and the protocol detection on the shared port.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, type TestContext, test } from 'node:test';
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LOCAL_CREDENTIALS, LOCAL_REGION, StreamkitError } from '@streamkit/core';
import { type KinesisEngine, MAX_REQUEST_BYTES, startKinesisEngine } from '../src/kinesis/index.ts';
import { decodeAwsCbor, EpochMillis } from './support/aws-cbor.ts';

async function start(t: TestContext): Promise<KinesisEngine> {
  const engine = await startKinesisEngine();
  t.after(() => engine.close());
  return engine;
}

interface RawAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

async function post(
  engine: KinesisEngine,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
  method = 'POST',
): Promise<RawAnswer> {
  const response = await fetch(engine.endpoint, {
    method,
    headers: { 'content-type': 'application/x-amz-json-1.1', ...headers },
    ...(method === 'GET' ? {} : { body }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

const target = (action: string) => ({ 'x-amz-target': `Kinesis_20131202.${action}` });

describe('the engine over HTTP/1.1', () => {
  test('serves the AWS SDK with NodeHttpHandler, large requests and responses included', async (t) => {
    const engine = await start(t);
    const client = new KinesisClient({
      endpoint: engine.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      requestHandler: new NodeHttpHandler(),
    });
    t.after(() => client.destroy());
    await client.send(new CreateStreamCommand({ StreamName: 'h1', ShardCount: 1 }));
    for (let call = 0; call < 20; call++) {
      const out = await client.send(
        new PutRecordsCommand({
          StreamName: 'h1',
          Records: Array.from({ length: 500 }, (_, i) => ({
            Data: Buffer.alloc(200, i),
            PartitionKey: `k${call}-${i}`,
          })),
        }),
      );
      assert.equal(out.FailedRecordCount, 0);
    }
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: 'h1',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const out = await client.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }));
    assert.equal(out.Records?.length, 10_000);
    assert.equal(out.Records?.[10_000 - 1]?.PartitionKey, 'k19-499');
    await assert.rejects(client.send(new DescribeStreamCommand({ StreamName: 'missing' })), {
      name: 'ResourceNotFoundException',
    });
  });

  test('answers malformed JSON with a SerializationException body and header', async (t) => {
    const engine = await start(t);
    const answer = await post(engine, '{"StreamName": ', target('DescribeStream'));
    assert.equal(answer.status, 400);
    assert.equal(answer.headers.get('x-amzn-errortype'), 'SerializationException');
    assert.equal(answer.headers.get('content-type'), 'application/x-amz-json-1.1');
    assert.match(answer.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(answer.body.__type, 'SerializationException');
    assert.match(String(answer.body.message), /^The request body is not valid JSON: /);
  });

  test('answers an unknown or missing action with UnknownOperationException', async (t) => {
    const engine = await start(t);
    const unknown = await post(engine, '{}', target('LaunchRocket'));
    assert.equal(unknown.status, 400);
    assert.equal(unknown.headers.get('x-amzn-errortype'), 'UnknownOperationException');
    assert.equal(unknown.body.__type, 'UnknownOperationException');
    assert.match(String(unknown.body.message), /does not implement operation LaunchRocket; it implements CreateStream/);
    const missing = await post(engine, '{}');
    assert.equal(missing.body.__type, 'UnknownOperationException');
    const otherService = await post(engine, '{}', { 'x-amz-target': 'DynamoDB_20120810.ListTables' });
    assert.equal(otherService.body.__type, 'UnknownOperationException');
  });

  test('answers bodies of the wrong shape with SerializationException', async (t) => {
    const engine = await start(t);
    for (const [body, message] of [
      ['', /The request body is empty/],
      ['[]', /must be a JSON object \(got an array\)/],
      ['{"StreamName": 42}', /Value at 'streamName' must be a string \(got an integer '42'\)/],
      ['{"StreamName": "s", "Records": {}}', /Value at 'records' must be a JSON array/],
      [
        '{"StreamName": "s", "Records": [{"PartitionKey": "k", "Data": "not base64!"}]}',
        /Value at 'records.1.member.data' is not valid base64/,
      ],
    ] as const) {
      const action = body.includes('Records') ? 'PutRecords' : 'DescribeStream';
      const answer = await post(engine, body, target(action));
      assert.equal(answer.status, 400, body);
      assert.equal(answer.body.__type, 'SerializationException', body);
      assert.match(String(answer.body.message), message);
    }
  });

  test('accepts application/json and CBOR and answers in kind; refuses other content types', async (t) => {
    const engine = await start(t);
    const json = await post(engine, '{"StreamName": "plain", "ShardCount": 1}', {
      ...target('CreateStream'),
      'content-type': 'application/json',
    });
    assert.equal(json.status, 200);
    assert.equal(json.headers.get('content-type'), 'application/json');
    assert.deepEqual(json.body, {});

    const cbor = await fetch(engine.endpoint, {
      method: 'POST',
      headers: { ...target('ListStreams'), 'content-type': 'application/x-amz-cbor-1.1' },
      body: new Uint8Array([0xbf, 0xff]), // {} as an indefinite-length map, as Jackson writes it
    });
    assert.equal(cbor.status, 200);
    assert.equal(cbor.headers.get('content-type'), 'application/x-amz-cbor-1.1');
    const { StreamDescriptionSummary: summary } = await engine.dispatch('DescribeStreamSummary', {
      StreamName: 'plain',
    });
    assert.deepEqual(decodeAwsCbor(new Uint8Array(await cbor.arrayBuffer())), {
      StreamNames: ['plain'],
      HasMoreStreams: false,
      StreamSummaries: [
        {
          StreamName: 'plain',
          StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/plain',
          StreamStatus: 'ACTIVE',
          StreamModeDetails: { StreamMode: 'PROVISIONED' },
          StreamCreationTimestamp: new EpochMillis(summary.StreamCreationTimestamp * 1000),
        },
      ],
    });
    const text = await post(engine, '{}', { ...target('ListStreams'), 'content-type': 'text/plain' });
    assert.equal(text.status, 415);
    assert.equal(text.body.__type, 'SerializationException');
  });

  test('refuses other methods than POST like AWS, with AccessDeniedException', async (t) => {
    const engine = await start(t);
    const answer = await post(engine, '', {}, 'GET');
    assert.equal(answer.status, 403);
    assert.equal(answer.body.__type, 'AccessDeniedException');
  });

  test('refuses a body larger than any valid request with 413, and keeps serving', async (t) => {
    const engine = await start(t);
    const answer = await post(engine, Buffer.alloc(MAX_REQUEST_BYTES + 1, 0x20), target('PutRecords'));
    assert.equal(answer.status, 413);
    assert.equal(answer.body.__type, 'InvalidArgumentException');
    const next = await post(engine, '{}', target('ListStreams'));
    assert.equal(next.status, 200);
  });

  test('routes a connection whose first bytes arrive one by one', async (t) => {
    const engine = await start(t);
    const request =
      'POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.1\r\n' +
      'X-Amz-Target: Kinesis_20131202.ListStreams\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}';
    const socket = net.connect(engine.port, '127.0.0.1');
    t.after(() => socket.destroy());
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.setNoDelay(true);
    const answer = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
      });
      socket.on('end', () => resolve(text));
    });
    for (const character of request.slice(0, 4)) {
      socket.write(character);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    socket.write(request.slice(4));
    const text = await answer;
    assert.match(text, /^HTTP\/1\.1 200 OK/);
    assert.match(text, /"StreamNames":\[\]/);
  });

  test('routes a connection whose HTTP/2 preface arrives in pieces', async (t) => {
    const engine = await start(t);
    const socket = net.connect(engine.port, '127.0.0.1');
    t.after(() => socket.destroy());
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.setNoDelay(true);
    const firstFrame = new Promise<Buffer>((resolve) => socket.once('data', resolve));
    socket.write('PRI * HTTP/2.0\r\n');
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The rest of the preface and an empty SETTINGS frame: the server must answer with its own SETTINGS frame.
    socket.write(Buffer.concat([Buffer.from('\r\nSM\r\n\r\n'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]));
    const frame = await firstFrame;
    assert.ok(frame.length >= 9, 'a whole frame header');
    assert.equal(frame[3], 0x4, 'the first frame is SETTINGS');
  });
});

describe('the engine lifecycle', () => {
  test('close() ends open connections and frees the port', async () => {
    const engine = await startKinesisEngine();
    const socket = net.connect(engine.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await engine.close();
    await socketClosed;
    await assert.rejects(fetch(engine.endpoint, { method: 'POST' }));
    await engine.close();
  });

  test('a port in use is an SK_CONFLICT error', async (t) => {
    const engine = await start(t);
    await assert.rejects(startKinesisEngine({ port: engine.port }), (error: unknown) => {
      assert.ok(StreamkitError.is(error));
      assert.equal(error.code, 'SK_CONFLICT');
      assert.match(error.message, new RegExp(`Port ${engine.port} on 127.0.0.1 is in use`));
      return true;
    });
  });
});
