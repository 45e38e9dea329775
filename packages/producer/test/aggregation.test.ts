/**
 * The KPL aggregation format: byte-exact test vectors, sizes known before encoding, and the KCL's rules for deciding
 * that bytes are not an aggregated record.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  AGGREGATED_RECORD_MAGIC,
  AggregatedRecordBuilder,
  type AggregatedUserRecord,
  decodeAggregatedRecord,
  encodeAggregatedRecord,
} from '../src/aggregation/aggregated-record.ts';
import { deaggregate, deaggregateRecord } from '../src/aggregation/deaggregate.ts';

const text = (s: string) => Buffer.from(s, 'utf8');
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest();

/** magic + message + md5(message), from a message written out by hand. */
function framed(messageHex: string): Buffer {
  const message = Buffer.from(messageHex.replace(/\s+/g, ''), 'hex');
  return Buffer.concat([Buffer.from('f3899ac2', 'hex'), message, md5(message)]);
}

/**
 * Test vector 1: three user records, two partition keys, one explicit hash key, keys reused through the tables.
 * The message bytes, field by field.
 */
const VECTOR_1_RECORDS: AggregatedUserRecord[] = [
  { partitionKey: 'p1', data: text('hi') },
  { partitionKey: 'p2', data: text('yo'), explicitHashKey: '42' },
  { partitionKey: 'p1', data: text('!') },
];
const VECTOR_1_MESSAGE = [
  '0a 02 7031', //           partition_key_table: "p1"
  '0a 02 7032', //           partition_key_table: "p2"
  '12 02 3432', //           explicit_hash_key_table: "42"
  '1a 06 0800 1a02 6869', // records { partition_key_index: 0, data: "hi" }
  '1a 08 0801 1000 1a02 796f', // records { partition_key_index: 1, explicit_hash_key_index: 0, data: "yo" }
  '1a 05 0800 1a01 21', //   records { partition_key_index: 0, data: "!" }
].join(' ');

describe('encodeAggregatedRecord', () => {
  test('writes magic, the AggregatedRecord message in field order, and the MD5 of the message (test vector 1)', () => {
    const encoded = encodeAggregatedRecord(VECTOR_1_RECORDS);
    assert.equal(encoded.toString('hex'), framed(VECTOR_1_MESSAGE).toString('hex'));
    assert.deepEqual([...encoded.subarray(0, 4)], [0xf3, 0x89, 0x9a, 0xc2]);
    // The vector as docs/producer.md spells it out.
    assert.equal(encoded.length, 57);
    assert.equal(encoded.subarray(-16).toString('hex'), '661dd3354afde858e981a09025110ed0');
    assert.deepEqual([...AGGREGATED_RECORD_MAGIC], [0xf3, 0x89, 0x9a, 0xc2]);
  });

  test('writes lengths of 128 bytes and more as multi-byte varints (test vector 2)', () => {
    const data = Buffer.alloc(300, 0x61);
    const key = 'k'.repeat(200);
    const encoded = encodeAggregatedRecord([{ partitionKey: key, data }]);
    // "k" × 200: length 200 = c8 01. Record: 08 00 1a ac02 <300 bytes> = 2 + 3 + 300 = 305 = b1 02.
    const message = `0a c801 ${Buffer.from(key).toString('hex')} 1a b102 0800 1a ac02 ${data.toString('hex')}`;
    assert.equal(encoded.toString('hex'), framed(message).toString('hex'));
  });

  test('encodes partition keys as UTF-8 and counts their bytes, not characters', () => {
    const encoded = encodeAggregatedRecord([{ partitionKey: 'ключ-🔑', data: text('x') }]);
    const keyBytes = Buffer.from('ключ-🔑', 'utf8');
    assert.equal(keyBytes.length, 13);
    const message = `0a 0d ${keyBytes.toString('hex')} 1a 05 0800 1a01 78`;
    assert.equal(encoded.toString('hex'), framed(message).toString('hex'));
  });

  test('an empty user record still carries its required data field', () => {
    const encoded = encodeAggregatedRecord([{ partitionKey: 'p', data: new Uint8Array(0) }]);
    assert.equal(encoded.toString('hex'), framed('0a 01 70 1a 04 0800 1a00').toString('hex'));
  });
});

describe('AggregatedRecordBuilder', () => {
  test('knows the exact size of the record before building it', () => {
    fc.assert(
      fc.property(userRecords(), (records) => {
        const builder = new AggregatedRecordBuilder();
        for (const r of records) builder.add(r.partitionKey, r.data, r.explicitHashKey);
        assert.equal(builder.build().length, builder.size);
        assert.equal(builder.count, records.length);
      }),
      { numRuns: 200 },
    );
  });

  test('addIfFits refuses a record that would pass the limit, changing nothing, but always takes the first', () => {
    const builder = new AggregatedRecordBuilder();
    assert.equal(builder.addIfFits(10, 'p', Buffer.alloc(100)), 0, 'the first record goes in whatever its size');
    const before = builder.size;
    assert.equal(builder.addIfFits(before + 5, 'q', Buffer.alloc(10)), -1);
    assert.equal(builder.size, before);
    assert.equal(builder.count, 1);
    // The new key "q" (0a 01 71) and the record field (1a 07 | 08 01 | 1a 03 <3 bytes>).
    const exact = before + 3 + 9;
    assert.equal(builder.addIfFits(exact, 'q', Buffer.alloc(3)), 1);
    assert.equal(builder.size, exact);
    assert.equal(builder.build().length, exact);
  });
});

describe('decodeAggregatedRecord', () => {
  test('reads test vector 1 back, explicit hash keys included', () => {
    const contents = decodeAggregatedRecord(framed(VECTOR_1_MESSAGE));
    assert.ok(contents.aggregated);
    assert.deepEqual(
      contents.records.map((r) => ({ ...r, data: Buffer.from(r.data).toString() })),
      [
        { partitionKey: 'p1', data: 'hi' },
        { partitionKey: 'p2', explicitHashKey: '42', data: 'yo' },
        { partitionKey: 'p1', data: '!' },
      ],
    );
  });

  test('round-trips any user records', () => {
    fc.assert(
      fc.property(userRecords(), (records) => {
        const contents = decodeAggregatedRecord(encodeAggregatedRecord(records));
        assert.ok(contents.aggregated);
        assert.deepEqual(
          contents.records.map((r) => ({ ...r, data: Buffer.from(r.data) })),
          records.map((r) => ({ ...r, data: Buffer.from(r.data) })),
        );
      }),
      { numRuns: 300 },
    );
  });

  test('skips unknown fields and tags, as protobuf parsers do', () => {
    // records { partition_key_index: 0, data: "x", tags { key: "t", value: "v" }, field 9 (varint) }, then field 7 (fixed32).
    const message = '0a 01 70 1a 0f 0800 1a01 78 2206 0a0174 120176 4801 3d 01020304';
    const contents = decodeAggregatedRecord(framed(message));
    assert.ok(contents.aggregated, JSON.stringify(contents));
    assert.equal(contents.records.length, 1);
    assert.equal(Buffer.from(contents.records[0]!.data).toString(), 'x');
  });

  test('follows the KCL: no magic, or nothing after it but a trailer, is not an aggregated record', () => {
    assert.deepEqual(decodeAggregatedRecord(text('{"plain":"json"}')), { aggregated: false, reason: 'no-magic' });
    assert.deepEqual(decodeAggregatedRecord(new Uint8Array(0)), { aggregated: false, reason: 'no-magic' });
    // Magic and exactly 16 more bytes: the KCL needs more than the digest after the magic.
    const magicAndDigest = Buffer.concat([Buffer.from(AGGREGATED_RECORD_MAGIC), md5(new Uint8Array(0))]);
    assert.deepEqual(decodeAggregatedRecord(magicAndDigest), { aggregated: false, reason: 'no-magic' });
  });

  test('follows the KCL: a checksum that does not match makes the record not aggregated', () => {
    const bytes = encodeAggregatedRecord(VECTOR_1_RECORDS);
    bytes[bytes.length - 1]! ^= 0xff;
    assert.deepEqual(decodeAggregatedRecord(bytes), { aggregated: false, reason: 'checksum-mismatch' });
    const tampered = encodeAggregatedRecord(VECTOR_1_RECORDS);
    tampered[10]! ^= 0x01;
    assert.deepEqual(decodeAggregatedRecord(tampered), { aggregated: false, reason: 'checksum-mismatch' });
  });

  test('follows the KCL: a message that does not parse (with a good checksum) makes the record not aggregated', () => {
    const cases = {
      'truncated length': '0a 05 70',
      'a Record without its required data': '0a 01 70 1a 02 0800',
      'a Record without its required partition_key_index': '0a 01 70 1a 03 1a01 78',
      'a Tag without its required key': '0a 01 70 1a 07 0800 1a01 78 2200',
      'wire type 3 (group)': '0a 01 70 0b',
      'a varint longer than 10 bytes': '0a 01 70 1a 0d 08ffffffffffffffffffff01 1a00',
      'a partition_key_index with no table entry': '0a 01 70 1a 05 0801 1a01 78',
      'an explicit_hash_key_index with no table entry': '0a 01 70 1a 07 0800 1000 1a01 78',
    };
    for (const [name, message] of Object.entries(cases)) {
      assert.deepEqual(decodeAggregatedRecord(framed(message)), { aggregated: false, reason: 'malformed' }, name);
    }
  });

  test('a valid aggregated record may hold no user records', () => {
    const contents = decodeAggregatedRecord(framed('0a 01 70'));
    assert.deepEqual(contents, { aggregated: true, records: [] });
  });
});

describe('deaggregateRecord', () => {
  test('gives user records the Kinesis sequence number and sub-sequence numbers 0, 1, 2…', () => {
    const users = deaggregateRecord({
      partitionKey: 'a',
      sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
      data: encodeAggregatedRecord(VECTOR_1_RECORDS),
    });
    assert.deepEqual(
      users.map((u) => [u.partitionKey, u.explicitHashKey, Buffer.from(u.data).toString(), u.subSequenceNumber]),
      [
        ['p1', undefined, 'hi', 0],
        ['p2', '42', 'yo', 1],
        ['p1', undefined, '!', 2],
      ],
    );
    assert.ok(users.every((u) => u.aggregated && u.sequenceNumber.startsWith('4959')));
  });

  test('passes a record that is not aggregated through as one user record, sub-sequence number 0', () => {
    const data = text('{"i":1}');
    assert.deepEqual(deaggregateRecord({ partitionKey: 'k', sequenceNumber: '7', data, explicitHashKey: '5' }), [
      { partitionKey: 'k', explicitHashKey: '5', data, sequenceNumber: '7', subSequenceNumber: 0, aggregated: false },
    ]);
  });
});

describe('deaggregate (Lambda event records)', () => {
  const eventRecord = (data: Uint8Array, sequenceNumber: string) => ({
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: 'a',
      sequenceNumber,
      data: Buffer.from(data).toString('base64'),
      approximateArrivalTimestamp: 1_700_000_000.5,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/consumer',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/s',
  });

  test('expands each aggregated record into event records of its user records, in order, keeping the rest', () => {
    const records = [eventRecord(encodeAggregatedRecord(VECTOR_1_RECORDS), '1'), eventRecord(text('plain'), '2')];
    const users = deaggregate(records);
    assert.deepEqual(
      users.map((r) => [
        r.eventID,
        r.kinesis.sequenceNumber,
        r.kinesis.subSequenceNumber,
        r.kinesis.partitionKey,
        Buffer.from(r.kinesis.data, 'base64').toString(),
        r.kinesis.aggregated,
        r.kinesis.explicitHashKey,
      ]),
      [
        ['shardId-000000000000:1', '1', 0, 'p1', 'hi', true, undefined],
        ['shardId-000000000000:1', '1', 1, 'p2', 'yo', true, '42'],
        ['shardId-000000000000:1', '1', 2, 'p1', '!', true, undefined],
        ['shardId-000000000000:2', '2', 0, 'a', 'plain', false, undefined],
      ],
    );
    assert.equal(users[0]!.kinesis.approximateArrivalTimestamp, 1_700_000_000.5);
    assert.equal(users[3]!.eventSourceARN, records[1]!.eventSourceARN);
  });

  test('hands a record with a wrong checksum over unchanged, as one record', () => {
    const bytes = encodeAggregatedRecord(VECTOR_1_RECORDS);
    bytes[bytes.length - 2]! ^= 0x10;
    const [only, ...rest] = deaggregate([eventRecord(bytes, '9')]);
    assert.equal(rest.length, 0);
    assert.equal(only!.kinesis.data, bytes.toString('base64'));
    assert.equal(only!.kinesis.aggregated, false);
    assert.equal(only!.kinesis.subSequenceNumber, 0);
  });
});

/** Arbitrary user records: unicode partition keys, optional explicit hash keys, binary data of any length. */
function userRecords() {
  const record = fc.record(
    {
      partitionKey: fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
      data: fc.uint8Array({ maxLength: 400 }),
      explicitHashKey: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map(String),
    },
    { requiredKeys: ['partitionKey', 'data'] },
  );
  // Reuse a few keys so the tables are exercised.
  return fc
    .array(record, { minLength: 1, maxLength: 40 })
    .map((records) => records.map((r, i) => (i % 3 === 2 ? { ...r, partitionKey: records[0]!.partitionKey } : r)));
}
