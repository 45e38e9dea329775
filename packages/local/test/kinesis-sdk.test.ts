/**
 * The local Kinesis engine driven by an unmodified AWS SDK v3 KinesisClient — only endpoint, region and credentials
 * set, so every request travels over the SDK's default HTTP/2 handler (h2c).
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { describe, type TestContext, test } from 'node:test';
import {
  type _Record,
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
  type ShardIteratorType,
} from '@aws-sdk/client-kinesis';
import { LIMITS, LOCAL_CREDENTIALS, LOCAL_REGION } from '@streamkit/core';
import { type KinesisEngine, type KinesisEngineOptions, startKinesisEngine } from '../src/kinesis/index.ts';

interface Harness {
  readonly engine: KinesisEngine;
  readonly client: KinesisClient;
}

async function start(t: TestContext, options: KinesisEngineOptions = {}): Promise<Harness> {
  const engine = await startKinesisEngine(options);
  const client = new KinesisClient({ endpoint: engine.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  t.after(async () => {
    client.destroy();
    await engine.close();
  });
  return { engine, client };
}

/** A clock the test moves by hand. */
function manualClock(start = Date.UTC(2026, 0, 15, 12, 0, 0)) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

async function createStream(client: KinesisClient, name: string, shardCount?: number): Promise<void> {
  await client.send(
    new CreateStreamCommand(
      shardCount === undefined
        ? { StreamName: name, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }
        : { StreamName: name, ShardCount: shardCount },
    ),
  );
}

async function iterator(
  client: KinesisClient,
  stream: string,
  shardId: string,
  type: ShardIteratorType,
  extra: { StartingSequenceNumber?: string; Timestamp?: Date } = {},
): Promise<string> {
  const out = await client.send(
    new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: type, ...extra }),
  );
  assert.ok(out.ShardIterator);
  return out.ShardIterator;
}

/** Every record of a shard, from its trim horizon to its tip. */
async function readShard(client: KinesisClient, stream: string, shardId: string): Promise<_Record[]> {
  const records: _Record[] = [];
  let shardIterator: string | undefined = await iterator(client, stream, shardId, 'TRIM_HORIZON');
  for (;;) {
    const out: GetRecordsCommandOutput = await client.send(new GetRecordsCommand({ ShardIterator: shardIterator }));
    records.push(...(out.Records ?? []));
    shardIterator = out.NextShardIterator;
    if ((out.Records ?? []).length === 0) return records;
  }
}

function entries(count: number, bytes: number, key: (i: number) => string = (i) => `key-${i}`) {
  return Array.from(
    { length: count },
    (_, i): PutRecordsRequestEntry => ({ Data: Buffer.alloc(bytes, i % 256), PartitionKey: key(i) }),
  );
}

/** The shard AWS routes a partition key to, computed independently: MD5 as a 128-bit integer, even split. */
function expectedShard(partitionKey: string, shardCount: number): string {
  const hash = BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
  const width = (1n << 128n) / BigInt(shardCount);
  const index = Math.min(Number(hash / width), shardCount - 1);
  return `shardId-${String(index).padStart(12, '0')}`;
}

describe('the default (HTTP/2) KinesisClient against the engine', () => {
  test('uses the SDK default HTTP/2 request handler', async (t) => {
    const { client } = await start(t);
    const handler = client.config.requestHandler as { metadata?: { handlerProtocol?: string } };
    assert.equal(handler.metadata?.handlerProtocol, 'h2');
    const out = await client.send(new ListStreamsCommand({}));
    assert.deepEqual(out.StreamNames, []);
  });

  describe('CreateStream, DescribeStream, DescribeStreamSummary, ListStreams, DeleteStream', () => {
    test('a provisioned stream splits the hash key space evenly, like AWS', async (t) => {
      const { client } = await start(t);
      await createStream(client, 'orders', 2);
      const { StreamDescription: description } = await client.send(new DescribeStreamCommand({ StreamName: 'orders' }));
      assert.ok(description);
      assert.equal(description.StreamStatus, 'ACTIVE');
      assert.equal(description.StreamARN, `arn:aws:kinesis:${LOCAL_REGION}:000000000000:stream/orders`);
      assert.deepEqual(description.StreamModeDetails, { StreamMode: 'PROVISIONED' });
      assert.equal(description.RetentionPeriodHours, LIMITS.kinesis.retentionHours.default);
      assert.equal(description.HasMoreShards, false);
      assert.ok(description.StreamCreationTimestamp instanceof Date);
      assert.deepEqual(
        description.Shards?.map((s) => [s.ShardId, s.HashKeyRange?.StartingHashKey, s.HashKeyRange?.EndingHashKey]),
        [
          ['shardId-000000000000', '0', String(2n ** 127n - 1n)],
          ['shardId-000000000001', String(2n ** 127n), String(2n ** 128n - 1n)],
        ],
      );
      for (const shard of description.Shards ?? []) {
        assert.match(shard.SequenceNumberRange?.StartingSequenceNumber ?? '', /^49\d{54}$/);
      }

      const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'orders' }));
      assert.equal(summary.StreamDescriptionSummary?.OpenShardCount, 2);
      assert.equal(summary.StreamDescriptionSummary?.StreamStatus, 'ACTIVE');
      assert.equal(summary.StreamDescriptionSummary?.ConsumerCount, 0);
    });

    test('an on-demand stream, asked for or implied by a missing ShardCount, starts with the AWS shard count', async (t) => {
      const { client } = await start(t);
      await createStream(client, 'on-demand');
      await client.send(new CreateStreamCommand({ StreamName: 'implied' }));
      for (const name of ['on-demand', 'implied']) {
        const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
        assert.equal(summary.StreamDescriptionSummary?.OpenShardCount, LIMITS.kinesis.onDemandInitialShards.value);
        assert.deepEqual(summary.StreamDescriptionSummary?.StreamModeDetails, { StreamMode: 'ON_DEMAND' });
      }
    });

    test('refuses an existing name, a bad name, a bad shard count and the account shard quota', async (t) => {
      const { client } = await start(t);
      await createStream(client, 'taken', 1);
      await assert.rejects(client.send(new CreateStreamCommand({ StreamName: 'taken', ShardCount: 1 })), {
        name: 'ResourceInUseException',
        message: 'Stream taken under account 000000000000 already exists.',
      });
      await assert.rejects(client.send(new CreateStreamCommand({ StreamName: 'bad name!', ShardCount: 0 })), {
        name: 'ValidationException',
        message:
          "2 validation errors detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: " +
          'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; ' +
          "Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1",
      });
      await assert.rejects(
        client.send(new CreateStreamCommand({ StreamName: 'huge', ShardCount: LIMITS.kinesis.shardCount.max })),
        { name: 'LimitExceededException', message: /Current limit of shards is 500, 1 are open/ },
      );
      await assert.rejects(
        client.send(
          new CreateStreamCommand({
            StreamName: 'both',
            ShardCount: 2,
            StreamModeDetails: { StreamMode: 'ON_DEMAND' },
          }),
        ),
        { name: 'InvalidArgumentException', message: /ShardCount must not be given for an ON_DEMAND stream \(got 2\)/ },
      );
    });

    test('ListStreams pages with Limit, NextToken and ExclusiveStartStreamName', async (t) => {
      const { client } = await start(t);
      for (const name of ['c', 'a', 'e', 'b', 'd']) await createStream(client, name, 1);
      const first = await client.send(new ListStreamsCommand({ Limit: 2 }));
      assert.deepEqual(first.StreamNames, ['a', 'b']);
      assert.equal(first.HasMoreStreams, true);
      assert.deepEqual(
        first.StreamSummaries?.map((s) => [
          s.StreamName,
          s.StreamStatus,
          s.StreamARN?.endsWith(`:stream/${s.StreamName}`),
        ]),
        [
          ['a', 'ACTIVE', true],
          ['b', 'ACTIVE', true],
        ],
      );
      const second = await client.send(new ListStreamsCommand({ Limit: 2, NextToken: first.NextToken }));
      assert.deepEqual(second.StreamNames, ['c', 'd']);
      const third = await client.send(new ListStreamsCommand({ NextToken: second.NextToken }));
      assert.deepEqual(third.StreamNames, ['e']);
      assert.equal(third.HasMoreStreams, false);
      assert.equal(third.NextToken, undefined);
      const after = await client.send(new ListStreamsCommand({ ExclusiveStartStreamName: 'c' }));
      assert.deepEqual(after.StreamNames, ['d', 'e']);
    });

    test('DescribeStream pages its shards with Limit and ExclusiveStartShardId', async (t) => {
      const { client } = await start(t);
      await createStream(client, 'wide', 5);
      const first = await client.send(new DescribeStreamCommand({ StreamName: 'wide', Limit: 2 }));
      assert.deepEqual(
        first.StreamDescription?.Shards?.map((s) => s.ShardId),
        ['shardId-000000000000', 'shardId-000000000001'],
      );
      assert.equal(first.StreamDescription?.HasMoreShards, true);
      const rest = await client.send(
        new DescribeStreamCommand({ StreamName: 'wide', ExclusiveStartShardId: 'shardId-000000000001' }),
      );
      assert.deepEqual(
        rest.StreamDescription?.Shards?.map((s) => s.ShardId),
        ['shardId-000000000002', 'shardId-000000000003', 'shardId-000000000004'],
      );
      assert.equal(rest.StreamDescription?.HasMoreShards, false);
    });

    test('a deleted stream is gone, and deleting or describing a missing one is ResourceNotFoundException', async (t) => {
      const { client } = await start(t);
      await createStream(client, 'short-lived', 1);
      await client.send(new DeleteStreamCommand({ StreamName: 'short-lived' }));
      await assert.rejects(client.send(new DescribeStreamCommand({ StreamName: 'short-lived' })), {
        name: 'ResourceNotFoundException',
        message: 'Stream short-lived under account 000000000000 not found.',
      });
      await assert.rejects(client.send(new DeleteStreamCommand({ StreamName: 'short-lived' })), {
        name: 'ResourceNotFoundException',
      });
      assert.deepEqual((await client.send(new ListStreamsCommand({}))).StreamNames, []);
    });

    test('a new stream is CREATING for createStreamDelayMs, a deleted one DELETING for deleteStreamDelayMs', async (t) => {
      const clock = manualClock();
      const { client } = await start(t, { clock: clock.now, createStreamDelayMs: 500, deleteStreamDelayMs: 500 });
      await createStream(client, 'slow', 2);
      const creating = await client.send(new DescribeStreamCommand({ StreamName: 'slow' }));
      assert.equal(creating.StreamDescription?.StreamStatus, 'CREATING');
      assert.deepEqual(creating.StreamDescription?.Shards, []);
      await assert.rejects(
        client.send(new PutRecordCommand({ StreamName: 'slow', PartitionKey: 'a', Data: Buffer.from('x') })),
        { name: 'ResourceNotFoundException' },
      );
      await assert.rejects(client.send(new ListShardsCommand({ StreamName: 'slow' })), {
        name: 'ResourceInUseException',
        message: 'Stream slow under account 000000000000 not ACTIVE, instead in state CREATING',
      });
      await assert.rejects(client.send(new DeleteStreamCommand({ StreamName: 'slow' })), {
        name: 'ResourceInUseException',
      });

      clock.advance(500);
      const active = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'slow' }));
      assert.equal(active.StreamDescriptionSummary?.StreamStatus, 'ACTIVE');
      await client.send(new PutRecordCommand({ StreamName: 'slow', PartitionKey: 'a', Data: Buffer.from('x') }));

      await client.send(new DeleteStreamCommand({ StreamName: 'slow' }));
      const deleting = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'slow' }));
      assert.equal(deleting.StreamDescriptionSummary?.StreamStatus, 'DELETING');
      await assert.rejects(
        client.send(new PutRecordCommand({ StreamName: 'slow', PartitionKey: 'a', Data: Buffer.from('x') })),
        { name: 'ResourceNotFoundException' },
      );
      clock.advance(500);
      await assert.rejects(client.send(new DescribeStreamSummaryCommand({ StreamName: 'slow' })), {
        name: 'ResourceNotFoundException',
      });
    });
  });

  describe('ListShards', () => {
    test('pages with MaxResults and NextToken, and starts after ExclusiveStartShardId', async (t) => {
      const { client } = await start(t);
      await createStream(client, 'five', 5);
      const ids = [];
      let page = await client.send(new ListShardsCommand({ StreamName: 'five', MaxResults: 2 }));
      ids.push(page.Shards?.map((s) => s.ShardId));
      while (page.NextToken) {
        page = await client.send(new ListShardsCommand({ NextToken: page.NextToken, MaxResults: 2 }));
        ids.push(page.Shards?.map((s) => s.ShardId));
      }
      assert.deepEqual(ids, [
        ['shardId-000000000000', 'shardId-000000000001'],
        ['shardId-000000000002', 'shardId-000000000003'],
        ['shardId-000000000004'],
      ]);

      const after = await client.send(
        new ListShardsCommand({ StreamName: 'five', ExclusiveStartShardId: 'shardId-000000000002' }),
      );
      assert.deepEqual(
        after.Shards?.map((s) => s.ShardId),
        ['shardId-000000000003', 'shardId-000000000004'],
      );
      assert.equal(after.NextToken, undefined);
    });

    test('applies ShardFilter', async (t) => {
      const clock = manualClock();
      const { client } = await start(t, { clock: clock.now });
      await createStream(client, 'three', 3);
      const afterShard = await client.send(
        new ListShardsCommand({
          StreamName: 'three',
          ShardFilter: { Type: 'AFTER_SHARD_ID', ShardId: 'shardId-000000000000' },
        }),
      );
      assert.equal(afterShard.Shards?.length, 2);
      const beforeCreation = await client.send(
        new ListShardsCommand({
          StreamName: 'three',
          ShardFilter: { Type: 'AT_TIMESTAMP', Timestamp: new Date(clock.now() - 60_000) },
        }),
      );
      assert.deepEqual(beforeCreation.Shards, []);
      const latest = await client.send(
        new ListShardsCommand({ StreamName: 'three', ShardFilter: { Type: 'AT_LATEST' } }),
      );
      assert.equal(latest.Shards?.length, 3);
    });

    test('refuses a NextToken with a StreamName, a forged one and an expired one', async (t) => {
      const clock = manualClock();
      const { client } = await start(t, { clock: clock.now });
      await createStream(client, 'paged', 3);
      const { NextToken } = await client.send(new ListShardsCommand({ StreamName: 'paged', MaxResults: 1 }));
      assert.ok(NextToken);
      await assert.rejects(client.send(new ListShardsCommand({ StreamName: 'paged', NextToken })), {
        name: 'InvalidArgumentException',
        message: /NextToken cannot be combined with StreamName/,
      });
      await assert.rejects(client.send(new ListShardsCommand({ NextToken: `${NextToken.slice(0, -4)}AAA=` })), {
        name: 'InvalidArgumentException',
        message: /Invalid NextToken/,
      });
      clock.advance(300_001);
      await assert.rejects(client.send(new ListShardsCommand({ NextToken })), {
        name: 'ExpiredNextTokenException',
      });
    });
  });

  describe('PutRecord and PutRecords', () => {
    test('a record comes back from GetRecords as it was put', async (t) => {
      const clock = manualClock();
      const { client } = await start(t, { clock: clock.now });
      await createStream(client, 'echo', 1);
      const put = await client.send(
        new PutRecordCommand({ StreamName: 'echo', PartitionKey: 'user-1', Data: Buffer.from('{"hello":"world"}') }),
      );
      assert.equal(put.ShardId, 'shardId-000000000000');
      assert.match(put.SequenceNumber ?? '', /^49\d{54}$/);

      clock.advance(1234);
      const out = await client.send(
        new GetRecordsCommand({
          ShardIterator: await iterator(client, 'echo', 'shardId-000000000000', 'TRIM_HORIZON'),
        }),
      );
      assert.equal(out.Records?.length, 1);
      const [record] = out.Records ?? [];
      assert.equal(Buffer.from(record?.Data ?? []).toString(), '{"hello":"world"}');
      assert.equal(record?.PartitionKey, 'user-1');
      assert.equal(record?.SequenceNumber, put.SequenceNumber);
      assert.equal(record?.ApproximateArrivalTimestamp?.getTime(), clock.now() - 1234);
      assert.equal(out.MillisBehindLatest, 0);
    });

    test('PutRecords of 500 records answers every record, in order, with increasing sequence numbers per shard', async (t) => {
      const { client } = await start(t);
      await createStream(client, 'batch', 2);
      const records = entries(LIMITS.kinesis.putRecordsMaxRecords.value, 200);
      const out = await client.send(new PutRecordsCommand({ StreamName: 'batch', Records: records }));
      assert.equal(out.FailedRecordCount, 0);
      assert.equal(out.Records?.length, 500);
      const lastByShard = new Map<string, bigint>();
      out.Records?.forEach((result, i) => {
        assert.equal(result.ShardId, expectedShard(`key-${i}`, 2), `record ${i}`);
        const sequenceNumber = BigInt(result.SequenceNumber ?? '0');
        const previous = lastByShard.get(result.ShardId ?? '');
        if (previous !== undefined) assert.ok(sequenceNumber > previous, `record ${i} sequence number increases`);
        lastByShard.set(result.ShardId ?? '', sequenceNumber);
      });

      for (const shardId of ['shardId-000000000000', 'shardId-000000000001']) {
        const stored = await readShard(client, 'batch', shardId);
        const expected: number[] = out.Records?.flatMap((r, i) => (r.ShardId === shardId ? [i] : [])) ?? [];
        assert.deepEqual(
          stored.map((r) => r.PartitionKey),
          expected.map((i) => `key-${i}`),
        );
        assert.deepEqual(
          stored.map((r) => r.SequenceNumber),
          expected.map((i) => out.Records?.[i]?.SequenceNumber),
        );
      }
    });

    test('takes a 5 MB PutRecords request over HTTP/2', async (t) => {
      const { client } = await start(t);
      await createStream(client, 'bulky', 1);
      const records = entries(500, 10_000);
      const out = await client.send(new PutRecordsCommand({ StreamName: 'bulky', Records: records }));
      assert.equal(out.Records?.length, 500);
      const stored = await readShard(client, 'bulky', 'shardId-000000000000');
      assert.equal(stored.length, 500);
      assert.deepEqual(Buffer.from(stored[499]?.Data ?? []), Buffer.alloc(10_000, 499 % 256));
    });

    test('the same partition key always lands on the same shard, in order', async (t) => {
      const { client } = await start(t);
      await createStream(client, 'keys', 4);
      const sequence = [];
      for (let i = 0; i < 20; i++) {
        const out = await client.send(
          new PutRecordCommand({ StreamName: 'keys', PartitionKey: 'customer-42', Data: Buffer.from(String(i)) }),
        );
        sequence.push(out);
      }
      const shardIds = new Set(sequence.map((s) => s.ShardId));
      assert.deepEqual([...shardIds], [expectedShard('customer-42', 4)]);
      const stored = await readShard(client, 'keys', expectedShard('customer-42', 4));
      assert.deepEqual(
        stored.map((r) => Buffer.from(r.Data ?? []).toString()),
        Array.from({ length: 20 }, (_, i) => String(i)),
      );
    });

    test('ExplicitHashKey picks the shard whatever the partition key', async (t) => {
      const { client } = await start(t);
      await createStream(client, 'explicit', 4);
      const quarter = 2n ** 126n;
      const cases: [string, string][] = [
        ['0', 'shardId-000000000000'],
        [String(quarter - 1n), 'shardId-000000000000'],
        [String(quarter), 'shardId-000000000001'],
        [String(3n * quarter), 'shardId-000000000003'],
        [String(2n ** 128n - 1n), 'shardId-000000000003'],
      ];
      for (const [hashKey, shardId] of cases) {
        const out = await client.send(
          new PutRecordCommand({
            StreamName: 'explicit',
            PartitionKey: 'same-key',
            ExplicitHashKey: hashKey,
            Data: Buffer.from('x'),
          }),
        );
        assert.equal(out.ShardId, shardId, `hash key ${hashKey}`);
      }
      const records = await client.send(
        new PutRecordsCommand({
          StreamName: 'explicit',
          Records: [
            { PartitionKey: 'k', ExplicitHashKey: String(2n * quarter), Data: Buffer.from('a') },
            { PartitionKey: 'k', ExplicitHashKey: String(quarter), Data: Buffer.from('b') },
          ],
        }),
      );
      assert.deepEqual(
        records.Records?.map((r) => r.ShardId),
        ['shardId-000000000002', 'shardId-000000000001'],
      );
    });

    test('random partition keys reach every shard of an on-demand stream', async (t) => {
      const { client } = await start(t);
      await createStream(client, 'spread');
      const out = await client.send(
        new PutRecordsCommand({
          StreamName: 'spread',
          Records: entries(200, 16, () => randomUUID()),
        }),
      );
      const shardIds = new Set(out.Records?.map((r) => r.ShardId));
      assert.equal(shardIds.size, LIMITS.kinesis.onDemandInitialShards.value);
    });

    test('refuses a put to a stream that does not exist', async (t) => {
      const { client } = await start(t);
      await assert.rejects(
        client.send(new PutRecordCommand({ StreamName: 'ghost', PartitionKey: 'a', Data: Buffer.from('x') })),
        { name: 'ResourceNotFoundException', message: 'Stream ghost under account 000000000000 not found.' },
      );
      await assert.rejects(client.send(new PutRecordsCommand({ StreamName: 'ghost', Records: entries(1, 1) })), {
        name: 'ResourceNotFoundException',
      });
    });

    test('refuses records over the size limits and stores nothing of a refused batch', async (t) => {
      const { client } = await start(t);
      await createStream(client, 'limits', 1);
      const max = LIMITS.kinesis.recordMaxBytes.value;

      const tooBig = [...entries(2, 10), { Data: Buffer.alloc(max + 1), PartitionKey: 'big' }];
      await assert.rejects(client.send(new PutRecordsCommand({ StreamName: 'limits', Records: tooBig })), {
        name: 'ValidationException',
        message:
          `1 validation error detected: Value of ${max + 1} bytes at 'records.3.member.data' failed to satisfy ` +
          `constraint: Member must have length less than or equal to ${max}`,
      });
      await assert.rejects(
        client.send(new PutRecordCommand({ StreamName: 'limits', PartitionKey: 'big', Data: Buffer.alloc(max + 1) })),
        { name: 'ValidationException', message: new RegExp(`Value of ${max + 1} bytes at 'data'`) },
      );
      await assert.rejects(
        client.send(new PutRecordCommand({ StreamName: 'limits', PartitionKey: 'key', Data: Buffer.alloc(max) })),
        {
          name: 'InvalidArgumentException',
          message: `Record size ${max + 3} bytes (data ${max} + partition key 3) exceeds the limit of ${max} bytes (the record)`,
        },
      );
      await assert.rejects(client.send(new PutRecordsCommand({ StreamName: 'limits', Records: entries(501, 1) })), {
        name: 'ValidationException',
        message:
          "1 validation error detected: Value '[501 members]' at 'records' failed to satisfy constraint: " +
          'Member must have length less than or equal to 500',
      });
      await assert.rejects(client.send(new PutRecordsCommand({ StreamName: 'limits', Records: entries(6, 900_000) })), {
        name: 'InvalidArgumentException',
        message: /Records size exceeds 5 MB limit: the 6 records total 5400030 bytes/,
      });
      await assert.rejects(
        client.send(
          new PutRecordsCommand({
            StreamName: 'limits',
            Records: [
              { Data: Buffer.from('x'), PartitionKey: 'k'.repeat(257) },
              { Data: Buffer.from('x'), PartitionKey: '' },
            ],
          }),
        ),
        {
          name: 'ValidationException',
          message: new RegExp(
            "^2 validation errors detected: Value 'k{32}…' \\(257 characters\\) at 'records.1.member.partitionKey' " +
              'failed to satisfy constraint: Member must have length less than or equal to 256; ' +
              "Value '' at 'records.2.member.partitionKey' failed to satisfy constraint: " +
              'Member must have length greater than or equal to 1$',
          ),
        },
      );
      await assert.rejects(
        client.send(
          new PutRecordsCommand({
            StreamName: 'limits',
            Records: [
              { Data: Buffer.from('x'), PartitionKey: 'fine' },
              { Data: Buffer.from('x'), PartitionKey: 'k', ExplicitHashKey: String(2n ** 128n) },
            ],
          }),
        ),
        {
          name: 'InvalidArgumentException',
          message:
            'Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. ' +
            `Specified value was ${2n ** 128n}`,
        },
      );
      assert.deepEqual(await readShard(client, 'limits', 'shardId-000000000000'), []);
    });

    test('DryRun checks the request and stores nothing', async (t) => {
      const { client } = await start(t);
      await createStream(client, 'dry', 1);
      await assert.rejects(
        client.send(new PutRecordsCommand({ StreamName: 'dry', Records: entries(3, 10), DryRun: true })),
        { name: 'DryRunOperationException' },
      );
      assert.deepEqual(await readShard(client, 'dry', 'shardId-000000000000'), []);
    });
  });

  describe('GetShardIterator and GetRecords', () => {
    test('reads 10,000 records in one GetRecords call over HTTP/2', async (t) => {
      const { client } = await start(t);
      await createStream(client, 'many', 1);
      for (let call = 0; call < 20; call++) {
        await client.send(
          new PutRecordsCommand({ StreamName: 'many', Records: entries(500, 200, (i) => `key-${call}-${i}`) }),
        );
      }
      const out = await client.send(
        new GetRecordsCommand({
          ShardIterator: await iterator(client, 'many', 'shardId-000000000000', 'TRIM_HORIZON'),
          Limit: LIMITS.kinesis.getRecordsMaxRecords.value,
        }),
      );
      assert.equal(out.Records?.length, 10_000);
      assert.equal(out.Records?.[9999]?.PartitionKey, 'key-19-499');
      assert.equal(out.MillisBehindLatest, 0);
      const next = await client.send(new GetRecordsCommand({ ShardIterator: out.NextShardIterator }));
      assert.deepEqual(next.Records, []);
    });

    test('stops a response at the 10 MiB cap and continues with NextShardIterator', async (t) => {
      const { client } = await start(t);
      await createStream(client, 'heavy', 1);
      for (let call = 0; call < 3; call++) {
        await client.send(
          new PutRecordsCommand({ StreamName: 'heavy', Records: entries(4, 1_000_000, (i) => `k${call}${i}`) }),
        );
      }
      const first = await client.send(
        new GetRecordsCommand({
          ShardIterator: await iterator(client, 'heavy', 'shardId-000000000000', 'TRIM_HORIZON'),
        }),
      );
      assert.equal(first.Records?.length, 10, 'ten 1 MB records fit in 10 MiB, eleven do not');
      assert.ok((first.MillisBehindLatest ?? -1) >= 0);
      const second = await client.send(new GetRecordsCommand({ ShardIterator: first.NextShardIterator }));
      assert.deepEqual(
        second.Records?.map((r) => r.PartitionKey),
        ['k22', 'k23'],
      );
    });

    test('Limit, NextShardIterator and MillisBehindLatest walk a shard', async (t) => {
      const clock = manualClock();
      const { client } = await start(t, { clock: clock.now });
      await createStream(client, 'walk', 1);
      for (let i = 0; i < 5; i++) {
        await client.send(new PutRecordCommand({ StreamName: 'walk', PartitionKey: `p${i}`, Data: Buffer.from([i]) }));
        clock.advance(1000);
      }
      const first = await client.send(
        new GetRecordsCommand({
          ShardIterator: await iterator(client, 'walk', 'shardId-000000000000', 'TRIM_HORIZON'),
          Limit: 2,
        }),
      );
      assert.deepEqual(
        first.Records?.map((r) => r.PartitionKey),
        ['p0', 'p1'],
      );
      assert.equal(first.MillisBehindLatest, 3000, 'p2 arrived 3 s before now');
      const second = await client.send(new GetRecordsCommand({ ShardIterator: first.NextShardIterator, Limit: 10 }));
      assert.deepEqual(
        second.Records?.map((r) => r.PartitionKey),
        ['p2', 'p3', 'p4'],
      );
      assert.equal(second.MillisBehindLatest, 0);
    });

    test('every iterator type starts where AWS says', async (t) => {
      const clock = manualClock();
      const { client } = await start(t, { clock: clock.now });
      await createStream(client, 'types', 1);
      const shardId = 'shardId-000000000000';
      const put = [];
      for (let i = 0; i < 4; i++) {
        put.push(
          await client.send(
            new PutRecordCommand({ StreamName: 'types', PartitionKey: `p${i}`, Data: Buffer.from([i]) }),
          ),
        );
        clock.advance(1000);
      }
      const keysFrom = async (shardIterator: string) =>
        (await client.send(new GetRecordsCommand({ ShardIterator: shardIterator }))).Records?.map(
          (r) => r.PartitionKey,
        );

      assert.deepEqual(await keysFrom(await iterator(client, 'types', shardId, 'TRIM_HORIZON')), [
        'p0',
        'p1',
        'p2',
        'p3',
      ]);
      const latest = await iterator(client, 'types', shardId, 'LATEST');
      assert.deepEqual(await keysFrom(latest), []);
      const atSecond = { StartingSequenceNumber: put[1]?.SequenceNumber };
      assert.deepEqual(await keysFrom(await iterator(client, 'types', shardId, 'AT_SEQUENCE_NUMBER', atSecond)), [
        'p1',
        'p2',
        'p3',
      ]);
      assert.deepEqual(await keysFrom(await iterator(client, 'types', shardId, 'AFTER_SEQUENCE_NUMBER', atSecond)), [
        'p2',
        'p3',
      ]);
      // p2 arrived 2 s before now; a timestamp 2.5 s ago falls between p1 and p2.
      const between = { Timestamp: new Date(clock.now() - 2500) };
      assert.deepEqual(await keysFrom(await iterator(client, 'types', shardId, 'AT_TIMESTAMP', between)), ['p2', 'p3']);

      await client.send(new PutRecordCommand({ StreamName: 'types', PartitionKey: 'p4', Data: Buffer.from([4]) }));
      assert.deepEqual(await keysFrom(latest), ['p4'], 'a LATEST iterator sees what arrives after it');
    });

    test('refuses a bad iterator type, misplaced or foreign sequence numbers, and missing shards', async (t) => {
      const clock = manualClock();
      const { client } = await start(t, { clock: clock.now });
      await createStream(client, 'strict', 2);
      const onShard1 = await client.send(
        new PutRecordCommand({
          StreamName: 'strict',
          PartitionKey: 'a',
          ExplicitHashKey: String(2n ** 128n - 1n),
          Data: Buffer.from('x'),
        }),
      );
      assert.equal(onShard1.ShardId, 'shardId-000000000001');

      await assert.rejects(iterator(client, 'strict', 'shardId-000000000000', 'SOMEWHERE' as ShardIteratorType), {
        name: 'ValidationException',
        message:
          "1 validation error detected: Value 'SOMEWHERE' at 'shardIteratorType' failed to satisfy constraint: " +
          'Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]',
      });
      await assert.rejects(
        iterator(client, 'strict', 'shardId-000000000000', 'TRIM_HORIZON', {
          StartingSequenceNumber: onShard1.SequenceNumber,
        }),
        {
          name: 'InvalidArgumentException',
          message: /Request specified TRIM_HORIZON and also a StartingSequenceNumber/,
        },
      );
      await assert.rejects(iterator(client, 'strict', 'shardId-000000000000', 'AT_SEQUENCE_NUMBER'), {
        name: 'InvalidArgumentException',
        message: /Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber/,
      });
      await assert.rejects(
        iterator(client, 'strict', 'shardId-000000000000', 'AT_SEQUENCE_NUMBER', {
          StartingSequenceNumber: onShard1.SequenceNumber,
        }),
        {
          name: 'InvalidArgumentException',
          message:
            'Invalid StartingSequenceNumber. It encodes shardId-000000000001, ' +
            'while it was used in a call to a shard with shardId-000000000000',
        },
      );
      await assert.rejects(
        iterator(client, 'strict', 'shardId-000000000001', 'AT_SEQUENCE_NUMBER', { StartingSequenceNumber: '12345' }),
        {
          name: 'InvalidArgumentException',
          message: /StartingSequenceNumber 12345 used in GetShardIterator .* is invalid/,
        },
      );
      const unissued = `${onShard1.SequenceNumber?.slice(0, -1)}1`;
      await assert.rejects(
        iterator(client, 'strict', 'shardId-000000000001', 'AT_SEQUENCE_NUMBER', { StartingSequenceNumber: unissued }),
        {
          name: 'InvalidArgumentException',
          message:
            `StartingSequenceNumber ${unissued} used in GetShardIterator on shard shardId-000000000001 in stream ` +
            `strict under account 000000000000 is invalid: the shard has not issued it yet (the next record will get ${unissued})`,
        },
      );
      await assert.rejects(
        iterator(client, 'strict', 'shardId-000000000001', 'AT_TIMESTAMP', {
          Timestamp: new Date(clock.now() + 60_000),
        }),
        { name: 'InvalidArgumentException', message: /cannot be greater than the currentTimestampInMillis/ },
      );
      await assert.rejects(iterator(client, 'strict', 'shardId-000000000007', 'LATEST'), {
        name: 'ResourceNotFoundException',
        message: 'Shard shardId-000000000007 in stream strict under account 000000000000 does not exist',
      });
      await assert.rejects(iterator(client, 'ghost', 'shardId-000000000000', 'LATEST'), {
        name: 'ResourceNotFoundException',
      });
      assert.ok(await iterator(client, 'strict', 'shardId-1', 'LATEST'), 'a short shard ID is accepted, as on AWS');
    });

    test('an iterator expires after the AWS lifetime, and each NextShardIterator lives anew', async (t) => {
      const clock = manualClock();
      const { client } = await start(t, { clock: clock.now });
      await createStream(client, 'aging', 1);
      const ttlMs = LIMITS.kinesis.shardIteratorTtlSeconds.value * 1000;
      const old = await iterator(client, 'aging', 'shardId-000000000000', 'TRIM_HORIZON');
      clock.advance(ttlMs - 1);
      const { NextShardIterator } = await client.send(new GetRecordsCommand({ ShardIterator: old }));
      clock.advance(2);
      await assert.rejects(client.send(new GetRecordsCommand({ ShardIterator: old })), {
        name: 'ExpiredIteratorException',
        message:
          /^Iterator expired\. The iterator was created at time Thu Jan 15 12:00:00 UTC 2026 while right now it is Thu Jan 15 12:05:00 UTC 2026 which is further in the future than the tolerated delay of 300000 milliseconds\.$/,
      });
      const fresh = await client.send(new GetRecordsCommand({ ShardIterator: NextShardIterator }));
      assert.deepEqual(fresh.Records, []);
    });

    test('refuses a forged iterator, an iterator of another engine and one of a deleted stream', async (t) => {
      const { client } = await start(t);
      const other = await start(t);
      for (const { client: c } of [{ client }, other]) await createStream(c, 'twin', 1);
      const mine = await iterator(client, 'twin', 'shardId-000000000000', 'TRIM_HORIZON');
      const theirs = await iterator(other.client, 'twin', 'shardId-000000000000', 'TRIM_HORIZON');

      const forged = Buffer.from(mine, 'base64');
      forged[5] = (forged[5] ?? 0) ^ 1;
      for (const shardIterator of [forged.toString('base64'), theirs, 'not-an-iterator']) {
        await assert.rejects(client.send(new GetRecordsCommand({ ShardIterator: shardIterator })), {
          name: 'InvalidArgumentException',
          message: 'Invalid ShardIterator.',
        });
      }

      await client.send(new DeleteStreamCommand({ StreamName: 'twin' }));
      await createStream(client, 'twin', 1);
      await assert.rejects(client.send(new GetRecordsCommand({ ShardIterator: mine })), {
        name: 'ResourceNotFoundException',
        message: 'Shard shardId-000000000000 in stream twin under account 000000000000 does not exist',
      });
    });
  });

  describe('StreamARN', () => {
    test('names a stream wherever StreamName does', async (t) => {
      const { client } = await start(t);
      await createStream(client, 'by-arn', 2);
      const StreamARN = `arn:aws:kinesis:${LOCAL_REGION}:000000000000:stream/by-arn`;
      const summary = await client.send(new DescribeStreamSummaryCommand({ StreamARN }));
      assert.equal(summary.StreamDescriptionSummary?.StreamName, 'by-arn');
      const put = await client.send(new PutRecordCommand({ StreamARN, PartitionKey: 'a', Data: Buffer.from('x') }));
      await client.send(new PutRecordsCommand({ StreamARN, Records: entries(3, 5) }));
      const shards = await client.send(new ListShardsCommand({ StreamARN }));
      assert.equal(shards.Shards?.length, 2);
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({
          StreamARN,
          ShardId: put.ShardId,
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          StartingSequenceNumber: put.SequenceNumber,
        }),
      );
      const out = await client.send(new GetRecordsCommand({ StreamARN, ShardIterator }));
      assert.equal(out.Records?.[0]?.SequenceNumber, put.SequenceNumber);
      await client.send(new DeleteStreamCommand({ StreamARN }));
      assert.deepEqual((await client.send(new ListStreamsCommand({}))).StreamNames, []);
    });

    test('refuses an ARN that disagrees with StreamName, another account, or neither being given', async (t) => {
      const { client } = await start(t);
      await createStream(client, 'one', 1);
      await assert.rejects(
        client.send(
          new DescribeStreamSummaryCommand({
            StreamName: 'one',
            StreamARN: `arn:aws:kinesis:${LOCAL_REGION}:000000000000:stream/two`,
          }),
        ),
        { name: 'InvalidArgumentException' },
      );
      await assert.rejects(
        client.send(
          new DescribeStreamSummaryCommand({ StreamARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/one' }),
        ),
        { name: 'ResourceNotFoundException' },
      );
      await assert.rejects(client.send(new DescribeStreamSummaryCommand({})), {
        name: 'InvalidArgumentException',
        message: 'Either StreamName or StreamARN must be provided',
      });
    });
  });
});
