/**
 * AWS CBOR 1.1 on the wire: the engine's strict CBOR reader, and raw CBOR requests whose bodies are written and read
 * with cbor-x (an independent implementation) the way the AWS SDK for Java writes them.
 */
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { CborSyntaxError, CborTimestamp, MAX_DEPTH, readCbor } from '../src/kinesis/codecs/cbor-reader.ts';
import { type KinesisEngine, startKinesisEngine } from '../src/kinesis/index.ts';
import { CBOR_CONTENT_TYPE, decodeAwsCbor, EpochMillis, encodeAwsCbor } from './support/aws-cbor.ts';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

describe('the CBOR reader', () => {
  test('reads what Jackson writes: indefinite-length maps, arrays and strings, 64-bit integers, tag 1', () => {
    // {_ "Records": [_ {_ "Data": (_ h'0102', h'03'), "PartitionKey": (_ "p", "k") } ], "Timestamp": 1(1700000000123) }
    const body = hex(`bf 67 5265636f726473 9f bf 64 44617461 5f 42 0102 41 03 ff
      6c 506172746974696f6e4b6579 7f 61 70 61 6b ff ff ff
      69 54696d657374616d70 c1 1b 0000018bcfe5687b ff`);
    assert.deepEqual(readCbor(body), {
      Records: [{ Data: Buffer.from([1, 2, 3]), PartitionKey: 'pk' }],
      Timestamp: new CborTimestamp(1_700_000_000_123),
    });
  });

  test('reads every number form: small, 8- to 64-bit, negative, half, single and double floats', () => {
    assert.deepEqual(
      readCbor(hex('88 17 18ff 19ffff 1affffffff 38ff f93c00 fa3fc00000 fb3ff8000000000000')),
      [23, 255, 65_535, 4_294_967_295, -256, 1, 1.5, 1.5],
    );
    assert.deepEqual(readCbor(hex('84 f4 f5 f6 f7')), [false, true, null, undefined]);
  });

  test('keeps a __proto__ key as a plain member, as JSON.parse does', () => {
    const value = readCbor(hex('a1 69 5f5f70726f746f5f5f a1 61 78 01')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(value), ['__proto__']);
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.equal((value as { x?: number }).x, undefined);
  });

  const refused: readonly (readonly [string, string, RegExp])[] = [
    ['generic object (tag 27)', 'd8 1b 82 63 457272 61 78', /Unsupported tag 27/],
    ['shared reference (tag 28/29)', 'd8 1c 81 d8 1d 00', /Unsupported tag 28/],
    ['bignum (tag 2)', 'c2 41 01', /Unsupported tag 2/],
    ['tag 1 around a string', 'c1 61 78', /Tag 1 .* must enclose a number/],
    ['a map key that is not text', 'a1 01 02', /Map keys must be text strings/],
    ['truncated data', 'a1 63 616263', /Unexpected end of data/],
    ['a length beyond the body', '5a ffffffff 00', /exceeds the 1 bytes left/],
    ['trailing bytes', 'a0 a0', /after the top-level item/],
    ['invalid UTF-8', '62 c328', /not valid UTF-8/],
    ['a reserved additional information', '1c', /Reserved additional information 28/],
    ['a stray break', 'ff', /Unexpected break/],
    ['a break in a definite-length array', '82 01 ff', /break code in a definite-length array/],
    ['mixed chunks in an indefinite string', '7f 41 00 ff', /chunk of another type/],
    ['an unknown simple value', 'f0', /Unsupported simple value/],
  ];
  for (const [what, bytes, message] of refused) {
    test(`refuses ${what} with the offset`, () => {
      assert.throws(
        () => readCbor(hex(bytes)),
        (error: unknown) =>
          error instanceof CborSyntaxError && message.test(error.message) && /at byte \d+/.test(error.message),
      );
    });
  }

  test(`refuses nesting deeper than ${MAX_DEPTH} levels instead of exhausting the stack`, () => {
    const deep = Buffer.concat([Buffer.alloc(100_000, 0x81), Buffer.from([0x00])]);
    assert.throws(() => readCbor(deep), /nested deeper than 32 levels/);
    const ok = Buffer.concat([Buffer.alloc(MAX_DEPTH, 0x81), Buffer.from([0x00])]);
    assert.doesNotThrow(() => readCbor(ok));
  });
});

async function start(t: TestContext): Promise<KinesisEngine> {
  const engine = await startKinesisEngine({ tls: false });
  t.after(() => engine.close());
  return engine;
}

interface CborAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

async function postCbor(engine: KinesisEngine, action: string, body: unknown | Buffer): Promise<CborAnswer> {
  const response = await fetch(engine.endpoint, {
    method: 'POST',
    headers: { 'content-type': CBOR_CONTENT_TYPE, 'x-amz-target': `Kinesis_20131202.${action}` },
    body: Buffer.isBuffer(body) ? body : encodeAwsCbor(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: decodeAwsCbor(new Uint8Array(await response.arrayBuffer())) as Record<string, unknown>,
  };
}

describe('the engine over CBOR', () => {
  test('puts byte strings and gets them back as byte strings, with tag 1 millisecond timestamps', async (t) => {
    const engine = await start(t);
    assert.equal((await postCbor(engine, 'CreateStream', { StreamName: 'bytes', ShardCount: 1 })).status, 200);
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const put = await postCbor(engine, 'PutRecords', {
      StreamName: 'bytes',
      Records: [
        { Data: everyByte, PartitionKey: 'a' },
        { Data: Buffer.alloc(0), PartitionKey: 'b' },
      ],
    });
    assert.equal(put.status, 200);
    assert.equal(put.headers.get('content-type'), CBOR_CONTENT_TYPE);
    assert.equal(put.body.FailedRecordCount, 0);

    const before = Date.now();
    const iterator = await postCbor(engine, 'GetShardIterator', {
      StreamName: 'bytes',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'AT_TIMESTAMP',
      Timestamp: new EpochMillis(before - 60_000),
    });
    assert.equal(iterator.status, 200, JSON.stringify(iterator.body));
    const got = await postCbor(engine, 'GetRecords', { ShardIterator: iterator.body.ShardIterator });
    const records = got.body.Records as { Data: unknown; PartitionKey: string; ApproximateArrivalTimestamp: unknown }[];
    assert.equal(records.length, 2);
    assert.deepEqual(Buffer.from(records[0]!.Data as Uint8Array), everyByte);
    assert.deepEqual(Buffer.from(records[1]!.Data as Uint8Array), Buffer.alloc(0));
    const arrival = records[0]!.ApproximateArrivalTimestamp;
    assert.ok(arrival instanceof EpochMillis && Number.isInteger(arrival.millis), `tag 1 integer, got ${arrival}`);
    assert.ok(Math.abs(arrival.millis - before) < 10_000);

    // A timestamp after the records arrived reads none: the tag 1 value really is milliseconds.
    const later = await postCbor(engine, 'GetShardIterator', {
      StreamName: 'bytes',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'AT_TIMESTAMP',
      Timestamp: new EpochMillis(arrival.millis + 1),
    });
    const none = await postCbor(engine, 'GetRecords', { ShardIterator: later.body.ShardIterator });
    assert.deepEqual(none.body.Records, []);
  });

  test('answers errors as CBOR maps with __type and message, and the x-amzn-ErrorType header', async (t) => {
    const engine = await start(t);
    const missing = await postCbor(engine, 'DescribeStream', { StreamName: 'nope' });
    assert.equal(missing.status, 400);
    assert.equal(missing.headers.get('content-type'), CBOR_CONTENT_TYPE);
    assert.equal(missing.headers.get('x-amzn-errortype'), 'ResourceNotFoundException');
    assert.equal(missing.body.__type, 'ResourceNotFoundException');
    assert.match(String(missing.body.message), /Stream nope under account \d{12} not found/);

    const malformed = await postCbor(engine, 'ListStreams', hex('bf 61'));
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.__type, 'SerializationException');
    assert.match(String(malformed.body.message), /not valid CBOR: Length 1 exceeds the 0 bytes left at byte 1/);

    const wrongType = await postCbor(engine, 'DescribeStream', { StreamName: Buffer.from('bytes') });
    assert.equal(wrongType.body.__type, 'SerializationException');
    assert.match(String(wrongType.body.message), /'streamName' must not be a byte string/);

    const invalid = await postCbor(engine, 'PutRecord', { StreamName: 'x', Data: Buffer.alloc(1024 * 1024 + 1) });
    assert.equal(invalid.body.__type, 'ValidationException');
    assert.match(String(invalid.body.message), /partitionKey' failed to satisfy constraint: Member must not be null/);
    assert.match(String(invalid.body.message), /Value of 1048577 bytes at 'data'/);

    const unknown = await postCbor(engine, 'PutResourcePolicy', {});
    assert.equal(unknown.body.__type, 'UnknownOperationException');
  });

  test('reads an untagged number in a timestamp member as milliseconds, like the SDK', async (t) => {
    const engine = await start(t);
    await postCbor(engine, 'CreateStream', { StreamName: 'plain-ts', ShardCount: 1 });
    const future = await postCbor(engine, 'GetShardIterator', {
      StreamName: 'plain-ts',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'AT_TIMESTAMP',
      Timestamp: Date.now() + 3_600_000,
    });
    assert.equal(future.body.__type, 'InvalidArgumentException');
    assert.match(String(future.body.message), /cannot be greater than the currentTimestampInMillis/);
  });
});
