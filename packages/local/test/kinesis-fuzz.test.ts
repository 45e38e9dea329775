/**
 * Property-based fuzzing of the request parsing layer (fast-check): valid requests of every action, in JSON and in
 * CBOR, then mutated — members dropped, retyped, replaced by arbitrary values, bodies truncated and bytes flipped —
 * next to random methods, content types, targets and raw bytes. Whatever arrives, the engine answers 200 or a 4xx
 * whose body, in the request's protocol, names an AWS `__type` (the same as `x-amzn-ErrorType`) with a message; never
 * a 500, never a crash, and it keeps serving.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { codecForContentType } from '../src/kinesis/codecs/wire-codec.ts';
import { KINESIS_ACTIONS, type KinesisEngine, startKinesisEngine } from '../src/kinesis/index.ts';
import { KinesisService } from '../src/kinesis/service.ts';
import { handleWireRequest, type WireRequest, type WireResponse } from '../src/kinesis/wire.ts';
import { CBOR_CONTENT_TYPE, decodeAwsCbor, EpochMillis, encodeAwsCbor } from './support/aws-cbor.ts';

const JSON_TYPE = 'application/x-amz-json-1.1';
const STREAM = 'fuzz';
const SHARDS = ['shardId-000000000000', 'shardId-000000000001', '1', 'shardId-9', ''];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Context the generators draw on: an iterator and a sequence number the engine issued. */
interface Known {
  iterator: string;
  sequenceNumber: string;
}

const text = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('', STREAM, 'x'.repeat(300), 'bad name!'));
const base64 = fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64'));
const hashKey = fc.oneof(fc.bigInt({ min: 0n, max: (1n << 129n) - 1n }).map(String), text);
const record = fc.record(
  { Data: base64, PartitionKey: text, ExplicitHashKey: hashKey },
  { requiredKeys: ['Data', 'PartitionKey'] },
);

/** A valid (or nearly valid) request of each action. */
function validRequest(known: Known): fc.Arbitrary<{ action: string; input: { [key: string]: Json } }> {
  const ref = { StreamName: fc.constantFrom(STREAM, 'missing') };
  const timestamp = fc.integer({ min: 0, max: 2_000_000_000 });
  const byAction: Record<string, fc.Arbitrary<{ [key: string]: Json }>> = {
    CreateStream: fc.record(
      {
        StreamName: text,
        ShardCount: fc.integer({ min: -1, max: 4 }),
        StreamModeDetails: fc.record({ StreamMode: fc.constantFrom('ON_DEMAND', 'PROVISIONED', 'OTHER') }),
      },
      { requiredKeys: ['StreamName'] },
    ),
    // Never the stream the other requests use.
    DeleteStream: fc.record(
      { StreamName: text.filter((name) => name !== STREAM), EnforceConsumerDeletion: fc.boolean() },
      { requiredKeys: [] },
    ),
    DescribeStream: fc.record(
      { ...ref, Limit: fc.integer({ min: -1, max: 10_001 }), ExclusiveStartShardId: fc.constantFrom(...SHARDS) },
      { requiredKeys: [] },
    ),
    DescribeStreamSummary: fc.record(ref, { requiredKeys: [] }),
    ListStreams: fc.record(
      { Limit: fc.integer({ min: 0, max: 10_001 }), ExclusiveStartStreamName: text, NextToken: text },
      { requiredKeys: [] },
    ),
    ListShards: fc.record(
      {
        ...ref,
        MaxResults: fc.integer({ min: 0, max: 10_001 }),
        NextToken: text,
        StreamCreationTimestamp: timestamp,
        ShardFilter: fc.record(
          {
            Type: fc.constantFrom('AFTER_SHARD_ID', 'AT_TRIM_HORIZON', 'AT_TIMESTAMP', 'FROM_TIMESTAMP', 'NOPE'),
            ShardId: fc.constantFrom(...SHARDS),
            Timestamp: timestamp,
          },
          { requiredKeys: ['Type'] },
        ),
      },
      { requiredKeys: [] },
    ),
    PutRecord: fc.record(
      {
        ...ref,
        Data: base64,
        PartitionKey: text,
        ExplicitHashKey: hashKey,
        SequenceNumberForOrdering: fc.constant(known.sequenceNumber),
      },
      { requiredKeys: ['StreamName', 'Data', 'PartitionKey'] },
    ),
    PutRecords: fc.record({ ...ref, Records: fc.array(record, { maxLength: 6 }) }),
    GetShardIterator: fc.record(
      {
        ...ref,
        ShardId: fc.constantFrom(...SHARDS),
        ShardIteratorType: fc.constantFrom(
          'AT_SEQUENCE_NUMBER',
          'AFTER_SEQUENCE_NUMBER',
          'TRIM_HORIZON',
          'LATEST',
          'AT_TIMESTAMP',
          'SOMEWHERE',
        ),
        StartingSequenceNumber: fc.oneof(fc.constant(known.sequenceNumber), text),
        Timestamp: timestamp,
      },
      { requiredKeys: ['StreamName', 'ShardId', 'ShardIteratorType'] },
    ),
    GetRecords: fc.record(
      { ShardIterator: fc.oneof(fc.constant(known.iterator), text), Limit: fc.integer({ min: -1, max: 10_001 }) },
      { requiredKeys: ['ShardIterator'] },
    ),
  };
  return fc.oneof(
    ...Object.entries(byAction).map(([action, input]) => input.map((value) => ({ action, input: value }))),
  );
}

/** Mutations of a request body's members: dropped, retyped, replaced by anything JSON can hold, or extended. */
function mutated(input: { [key: string]: Json }): fc.Arbitrary<{ [key: string]: Json }> {
  const keys = Object.keys(input);
  const anything = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
    fc.constantFrom<Json>(null, -1, 1e308, 0.5, '', [], {}, 'x'.repeat(5000)),
  );
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(input) },
    keys.length === 0
      ? fc.constant(input)
      : fc
          .record({ key: fc.constantFrom(...keys), value: anything })
          .map(({ key, value }) => ({ ...input, [key]: value })),
    keys.length === 0
      ? fc.constant(input)
      : fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(input).filter(([k]) => k !== key))),
    fc
      .record({ key: fc.string({ maxLength: 12 }), value: anything })
      .map(({ key, value }) => ({ ...input, [key]: value })),
  );
}

/** The body in CBOR, as the Java SDK writes it: Data as bytes, timestamps as tag 1 epoch milliseconds. */
function toCbor(value: Json, key?: string): unknown {
  if (key === 'Data' && typeof value === 'string') return Buffer.from(value, 'base64');
  if (key?.endsWith('Timestamp') && typeof value === 'number') return new EpochMillis(value * 1000);
  if (Array.isArray(value)) return value.map((item) => toCbor(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCbor(v, k)]));
  }
  return value;
}

/** Byte-level damage: truncation, flipped bytes, inserted bytes. */
function damaged(body: Buffer): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(body) },
    fc.nat({ max: Math.max(0, body.length - 1) }).map((end) => body.subarray(0, end)),
    fc
      .array(fc.tuple(fc.nat({ max: Math.max(0, body.length - 1) }), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 4,
      })
      .map((flips) => {
        const copy = Buffer.from(body);
        for (const [at, byte] of flips) if (at < copy.length) copy[at] = byte;
        return copy;
      }),
    fc
      .tuple(fc.nat({ max: body.length }), fc.uint8Array({ minLength: 1, maxLength: 8 }))
      .map(([at, bytes]) => Buffer.concat([body.subarray(0, at), bytes, body.subarray(at)])),
  );
}

function wireRequests(known: Known): fc.Arbitrary<WireRequest> {
  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(JSON_TYPE, CBOR_CONTENT_TYPE) },
    fc.constantFrom(
      'application/json',
      'application/x-amz-json-1.1; charset=utf-8',
      'APPLICATION/X-AMZ-CBOR-1.1',
      'application/x-amz-json-1.0',
      'text/plain',
      '',
    ),
    fc.string({ maxLength: 30 }).map(sanitizeHeader),
    fc.constant(undefined),
  );
  const structured = validRequest(known).chain(({ action, input }) =>
    fc.record({
      action: fc.oneof({ weight: 9, arbitrary: fc.constant(action) }, fc.constantFrom(...KINESIS_ACTIONS)),
      input: mutated(input),
      contentType,
    }),
  );
  return fc.oneof(
    {
      weight: 8,
      arbitrary: structured.chain(({ action, input, contentType: type }) => {
        const isCbor = type?.toLowerCase().startsWith(CBOR_CONTENT_TYPE) === true;
        const body = isCbor ? encodeAwsCbor(toCbor(input)) : Buffer.from(JSON.stringify(input));
        return damaged(body).map(
          (damagedBody): WireRequest => ({
            method: 'POST',
            contentType: type,
            target: `Kinesis_20131202.${action}`,
            body: damagedBody,
          }),
        );
      }),
    },
    fc.record({
      method: fc.constantFrom('POST', 'GET', 'PUT', 'DELETE', ''),
      contentType,
      target: fc.oneof(
        fc.constantFrom(...KINESIS_ACTIONS.map((action) => `Kinesis_20131202.${action}`)),
        fc.constantFrom(
          'Kinesis_20131202.',
          'Kinesis_20131202.SubscribeToShard',
          'Firehose_20150804.ListDeliveryStreams',
        ),
        fc.string({ maxLength: 40 }).map(sanitizeHeader),
        fc.constant(undefined),
      ),
      body: fc.oneof(
        fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
        fc.constant(undefined),
        fc.constantFrom(Buffer.from('{}'), Buffer.from([0xa0]), Buffer.from([0xbf]), Buffer.from('[]')),
      ),
    }),
  );
}

/** The response is a 200 or an AWS-shaped 4xx in the protocol of the request. */
function assertAwsShaped(request: WireRequest, response: WireResponse): void {
  const expectedType = codecForContentType(request.contentType)?.contentType ?? JSON_TYPE;
  const cbor = expectedType === CBOR_CONTENT_TYPE;
  assert.ok(response.status === 200 || (response.status >= 400 && response.status < 500), `status ${response.status}`);
  assert.equal(response.headers['content-type'], expectedType);
  const body = (cbor ? decodeAwsCbor(response.body) : JSON.parse(response.body.toString('utf8'))) as Record<
    string,
    unknown
  >;
  assert.equal(typeof body, 'object');
  if (response.status !== 200) {
    assert.match(String(body.__type), /^[A-Z][A-Za-z]+(Exception|Failure)$/);
    assert.equal(response.headers['x-amzn-errortype'], body.__type);
    assert.ok(typeof body.message === 'string' && body.message.length > 0, 'a message');
  }
}

async function knownValues(dispatch: KinesisService['dispatch']): Promise<Known> {
  await dispatch('CreateStream', { StreamName: STREAM, ShardCount: 2 });
  const put = await dispatch('PutRecord', { StreamName: STREAM, PartitionKey: 'k', Data: 'AAEC' });
  const { ShardIterator } = await dispatch('GetShardIterator', {
    StreamName: STREAM,
    ShardId: put.ShardId,
    ShardIteratorType: 'TRIM_HORIZON',
  });
  return { iterator: ShardIterator, sequenceNumber: put.SequenceNumber };
}

describe('fuzzing the request parser', () => {
  test('mutated JSON and CBOR requests of every action never get a 500, only AWS-shaped 4xx', async () => {
    const service = new KinesisService();
    const known = await knownValues(service.dispatch.bind(service) as KinesisService['dispatch']);
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(wireRequests(known), async (request) => {
        const response = await handleWireRequest(service, request);
        assertAwsShaped(request, response);
        if (response.status !== 200) rejected++;
      }),
      { numRuns: 4000 },
    );
    // The generators reach both sides: most requests are refused, and some go through.
    assert.ok(rejected > 1000 && rejected < 4000, `${rejected} of 4000 rejected`);
    // And the service still works (the fuzz may have deleted its stream: a swapped action can be a DeleteStream).
    await service.dispatch('CreateStream', { StreamName: 'after-fuzz', ShardCount: 1 });
    const after = await service.dispatch('DescribeStreamSummary', { StreamName: 'after-fuzz' });
    assert.equal(after.StreamDescriptionSummary.StreamStatus, 'ACTIVE');
  });

  describe('over the network', () => {
    let engine: KinesisEngine;
    let known: Known;
    before(async () => {
      engine = await startKinesisEngine({ tls: false });
      known = await knownValues(engine.dispatch);
    });

    test('the same requests over HTTP/1.1 answer alike, and the engine keeps serving', async (t) => {
      t.after(() => engine.close());
      const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
      t.after(() => agent.destroy());
      await fc.assert(
        fc.asyncProperty(wireRequests(known), async (request) => {
          const response = await send(engine, agent, request);
          assertAwsShaped(request, response);
        }),
        { numRuns: 400 },
      );

      // Garbage that is not HTTP at all only costs its own connection.
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (bytes) => {
          await new Promise<void>((resolve) => {
            const socket = net.connect(engine.port, '127.0.0.1', () => socket.end(bytes));
            socket.on('error', () => resolve());
            socket.on('close', () => resolve());
            socket.resume();
            socket.setTimeout(2000, () => socket.destroy());
          });
        }),
        { numRuns: 100 },
      );
      const alive = await send(engine, agent, {
        method: 'POST',
        contentType: JSON_TYPE,
        target: 'Kinesis_20131202.ListStreams',
        body: Buffer.from('{}'),
      });
      assert.equal(alive.status, 200);
    });
  });
});

/** Sends a WireRequest over HTTP/1.1 and reads the answer back as a WireResponse. */
function send(engine: KinesisEngine, agent: http.Agent, request: WireRequest): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    // Node's client sends a GET or DELETE body without a length unless told: say it, so the body stays one request.
    const headers: Record<string, string> = { 'content-length': String(request.body?.length ?? 0) };
    if (request.contentType !== undefined) headers['content-type'] = sanitizeHeader(request.contentType);
    if (request.target !== undefined) headers['x-amz-target'] = sanitizeHeader(request.target);
    const outgoing = http.request(engine.endpoint, { method: request.method || 'POST', headers, agent }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () =>
        resolve({
          status: incoming.statusCode ?? 0,
          headers: Object.fromEntries(Object.entries(incoming.headers).map(([name, value]) => [name, String(value)])),
          body: Buffer.concat(chunks),
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/** Header values cannot carry control characters; keep the rest of the fuzzed target. */
function sanitizeHeader(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must go
  return value.replace(/[\u0000-\u001f\u007f-\uffff]/g, '?');
}
