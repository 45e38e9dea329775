/**
 * Property-based fuzzing (fast-check, fixed seeds, bounded runs) of the request parsers the Kinesis fuzz tests do not
 * reach: the local Firehose API and the local ingest API over HTTP, the ingest request models in process, and the
 * Kinesis CBOR decoder fed structurally odd CBOR (tags, non-text map keys, indefinite lengths, half floats, undefined,
 * simple values, invalid UTF-8) rather than mutated bytes. Whatever arrives, the answer is a success or a
 * well-formed 4xx in AWS's or API Gateway's shape — never a 500 — and what was acknowledged is exactly what was stored.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LOCAL_API_KEY } from '@streamkit/core';
import fc from 'fast-check';
import { type FirehoseApi, startFirehoseApi } from '../src/firehose/api/server.ts';
import { type IngestApi, startIngestApi, validateIngestBody } from '../src/ingest-api/index.ts';
import { KINESIS_ACTIONS, type KinesisEngine, startKinesisEngine } from '../src/kinesis/index.ts';
import { KinesisService } from '../src/kinesis/service.ts';
import { handleWireRequest } from '../src/kinesis/wire.ts';
import { CBOR_CONTENT_TYPE, decodeAwsCbor } from './support/aws-cbor.ts';
import { deliverySettings, testDelivery } from './support/firehose.ts';

const SEED = 20_261_126;
const OBJECT_METHODS = ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf', 'isPrototypeOf'];
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const json = fc.jsonValue({ maxDepth: 3 });

/** Replaces one member of `body` (a JSON object, possibly nested one level in a list) with an arbitrary value. */
function mutateOnce(body: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(body);
  return fc.oneof(
    fc.constant(body),
    fc.tuple(fc.constantFrom(...keys), json).map(([key, value]) => ({ ...body, [key]: value })),
    fc.constantFrom(...keys).map((key) => {
      const { [key]: _, ...rest } = body;
      return rest;
    }),
    fc.tuple(fc.string({ maxLength: 12 }), json).map(([key, value]) => ({ ...body, [key]: value })),
  );
}

describe('fuzzing the local Firehose API', () => {
  let api: FirehoseApi;
  const direct = testDelivery(deliverySettings('compression: UNCOMPRESSED'), { name: 'clicks' });
  const fromStream = testDelivery(deliverySettings(''), { name: 'archive', type: 'KinesisStreamAsSource' });
  before(async () => {
    api = await startFirehoseApi({ deliveryStreams: [direct.stream, fromStream.stream] });
  });
  after(() => api?.close());

  test('arbitrary targets and bodies get a 200 or an AWS-shaped 4xx, and every acknowledged record is buffered', async () => {
    const record = fc.oneof(
      fc.uint8Array({ maxLength: 40 }).map((bytes) => ({ Data: b64(bytes) })),
      json.map((Data) => ({ Data })),
      json,
    );
    const name = fc.constantFrom('clicks', 'archive', 'nope', '', 'a/b', 'x'.repeat(65));
    const clean = fc
      .array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 5 })
      .map(
        (datas) =>
          ['PutRecordBatch', { DeliveryStreamName: 'clicks', Records: datas.map((d) => ({ Data: b64(d) })) }] as const,
      );
    const valid = fc.oneof(
      clean,
      fc
        .record({ DeliveryStreamName: name, Record: record })
        .chain(mutateOnce)
        .map((body) => ['PutRecord', body] as const),
      fc
        .record({ DeliveryStreamName: name, Records: fc.array(record, { maxLength: 6 }) })
        .chain(mutateOnce)
        .map((body) => ['PutRecordBatch', body] as const),
      fc
        .record({ DeliveryStreamName: name })
        .chain(mutateOnce)
        .map((body) => ['DescribeDeliveryStream', body] as const),
      fc
        .record(
          {
            Limit: fc.oneof(fc.integer({ min: -2, max: 20_000 }), json),
            DeliveryStreamType: fc.oneof(fc.constantFrom('DirectPut', 'Bogus'), json),
          },
          { requiredKeys: [] },
        )
        .map((body) => ['ListDeliveryStreams', body] as const),
    );
    const target = fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 6 },
      { arbitrary: fc.constantFrom(...OBJECT_METHODS).map((m) => `Firehose_20150804.${m}`), weight: 1 },
      { arbitrary: fc.string({ maxLength: 30 }).map((s) => s.replace(/[^\x21-\x7e]/g, '?')), weight: 1 },
    );
    const request = fc.tuple(
      target,
      fc.oneof(
        { arbitrary: valid.map(([action, body]) => ({ action, text: JSON.stringify(body) })), weight: 6 },
        { arbitrary: fc.string({ maxLength: 60 }).map((text) => ({ action: 'PutRecord', text })), weight: 1 },
        { arbitrary: json.map((body) => ({ action: 'PutRecordBatch', text: JSON.stringify(body) })), weight: 1 },
      ),
    );
    let acknowledged = 0;
    const before = direct.stream.counts.incoming;
    await fc.assert(
      fc.asyncProperty(request, async ([targetOverride, { action, text }]) => {
        const response = await fetch(`${api.endpoint}/`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': targetOverride ?? `Firehose_20150804.${action}`,
          },
          body: text,
        });
        const body = (await response.json()) as Record<string, unknown>;
        if (response.status === 200) {
          assert.equal(body.__type, undefined);
          if (Array.isArray(body.RequestResponses)) acknowledged += body.RequestResponses.length;
          else if (typeof body.RecordId === 'string') acknowledged += 1;
          return;
        }
        assert.ok(response.status >= 400 && response.status < 500, `HTTP ${response.status}: ${JSON.stringify(body)}`);
        assert.equal(typeof body.__type, 'string');
        assert.equal(response.headers.get('x-amzn-errortype'), body.__type);
        assert.ok(typeof body.message === 'string' && body.message.length > 0);
      }),
      { seed: SEED, numRuns: 300 },
    );
    assert.ok(acknowledged > 0, 'some requests went through');
    assert.equal(direct.stream.counts.incoming - before, acknowledged);
    assert.equal(fromStream.stream.counts.incoming, 0);
  });
});

describe('fuzzing the local ingest API', () => {
  const STREAM = 'ingest-fuzz';
  let engine: KinesisEngine;
  let api: IngestApi;
  before(async () => {
    engine = await startKinesisEngine({ tls: false });
    await engine.dispatch('CreateStream', { StreamName: STREAM, ShardCount: 1 });
    api = await startIngestApi({
      port: 0,
      streamName: STREAM,
      writer: engine,
      auth: 'apiKey',
      throttling: { rateLimit: 10_000, burstLimit: 5000 },
    });
  });
  after(async () => {
    await api?.close();
    await engine?.close();
  });

  const ingestRecord = fc.record(
    {
      data: fc.oneof(fc.string({ maxLength: 30 }), json),
      partitionKey: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom('', 'k'.repeat(257)), json),
      explicitHashKey: fc.oneof(
        fc.bigInt({ min: 0n, max: (1n << 129n) - 1n }).map(String),
        fc.constantFrom('01', '-1', 'abc', ''),
        json,
      ),
    },
    { requiredKeys: [] },
  );
  const putRecord = ingestRecord.chain((r) => (Object.keys(r).length > 0 ? mutateOnce(r) : fc.constant(r)));
  const putRecords = fc.record({ records: fc.array(ingestRecord, { maxLength: 5 }) }).chain(mutateOnce);

  test('the request models never throw: a body is valid with its records, or refused with its problems', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('PutRecord' as const, 'PutRecords' as const),
        fc.oneof(json, putRecord, putRecords),
        (action, body) => {
          const result = validateIngestBody(action, body);
          if (result.ok) {
            const given = action === 'PutRecord' ? [body] : (body as { records: unknown[] }).records;
            assert.equal(result.records.length, given.length);
          } else {
            assert.ok(result.problems.length > 0 && result.message.length > 0);
            for (const problem of result.problems) assert.match(problem, /^(The |(\[".*"\]|[^ ]+) (is|must) )/s);
          }
        },
      ),
      { seed: SEED, numRuns: 1500 },
    );
  });

  test('arbitrary requests get a 200 or an API Gateway 4xx, and the stream holds exactly what was acknowledged', async () => {
    const request = fc.record({
      path: fc.oneof(
        { arbitrary: fc.constantFrom('/record', '/records'), weight: 8 },
        { arbitrary: fc.constantFrom('/', '/record/', '/x', '/records?x=1'), weight: 1 },
      ),
      method: fc.oneof(
        { arbitrary: fc.constant('POST'), weight: 8 },
        { arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE'), weight: 1 },
      ),
      contentType: fc.oneof(
        { arbitrary: fc.constant('application/json'), weight: 8 },
        { arbitrary: fc.constantFrom('text/plain', 'application/json; charset=utf-8', 'application/xml'), weight: 1 },
      ),
      text: fc.oneof(
        { arbitrary: fc.oneof(putRecord, putRecords).map((b) => JSON.stringify(b)), weight: 6 },
        { arbitrary: json.map((b) => JSON.stringify(b)), weight: 1 },
        { arbitrary: fc.string({ maxLength: 60, unit: 'binary' }), weight: 1 },
      ),
    });
    let acknowledged = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ path, method, contentType, text }) => {
        const response = await fetch(`${api.url}${path}`, {
          method,
          headers: { 'content-type': contentType, 'x-api-key': LOCAL_API_KEY },
          ...(method === 'GET' ? {} : { body: text }),
        });
        const body = (await response.json()) as Record<string, unknown>;
        if (response.status === 200) {
          if (Array.isArray(body.Records)) acknowledged += body.Records.length - Number(body.FailedRecordCount);
          else acknowledged += 1;
          return;
        }
        assert.ok(
          [400, 404, 405, 413, 415].includes(response.status),
          `HTTP ${response.status}: ${JSON.stringify(body)}`,
        );
        assert.ok(typeof body.message === 'string' && body.message.length > 0);
      }),
      { seed: SEED, numRuns: 250 },
    );
    assert.ok(acknowledged > 0, 'some requests went through');
    const { ShardIterator } = await engine.dispatch('GetShardIterator', {
      StreamName: STREAM,
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    });
    const { Records } = await engine.dispatch('GetRecords', { ShardIterator, Limit: 10_000 });
    assert.equal(Records.length, acknowledged);
  });
});

// --- CBOR items built byte by byte, so that every major type, tag and length form can appear. ---------------------

function head(major: number, n: number | bigint): number[] {
  const value = BigInt(n);
  const m = major << 5;
  if (value < 24n) return [m | Number(value)];
  if (value < 0x100n) return [m | 24, Number(value)];
  if (value < 0x10000n) return [m | 25, Number(value >> 8n), Number(value & 0xffn)];
  if (value < 0x100000000n) return [m | 26, ...[24n, 16n, 8n, 0n].map((s) => Number((value >> s) & 0xffn))];
  return [m | 27, ...[56n, 48n, 40n, 32n, 24n, 16n, 8n, 0n].map((s) => Number((value >> s) & 0xffn))];
}

const length = fc.oneof(fc.nat({ max: 30 }), fc.constantFrom(255, 65_535, 4_294_967_295, 2 ** 53));
const cborText = fc.oneof(
  fc.string({ maxLength: 12 }).map((s) => [...head(3, Buffer.byteLength(s)), ...Buffer.from(s)]),
  fc.uint8Array({ maxLength: 8 }).map((b) => [...head(3, b.length), ...b]),
  fc
    .constantFrom('StreamName', 'ShardCount', 'Records', 'Data', 'PartitionKey', 'Limit', 'ShardId', 'StreamARN')
    .map((s) => [...head(3, s.length), ...Buffer.from(s)]),
);
const { item } = fc.letrec<{ item: number[] }>((tie) => ({
  item: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((n) => head(0, n)),
    fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((n) => head(1, n)),
    fc.uint8Array({ maxLength: 12 }).map((b) => [...head(2, b.length), ...b]),
    cborText,
    length.map((n) => head(2, n)), // a length with no bytes behind it
    fc.array(tie('item'), { maxLength: 4 }).map((items) => [...head(4, items.length), ...items.flat()]),
    fc.array(tie('item'), { maxLength: 4 }).map((items) => [0x9f, ...items.flat(), 0xff]),
    fc
      .array(fc.tuple(fc.oneof(cborText, tie('item')), tie('item')), { maxLength: 4 })
      .map((entries) => [...head(5, entries.length), ...entries.flat(2)]),
    fc.array(fc.tuple(cborText, tie('item')), { maxLength: 4 }).map((entries) => [0xbf, ...entries.flat(2), 0xff]),
    fc
      .tuple(fc.constantFrom(0, 1, 2, 3, 4, 5, 24, 55_799, 1_000_000), tie('item'))
      .map(([tag, inner]) => [...head(6, tag), ...inner]),
    fc.constantFrom<number[]>(
      [0xf4],
      [0xf5],
      [0xf6],
      [0xf7],
      [0xf8, 0x20],
      [0xf9, 0x7c, 0x00],
      [0xf9, 0x7e, 0x00],
      [0xfa, 0x7f, 0xc0, 0, 0],
      [0xfb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0],
      [0xff],
      [0x1c],
      [0x5f, 0x41, 0x61, 0xff],
      [0x7f, 0x61, 0x61, 0xff],
    ),
  ),
}));
/** A top-level map with Kinesis member names, or any item at all. */
const cborBody = fc.oneof(
  {
    arbitrary: fc
      .array(fc.tuple(cborText, item), { maxLength: 5 })
      .map((entries) => Buffer.from([...head(5, entries.length), ...entries.flat(2)])),
    weight: 3,
  },
  { arbitrary: item.map((bytes) => Buffer.from(bytes)), weight: 1 },
);

describe('fuzzing the Kinesis CBOR decoder with structurally odd CBOR', () => {
  test('every action answers 200 or an AWS-shaped 4xx in CBOR, never a 500', async () => {
    const service = new KinesisService();
    await service.dispatch('CreateStream', { StreamName: 'StreamName', ShardCount: 1 });
    const actions = fc.constantFrom(...KINESIS_ACTIONS.filter((a) => a !== 'SubscribeToShard'));
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(actions, cborBody, async (action, body) => {
        const response = await handleWireRequest(service, {
          method: 'POST',
          contentType: CBOR_CONTENT_TYPE,
          target: `Kinesis_20131202.${action}`,
          body,
        });
        assert.ok(
          response.status === 200 || (response.status >= 400 && response.status < 500),
          `HTTP ${response.status}`,
        );
        if (response.status === 200) return;
        refused++;
        const answer = decodeAwsCbor(response.body) as { __type?: unknown; message?: unknown };
        assert.equal(response.headers['x-amzn-errortype'], answer.__type);
        assert.ok(typeof answer.message === 'string' && answer.message.length > 0);
      }),
      { seed: SEED, numRuns: 2000 },
    );
    assert.ok(refused > 1000, `${refused} of 2000 refused`);
    service.close();
  });
});
