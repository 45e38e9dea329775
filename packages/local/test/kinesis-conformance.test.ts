/**
 * Kinesis conformance: one suite, run against every target — streamkit's engine and the reference engine
 * kinesis-local — with the unmodified AWS SDK v3 KinesisClient. The cases encode **AWS's** documented behaviour (the
 * Amazon Kinesis Data Streams API Reference), not ours: every operation of issue 3's API list, normal and error cases.
 *
 * - Every case runs against streamkit: an operation it lacks is a failing case, never a skipped one.
 * - Where kinesis-local differs from AWS, the case still asserts AWS; `KINESIS_LOCAL_DIFFERENCES` says what
 *   kinesis-local does instead, and for that target the case must fail with exactly that difference — if kinesis-local
 *   ever matches AWS, the case fails until the exception is removed. Every entry is written in `docs/parity.md`
 *   ("Reference engine differences").
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type _Record,
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteStreamCommand,
  DeregisterStreamConsumerCommand,
  DescribeStreamCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  DisableEnhancedMonitoringCommand,
  EnableEnhancedMonitoringCommand,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  IncreaseStreamRetentionPeriodCommand,
  type KinesisClient,
  ListShardsCommand,
  ListStreamConsumersCommand,
  ListStreamsCommand,
  ListTagsForStreamCommand,
  MergeShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  RemoveTagsFromStreamCommand,
  type Shard,
  type ShardIteratorType,
  SplitShardCommand,
  StartStreamEncryptionCommand,
  StopStreamEncryptionCommand,
  type StreamDescriptionSummary,
  SubscribeToShardCommand,
  UpdateShardCountCommand,
  UpdateStreamModeCommand,
} from '@aws-sdk/client-kinesis';
import { type KinesisTargetName, type RunningKinesisTarget, startKinesisTarget } from './support/kinesis-targets.ts';

type Operation =
  | 'IncreaseStreamRetentionPeriod'
  | 'DecreaseStreamRetentionPeriod'
  | 'CreateStream'
  | 'DeleteStream'
  | 'DescribeStream'
  | 'DescribeStreamSummary'
  | 'ListStreams'
  | 'ListShards'
  | 'PutRecord'
  | 'PutRecords'
  | 'GetShardIterator'
  | 'GetRecords'
  | 'SplitShard'
  | 'MergeShards'
  | 'UpdateShardCount'
  | 'UpdateStreamMode'
  | 'RegisterStreamConsumer'
  | 'DescribeStreamConsumer'
  | 'ListStreamConsumers'
  | 'DeregisterStreamConsumer'
  | 'SubscribeToShard'
  | 'StartStreamEncryption'
  | 'StopStreamEncryption'
  | 'AddTagsToStream'
  | 'ListTagsForStream'
  | 'RemoveTagsFromStream'
  | 'EnableEnhancedMonitoring'
  | 'DisableEnhancedMonitoring';

/**
 * Where kinesis-local (0.6.2) is known to answer differently from AWS: case title → what it does, and a pattern the
 * AWS assertion's failure must match on kinesis-local (so an unrelated failure is not mistaken for the difference).
 */
export const KINESIS_LOCAL_DIFFERENCES: Readonly<Record<string, { readonly note: string; readonly fails: RegExp }>> = {
  'CreateStream refuses a name outside [a-zA-Z0-9_.-]{1,128} with ValidationException': {
    note: 'InvalidArgumentException instead of the model-constraint ValidationException',
    fails: /expected ValidationException, got InvalidArgumentException/,
  },
  'CreateStream refuses ShardCount 0 with ValidationException': {
    note: 'LimitExceededException ("The shard count must be between 1 and 1000") instead of ValidationException',
    fails: /expected ValidationException, got LimitExceededException/,
  },
  'ListStreams pages names in order with Limit and NextToken, with StreamSummaries': {
    note: 'ignores ExclusiveStartStreamName: the page starts before the name given',
    fails: /deep-equal[\s\S]*conf-list-/,
  },
  'ListStreams with Limit 0 is ValidationException': {
    note: 'InvalidArgumentException instead of the model-constraint ValidationException',
    fails: /expected ValidationException, got InvalidArgumentException/,
  },
  'PutRecord refuses partition keys outside 1–256 characters with ValidationException': {
    note: 'InvalidArgumentException instead of the model-constraint ValidationException',
    fails: /expected ValidationException, got InvalidArgumentException/,
  },
  'PutRecord refuses a record over 1 MiB, data plus partition key, with a 400 and accepts one of exactly 1 MiB': {
    note: 'counts only the data blob: 1 MiB − 2 bytes of data with a 3-byte key is accepted',
    fails: /Missing expected rejection/,
  },
  'PutRecords refuses an empty Records list with ValidationException': {
    note: 'accepts an empty Records list',
    fails: /Missing expected rejection/,
  },
  'PutRecords refuses more than 500 records with ValidationException': {
    note: 'accepts 501 records',
    fails: /Missing expected rejection/,
  },
  'GetShardIterator with an unknown ShardIteratorType is ValidationException': {
    note: 'SerializationException ("Could not decode JSON") instead of the enum ValidationException',
    fails: /expected ValidationException, got SerializationException/,
  },
  'GetRecords with an iterator the service did not issue is InvalidArgumentException': {
    note: 'fails with an error the SDK cannot name ("UnknownError") instead of InvalidArgumentException',
    fails: /expected InvalidArgumentException, got Unknown/,
  },
  'GetRecords with Limit over 10000 is ValidationException': {
    note: 'InvalidArgumentException instead of the model-constraint ValidationException',
    fails: /expected ValidationException, got InvalidArgumentException/,
  },
  'EnableEnhancedMonitoring with a metric Kinesis does not have is ValidationException': {
    note: 'SerializationException ("Could not decode JSON") instead of the enum ValidationException',
    fails: /expected ValidationException, got SerializationException/,
  },
};

const TARGETS: readonly KinesisTargetName[] = ['streamkit', 'kinesis-local'];
const MAX_HASH_KEY = (1n << 128n) - 1n;

interface Case {
  readonly title: string;
  readonly uses: readonly Operation[];
  readonly run: (target: RunningKinesisTarget) => Promise<void>;
}

const cases: Case[] = [];
function conformance(title: string, uses: readonly Operation[], run: Case['run']): void {
  cases.push({ title, uses, run });
}

// --- helpers -------------------------------------------------------------------------------------------------------

/** A stream name no other case uses. */
function streamName(label: string): string {
  return `conf-${label}-${randomUUID().slice(0, 8)}`;
}

async function expectError(promise: Promise<unknown>, type: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(error.name, type, `expected ${type}, got ${error.name}: ${error.message}`);
    assert.equal(error.$metadata?.httpStatusCode, 400, `${type} with HTTP ${error.$metadata?.httpStatusCode}`);
    if (message) assert.match(error.message, message);
    return true;
  });
}

/** Waits until the stream is ACTIVE (streams and updates take a moment on both targets). */
async function waitActive(client: KinesisClient, name: string): Promise<StreamDescriptionSummary> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const { StreamDescriptionSummary: summary } = await client.send(
        new DescribeStreamSummaryCommand({ StreamName: name }),
      );
      if (summary?.StreamStatus === 'ACTIVE') return summary;
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    }
    assert.ok(Date.now() < deadline, `stream ${name} did not become ACTIVE`);
    await sleep(20);
  }
}

async function createActive(
  client: KinesisClient,
  label: string,
  shardCount: number | 'ON_DEMAND' = 1,
): Promise<string> {
  const name = streamName(label);
  await client.send(
    new CreateStreamCommand(
      shardCount === 'ON_DEMAND'
        ? { StreamName: name, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }
        : { StreamName: name, ShardCount: shardCount },
    ),
  );
  await waitActive(client, name);
  return name;
}

async function listShards(client: KinesisClient, name: string): Promise<Shard[]> {
  const { Shards } = await client.send(new ListShardsCommand({ StreamName: name }));
  return Shards ?? [];
}

async function iterator(
  client: KinesisClient,
  name: string,
  shardId: string,
  type: ShardIteratorType,
  extra: { StartingSequenceNumber?: string; Timestamp?: Date } = {},
): Promise<string> {
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({ StreamName: name, ShardId: shardId, ShardIteratorType: type, ...extra }),
  );
  assert.ok(ShardIterator);
  return ShardIterator;
}

/** Every record from the iterator on, until a call returns none. */
async function readFrom(client: KinesisClient, shardIterator: string): Promise<_Record[]> {
  const records: _Record[] = [];
  let next: string | undefined = shardIterator;
  for (let calls = 0; next && calls < 50; calls++) {
    const out: GetRecordsCommandOutput = await client.send(new GetRecordsCommand({ ShardIterator: next }));
    records.push(...(out.Records ?? []));
    if ((out.Records ?? []).length === 0) break;
    next = out.NextShardIterator;
  }
  return records;
}

const text = (data: Uint8Array | undefined) => Buffer.from(data ?? []).toString('utf8');

/** The shard AWS routes a partition key to in an evenly split stream: MD5 as a 128-bit integer. */
function expectedShardIndex(partitionKey: string, shardCount: number): number {
  const hash = BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
  const width = (MAX_HASH_KEY + 1n) / BigInt(shardCount);
  return Math.min(Number(hash / width), shardCount - 1);
}

function shardIndex(shards: readonly Shard[], shardId: string | undefined): number {
  const index = shards.findIndex((shard) => shard.ShardId === shardId);
  assert.ok(index >= 0, `unknown shard ${shardId}`);
  return index;
}

// --- CreateStream, DescribeStream(Summary), ListStreams, DeleteStream ----------------------------------------------

conformance(
  'CreateStream makes a PROVISIONED stream whose shards split the hash key space evenly',
  ['CreateStream', 'DescribeStreamSummary', 'ListShards'],
  async ({ client, account, region }) => {
    const name = await createActive(client, 'provisioned', 3);
    const summary = await waitActive(client, name);
    assert.equal(summary.StreamName, name);
    assert.equal(summary.StreamARN, `arn:aws:kinesis:${region}:${account}:stream/${name}`);
    assert.equal(summary.StreamModeDetails?.StreamMode, 'PROVISIONED');
    assert.equal(summary.OpenShardCount, 3);
    assert.equal(summary.RetentionPeriodHours, 24);
    assert.equal(summary.EncryptionType, 'NONE');
    assert.ok(summary.StreamCreationTimestamp instanceof Date);
    assert.ok(Math.abs(summary.StreamCreationTimestamp.getTime() - Date.now()) < 60_000);

    const shards = await listShards(client, name);
    assert.deepEqual(
      shards.map((shard) => shard.ShardId),
      ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002'],
    );
    let expectedStart = 0n;
    for (const shard of shards) {
      assert.equal(BigInt(shard.HashKeyRange?.StartingHashKey ?? -1), expectedStart);
      expectedStart = BigInt(shard.HashKeyRange?.EndingHashKey ?? -1) + 1n;
      assert.match(shard.SequenceNumberRange?.StartingSequenceNumber ?? '', /^\d+$/);
      assert.equal(shard.SequenceNumberRange?.EndingSequenceNumber, undefined);
    }
    assert.equal(expectedStart, MAX_HASH_KEY + 1n);
  },
);

conformance(
  'CreateStream with StreamModeDetails ON_DEMAND makes an on-demand stream of 4 shards',
  ['CreateStream', 'DescribeStreamSummary'],
  async ({ client }) => {
    const name = await createActive(client, 'on-demand', 'ON_DEMAND');
    const summary = await waitActive(client, name);
    assert.equal(summary.StreamModeDetails?.StreamMode, 'ON_DEMAND');
    assert.equal(summary.OpenShardCount, 4);
  },
);

conformance('CreateStream of a name in use is ResourceInUseException', ['CreateStream'], async ({ client }) => {
  const name = await createActive(client, 'twice');
  await expectError(
    client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 })),
    'ResourceInUseException',
  );
});

conformance(
  'CreateStream refuses a name outside [a-zA-Z0-9_.-]{1,128} with ValidationException',
  ['CreateStream'],
  async ({ client }) => {
    await expectError(
      client.send(new CreateStreamCommand({ StreamName: 'not a valid name!', ShardCount: 1 })),
      'ValidationException',
    );
    await expectError(
      client.send(new CreateStreamCommand({ StreamName: 'x'.repeat(129), ShardCount: 1 })),
      'ValidationException',
    );
  },
);

conformance('CreateStream refuses ShardCount 0 with ValidationException', ['CreateStream'], async ({ client }) => {
  await expectError(
    client.send(new CreateStreamCommand({ StreamName: streamName('zero'), ShardCount: 0 })),
    'ValidationException',
  );
});

conformance(
  'DescribeStream pages shards with Limit, HasMoreShards and ExclusiveStartShardId',
  ['CreateStream', 'DescribeStream'],
  async ({ client }) => {
    const name = await createActive(client, 'describe', 3);
    const first = await client.send(new DescribeStreamCommand({ StreamName: name, Limit: 2 }));
    assert.equal(first.StreamDescription?.StreamStatus, 'ACTIVE');
    assert.deepEqual(
      first.StreamDescription?.Shards?.map((shard) => shard.ShardId),
      ['shardId-000000000000', 'shardId-000000000001'],
    );
    assert.equal(first.StreamDescription?.HasMoreShards, true);
    const rest = await client.send(
      new DescribeStreamCommand({ StreamName: name, ExclusiveStartShardId: 'shardId-000000000001' }),
    );
    assert.deepEqual(
      rest.StreamDescription?.Shards?.map((shard) => shard.ShardId),
      ['shardId-000000000002'],
    );
    assert.equal(rest.StreamDescription?.HasMoreShards, false);
  },
);

conformance(
  'Every operation on a stream that does not exist is ResourceNotFoundException',
  [
    'DescribeStream',
    'DescribeStreamSummary',
    'ListShards',
    'PutRecord',
    'PutRecords',
    'GetShardIterator',
    'DeleteStream',
  ],
  async ({ client }) => {
    const StreamName = streamName('missing');
    const calls: Promise<unknown>[] = [
      client.send(new DescribeStreamCommand({ StreamName })),
      client.send(new DescribeStreamSummaryCommand({ StreamName })),
      client.send(new ListShardsCommand({ StreamName })),
      client.send(new PutRecordCommand({ StreamName, PartitionKey: 'k', Data: Buffer.from('x') })),
      client.send(new PutRecordsCommand({ StreamName, Records: [{ PartitionKey: 'k', Data: Buffer.from('x') }] })),
      client.send(
        new GetShardIteratorCommand({ StreamName, ShardId: 'shardId-000000000000', ShardIteratorType: 'LATEST' }),
      ),
      client.send(new DeleteStreamCommand({ StreamName })),
    ];
    for (const call of calls) await expectError(call, 'ResourceNotFoundException');
  },
);

conformance(
  'ListStreams pages names in order with Limit and NextToken, with StreamSummaries',
  ['CreateStream', 'ListStreams'],
  async ({ client }) => {
    const prefix = streamName('list');
    for (const suffix of ['a', 'b', 'c']) {
      await client.send(new CreateStreamCommand({ StreamName: `${prefix}-${suffix}`, ShardCount: 1 }));
    }
    for (const suffix of ['a', 'b', 'c']) await waitActive(client, `${prefix}-${suffix}`);
    const first = await client.send(new ListStreamsCommand({ ExclusiveStartStreamName: prefix, Limit: 2 }));
    assert.deepEqual(first.StreamNames, [`${prefix}-a`, `${prefix}-b`]);
    assert.equal(first.HasMoreStreams, true);
    assert.deepEqual(
      first.StreamSummaries?.map((summary) => [summary.StreamName, summary.StreamStatus]),
      [
        [`${prefix}-a`, 'ACTIVE'],
        [`${prefix}-b`, 'ACTIVE'],
      ],
    );
    assert.ok(first.NextToken);
    const next = await client.send(new ListStreamsCommand({ NextToken: first.NextToken, Limit: 1 }));
    assert.deepEqual(next.StreamNames, [`${prefix}-c`]);
  },
);

conformance('ListStreams with Limit 0 is ValidationException', ['ListStreams'], async ({ client }) => {
  await expectError(client.send(new ListStreamsCommand({ Limit: 0 })), 'ValidationException');
});

conformance(
  'DeleteStream removes the stream; it is gone once DELETING is over',
  ['CreateStream', 'DeleteStream', 'DescribeStreamSummary'],
  async ({ client }) => {
    const name = await createActive(client, 'delete');
    await client.send(new DeleteStreamCommand({ StreamName: name }));
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        const { StreamDescriptionSummary: summary } = await client.send(
          new DescribeStreamSummaryCommand({ StreamName: name }),
        );
        assert.equal(summary?.StreamStatus, 'DELETING');
      } catch (error) {
        assert.equal((error as Error).name, 'ResourceNotFoundException');
        break;
      }
      assert.ok(Date.now() < deadline, 'the stream was never deleted');
      await sleep(20);
    }
  },
);

// --- ListShards ----------------------------------------------------------------------------------------------------

conformance(
  'ListShards pages with MaxResults and a NextToken that alone names the stream',
  ['CreateStream', 'ListShards'],
  async ({ client }) => {
    const name = await createActive(client, 'shards', 3);
    const first = await client.send(new ListShardsCommand({ StreamName: name, MaxResults: 2 }));
    assert.deepEqual(
      first.Shards?.map((shard) => shard.ShardId),
      ['shardId-000000000000', 'shardId-000000000001'],
    );
    assert.ok(first.NextToken);
    const rest = await client.send(new ListShardsCommand({ NextToken: first.NextToken }));
    assert.deepEqual(
      rest.Shards?.map((shard) => shard.ShardId),
      ['shardId-000000000002'],
    );
    assert.equal(rest.NextToken, undefined);
  },
);

conformance(
  'ListShards with both NextToken and StreamName is InvalidArgumentException',
  ['CreateStream', 'ListShards'],
  async ({ client }) => {
    const name = await createActive(client, 'shards-token', 2);
    const { NextToken } = await client.send(new ListShardsCommand({ StreamName: name, MaxResults: 1 }));
    assert.ok(NextToken);
    await expectError(client.send(new ListShardsCommand({ StreamName: name, NextToken })), 'InvalidArgumentException');
  },
);

conformance(
  'ListShards filters: ExclusiveStartShardId and AFTER_SHARD_ID list the shards after one; AT_LATEST and AT_TRIM_HORIZON list all open shards',
  ['CreateStream', 'ListShards'],
  async ({ client }) => {
    const name = await createActive(client, 'filters', 3);
    const ids = async (input: Omit<ConstructorParameters<typeof ListShardsCommand>[0], 'StreamName'>) =>
      (await client.send(new ListShardsCommand({ StreamName: name, ...input }))).Shards?.map((shard) => shard.ShardId);
    const afterFirst = ['shardId-000000000001', 'shardId-000000000002'];
    const all = ['shardId-000000000000', ...afterFirst];
    assert.deepEqual(await ids({ ExclusiveStartShardId: 'shardId-000000000000' }), afterFirst);
    assert.deepEqual(
      await ids({ ShardFilter: { Type: 'AFTER_SHARD_ID', ShardId: 'shardId-000000000000' } }),
      afterFirst,
    );
    assert.deepEqual(await ids({ ShardFilter: { Type: 'AT_LATEST' } }), all);
    assert.deepEqual(await ids({ ShardFilter: { Type: 'AT_TRIM_HORIZON' } }), all);
  },
);

// --- PutRecord, PutRecords -----------------------------------------------------------------------------------------

conformance(
  'PutRecord routes by the MD5 of the partition key and numbers records increasingly per shard',
  ['CreateStream', 'ListShards', 'PutRecord'],
  async ({ client }) => {
    const name = await createActive(client, 'route', 4);
    const shards = await listShards(client, name);
    const last = new Map<string, bigint>();
    for (let i = 0; i < 24; i++) {
      const key = `partition-${i}`;
      const out = await client.send(
        new PutRecordCommand({ StreamName: name, PartitionKey: key, Data: Buffer.from(key) }),
      );
      assert.equal(shardIndex(shards, out.ShardId), expectedShardIndex(key, 4), key);
      const sequence = BigInt(out.SequenceNumber ?? '-1');
      assert.ok(sequence > (last.get(out.ShardId!) ?? -1n), 'sequence numbers increase within a shard');
      last.set(out.ShardId!, sequence);
    }
  },
);

conformance(
  'PutRecord with ExplicitHashKey goes to the shard whose range holds it',
  ['CreateStream', 'ListShards', 'PutRecord'],
  async ({ client }) => {
    const name = await createActive(client, 'explicit', 2);
    const shards = await listShards(client, name);
    for (const [hashKey, index] of [
      ['0', 0],
      [String(MAX_HASH_KEY), 1],
      [shards[1]!.HashKeyRange!.StartingHashKey!, 1],
      [String(BigInt(shards[1]!.HashKeyRange!.StartingHashKey!) - 1n), 0],
    ] as const) {
      const out = await client.send(
        new PutRecordCommand({
          StreamName: name,
          PartitionKey: 'any',
          ExplicitHashKey: hashKey,
          Data: Buffer.from('x'),
        }),
      );
      assert.equal(out.ShardId, shards[index]!.ShardId, hashKey);
    }
  },
);

conformance(
  'PutRecord refuses partition keys outside 1–256 characters with ValidationException',
  ['CreateStream', 'PutRecord'],
  async ({ client }) => {
    const name = await createActive(client, 'key-limits');
    for (const PartitionKey of ['', 'k'.repeat(257)]) {
      await expectError(
        client.send(new PutRecordCommand({ StreamName: name, PartitionKey, Data: Buffer.from('x') })),
        'ValidationException',
      );
    }
    await client.send(
      new PutRecordCommand({ StreamName: name, PartitionKey: 'k'.repeat(256), Data: Buffer.from('x') }),
    );
  },
);

conformance(
  'PutRecord refuses an ExplicitHashKey over 2^128−1 with InvalidArgumentException',
  ['CreateStream', 'PutRecord'],
  async ({ client }) => {
    const name = await createActive(client, 'hash-limit');
    await expectError(
      client.send(
        new PutRecordCommand({
          StreamName: name,
          PartitionKey: 'k',
          Data: Buffer.from('x'),
          ExplicitHashKey: String(MAX_HASH_KEY + 1n),
        }),
      ),
      'InvalidArgumentException',
    );
  },
);

conformance(
  'PutRecord refuses a record over 1 MiB, data plus partition key, with a 400 and accepts one of exactly 1 MiB',
  ['CreateStream', 'PutRecord'],
  async ({ client }) => {
    const name = await createActive(client, 'record-size');
    // AWS documents the limit but not which of the two error types the check answers with (see docs/parity.md).
    const refused = /^(ValidationException|InvalidArgumentException)$/;
    for (const [PartitionKey, bytes] of [
      ['k', 1024 * 1024 + 1],
      ['key', 1024 * 1024 - 2],
    ] as const) {
      await assert.rejects(
        client.send(new PutRecordCommand({ StreamName: name, PartitionKey, Data: Buffer.alloc(bytes) })),
        (error: Error & { $metadata?: { httpStatusCode?: number } }) =>
          refused.test(error.name) && error.$metadata?.httpStatusCode === 400,
      );
    }
    await client.send(
      new PutRecordCommand({ StreamName: name, PartitionKey: 'key', Data: Buffer.alloc(1024 * 1024 - 3) }),
    );
  },
);

conformance(
  'PutRecords answers one result per record, in request order',
  ['CreateStream', 'ListShards', 'PutRecords'],
  async ({ client }) => {
    const name = await createActive(client, 'batch', 2);
    const shards = await listShards(client, name);
    const keys = Array.from({ length: 50 }, (_, i) => `batch-key-${i}`);
    const out = await client.send(
      new PutRecordsCommand({
        StreamName: name,
        Records: keys.map((key) => ({ PartitionKey: key, Data: Buffer.from(key) })),
      }),
    );
    assert.equal(out.FailedRecordCount, 0);
    assert.equal(out.Records?.length, keys.length);
    out.Records?.forEach((result, i) => {
      assert.equal(shardIndex(shards, result.ShardId), expectedShardIndex(keys[i]!, 2));
      assert.match(result.SequenceNumber ?? '', /^\d+$/);
      assert.equal(result.ErrorCode, undefined);
    });
  },
);

conformance(
  'PutRecords refuses an empty Records list with ValidationException',
  ['CreateStream', 'PutRecords'],
  async ({ client }) => {
    const name = await createActive(client, 'batch-empty');
    await expectError(client.send(new PutRecordsCommand({ StreamName: name, Records: [] })), 'ValidationException');
  },
);

conformance(
  'PutRecords refuses more than 500 records with ValidationException',
  ['CreateStream', 'PutRecords'],
  async ({ client }) => {
    const name = await createActive(client, 'batch-501');
    const Records = Array.from({ length: 501 }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.from('x') }));
    await expectError(client.send(new PutRecordsCommand({ StreamName: name, Records })), 'ValidationException');
  },
);

// --- GetShardIterator, GetRecords ----------------------------------------------------------------------------------

conformance(
  'GetRecords from TRIM_HORIZON reads every record in order, with NextShardIterator and MillisBehindLatest 0 at the tip',
  ['CreateStream', 'PutRecords', 'GetShardIterator', 'GetRecords'],
  async ({ client }) => {
    const name = await createActive(client, 'read');
    const before = Date.now();
    const put = await client.send(
      new PutRecordsCommand({
        StreamName: name,
        Records: Array.from({ length: 10 }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.from(`record ${i}`) })),
      }),
    );
    const out = await client.send(
      new GetRecordsCommand({ ShardIterator: await iterator(client, name, 'shardId-000000000000', 'TRIM_HORIZON') }),
    );
    assert.deepEqual(
      out.Records?.map((record) => text(record.Data)),
      Array.from({ length: 10 }, (_, i) => `record ${i}`),
    );
    assert.deepEqual(
      out.Records?.map((record) => record.SequenceNumber),
      put.Records?.map((result) => result.SequenceNumber),
    );
    assert.deepEqual(
      out.Records?.map((record) => record.PartitionKey),
      Array.from({ length: 10 }, (_, i) => `k${i}`),
    );
    for (const record of out.Records ?? []) {
      const arrival = record.ApproximateArrivalTimestamp?.getTime() ?? 0;
      assert.ok(arrival >= before - 1000 && arrival <= Date.now() + 1000, `arrival ${arrival}`);
    }
    assert.equal(out.MillisBehindLatest, 0);
    assert.ok(out.NextShardIterator);
    const empty = await client.send(new GetRecordsCommand({ ShardIterator: out.NextShardIterator }));
    assert.deepEqual(empty.Records, []);
    assert.ok(empty.NextShardIterator, 'an open shard always gives a NextShardIterator');
  },
);

conformance(
  'GetShardIterator AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER start at and after a record; LATEST after the tip',
  ['CreateStream', 'PutRecord', 'GetShardIterator', 'GetRecords'],
  async ({ client }) => {
    const name = await createActive(client, 'positions');
    const shard = 'shardId-000000000000';
    const sequences: string[] = [];
    for (const data of ['a', 'b', 'c']) {
      const out = await client.send(
        new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: Buffer.from(data) }),
      );
      sequences.push(out.SequenceNumber!);
    }
    const latest = await iterator(client, name, shard, 'LATEST');
    const at = await readFrom(
      client,
      await iterator(client, name, shard, 'AT_SEQUENCE_NUMBER', { StartingSequenceNumber: sequences[1] }),
    );
    assert.deepEqual(
      at.map((record) => text(record.Data)),
      ['b', 'c'],
    );
    const afterSecond = await readFrom(
      client,
      await iterator(client, name, shard, 'AFTER_SEQUENCE_NUMBER', { StartingSequenceNumber: sequences[1] }),
    );
    assert.deepEqual(
      afterSecond.map((record) => text(record.Data)),
      ['c'],
    );
    await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: Buffer.from('d') }));
    assert.deepEqual(
      (await readFrom(client, latest)).map((record) => text(record.Data)),
      ['d'],
    );
  },
);

conformance(
  'GetShardIterator AT_TIMESTAMP starts at the first record that arrived at or after the timestamp',
  ['CreateStream', 'PutRecord', 'GetShardIterator', 'GetRecords'],
  async ({ client }) => {
    const name = await createActive(client, 'timestamp');
    await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: Buffer.from('early') }));
    await sleep(50);
    const between = new Date();
    await sleep(50);
    await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: Buffer.from('late') }));
    const records = await readFrom(
      client,
      await iterator(client, name, 'shardId-000000000000', 'AT_TIMESTAMP', { Timestamp: between }),
    );
    assert.deepEqual(
      records.map((record) => text(record.Data)),
      ['late'],
    );
    const all = await readFrom(
      client,
      await iterator(client, name, 'shardId-000000000000', 'AT_TIMESTAMP', {
        Timestamp: new Date(Date.now() - 60_000),
      }),
    );
    assert.deepEqual(
      all.map((record) => text(record.Data)),
      ['early', 'late'],
    );
  },
);

conformance(
  'GetRecords Limit caps the records of one call; the next call goes on from there',
  ['CreateStream', 'PutRecords', 'GetShardIterator', 'GetRecords'],
  async ({ client }) => {
    const name = await createActive(client, 'limit');
    await client.send(
      new PutRecordsCommand({
        StreamName: name,
        Records: Array.from({ length: 5 }, (_, i) => ({ PartitionKey: 'k', Data: Buffer.from(String(i)) })),
      }),
    );
    const first = await client.send(
      new GetRecordsCommand({
        ShardIterator: await iterator(client, name, 'shardId-000000000000', 'TRIM_HORIZON'),
        Limit: 2,
      }),
    );
    assert.deepEqual(
      first.Records?.map((record) => text(record.Data)),
      ['0', '1'],
    );
    assert.ok((first.MillisBehindLatest ?? -1) >= 0);
    const second = await client.send(new GetRecordsCommand({ ShardIterator: first.NextShardIterator, Limit: 10 }));
    assert.deepEqual(
      second.Records?.map((record) => text(record.Data)),
      ['2', '3', '4'],
    );
  },
);

conformance(
  'GetShardIterator AT_SEQUENCE_NUMBER without StartingSequenceNumber is InvalidArgumentException',
  ['CreateStream', 'GetShardIterator'],
  async ({ client }) => {
    const name = await createActive(client, 'iterator-no-sequence');
    await expectError(
      client.send(
        new GetShardIteratorCommand({
          StreamName: name,
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        }),
      ),
      'InvalidArgumentException',
    );
  },
);

conformance(
  'GetShardIterator of a shard the stream does not have is ResourceNotFoundException',
  ['CreateStream', 'GetShardIterator'],
  async ({ client }) => {
    const name = await createActive(client, 'iterator-no-shard');
    await expectError(
      client.send(
        new GetShardIteratorCommand({ StreamName: name, ShardId: 'shardId-000000000007', ShardIteratorType: 'LATEST' }),
      ),
      'ResourceNotFoundException',
    );
  },
);

conformance(
  'GetShardIterator with an unknown ShardIteratorType is ValidationException',
  ['CreateStream', 'GetShardIterator'],
  async ({ client }) => {
    const name = await createActive(client, 'iterator-type');
    await expectError(
      client.send(
        new GetShardIteratorCommand({
          StreamName: name,
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'SOMEWHERE' as ShardIteratorType,
        }),
      ),
      'ValidationException',
    );
  },
);

conformance(
  'GetRecords with an iterator the service did not issue is InvalidArgumentException',
  ['GetRecords'],
  async ({ client }) => {
    const forged = Buffer.from('not an iterator of this service').toString('base64');
    await expectError(client.send(new GetRecordsCommand({ ShardIterator: forged })), 'InvalidArgumentException');
  },
);

conformance(
  'GetRecords with Limit over 10000 is ValidationException',
  ['CreateStream', 'GetShardIterator', 'GetRecords'],
  async ({ client }) => {
    const name = await createActive(client, 'records-limit');
    const shardIterator = await iterator(client, name, 'shardId-000000000000', 'TRIM_HORIZON');
    await expectError(
      client.send(new GetRecordsCommand({ ShardIterator: shardIterator, Limit: 10_001 })),
      'ValidationException',
    );
  },
);

conformance(
  'A stream can be named by StreamARN instead of StreamName',
  ['CreateStream', 'DescribeStreamSummary', 'PutRecord', 'GetShardIterator', 'GetRecords'],
  async ({ client }) => {
    const name = await createActive(client, 'by-arn');
    const { StreamARN } = await waitActive(client, name);
    await client.send(new PutRecordCommand({ StreamARN, PartitionKey: 'k', Data: Buffer.from('by arn') }));
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({ StreamARN, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const out = await client.send(new GetRecordsCommand({ ShardIterator, StreamARN }));
    assert.deepEqual(
      out.Records?.map((record) => text(record.Data)),
      ['by arn'],
    );
  },
);

// --- retention ----------------------------------------------------------------------------------------------------

conformance(
  'IncreaseStreamRetentionPeriod and DecreaseStreamRetentionPeriod change RetentionPeriodHours',
  ['CreateStream', 'IncreaseStreamRetentionPeriod', 'DecreaseStreamRetentionPeriod', 'DescribeStreamSummary'],
  async ({ client }) => {
    const name = await createActive(client, 'retention');
    await client.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 48 }));
    assert.equal((await waitActive(client, name)).RetentionPeriodHours, 48);
    await client.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 30 }));
    assert.equal((await waitActive(client, name)).RetentionPeriodHours, 30);
  },
);

conformance(
  'Retention cannot be increased to less than it is, nor decreased below 24 hours (InvalidArgumentException)',
  ['CreateStream', 'IncreaseStreamRetentionPeriod', 'DecreaseStreamRetentionPeriod'],
  async ({ client }) => {
    const name = await createActive(client, 'retention-errors');
    await client.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 48 }));
    await waitActive(client, name);
    await expectError(
      client.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 36 })),
      'InvalidArgumentException',
    );
    await expectError(
      client.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 12 })),
      'InvalidArgumentException',
    );
  },
);

// --- resharding, stream mode ---------------------------------------------------------------------------------------

conformance(
  'SplitShard closes the parent and opens two children that name it as ParentShardId',
  ['CreateStream', 'SplitShard', 'ListShards'],
  async ({ client }) => {
    const name = await createActive(client, 'split');
    const middle = 1n << 127n;
    await client.send(
      new SplitShardCommand({
        StreamName: name,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: String(middle),
      }),
    );
    await waitActive(client, name);
    const shards = await listShards(client, name);
    assert.equal(shards.length, 3);
    const [parent, ...children] = shards;
    assert.equal(parent?.ShardId, 'shardId-000000000000');
    assert.match(parent?.SequenceNumberRange?.EndingSequenceNumber ?? '', /^\d+$/, 'the parent is closed');
    assert.deepEqual(
      children.map((child) => [
        child.ParentShardId,
        child.HashKeyRange?.StartingHashKey,
        child.HashKeyRange?.EndingHashKey,
      ]),
      [
        ['shardId-000000000000', '0', String(middle - 1n)],
        ['shardId-000000000000', String(middle), String(MAX_HASH_KEY)],
      ],
    );
    const open = await client.send(new ListShardsCommand({ StreamName: name, ShardFilter: { Type: 'AT_LATEST' } }));
    assert.deepEqual(
      open.Shards?.map((shard) => shard.ParentShardId),
      ['shardId-000000000000', 'shardId-000000000000'],
    );
  },
);

conformance(
  'GetRecords at the end of a closed parent shard returns ChildShards and no NextShardIterator',
  ['CreateStream', 'PutRecord', 'SplitShard', 'GetShardIterator', 'GetRecords'],
  async ({ client }) => {
    const name = await createActive(client, 'child-shards');
    await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: Buffer.from('before split') }));
    await client.send(
      new SplitShardCommand({
        StreamName: name,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: String(1n << 127n),
      }),
    );
    await waitActive(client, name);
    let shardIterator: string | undefined = await iterator(client, name, 'shardId-000000000000', 'TRIM_HORIZON');
    const data: string[] = [];
    for (let calls = 0; shardIterator && calls < 20; calls++) {
      const out: GetRecordsCommandOutput = await client.send(new GetRecordsCommand({ ShardIterator: shardIterator }));
      data.push(...(out.Records ?? []).map((record) => text(record.Data)));
      if (out.NextShardIterator === undefined) {
        assert.deepEqual(
          out.ChildShards?.map((child) => [child.ShardId, child.ParentShards]),
          [
            ['shardId-000000000001', ['shardId-000000000000']],
            ['shardId-000000000002', ['shardId-000000000000']],
          ],
        );
      }
      shardIterator = out.NextShardIterator;
    }
    assert.equal(shardIterator, undefined, 'a closed shard read to its end gives no NextShardIterator');
    assert.deepEqual(data, ['before split']);
  },
);

conformance(
  'MergeShards joins two adjacent shards into a child with ParentShardId and AdjacentParentShardId',
  ['CreateStream', 'MergeShards', 'ListShards'],
  async ({ client }) => {
    const name = await createActive(client, 'merge', 2);
    await client.send(
      new MergeShardsCommand({
        StreamName: name,
        ShardToMerge: 'shardId-000000000000',
        AdjacentShardToMerge: 'shardId-000000000001',
      }),
    );
    await waitActive(client, name);
    const shards = await listShards(client, name);
    assert.equal(shards.length, 3);
    const child = shards[2]!;
    assert.equal(child.ParentShardId, 'shardId-000000000000');
    assert.equal(child.AdjacentParentShardId, 'shardId-000000000001');
    assert.deepEqual(
      [child.HashKeyRange?.StartingHashKey, child.HashKeyRange?.EndingHashKey],
      ['0', String(MAX_HASH_KEY)],
    );
  },
);

conformance(
  'MergeShards of shards that are not adjacent is InvalidArgumentException',
  ['CreateStream', 'MergeShards'],
  async ({ client }) => {
    const name = await createActive(client, 'merge-far', 3);
    await expectError(
      client.send(
        new MergeShardsCommand({
          StreamName: name,
          ShardToMerge: 'shardId-000000000000',
          AdjacentShardToMerge: 'shardId-000000000002',
        }),
      ),
      'InvalidArgumentException',
    );
  },
);

conformance(
  'UpdateShardCount with UNIFORM_SCALING reshards to the target count of open shards',
  ['CreateStream', 'UpdateShardCount', 'DescribeStreamSummary'],
  async ({ client }) => {
    const name = await createActive(client, 'scale', 1);
    const out = await client.send(
      new UpdateShardCountCommand({ StreamName: name, TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' }),
    );
    assert.deepEqual([out.CurrentShardCount, out.TargetShardCount, out.StreamName], [1, 2, name]);
    assert.equal((await waitActive(client, name)).OpenShardCount, 2);
  },
);

conformance(
  'UpdateStreamMode switches a PROVISIONED stream to ON_DEMAND',
  ['CreateStream', 'UpdateStreamMode', 'DescribeStreamSummary'],
  async ({ client }) => {
    const name = await createActive(client, 'mode', 1);
    const { StreamARN } = await waitActive(client, name);
    await client.send(new UpdateStreamModeCommand({ StreamARN, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }));
    assert.equal((await waitActive(client, name)).StreamModeDetails?.StreamMode, 'ON_DEMAND');
  },
);

// --- enhanced fan-out ----------------------------------------------------------------------------------------------

async function registerActiveConsumer(client: KinesisClient, streamArn: string, consumerName: string): Promise<string> {
  const { Consumer } = await client.send(
    new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: consumerName }),
  );
  assert.equal(Consumer?.ConsumerName, consumerName);
  const consumerArn = Consumer?.ConsumerARN;
  assert.ok(consumerArn);
  assert.ok(consumerArn.startsWith(`${streamArn}/consumer/${consumerName}:`));
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { ConsumerDescription } = await client.send(new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn }));
    if (ConsumerDescription?.ConsumerStatus === 'ACTIVE') return consumerArn;
    assert.ok(Date.now() < deadline, 'the consumer never became ACTIVE');
    await sleep(20);
  }
}

conformance(
  'RegisterStreamConsumer, DescribeStreamConsumer, ListStreamConsumers and DeregisterStreamConsumer manage a consumer',
  [
    'CreateStream',
    'DescribeStreamSummary',
    'RegisterStreamConsumer',
    'DescribeStreamConsumer',
    'ListStreamConsumers',
    'DeregisterStreamConsumer',
  ],
  async ({ client }) => {
    const name = await createActive(client, 'consumers');
    const { StreamARN } = await waitActive(client, name);
    assert.ok(StreamARN);
    const consumerArn = await registerActiveConsumer(client, StreamARN, 'reader');
    const byName = await client.send(new DescribeStreamConsumerCommand({ StreamARN, ConsumerName: 'reader' }));
    assert.equal(byName.ConsumerDescription?.ConsumerARN, consumerArn);
    assert.equal(byName.ConsumerDescription?.StreamARN, StreamARN);
    const listed = await client.send(new ListStreamConsumersCommand({ StreamARN }));
    assert.deepEqual(
      listed.Consumers?.map((consumer) => consumer.ConsumerName),
      ['reader'],
    );
    assert.equal((await waitActive(client, name)).ConsumerCount, 1);
    await expectError(
      client.send(new RegisterStreamConsumerCommand({ StreamARN, ConsumerName: 'reader' })),
      'ResourceInUseException',
    );
    await client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: consumerArn }));
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        const { ConsumerDescription } = await client.send(
          new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn }),
        );
        assert.equal(ConsumerDescription?.ConsumerStatus, 'DELETING');
      } catch (error) {
        assert.equal((error as Error).name, 'ResourceNotFoundException');
        break;
      }
      assert.ok(Date.now() < deadline, 'the consumer was never deregistered');
      await sleep(20);
    }
  },
);

conformance(
  'SubscribeToShard delivers records from TRIM_HORIZON as SubscribeToShardEvents',
  [
    'CreateStream',
    'DescribeStreamSummary',
    'RegisterStreamConsumer',
    'DescribeStreamConsumer',
    'PutRecords',
    'SubscribeToShard',
  ],
  async ({ client }) => {
    const name = await createActive(client, 'subscribe');
    const { StreamARN } = await waitActive(client, name);
    assert.ok(StreamARN);
    const consumerArn = await registerActiveConsumer(client, StreamARN, 'subscriber');
    await client.send(
      new PutRecordsCommand({
        StreamName: name,
        Records: Array.from({ length: 5 }, (_, i) => ({ PartitionKey: 'k', Data: Buffer.from(`event ${i}`) })),
      }),
    );
    const abort = new AbortController();
    const out = await client.send(
      new SubscribeToShardCommand({
        ConsumerARN: consumerArn,
        ShardId: 'shardId-000000000000',
        StartingPosition: { Type: 'TRIM_HORIZON' },
      }),
      { abortSignal: abort.signal },
    );
    const received: string[] = [];
    try {
      for await (const event of out.EventStream ?? []) {
        const batch = event.SubscribeToShardEvent;
        if (!batch) continue;
        received.push(...(batch.Records ?? []).map((record) => text(record.Data)));
        assert.ok(batch.ContinuationSequenceNumber);
        if (received.length >= 5) break;
      }
    } finally {
      abort.abort();
    }
    assert.deepEqual(
      received,
      Array.from({ length: 5 }, (_, i) => `event ${i}`),
    );
  },
);

// --- encryption, tags, enhanced monitoring ------------------------------------------------------------------------

conformance(
  'StartStreamEncryption and StopStreamEncryption switch EncryptionType between KMS and NONE',
  ['CreateStream', 'StartStreamEncryption', 'StopStreamEncryption', 'DescribeStreamSummary', 'PutRecord'],
  async ({ client }) => {
    const name = await createActive(client, 'encryption');
    await client.send(
      new StartStreamEncryptionCommand({ StreamName: name, EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }),
    );
    const encrypted = await waitActive(client, name);
    assert.deepEqual([encrypted.EncryptionType, encrypted.KeyId], ['KMS', 'alias/aws/kinesis']);
    const put = await client.send(
      new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: Buffer.from('x') }),
    );
    assert.equal(put.EncryptionType, 'KMS');
    await client.send(
      new StopStreamEncryptionCommand({ StreamName: name, EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }),
    );
    assert.equal((await waitActive(client, name)).EncryptionType, 'NONE');
  },
);

conformance(
  'AddTagsToStream, ListTagsForStream and RemoveTagsFromStream manage tags, with those given to CreateStream',
  ['CreateStream', 'AddTagsToStream', 'ListTagsForStream', 'RemoveTagsFromStream'],
  async ({ client }) => {
    const name = streamName('tags');
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1, Tags: { team: 'data' } }));
    await waitActive(client, name);
    await client.send(new AddTagsToStreamCommand({ StreamName: name, Tags: { env: 'dev', cost: 'low' } }));
    const tags = await client.send(new ListTagsForStreamCommand({ StreamName: name }));
    assert.deepEqual(
      tags.Tags?.map((tag) => [tag.Key, tag.Value]),
      [
        ['cost', 'low'],
        ['env', 'dev'],
        ['team', 'data'],
      ],
    );
    assert.equal(tags.HasMoreTags, false);
    await client.send(new RemoveTagsFromStreamCommand({ StreamName: name, TagKeys: ['env'] }));
    const after = await client.send(new ListTagsForStreamCommand({ StreamName: name }));
    assert.deepEqual(
      after.Tags?.map((tag) => tag.Key),
      ['cost', 'team'],
    );
    await expectError(
      client.send(new ListTagsForStreamCommand({ StreamName: streamName('no-tags') })),
      'ResourceNotFoundException',
    );
  },
);

conformance(
  'EnableEnhancedMonitoring and DisableEnhancedMonitoring change the shard-level metrics',
  ['CreateStream', 'EnableEnhancedMonitoring', 'DisableEnhancedMonitoring', 'DescribeStreamSummary'],
  async ({ client }) => {
    const name = await createActive(client, 'monitoring');
    const enabled = await client.send(
      new EnableEnhancedMonitoringCommand({
        StreamName: name,
        ShardLevelMetrics: ['IncomingBytes', 'OutgoingRecords'],
      }),
    );
    assert.deepEqual(enabled.CurrentShardLevelMetrics ?? [], []);
    assert.deepEqual([...(enabled.DesiredShardLevelMetrics ?? [])].sort(), ['IncomingBytes', 'OutgoingRecords']);
    const described = await waitActive(client, name);
    assert.deepEqual([...(described.EnhancedMonitoring?.[0]?.ShardLevelMetrics ?? [])].sort(), [
      'IncomingBytes',
      'OutgoingRecords',
    ]);
    const disabled = await client.send(
      new DisableEnhancedMonitoringCommand({ StreamName: name, ShardLevelMetrics: ['IncomingBytes'] }),
    );
    assert.deepEqual(disabled.DesiredShardLevelMetrics, ['OutgoingRecords']);
  },
);

conformance(
  'EnableEnhancedMonitoring with a metric Kinesis does not have is ValidationException',
  ['CreateStream', 'EnableEnhancedMonitoring'],
  async ({ client }) => {
    const name = await createActive(client, 'monitoring-unknown');
    await expectError(
      client.send(
        new EnableEnhancedMonitoringCommand({ StreamName: name, ShardLevelMetrics: ['NotAMetric' as 'ALL'] }),
      ),
      'ValidationException',
    );
  },
);

// --- the suite, once per target ---------------------------------------------------------------------------------

for (const name of TARGETS) {
  describe(`Kinesis conformance against ${name}`, { concurrency: 4 }, () => {
    let target: RunningKinesisTarget;
    before(async () => {
      target = await startKinesisTarget(name);
    });
    after(() => target?.stop());

    for (const conformanceCase of cases) {
      const difference = name === 'kinesis-local' ? KINESIS_LOCAL_DIFFERENCES[conformanceCase.title] : undefined;
      if (difference) {
        test(`${conformanceCase.title} — kinesis-local differs from AWS: ${difference.note}`, async () => {
          await assert.rejects(
            conformanceCase.run(target),
            (error: Error) => {
              assert.match(`${error.name}: ${error.message}`, difference.fails);
              return true;
            },
            'kinesis-local now behaves like AWS here: remove the entry from KINESIS_LOCAL_DIFFERENCES and docs/parity.md',
          );
        });
      } else {
        test(conformanceCase.title, () => conformanceCase.run(target));
      }
    }
  });
}
