/**
 * Resharding against an unmodified AWS SDK v3 KinesisClient: SplitShard, MergeShards and UpdateShardCount, the
 * lineage readers follow (ParentShardId / AdjacentParentShardId, ChildShards at the end of a closed shard), the order
 * of a partition key's records across reshards, ListShards' filters, and the errors AWS answers.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  MergeShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type Shard,
  type ShardFilterType,
  SplitShardCommand,
  UpdateShardCountCommand,
} from '@aws-sdk/client-kinesis';
import {
  createStream,
  listShards,
  manualClock,
  readByLineage,
  readShard,
  shardId,
  start,
  streamArn,
  texts,
} from './kinesis-harness.ts';

const HASH_SPACE = 2n ** 128n;
const HALF = 2n ** 127n;

async function put(client: KinesisClient, stream: string, data: string, options: { key?: string; hash?: bigint } = {}) {
  return client.send(
    new PutRecordCommand({
      StreamName: stream,
      Data: Buffer.from(data),
      PartitionKey: options.key ?? data,
      ...(options.hash === undefined ? {} : { ExplicitHashKey: options.hash.toString() }),
    }),
  );
}

function range(shard: Shard): [bigint, bigint] {
  return [BigInt(shard.HashKeyRange!.StartingHashKey!), BigInt(shard.HashKeyRange!.EndingHashKey!)];
}

function openShards(shards: readonly Shard[]): Shard[] {
  return shards.filter((s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined);
}

/** The open shards cover the whole hash key space, without gaps or overlaps, in `count` equal ranges. */
function assertUniform(shards: readonly Shard[], count: number): void {
  const open = openShards(shards).sort((a, b) => (range(a)[0] < range(b)[0] ? -1 : 1));
  assert.equal(open.length, count);
  const width = HASH_SPACE / BigInt(count);
  open.forEach((shard, i) => {
    const [start, end] = range(shard);
    assert.equal(start, width * BigInt(i), `${shard.ShardId} starts at ${start}`);
    assert.equal(
      end,
      i === count - 1 ? HASH_SPACE - 1n : width * BigInt(i + 1) - 1n,
      `${shard.ShardId} ends at ${end}`,
    );
  });
}

/** Every shard with parents is a split child (one parent, half of its range) or a merge child (two adjacent ones). */
function assertAwsShapedLineage(shards: readonly Shard[]): void {
  const byId = new Map(shards.map((s) => [s.ShardId!, s]));
  for (const shard of shards) {
    if (shard.ParentShardId === undefined) continue;
    const parent = byId.get(shard.ParentShardId)!;
    assert.ok(
      parent.SequenceNumberRange?.EndingSequenceNumber,
      `parent ${parent.ShardId} of ${shard.ShardId} is closed`,
    );
    const [start, end] = range(shard);
    if (shard.AdjacentParentShardId === undefined) {
      const [parentStart, parentEnd] = range(parent);
      assert.ok(parentStart <= start && end <= parentEnd, `${shard.ShardId} lies within its parent ${parent.ShardId}`);
      assert.ok(start === parentStart || end === parentEnd, `${shard.ShardId} is one half of a split`);
    } else {
      const adjacent = byId.get(shard.AdjacentParentShardId)!;
      const [a, b] = [range(parent), range(adjacent)].sort((x, y) => (x[0] < y[0] ? -1 : 1));
      assert.equal(a![1] + 1n, b![0], `the parents of ${shard.ShardId} are adjacent`);
      assert.deepEqual([start, end], [a![0], b![1]], `${shard.ShardId} covers both its parents`);
    }
    assert.ok(Number(shard.ShardId!.slice(8)) > Number(parent.ShardId!.slice(8)), 'children get higher shard IDs');
  }
}

describe('SplitShard', () => {
  test('closes the shard and opens two children numbered after the existing shards', async (t) => {
    const { client } = await start(t);
    await createStream(client, 'orders', 2);
    const before = ['a', 'b', 'c'];
    for (const data of before) await put(client, 'orders', data, { hash: 5n });
    const key = HALF / 2n;

    await client.send(
      new SplitShardCommand({ StreamName: 'orders', ShardToSplit: shardId(0), NewStartingHashKey: key.toString() }),
    );

    const shards = await listShards(client, 'orders');
    assert.deepEqual(
      shards.map((s) => [s.ShardId, s.ParentShardId, s.AdjacentParentShardId, ...range(s)]),
      [
        [shardId(0), undefined, undefined, 0n, HALF - 1n],
        [shardId(1), undefined, undefined, HALF, HASH_SPACE - 1n],
        [shardId(2), shardId(0), undefined, 0n, key - 1n],
        [shardId(3), shardId(0), undefined, key, HALF - 1n],
      ],
    );
    const parent = await readShard(client, 'orders', shardId(0));
    assert.deepEqual(texts(parent.records), before);
    assert.equal(shards[0]!.SequenceNumberRange?.EndingSequenceNumber, parent.records.at(-1)!.SequenceNumber);
    assert.equal(shards[1]!.SequenceNumberRange?.EndingSequenceNumber, undefined);
    assert.deepEqual(parent.childShards, [
      {
        ShardId: shardId(2),
        ParentShards: [shardId(0)],
        HashKeyRange: { StartingHashKey: '0', EndingHashKey: (key - 1n).toString() },
      },
      {
        ShardId: shardId(3),
        ParentShards: [shardId(0)],
        HashKeyRange: { StartingHashKey: key.toString(), EndingHashKey: (HALF - 1n).toString() },
      },
    ]);

    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'orders' }));
    assert.equal(summary.StreamDescriptionSummary?.OpenShardCount, 3);
    assert.equal(summary.StreamDescriptionSummary?.StreamStatus, 'ACTIVE');
    const described = await client.send(new DescribeStreamCommand({ StreamName: 'orders' }));
    assert.equal(described.StreamDescription?.Shards?.length, 4);
  });

  test('writes go to the open children; the parent is read to its end, then its children', async (t) => {
    const { client } = await start(t);
    await createStream(client, 'orders', 1);
    await put(client, 'orders', 'old-low', { hash: 1n });
    await put(client, 'orders', 'old-high', { hash: HALF + 1n });
    await client.send(
      new SplitShardCommand({ StreamName: 'orders', ShardToSplit: shardId(0), NewStartingHashKey: HALF.toString() }),
    );

    const low = await put(client, 'orders', 'new-low', { hash: 1n });
    const high = await put(client, 'orders', 'new-high', { hash: HALF + 1n });
    assert.equal(low.ShardId, shardId(1));
    assert.equal(high.ShardId, shardId(2));
    const batch = await client.send(
      new PutRecordsCommand({
        StreamName: 'orders',
        Records: [0n, HALF - 1n, HALF, HASH_SPACE - 1n].map((hash) => ({
          Data: Buffer.from('x'),
          PartitionKey: 'x',
          ExplicitHashKey: hash.toString(),
        })),
      }),
    );
    assert.deepEqual(
      batch.Records?.map((r) => r.ShardId),
      [shardId(1), shardId(1), shardId(2), shardId(2)],
    );

    const parent = await readShard(client, 'orders', shardId(0));
    assert.deepEqual(texts(parent.records), ['old-low', 'old-high']);
    assert.deepEqual(
      parent.childShards?.map((c) => c.ShardId),
      [shardId(1), shardId(2)],
    );
    assert.deepEqual(texts((await readShard(client, 'orders', shardId(1))).records), ['new-low', 'x', 'x']);
    // Every sequence number of a child is greater than every one of its parent.
    assert.ok(BigInt(low.SequenceNumber!) > BigInt(parent.records.at(-1)!.SequenceNumber!));
  });

  test('a closed shard read from LATEST or after its last record answers ChildShards at once', async (t) => {
    const { client } = await start(t);
    await createStream(client, 'orders', 1);
    const last = await put(client, 'orders', 'only');
    await client.send(
      new SplitShardCommand({ StreamName: 'orders', ShardToSplit: shardId(0), NewStartingHashKey: HALF.toString() }),
    );
    for (const position of [
      { ShardIteratorType: 'LATEST' as const },
      { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, StartingSequenceNumber: last.SequenceNumber },
    ]) {
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({ StreamName: 'orders', ShardId: shardId(0), ...position }),
      );
      const out = await client.send(new GetRecordsCommand({ ShardIterator }));
      assert.deepEqual(out.Records, []);
      assert.equal(out.NextShardIterator, undefined);
      assert.equal(out.MillisBehindLatest, 0);
      assert.deepEqual(
        out.ChildShards?.map((c) => c.ShardId),
        [shardId(1), shardId(2)],
      );
    }
  });

  test('a closed shard that never had a record shows its starting sequence number as its end', async (t) => {
    const { client } = await start(t);
    await createStream(client, 'orders', 1);
    await client.send(
      new SplitShardCommand({ StreamName: 'orders', ShardToSplit: shardId(0), NewStartingHashKey: HALF.toString() }),
    );
    const [parent] = await listShards(client, 'orders');
    assert.equal(
      parent!.SequenceNumberRange?.EndingSequenceNumber,
      parent!.SequenceNumberRange?.StartingSequenceNumber,
    );
  });

  test('refuses a hash key outside the shard, a closed or unknown shard, an on-demand stream, and bad input', async (t) => {
    const { client } = await start(t);
    await createStream(client, 'orders', 2);
    const split = (input: { ShardToSplit?: string; NewStartingHashKey?: string; StreamName?: string }) =>
      client.send(
        new SplitShardCommand({
          StreamName: 'orders',
          ShardToSplit: shardId(1),
          NewStartingHashKey: (HALF + 10n).toString(),
          ...input,
        } as never),
      );
    await assert.rejects(split({ NewStartingHashKey: '1' }), {
      name: 'InvalidArgumentException',
      message:
        `NewStartingHashKey 1 used in SplitShard() on shard ${shardId(1)} in stream orders under account ` +
        `000000000000 is not both greater than one plus the shard's StartingHashKey ${HALF} and less than the ` +
        `shard's EndingHashKey ${HASH_SPACE - 1n}.`,
    });
    await assert.rejects(split({ NewStartingHashKey: (HALF + 1n).toString() }), { name: 'InvalidArgumentException' });
    await assert.rejects(split({ NewStartingHashKey: (HASH_SPACE - 1n).toString() }), {
      name: 'InvalidArgumentException',
    });
    await assert.rejects(split({ ShardToSplit: shardId(7) }), {
      name: 'ResourceNotFoundException',
      message: `Shard ${shardId(7)} in stream orders under account 000000000000 does not exist`,
    });
    await assert.rejects(split({ NewStartingHashKey: 'twelve' }), {
      name: 'ValidationException',
      message:
        "1 validation error detected: Value 'twelve' at 'newStartingHashKey' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})',
    });
    await assert.rejects(split({ ShardToSplit: undefined }), {
      name: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'shardToSplit' failed to satisfy constraint: Member must not be null",
    });
    await split({});
    await assert.rejects(split({}), {
      name: 'ResourceInUseException',
      message: `Shard ${shardId(1)} in stream orders under account 000000000000 is closed: an earlier reshard split or merged it`,
    });

    await createStream(client, 'elastic');
    await assert.rejects(split({ StreamName: 'elastic' }), {
      name: 'InvalidArgumentException',
      message:
        'SplitShard is only supported for streams in PROVISIONED capacity mode; stream elastic under account ' +
        '000000000000 is ON_DEMAND',
    });
  });
});

describe('MergeShards', () => {
  test('merges two adjacent shards, in either order, into one child with both parents', async (t) => {
    const { client } = await start(t);
    await createStream(client, 'orders', 3);
    const shards = await listShards(client, 'orders');
    await put(client, 'orders', 'in-1', { hash: range(shards[1]!)[0] });
    await put(client, 'orders', 'in-2', { hash: range(shards[2]!)[0] });

    await client.send(
      new MergeShardsCommand({ StreamName: 'orders', ShardToMerge: shardId(2), AdjacentShardToMerge: shardId(1) }),
    );

    const after = await listShards(client, 'orders');
    const child = after[3]!;
    assert.equal(child.ShardId, shardId(3));
    assert.equal(child.ParentShardId, shardId(2));
    assert.equal(child.AdjacentParentShardId, shardId(1));
    assert.deepEqual(range(child), [range(shards[1]!)[0], HASH_SPACE - 1n]);
    assert.equal(openShards(after).length, 2);
    for (const parent of [shardId(1), shardId(2)]) {
      const read = await readShard(client, 'orders', parent);
      assert.deepEqual(read.childShards, [
        {
          ShardId: shardId(3),
          ParentShards: [shardId(2), shardId(1)],
          HashKeyRange: child.HashKeyRange,
        },
      ]);
    }
    assert.equal((await put(client, 'orders', 'merged', { hash: HASH_SPACE - 1n })).ShardId, shardId(3));
    assert.equal((await put(client, 'orders', 'merged', { hash: range(shards[1]!)[0] })).ShardId, shardId(3));
  });

  test('refuses shards that are not adjacent or already closed', async (t) => {
    const { client } = await start(t);
    await createStream(client, 'orders', 3);
    const merge = (a: number, b: number) =>
      client.send(
        new MergeShardsCommand({
          StreamARN: streamArn('orders'),
          ShardToMerge: shardId(a),
          AdjacentShardToMerge: shardId(b),
        }),
      );
    await assert.rejects(merge(0, 2), {
      name: 'InvalidArgumentException',
      message: new RegExp(
        `^Shards ${shardId(0)} and ${shardId(2)} in stream orders under account 000000000000 are not an adjacent ` +
          'pair of shards eligible for merging',
      ),
    });
    await assert.rejects(merge(0, 0), { name: 'InvalidArgumentException' });
    await merge(0, 1);
    await assert.rejects(merge(1, 2), { name: 'ResourceInUseException', message: /shardId-000000000001 .* is closed/ });
    await assert.rejects(
      client.send(new MergeShardsCommand({ StreamName: 'orders', ShardToMerge: shardId(2) } as never)),
      {
        name: 'ValidationException',
        message:
          "1 validation error detected: Value null at 'adjacentShardToMerge' failed to satisfy constraint: " +
          'Member must not be null',
      },
    );
  });
});

describe('UpdateShardCount', () => {
  test('scales 2 → 4 → 3 uniformly, through splits and merges only, and keeps every partition key in order', async (t) => {
    const { client } = await start(t);
    await createStream(client, 'orders', 2);
    const keys = Array.from({ length: 24 }, (_, i) => `customer-${i}`);
    const sent: string[] = [];
    const putRound = async (round: number) => {
      for (const key of keys) {
        const data = `${key}#${round}`;
        await put(client, 'orders', data, { key });
        sent.push(data);
      }
    };

    await putRound(0);
    const up = await client.send(
      new UpdateShardCountCommand({ StreamName: 'orders', TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' }),
    );
    assert.deepEqual(
      [up.StreamName, up.CurrentShardCount, up.TargetShardCount, up.StreamARN],
      ['orders', 2, 4, streamArn('orders')],
    );
    assertUniform(await listShards(client, 'orders'), 4);
    await putRound(1);

    const down = await client.send(
      new UpdateShardCountCommand({
        StreamARN: streamArn('orders'),
        TargetShardCount: 3,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
    assert.deepEqual([down.CurrentShardCount, down.TargetShardCount], [4, 3]);
    const shards = await listShards(client, 'orders');
    assertUniform(shards, 3);
    assertAwsShapedLineage(shards);
    await putRound(2);
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'orders' }));
    assert.equal(summary.StreamDescriptionSummary?.OpenShardCount, 3);

    const { records } = await readByLineage(client, 'orders');
    assert.equal(records.length, sent.length);
    for (const key of keys) {
      const ofKey = records.filter((r) => r.PartitionKey === key);
      assert.deepEqual(
        texts(ofKey),
        [0, 1, 2].map((round) => `${key}#${round}`),
        `records of ${key} in order`,
      );
      const numbers = ofKey.map((r) => BigInt(r.SequenceNumber!));
      assert.ok(
        numbers.every((n, i) => i === 0 || n > numbers[i - 1]!),
        `sequence numbers of ${key} increase`,
      );
    }
  });

  test('keeps the AWS limits: at most double, at least half, the shard quota, and 10 calls a day', async (t) => {
    const clock = manualClock();
    const { onceClient: client } = await start(t, { clock: clock.now });
    await createStream(client, 'orders', 2);
    const scale = (target: number, stream = 'orders') =>
      client.send(
        new UpdateShardCountCommand({ StreamName: stream, TargetShardCount: target, ScalingType: 'UNIFORM_SCALING' }),
      );
    await assert.rejects(scale(5), {
      name: 'InvalidArgumentException',
      message:
        'UpdateShardCount cannot scale stream orders under account 000000000000 up to 5 shards: at most double ' +
        'the 2 open shards (4)',
    });
    await assert.rejects(scale(0), {
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '0' at 'targetShardCount' failed to satisfy constraint: " +
        'Member must have value greater than or equal to 1',
    });
    await assert.rejects(
      client.send(
        new UpdateShardCountCommand({ StreamName: 'orders', TargetShardCount: 3, ScalingType: 'RANDOM' as never }),
      ),
      {
        name: 'ValidationException',
        message:
          "1 validation error detected: Value 'RANDOM' at 'scalingType' failed to satisfy constraint: " +
          'Member must satisfy enum value set: [UNIFORM_SCALING]',
      },
    );

    for (let call = 0; call < 10; call++) {
      await scale(call % 2 === 0 ? 3 : 2);
      clock.advance(60_000);
    }
    await assert.rejects(scale(3), {
      name: 'LimitExceededException',
      message:
        /^UpdateShardCount was called 10 times for stream orders under account 000000000000 in the last 24 hours; the limit is 10/,
    });
    clock.advance(24 * 60 * 60 * 1000 - 9 * 60_000);
    await scale(3);
    await assert.rejects(scale(1), {
      name: 'InvalidArgumentException',
      message: /down to 1 shards: at least half the 3 open shards \(2\)$/,
    });

    await createStream(client, 'big', 300);
    await assert.rejects(scale(600, 'big'), {
      name: 'LimitExceededException',
      message: /^This request would exceed the shard limit for the account 000000000000 in us-east-1\./,
    });
  });
});

describe('stream status while resharding', () => {
  test('the stream is UPDATING for updateStreamDelayMs; the parents take writes until the children open', async (t) => {
    const clock = manualClock();
    const { client } = await start(t, { clock: clock.now, updateStreamDelayMs: 30_000 });
    await createStream(client, 'orders', 1);
    await put(client, 'orders', 'before');
    await client.send(
      new SplitShardCommand({ StreamName: 'orders', ShardToSplit: shardId(0), NewStartingHashKey: HALF.toString() }),
    );

    const status = async () =>
      (await client.send(new DescribeStreamSummaryCommand({ StreamName: 'orders' }))).StreamDescriptionSummary;
    assert.equal((await status())?.StreamStatus, 'UPDATING');
    assert.equal((await status())?.OpenShardCount, 1);
    assert.equal((await put(client, 'orders', 'during')).ShardId, shardId(0));
    assert.equal((await listShards(client, 'orders')).length, 1);
    await assert.rejects(
      client.send(new SplitShardCommand({ StreamName: 'orders', ShardToSplit: shardId(0), NewStartingHashKey: '100' })),
      {
        name: 'ResourceInUseException',
        message: 'Stream orders under account 000000000000 not ACTIVE, instead in state UPDATING',
      },
    );

    clock.advance(30_000);
    assert.equal((await status())?.StreamStatus, 'ACTIVE');
    assert.equal((await status())?.OpenShardCount, 2);
    assert.notEqual((await put(client, 'orders', 'after')).ShardId, shardId(0));
    const parent = await readShard(client, 'orders', shardId(0));
    assert.deepEqual(texts(parent.records), ['before', 'during']);
  });
});

describe('ListShards filters', () => {
  test('pick shards by when they were open, and NextToken keeps the filter', async (t) => {
    const clock = manualClock();
    const { client } = await start(t, { clock: clock.now });
    await createStream(client, 'orders', 2);
    const created = clock.now();
    clock.advance(60 * 60 * 1000);
    const splitAt = clock.now();
    await client.send(
      new SplitShardCommand({
        StreamName: 'orders',
        ShardToSplit: shardId(0),
        NewStartingHashKey: (HALF / 2n).toString(),
      }),
    );
    clock.advance(60 * 60 * 1000);

    const list = async (Type: ShardFilterType, extra: { ShardId?: string; Timestamp?: Date } = {}) =>
      (await client.send(new ListShardsCommand({ StreamName: 'orders', ShardFilter: { Type, ...extra } }))).Shards?.map(
        (s) => Number(s.ShardId!.slice(8)),
      );
    assert.deepEqual(await list('AT_LATEST'), [1, 2, 3]);
    assert.deepEqual(await list('AT_TRIM_HORIZON'), [0, 1]);
    assert.deepEqual(await list('FROM_TRIM_HORIZON'), [0, 1, 2, 3]);
    assert.deepEqual(await list('AFTER_SHARD_ID', { ShardId: shardId(1) }), [2, 3]);
    assert.deepEqual(await list('AT_TIMESTAMP', { Timestamp: new Date(created + 1000) }), [0, 1]);
    assert.deepEqual(await list('AT_TIMESTAMP', { Timestamp: new Date(splitAt + 1000) }), [1, 2, 3]);
    assert.deepEqual(await list('AT_TIMESTAMP', { Timestamp: new Date(created - 1000) }), []);
    assert.deepEqual(await list('FROM_TIMESTAMP', { Timestamp: new Date(created + 1000) }), [0, 1, 2, 3]);
    assert.deepEqual(await list('FROM_TIMESTAMP', { Timestamp: new Date(splitAt + 1000) }), [1, 2, 3]);

    const first = await client.send(
      new ListShardsCommand({ StreamName: 'orders', MaxResults: 1, ShardFilter: { Type: 'AT_LATEST' } }),
    );
    assert.deepEqual(
      first.Shards?.map((s) => s.ShardId),
      [shardId(1)],
    );
    const rest = await client.send(new ListShardsCommand({ NextToken: first.NextToken }));
    assert.deepEqual(
      rest.Shards?.map((s) => s.ShardId),
      [shardId(2), shardId(3)],
    );
    assert.equal(rest.NextToken, undefined);
  });
});
