/**
 * Interop of the KPL aggregation format with the reference implementations, all of which run here:
 * - the Java Kinesis Producer Library 1.1.1 (software.amazon.kinesis:amazon-kinesis-producer, its Java API and native
 *   daemon, through Maven — packages/producer/interop/java-kpl-producer), writing to the local engine over HTTPS;
 * - the Kinesis Client Library's deaggregator (Java, software.amazon.kinesis:amazon-kinesis-client 3.5.1, through
 *   Maven — packages/producer/interop/java-kcl-deaggregator);
 * - aws-kinesis-agg 4.2.8 (npm), the AWS Labs aggregation module for Node.js.
 *
 * Records go through the local Kinesis engine wherever a producer is involved, so what is checked is what a consumer
 * reads back with GetRecords.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type _Record, KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '@streamkit/core';
import { type KinesisEngine, startKinesisEngine } from '@streamkit/local';
import { type UserRecord as AggUserRecord, aggregate, deaggregateSync } from 'aws-kinesis-agg';
import { type KclFailure, type KclUserRecord, kclDeaggregate } from '../interop/kcl-deaggregator.ts';
import { runKplProducer } from '../interop/kpl-producer.ts';
import { startTlsEndpoint, type TlsEndpoint } from '../interop/tls-endpoint.ts';
import { type AggregatedUserRecord, encodeAggregatedRecord } from '../src/aggregation/aggregated-record.ts';
import { type DeaggregatedRecord, deaggregateRecord } from '../src/aggregation/deaggregate.ts';
import { KinesisProducer, type UserRecordInput } from '../src/kinesis-producer/kinesis-producer.ts';
import { createStream, readStream } from './support/local-kinesis.ts';

/** User records that exercise the format: shared and unicode keys, explicit hash keys, binary, empty and large data. */
function interopUserRecords(): UserRecordInput[] {
  const records: UserRecordInput[] = [];
  for (let i = 0; i < 3000; i++) {
    const bytes = createHash('sha256').update(String(i)).digest();
    records.push({
      partitionKey: i % 7 === 0 ? `clé-${i % 5}-🚕` : `key-${i % 40}`,
      data: i % 11 === 0 ? bytes.subarray(0, i % 3) : Buffer.concat([bytes, Buffer.from(`#${i}`)]),
      ...(i % 13 === 0 ? { explicitHashKey: String(BigInt(`0x${bytes.toString('hex').slice(0, 32)}`)) } : {}),
    });
  }
  // Larger than AggregationMaxSize: sent alone, unwrapped.
  records.push({ partitionKey: 'big', data: Buffer.alloc(60_000, 0x42) });
  return records;
}

/**
 * Edge cases the KCL decides are not aggregated records (or fails on), each with its own sequence number. Messages are
 * framed with a correct MD5 unless the case is about the MD5.
 */
function edgeCases() {
  const good = encodeAggregatedRecord([
    { partitionKey: 'p1', data: Buffer.from('one') },
    { partitionKey: 'p2', data: Buffer.from('two'), explicitHashKey: '170141183460469231731687303715884105728' },
  ]);
  const wrongChecksum = Buffer.from(good);
  wrongChecksum[wrongChecksum.length - 1]! ^= 0x5a;
  const wrongBody = Buffer.from(good);
  wrongBody[8]! ^= 0x01;
  return {
    good: { partitionKey: 'a', sequenceNumber: '100', data: good },
    wrongChecksum: { partitionKey: 'a', sequenceNumber: '101', data: wrongChecksum },
    wrongBody: { partitionKey: 'a', sequenceNumber: '102', data: wrongBody },
    // A Record without its required data field.
    badProtobuf: { partitionKey: 'a', sequenceNumber: '103', data: framed(hex('0a0170 1a02 0800')) },
    magicAndDigestOnly: { partitionKey: 'a', sequenceNumber: '104', data: framed(Buffer.alloc(0)) },
    plain: { partitionKey: 'k', sequenceNumber: '105', data: Buffer.from('{"not":"aggregated"}') },
    // The second user record points at partition key 5 of a table of one.
    badIndex: {
      partitionKey: 'a',
      sequenceNumber: '106',
      data: framed(hex('0a0170 1a05 0800 1a0161 1a05 0805 1a0162')),
    },
  };
}

/**
 * The shared fixture, built once: user records produced by a KinesisProducer into a 3-shard stream of the local
 * engine, and user records aggregated by aws-kinesis-agg and put into another 3-shard stream, all read back with
 * GetRecords; then deaggregated by the KCL the way its record processor does — with the hash key range of the shard
 * each record was read from — together with the edge cases, in one Maven run.
 */
const fixture = {} as {
  produced: UserRecordInput[];
  kinesisRecords: _Record[];
  /** What aws-kinesis-agg aggregated (and the stream holds), and the Kinesis records read back. */
  aggProduced: AggregatedUserRecord[];
  aggRecords: _Record[];
  /** What the Java KPL sent, and the Kinesis records read back with their shards. */
  kplProduced: (UserRecordInput & { readonly data: Buffer })[];
  kplShards: Awaited<ReturnType<typeof readStream>>;
  edges: ReturnType<typeof edgeCases>;
  kcl: (KclUserRecord | KclFailure)[];
};
let engine: KinesisEngine | undefined;
let kinesis: KinesisClient | undefined;
let tls: TlsEndpoint | undefined;

before(
  async () => {
    engine = await startKinesisEngine({ port: 0 });
    kinesis = new KinesisClient({ endpoint: engine.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    await createStream(kinesis, 'interop', 3);
    fixture.produced = interopUserRecords();
    const producer = new KinesisProducer({ kinesis, streamName: 'interop', rateLimit: 10_000 });
    const acks = fixture.produced.map((record) => producer.addUserRecord(record));
    await producer.close();
    const results = await Promise.all(acks);
    assert.ok(results.some((r) => r.aggregated) && results.some((r) => !r.aggregated));
    const shards = await readStream(kinesis, 'interop');
    fixture.kinesisRecords = shards.flatMap((shard) => shard.records);

    // aws-kinesis-agg packs user records of any partition key into one Kinesis record, routed by the first key.
    await createStream(kinesis, 'agg', 3);
    fixture.aggProduced = Array.from({ length: 300 }, (_, i) => ({
      partitionKey: `user-${i % 30}`,
      data: Buffer.from(`event ${i}`),
    }));
    for (const record of await aggAggregate(fixture.aggProduced)) {
      await kinesis.send(
        new PutRecordsCommand({
          StreamName: 'agg',
          Records: [{ Data: record.data, PartitionKey: record.partitionKey }],
        }),
      );
    }
    const aggShards = await readStream(kinesis, 'agg');
    fixture.aggRecords = aggShards.flatMap((shard) => shard.records);

    // The Java KPL, over HTTPS (the only protocol its daemon speaks).
    tls = await startTlsEndpoint(engine.endpoint);
    await createStream(kinesis, 'kpl', 3);
    fixture.kplProduced = interopUserRecords()
      .slice(0, 2000)
      .map((r) => ({ ...r, data: toBytes(r.data) }));
    const stats = await runKplProducer({
      host: tls.host,
      port: tls.port,
      streamName: 'kpl',
      records: fixture.kplProduced,
    });
    assert.equal(stats.failed, 0);
    fixture.kplShards = await readStream(kinesis, 'kpl');

    fixture.edges = edgeCases();
    fixture.kcl = await kclDeaggregate([
      ...shards.flatMap((shard) =>
        shard.records.map((r) => ({ ...toInput(r), shardHashKeyRange: shard.hashKeyRange })),
      ),
      ...aggShards.flatMap((shard) =>
        shard.records.map((r) => ({
          ...toInput(r),
          sequenceNumber: `agg-${r.SequenceNumber}`,
          shardHashKeyRange: shard.hashKeyRange,
        })),
      ),
      ...fixture.kplShards.flatMap((shard) =>
        shard.records.map((r) => ({
          ...toInput(r),
          sequenceNumber: `kpl-${r.SequenceNumber}`,
          shardHashKeyRange: shard.hashKeyRange,
        })),
      ),
      ...Object.values(fixture.edges),
    ]);
  },
  { timeout: 10 * 60_000 },
);

after(async () => {
  kinesis?.destroy();
  await tls?.close();
  await engine?.close();
});

/** What the KCL made of the Kinesis record with this sequence number. */
function kclOf(sequenceNumber: string) {
  return fixture.kcl.filter((u) => u.sequenceNumber === sequenceNumber);
}

function kclUserRecords(): KclUserRecord[] {
  return fixture.kcl.filter((u): u is KclUserRecord => u.kind === 'user-record');
}

const toBytes = (data: Uint8Array | string) => (typeof data === 'string' ? Buffer.from(data) : Buffer.from(data));

/** User records as plain values (data in hex), for comparison. */
function canonical(users: readonly { partitionKey: string; data: Uint8Array; explicitHashKey?: string | undefined }[]) {
  return users.map((u) => ({
    partitionKey: u.partitionKey,
    data: Buffer.from(u.data).toString('hex'),
    explicitHashKey: u.explicitHashKey,
  }));
}

/**
 * Groups user records by what decides their shard — the partition key, or the explicit hash key when given — keeping
 * their order: records of one group go to one shard, in order.
 */
function byShardKey<T extends { partitionKey: string; explicitHashKey?: string | undefined }>(
  users: readonly T[],
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const user of users) {
    const key = `${user.partitionKey} ${user.explicitHashKey ?? ''}`;
    const group = groups.get(key);
    if (group) group.push(user);
    else groups.set(key, [user]);
  }
  return groups;
}

function assertSameUserRecordsInOrder(
  actual: readonly { partitionKey: string; data: Uint8Array; explicitHashKey?: string | undefined }[],
  expected: readonly UserRecordInput[],
  label: string,
) {
  const want = byShardKey(canonical(expected.map((r) => ({ ...r, data: toBytes(r.data) }))));
  const got = byShardKey(canonical(actual));
  assert.equal(actual.length, expected.length, `${label}: as many user records as were produced`);
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), label);
  for (const [key, records] of want) assert.deepEqual(got.get(key), records, `${label}: records of ${key} in order`);
}

describe('KinesisProducer → the KCL deaggregator (Java)', () => {
  test('the KCL reads back every user record, with keys, explicit hash keys and sub-sequence numbers', () => {
    // The KCL was given each record's shard hash key range, so this also shows that every user record sits in the
    // shard its hash key belongs to.
    const { produced, kinesisRecords } = fixture;
    assert.ok(kinesisRecords.length < produced.length / 10, `${kinesisRecords.length} Kinesis records`);
    const sequenceNumbers = new Set(kinesisRecords.map((r) => r.SequenceNumber));
    const kcl = kclUserRecords().filter((u) => sequenceNumbers.has(u.sequenceNumber));
    assertSameUserRecordsInOrder(kcl, produced, 'KCL');
    // The KCL numbers user records 0, 1, 2… within each Kinesis record and marks them aggregated — as ours does.
    const ours = kinesisRecords.flatMap((r) => deaggregateRecord(toInput(r)));
    assert.deepEqual(kcl.map(comparable), ours.map(comparable));
  });
});

describe('the Java KPL → ours', () => {
  test('records aggregated by the Java KPL deaggregate to the user records it was given, as the KCL reads them', () => {
    const records = fixture.kplShards.flatMap((shard) => shard.records);
    assert.ok(records.length < fixture.kplProduced.length / 10, `${records.length} Kinesis records`);
    const ours = records.flatMap((r) => deaggregateRecord(toInput(r)));
    // Every user record, byte for byte. Compared as sets per shard key: the KPL does not promise order (its
    // aggregators and concurrent requests can swap two records of one key, and here they sometimes do). The first
    // record goes alone (the Java program's warm-up), and a record sent alone shows consumers no explicit hash key.
    const { explicitHashKey: _, ...first } = fixture.kplProduced[0]!;
    const sorted = (groups: Map<string, { data: string }[]>) =>
      [...groups].map(([key, group]) => [key, group.map((u) => u.data).sort()]).sort();
    assert.equal(ours.length, fixture.kplProduced.length);
    assert.deepEqual(
      sorted(byShardKey(canonical(ours))),
      sorted(byShardKey(canonical([first, ...fixture.kplProduced.slice(1)]))),
    );
    // Record by record, the same as the KCL (given each record's shard range) makes of them.
    const kcl = records.flatMap((r) => kclOf(`kpl-${r.SequenceNumber}`) as KclUserRecord[]);
    assert.deepEqual(
      ours.map((u) => ({ ...comparable(u), sequenceNumber: `kpl-${u.sequenceNumber}` })),
      kcl.map(comparable),
    );
  });

  test('the KPL keys its aggregated records "a" and routes them by their first user record, as KinesisProducer does', () => {
    let aggregated = 0;
    for (const shard of fixture.kplShards) {
      for (const record of shard.records) {
        const users = deaggregateRecord(toInput(record));
        if (!users[0]!.aggregated) continue;
        aggregated++;
        assert.equal(record.PartitionKey, 'a');
        const first = users[0]!;
        const hashKey = BigInt(
          first.explicitHashKey ?? `0x${createHash('md5').update(first.partitionKey).digest('hex')}`,
        );
        const { startingHashKey, endingHashKey } = shard.hashKeyRange;
        assert.ok(
          hashKey >= BigInt(startingHashKey) && hashKey <= BigInt(endingHashKey),
          'in the shard of its first record',
        );
      }
    }
    assert.ok(aggregated > 0);
    const ours = fixture.kinesisRecords.filter((r) => deaggregateRecord(toInput(r))[0]!.aggregated);
    assert.ok(ours.length > 0 && ours.every((r) => r.PartitionKey === 'a'));
  });
});

describe('the KCL and records that mix shards', () => {
  test('aws-kinesis-agg records of a multi-shard stream are dropped whole by the KCL; ours are kept whole', () => {
    assert.equal(fixture.aggRecords.length, 1, 'aws-kinesis-agg made one Kinesis record of the 300 user records');
    const [record] = fixture.aggRecords;
    // The KCL drops every user record of an aggregated record that holds one whose hash key is outside the shard
    // it was read from — here, all 300 (the record holds keys of all three shards).
    assert.deepEqual(kclOf(`agg-${record!.SequenceNumber}`), []);
    // The same record through our deaggregator (as a Lambda handler would use it): all 300 are there.
    assert.equal(deaggregateRecord(toInput(record!)).length, 300);
    // KinesisProducer aggregates by predicted shard, so the KCL — given each record's shard range — lost nothing
    // (checked record by record in the test above); none of its Kinesis records came back empty.
    const emptied = fixture.kinesisRecords.filter((r) => kclOf(r.SequenceNumber!).length === 0);
    assert.deepEqual(emptied, []);
  });
});

describe('KinesisProducer → aws-kinesis-agg', () => {
  test('aws-kinesis-agg reads back every user record, checksums verified', () => {
    const { produced, kinesisRecords } = fixture;
    let users = 0;
    for (const record of kinesisRecords) {
      const theirs = aggDeaggregate(record);
      const ours = deaggregateRecord(toInput(record));
      users += theirs.length;
      // Record by record, the same user records in the same order as our deaggregator (checked against the KCL and
      // the input above). aws-kinesis-agg reports explicit_hash_key_table[0] for a user record without an index
      // (protobufjs reads the missing optional field as 0), so hash keys are compared only where one was given.
      assert.deepEqual(
        theirs.map((u, i) => ({
          partitionKey: u.partitionKey,
          data: Buffer.from(u.data, 'base64').toString('hex'),
          explicitHashKey: ours[i]?.explicitHashKey === undefined ? undefined : u.explicitPartitionKey,
        })),
        canonical(ours),
      );
    }
    assert.equal(users, produced.length);
  });
});

describe('aws-kinesis-agg → ours', () => {
  test('records aggregated by aws-kinesis-agg deaggregate to the same user records, and are the same bytes', async () => {
    const records: AggregatedUserRecord[] = interopUserRecords()
      .slice(0, 2000)
      .filter((r) => toBytes(r.data).length > 0) // aws-kinesis-agg refuses empty data ("Record.Data field is mandatory")
      .map((r) => ({ ...r, data: toBytes(r.data) }));
    const encoded = await aggAggregate(records);
    assert.equal(encoded.length, 1, 'fewer than 1 MiB: one aggregated record');

    const users = deaggregateRecord({
      partitionKey: encoded[0]!.partitionKey,
      sequenceNumber: '1',
      data: encoded[0]!.data,
    });
    assert.ok(users.every((u) => u.aggregated));
    assert.deepEqual(canonical(users), canonical(records));
    // Same fields, same order: the protobuf encodings agree byte for byte, trailer included.
    assert.equal(encodeAggregatedRecord(records).toString('hex'), encoded[0]!.data.toString('hex'));
  });

  test('aws-kinesis-agg splits at 1 MiB and ours reads every part', async () => {
    const records = Array.from({ length: 3000 }, (_, i) => ({
      partitionKey: `p${i % 9}`,
      data: createHash('sha512').update(String(i)).digest(), // 64 bytes each, no compression possible
    }));
    const big = records.map((r, i) => ({ ...r, data: Buffer.concat([r.data, Buffer.alloc(i % 2 === 0 ? 700 : 0)]) }));
    const encoded = await aggAggregate(big);
    assert.ok(encoded.length >= 2, `${encoded.length} aggregated records`);
    const users = encoded.flatMap((e, i) =>
      deaggregateRecord({ partitionKey: e.partitionKey, sequenceNumber: `${i}`, data: e.data }),
    );
    assert.deepEqual(canonical(users), canonical(big));
  });
});

describe('records that are not (valid) aggregated records, as the KCL handles them', () => {
  test('a wrong checksum, bad protobuf, no magic: our deaggregator gives what the KCL gives', () => {
    const { badIndex: _, ...cases } = fixture.edges;
    for (const [name, input] of Object.entries(cases)) {
      const kcl = kclOf(input.sequenceNumber);
      assert.ok(
        kcl.every((u) => u.kind === 'user-record'),
        `${name}: ${JSON.stringify(kcl)}`,
      );
      assert.deepEqual(deaggregateRecord(input).map(comparable), (kcl as KclUserRecord[]).map(comparable), name);
    }
    // What that is: the good record expands; each of the others passes through whole, not aggregated.
    assert.deepEqual(
      Object.values(cases).flatMap((input) =>
        (kclOf(input.sequenceNumber) as KclUserRecord[]).map((u) => [
          u.sequenceNumber,
          u.subSequenceNumber,
          u.aggregated,
        ]),
      ),
      [
        ['100', 0, true],
        ['100', 1, true],
        ['101', 0, false],
        ['102', 0, false],
        ['103', 0, false],
        ['104', 0, false],
        ['105', 0, false],
      ],
    );
    const [wrongChecksum] = kclOf(cases.wrongChecksum.sequenceNumber) as KclUserRecord[];
    assert.deepEqual(wrongChecksum!.data, cases.wrongChecksum.data, 'the record with the wrong checksum arrives whole');
    // aws-kinesis-agg differs here: it fails the record instead of passing it through.
    assert.throws(() => aggDeaggregateBytes(cases.wrongChecksum.data), /Invalid record checksum/);
  });

  test('where we differ from the KCL: a table index out of range keeps the whole record', () => {
    const input = fixture.edges.badIndex;
    // The KCL's AggregatorUtil catches the IndexOutOfBoundsException and, to log the record, calls
    // javax.xml.bind.DatatypeConverter, which Java 11 and later no longer ship: the deaggregate call throws (with
    // JAXB on the classpath it would log and keep only the user records before the bad one).
    const [kcl, ...rest] = kclOf(input.sequenceNumber);
    assert.equal(rest.length, 0);
    assert.equal(kcl?.kind, 'failure');
    assert.match((kcl as KclFailure).error, /NoClassDefFoundError: javax\/xml\/bind\/DatatypeConverter/);
    // Ours hands the Kinesis record over whole, so the consumer sees it (and can fail it) and nothing is lost.
    assert.deepEqual(
      deaggregateRecord(input).map((u) => [u.subSequenceNumber, u.aggregated, Buffer.from(u.data).equals(input.data)]),
      [[0, false, true]],
    );
  });
});

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

function framed(message: Buffer): Buffer {
  return Buffer.concat([Buffer.from('f3899ac2', 'hex'), message, createHash('md5').update(message).digest()]);
}

function toInput(record: _Record) {
  return { partitionKey: record.PartitionKey!, sequenceNumber: record.SequenceNumber!, data: record.Data! };
}

function comparable(u: KclUserRecord | DeaggregatedRecord) {
  return {
    sequenceNumber: u.sequenceNumber,
    subSequenceNumber: u.subSequenceNumber,
    aggregated: u.aggregated,
    partitionKey: u.partitionKey,
    explicitHashKey: u.explicitHashKey,
    data: Buffer.from(u.data).toString('hex'),
  };
}

function aggDeaggregate(record: _Record): AggUserRecord[] {
  let out: AggUserRecord[] = [];
  deaggregateSync(
    {
      partitionKey: record.PartitionKey!,
      sequenceNumber: record.SequenceNumber!,
      data: Buffer.from(record.Data!).toString('base64'),
    } as Parameters<typeof deaggregateSync>[0],
    true,
    (error, users) => {
      if (error) throw error;
      out = users ?? [];
    },
  );
  return out;
}

function aggDeaggregateBytes(data: Buffer): AggUserRecord[] {
  return aggDeaggregate({ PartitionKey: 'a', SequenceNumber: '1', Data: data });
}

function aggAggregate(records: readonly AggregatedUserRecord[]): Promise<{ partitionKey: string; data: Buffer }[]> {
  return new Promise((resolve, reject) => {
    const encoded: { partitionKey: string; data: Buffer }[] = [];
    aggregate(
      records.map((r) => ({ ...r, data: Buffer.from(r.data) })),
      (record, done) => {
        encoded.push({ partitionKey: record.partitionKey, data: record.data });
        done();
      },
      () => resolve(encoded),
      (error) => reject(error),
    );
  });
}
