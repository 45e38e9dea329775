/**
 * Property-based fuzzing of the KPL deaggregator (fast-check, fixed seeds, bounded runs). Aggregated records whose
 * protobuf message is mutated — bytes flipped, cut, inserted, or replaced by arbitrary fields — and then given a
 * matching MD5 trailer, so the parser itself is reached; plus arbitrary bytes with and without the magic. Whatever the
 * bytes, deaggregation never throws: a record is either read into user records that lie inside it, or handed over
 * unchanged as one record (the KCL's rule), so nothing a consumer is given disappears.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  AGGREGATED_RECORD_MAGIC,
  deaggregate,
  deaggregateRecord,
  decodeAggregatedRecord,
  encodeAggregatedRecord,
} from '../src/index.ts';

const SEED = 20_261_126;

const userRecord = fc.record(
  {
    partitionKey: fc.string({ minLength: 1, maxLength: 12 }),
    data: fc.uint8Array({ maxLength: 40 }),
    explicitHashKey: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map(String),
  },
  { requiredKeys: ['partitionKey', 'data'] },
);

/** Magic, `message`, and the MD5 of `message`: what passes the checksum whatever the message is. */
function sealed(message: Uint8Array): Buffer {
  return Buffer.concat([AGGREGATED_RECORD_MAGIC, message, createHash('md5').update(message).digest()]);
}

/** The protobuf message of a real aggregated record. */
const message = fc.array(userRecord, { minLength: 1, maxLength: 6 }).map((records) => {
  const bytes = encodeAggregatedRecord(records);
  return bytes.subarray(AGGREGATED_RECORD_MAGIC.length, bytes.length - 16);
});

/** Protobuf-looking bytes: keys of every field number and wire type, varints up to 10 bytes, lengths past the end. */
const protobufish = fc
  .array(
    fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 7 })).map(([f, w]) => [(f << 3) | w]),
      fc.array(fc.integer({ min: 0x80, max: 0xff }), { maxLength: 11 }).map((v) => [...v, 0x01]),
      fc.uint8Array({ maxLength: 6 }).map((b) => [...b]),
      fc.constantFrom(
        [0x0a, 0x01, 0x61],
        [0x1a, 0x7f],
        [0x1a, 0xff, 0xff, 0xff, 0xff, 0x0f],
        [0x22, 0x00],
        [0x08, 0x05],
      ),
    ),
    { maxLength: 20 },
  )
  .map((parts) => Uint8Array.from(parts.flat()));

const mutated = fc.oneof(
  fc.tuple(message, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([m, at, byte]) => {
    const copy = Uint8Array.from(m);
    copy[at % copy.length] = byte;
    return copy;
  }),
  fc.tuple(message, fc.nat()).map(([m, at]) => m.subarray(0, at % (m.length + 1))),
  fc.tuple(message, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 6 })).map(([m, at, bytes]) => {
    const i = at % (m.length + 1);
    return Uint8Array.from([...m.subarray(0, i), ...bytes, ...m.subarray(i)]);
  }),
  fc.tuple(message, protobufish).map(([m, extra]) => Uint8Array.from([...m, ...extra])),
  protobufish,
);

/** Checks one Kinesis record's deaggregation: read into records inside it, or handed over as it came. */
function checkRecord(data: Uint8Array): 'read' | 'passed' {
  const contents = decodeAggregatedRecord(data);
  const users = deaggregateRecord({ partitionKey: 'pk', sequenceNumber: '42', data });
  if (!contents.aggregated) {
    assert.equal(users.length, 1);
    assert.equal(users[0]!.data, data);
    assert.equal(users[0]!.aggregated, false);
    assert.equal(users[0]!.partitionKey, 'pk');
    return 'passed';
  }
  assert.equal(users.length, contents.records.length);
  users.forEach((user, i) => {
    assert.equal(user.subSequenceNumber, i);
    assert.equal(typeof user.partitionKey, 'string');
    // A view into the record's own bytes, never past them.
    assert.equal(user.data.buffer, data.buffer);
    assert.ok(user.data.byteOffset >= data.byteOffset);
    assert.ok(user.data.byteOffset + user.data.byteLength <= data.byteOffset + data.byteLength);
  });
  return 'read';
}

describe('fuzzing the KPL deaggregator', () => {
  test('mutated aggregated messages with a matching checksum are read or handed over, never thrown on', () => {
    const seen = { read: 0, passed: 0 };
    fc.assert(
      fc.property(mutated, (m) => {
        seen[checkRecord(sealed(m))]++;
      }),
      { seed: SEED, numRuns: 3000 },
    );
    // Both outcomes are reached: the mutations make records the parser reads and records it refuses.
    assert.ok(seen.read > 100 && seen.passed > 100, JSON.stringify(seen));
  });

  test('arbitrary bytes, with and without the magic, are read or handed over', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 80 }),
      fc.uint8Array({ maxLength: 80 }).map((b) => Uint8Array.from([...AGGREGATED_RECORD_MAGIC, ...b])),
    );
    fc.assert(
      fc.property(bytes, (b) => {
        checkRecord(b);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  test('a Lambda event of such records deaggregates without throwing, each record accounted for', () => {
    const data = fc.oneof(
      mutated.map(sealed),
      fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b)),
    );
    fc.assert(
      fc.property(fc.array(data, { maxLength: 5 }), (datas) => {
        const records = datas.map((d, i) => ({
          eventID: `shardId-000000000000:${i}`,
          kinesis: { partitionKey: 'pk', sequenceNumber: String(i), data: d.toString('base64') },
        }));
        const users = deaggregate(records);
        for (const [i, d] of datas.entries()) {
          const contents = decodeAggregatedRecord(d);
          const mine = users.filter((u) => u.kinesis.sequenceNumber === String(i));
          assert.equal(mine.length, contents.aggregated ? contents.records.length : 1);
          if (!contents.aggregated) assert.equal(mine[0]!.kinesis.data, d.toString('base64'));
        }
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
