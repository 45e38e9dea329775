/**
 * The parts of the local Kinesis engine, without a network: hashing and shard ranges, sequence numbers, sealed
 * tokens, the in-memory record log, in-process `dispatch`, diagnostics channels, and a fuzz test of the wire layer.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import diagnosticsChannel from 'node:diagnostics_channel';
import { describe, type TestContext, test } from 'node:test';
import { LIMITS } from '@streamkit/core';
import fc from 'fast-check';
import { hashKeyHex, MAX_HASH_KEY, partitionKeyHashKey, splitHashKeySpace } from '../src/kinesis/hash-key.ts';
import {
  KINESIS_CHANNELS,
  type KinesisGetMessage,
  type KinesisPutMessage,
  KinesisService,
  KinesisServiceError,
  MemoryRecordStorage,
  MemoryShardLog,
  parseSequenceNumber,
} from '../src/kinesis/index.ts';
import { formatSequenceNumber, sequenceNumberPrefix } from '../src/kinesis/sequence-number.ts';
import { TOKEN_KINDS, TokenSealer } from '../src/kinesis/token-sealer.ts';
import { handleWireRequest } from '../src/kinesis/wire.ts';

const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('hash keys and shards', () => {
  test('MD5 of the partition key is the hash key', () => {
    assert.equal(partitionKeyHashKey(''), 'd41d8cd98f00b204e9800998ecf8427e');
    assert.equal(partitionKeyHashKey('a'), createHash('md5').update('a').digest('hex'));
    assert.equal(partitionKeyHashKey('ключ'), createHash('md5').update('ключ', 'utf8').digest('hex'));
  });

  test('a new stream splits the hash key space like AWS', () => {
    assert.deepEqual(splitHashKeySpace(1), [{ start: 0n, end: MAX_HASH_KEY }]);
    const third = 2n ** 128n / 3n;
    assert.deepEqual(splitHashKeySpace(3), [
      { start: 0n, end: third - 1n },
      { start: third, end: 2n * third - 1n },
      { start: 2n * third, end: MAX_HASH_KEY },
    ]);
  });

  test('the ranges of any shard count cover the space without gaps or overlaps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: LIMITS.kinesis.shardCount.max }), (count) => {
        const ranges = splitHashKeySpace(count);
        assert.equal(ranges.length, count);
        assert.equal(ranges[0]?.start, 0n);
        assert.equal(ranges.at(-1)?.end, MAX_HASH_KEY);
        ranges.forEach((range, i) => {
          assert.ok(range.start <= range.end);
          if (i > 0) assert.equal(range.start, (ranges[i - 1]?.end ?? -2n) + 1n);
        });
      }),
    );
  });

  test('a record goes to the shard whose range holds its hash key', async () => {
    const service = new KinesisService();
    await service.dispatch('CreateStream', { StreamName: 's', ShardCount: 7 });
    const stream = service.store.stream('s')!;
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_HASH_KEY }), (key) => {
        const shard = service.store.shardForHashKey(stream, hashKeyHex(key));
        assert.ok(shard.hashKeyRange.start <= key && key <= shard.hashKeyRange.end);
      }),
    );
  });
});

describe('sequence numbers', () => {
  test('are 56 digits that decode to the stream, the shard and the position', () => {
    const prefix = sequenceNumberPrefix(1_767_225_600_000, 12);
    const sequenceNumber = formatSequenceNumber(prefix, 42);
    assert.equal(sequenceNumber, '49176722560000000001200000000000000000000000000000000042');
    assert.deepEqual(parseSequenceNumber(sequenceNumber), {
      streamCreatedAt: 1_767_225_600_000,
      shardIndex: 12,
      position: 42,
    });
    assert.equal(parseSequenceNumber('12345'), undefined);
    assert.equal(parseSequenceNumber(`59${sequenceNumber.slice(2)}`), undefined);
  });

  test('compare as strings exactly as they compare as numbers, and round-trip', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 13 - 1 }),
        fc.integer({ min: 0, max: 999_999 }),
        fc.nat(),
        fc.nat(),
        (createdAt, shard, a, b) => {
          const prefix = sequenceNumberPrefix(createdAt, shard);
          const [x, y] = [formatSequenceNumber(prefix, a), formatSequenceNumber(prefix, b)];
          assert.equal(x.length, 56);
          assert.equal(x < y, BigInt(x) < BigInt(y));
          assert.equal(x < y, a < b);
          assert.deepEqual(parseSequenceNumber(x), { streamCreatedAt: createdAt, shardIndex: shard, position: a });
        },
      ),
    );
  });
});

describe('sealed tokens', () => {
  test('open only when sealed by the same secret, unaltered, and of the kind asked for', () => {
    const secret = new Uint8Array(32).fill(7);
    const sealer = new TokenSealer(secret);
    const token = sealer.seal(TOKEN_KINDS.shardIterator, ['stream', 1, 2]);
    assert.deepEqual(sealer.open(TOKEN_KINDS.shardIterator, token), ['stream', 1, 2]);
    assert.deepEqual(new TokenSealer(secret).open(TOKEN_KINDS.shardIterator, token), ['stream', 1, 2]);
    assert.equal(new TokenSealer().open(TOKEN_KINDS.shardIterator, token), undefined);
    assert.equal(sealer.open(TOKEN_KINDS.listShardsNextToken, token), undefined);
    const raw = Buffer.from(token, 'base64');
    raw[2] = (raw[2] ?? 0) ^ 0x01;
    assert.equal(sealer.open(TOKEN_KINDS.shardIterator, raw.toString('base64')), undefined);
    assert.equal(sealer.open(TOKEN_KINDS.shardIterator, 'AAAA'), undefined);
  });

  test('a shard iterator of the longest stream name stays within the AWS iterator length', async () => {
    const service = new KinesisService();
    const name = 'n'.repeat(LIMITS.kinesis.streamNameLength.max);
    await service.dispatch('CreateStream', { StreamName: name, ShardCount: 1 });
    const { ShardIterator } = await service.dispatch('GetShardIterator', {
      StreamName: name,
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'LATEST',
    });
    assert.ok(ShardIterator.length <= 512, `${ShardIterator.length} characters`);
  });
});

describe('the in-memory shard log', () => {
  const record = (data: string, size = 10) => ({ data: base64(data), partitionKey: 'k', size });

  test('appends at dense positions and reads by position within record and byte limits', () => {
    const log = new MemoryShardLog();
    assert.equal(log.append([record('a'), record('b')], 1000), 0);
    assert.equal(log.append([record('c', 100)], 2000), 2);
    assert.equal(log.nextPosition, 3);
    assert.equal(log.firstPosition, 0);
    assert.deepEqual(
      log.read(0, 2, 1000).map((r) => r.data),
      [base64('a'), base64('b')],
    );
    assert.deepEqual(
      log.read(1, 10, 50).map((r) => r.data),
      [base64('b')],
      'the 100-byte record does not fit in the 50 bytes left',
    );
    assert.deepEqual(
      log.read(2, 10, 50).map((r) => r.data),
      [base64('c')],
      'the first record is returned whatever its size',
    );
    assert.deepEqual(log.read(3, 10, 50), []);
  });

  test('finds the first record at or after a timestamp, and never lets arrivals go back', () => {
    const log = new MemoryShardLog();
    log.append([record('a')], 1000);
    log.append([record('b')], 3000);
    log.append([record('c')], 2000);
    assert.equal(log.arrivalAt(2), 3000, 'raised to the previous arrival');
    assert.equal(log.positionAt(0), 0);
    assert.equal(log.positionAt(1000), 0);
    assert.equal(log.positionAt(1001), 1);
    assert.equal(log.positionAt(3000), 1);
    assert.equal(log.positionAt(3001), 3);
    assert.equal(log.arrivalAt(3), undefined);
  });

  test('a dropped stream loses its records; its successor starts empty', () => {
    const storage = new MemoryRecordStorage();
    const first = { streamName: 's', createdAt: 1 };
    storage.openShard(first, 'shardId-000000000000').append([record('a')], 1);
    assert.equal(storage.openShard(first, 'shardId-000000000000').nextPosition, 1);
    storage.dropStream(first);
    assert.equal(storage.openShard(first, 'shardId-000000000000').nextPosition, 0);
    assert.equal(storage.openShard({ streamName: 's', createdAt: 2 }, 'shardId-000000000000').nextPosition, 0);
  });
});

describe('in-process dispatch', () => {
  test('takes and returns the wire JSON bodies', async () => {
    const service = new KinesisService({ clock: () => 1_767_225_600_000 });
    await service.dispatch('CreateStream', { StreamName: 'ingest', ShardCount: 1 });
    const put = await service.dispatch('PutRecords', {
      StreamName: 'ingest',
      Records: [
        { Data: base64('one'), PartitionKey: 'a' },
        { Data: base64('two'), PartitionKey: 'b' },
      ],
    });
    assert.equal(put.FailedRecordCount, 0);
    assert.deepEqual(
      put.Records.map((r) => r.ShardId),
      ['shardId-000000000000', 'shardId-000000000000'],
    );
    const { ShardIterator } = await service.dispatch('GetShardIterator', {
      StreamName: 'ingest',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    });
    const got = await service.dispatch('GetRecords', { ShardIterator });
    assert.deepEqual(
      got.Records.map((r) => [r.Data, r.PartitionKey, r.ApproximateArrivalTimestamp, r.SequenceNumber]),
      [
        [base64('one'), 'a', 1_767_225_600, put.Records[0]?.SequenceNumber],
        [base64('two'), 'b', 1_767_225_600, put.Records[1]?.SequenceNumber],
      ],
    );
    assert.equal(JSON.stringify(got), JSON.stringify(JSON.parse(JSON.stringify(got))), 'plain JSON');
  });

  test('throws KinesisServiceError with the AWS type and status', async () => {
    const service = new KinesisService();
    await assert.rejects(
      service.dispatch('PutRecord', { StreamName: 'none', Data: base64('x'), PartitionKey: 'a' }),
      (error: unknown) => {
        assert.ok(KinesisServiceError.is(error));
        assert.equal(error.type, 'ResourceNotFoundException');
        assert.equal(error.statusCode, 400);
        assert.deepEqual(error.toJSON(), {
          __type: 'ResourceNotFoundException',
          message: 'Stream none under account 000000000000 not found.',
        });
        return true;
      },
    );
    await assert.rejects(service.dispatch('PutResourcePolicy', {}), { type: 'UnknownOperationException' });
    await assert.rejects(service.dispatch('ListStreams', 'not an object'), { type: 'SerializationException' });
  });

  test('lists at most ten problems in one ValidationException and counts the rest', async () => {
    const service = new KinesisService();
    const records = Array.from({ length: 12 }, () => ({ Data: '', PartitionKey: '' }));
    await assert.rejects(service.dispatch('PutRecords', { StreamName: 's', Records: records }), (error: unknown) => {
      assert.ok(KinesisServiceError.is(error));
      assert.equal(error.type, 'ValidationException');
      assert.match(error.message, /^12 validation errors detected: Value '' at 'records.1.member.partitionKey'/);
      assert.match(error.message, /'records.10.member.partitionKey'[^;]*\(and 2 more\)$/);
      return true;
    });
  });
});

describe('diagnostics channels', () => {
  function collect<T>(t: TestContext, name: string): T[] {
    const messages: T[] = [];
    const listener = (message: unknown) => messages.push(message as T);
    diagnosticsChannel.subscribe(name, listener);
    t.after(() => diagnosticsChannel.unsubscribe(name, listener));
    return messages;
  }

  test('publish one put message per shard written and one get message per read', async (t) => {
    const puts = collect<KinesisPutMessage>(t, KINESIS_CHANNELS.put);
    const gets = collect<KinesisGetMessage>(t, KINESIS_CHANNELS.get);
    let now = 1_000_000;
    const service = new KinesisService({ clock: () => now });
    await service.dispatch('CreateStream', { StreamName: 'observed', ShardCount: 2 });
    const top = String(2n ** 128n - 1n);
    await service.dispatch('PutRecords', {
      StreamName: 'observed',
      Records: [
        { Data: base64('abc'), PartitionKey: 'k1', ExplicitHashKey: '0' },
        { Data: base64('de'), PartitionKey: 'k2', ExplicitHashKey: top },
        { Data: base64('f'), PartitionKey: 'k3', ExplicitHashKey: top },
      ],
    });
    assert.deepEqual(
      puts.filter((m) => m.streamName === 'observed'),
      [
        { streamName: 'observed', shardId: 'shardId-000000000000', operation: 'PutRecords', records: 1, bytes: 5 },
        { streamName: 'observed', shardId: 'shardId-000000000001', operation: 'PutRecords', records: 2, bytes: 7 },
      ],
    );

    now += 4000;
    const { ShardIterator } = await service.dispatch('GetShardIterator', {
      StreamName: 'observed',
      ShardId: 'shardId-000000000001',
      ShardIteratorType: 'TRIM_HORIZON',
    });
    await service.dispatch('GetRecords', { ShardIterator, Limit: 1 });
    assert.deepEqual(
      gets.filter((m) => m.streamName === 'observed'),
      [{ streamName: 'observed', shardId: 'shardId-000000000001', records: 1, millisBehindLatest: 4000 }],
    );
  });
});

describe('the wire layer', () => {
  test('answers any request with a 200 or an AWS-shaped 4xx, never a crash or a 500', async () => {
    const service = new KinesisService();
    await service.dispatch('CreateStream', { StreamName: 'fuzz', ShardCount: 2 });
    const json = fc.jsonValue({ maxDepth: 3 });
    const member = fc.constantFrom(
      'StreamName',
      'StreamARN',
      'ShardCount',
      'Records',
      'Data',
      'PartitionKey',
      'ExplicitHashKey',
      'ShardId',
      'ShardIteratorType',
      'StartingSequenceNumber',
      'Timestamp',
      'ShardIterator',
      'Limit',
      'NextToken',
      'MaxResults',
      'ShardFilter',
      'StreamModeDetails',
      'Tags',
    );
    const body = fc.oneof(
      fc.string(),
      json.map((value) => JSON.stringify(value)),
      fc.dictionary(member, fc.oneof(json, fc.constant('fuzz'))).map((value) => JSON.stringify(value)),
      fc
        .array(fc.record({ Data: fc.oneof(fc.base64String(), json), PartitionKey: fc.oneof(fc.string(), json) }))
        .map((records) => JSON.stringify({ StreamName: 'fuzz', Records: records })),
    );
    const action = fc.constantFrom(
      'CreateStream',
      'DeleteStream',
      'DescribeStream',
      'DescribeStreamSummary',
      'ListStreams',
      'ListShards',
      'PutRecord',
      'PutRecords',
      'GetShardIterator',
      'GetRecords',
      'MergeShards',
    );
    await fc.assert(
      fc.asyncProperty(action, body, async (name, text) => {
        const response = await handleWireRequest(service, {
          method: 'POST',
          contentType: 'application/x-amz-json-1.1',
          target: `Kinesis_20131202.${name}`,
          body: Buffer.from(text),
        });
        const answer = response.body.toString('utf8');
        assert.ok(response.status === 200 || (response.status >= 400 && response.status < 500), answer);
        const parsed = JSON.parse(answer) as { __type?: string; message?: string };
        if (response.status !== 200) {
          assert.equal(response.headers['x-amzn-errortype'], parsed.__type);
          assert.ok(parsed.message && parsed.message.length > 0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
