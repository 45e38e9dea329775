/**
 * Stream settings against an unmodified AWS SDK v3 KinesisClient: tags (the stream-name API and the ARN-based one),
 * server-side encryption, enhanced monitoring, the capacity mode, and DescribeLimits — with the errors AWS answers.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AddTagsToStreamCommand,
  DescribeLimitsCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  DisableEnhancedMonitoringCommand,
  EnableEnhancedMonitoringCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListTagsForResourceCommand,
  ListTagsForStreamCommand,
  PutRecordCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  RemoveTagsFromStreamCommand,
  SplitShardCommand,
  StartStreamEncryptionCommand,
  StopStreamEncryptionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateShardCountCommand,
  UpdateStreamModeCommand,
} from '@aws-sdk/client-kinesis';
import { LIMITS } from '@streamkit/core';
import { createStream, manualClock, readShard, shardId, start, streamArn } from './kinesis-harness.ts';

const KEY_ARN = 'arn:aws:kms:us-east-1:000000000000:key/12345678-1234-1234-1234-123456789012';

describe('tags by stream: AddTagsToStream, RemoveTagsFromStream, ListTagsForStream', () => {
  test('add, overwrite, list in key order a page at a time, and remove', async (t) => {
    const { client } = await start(t);
    await createStream(client, 'orders', 1);
    await client.send(new AddTagsToStreamCommand({ StreamName: 'orders', Tags: { team: 'payments', env: 'dev' } }));
    await client.send(new AddTagsToStreamCommand({ StreamARN: streamArn('orders'), Tags: { env: 'prod', cost: '' } }));

    const all = await client.send(new ListTagsForStreamCommand({ StreamName: 'orders' }));
    assert.deepEqual(all.Tags, [
      { Key: 'cost', Value: '' },
      { Key: 'env', Value: 'prod' },
      { Key: 'team', Value: 'payments' },
    ]);
    assert.equal(all.HasMoreTags, false);
    const first = await client.send(new ListTagsForStreamCommand({ StreamName: 'orders', Limit: 2 }));
    assert.deepEqual(
      first.Tags?.map((tag) => tag.Key),
      ['cost', 'env'],
    );
    assert.equal(first.HasMoreTags, true);
    const rest = await client.send(
      new ListTagsForStreamCommand({ StreamName: 'orders', Limit: 2, ExclusiveStartTagKey: 'env' }),
    );
    assert.deepEqual(
      rest.Tags?.map((tag) => tag.Key),
      ['team'],
    );
    assert.equal(rest.HasMoreTags, false);

    await client.send(new RemoveTagsFromStreamCommand({ StreamName: 'orders', TagKeys: ['env', 'not-there'] }));
    const left = await client.send(new ListTagsForStreamCommand({ StreamName: 'orders' }));
    assert.deepEqual(
      left.Tags?.map((tag) => tag.Key),
      ['cost', 'team'],
    );
  });

  test('keeps AWS limits: 50 tags per stream, key and value lengths, allowed characters, Limit 1..50', async (t) => {
    const { client } = await start(t);
    await createStream(client, 'orders', 1);
    const tags = (count: number, prefix = 'k') =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, 'v']));
    await client.send(new AddTagsToStreamCommand({ StreamName: 'orders', Tags: tags(45) }));
    await assert.rejects(client.send(new AddTagsToStreamCommand({ StreamName: 'orders', Tags: tags(6, 'x') })), {
      name: 'InvalidArgumentException',
      message:
        'Failed to add tags to stream orders under account 000000000000: a resource can have at most 50 tags, ' +
        'and it would have 51 (45 now, 6 given)',
    });
    await client.send(new AddTagsToStreamCommand({ StreamName: 'orders', Tags: { ...tags(5), ...tags(5, 'x') } }));

    await assert.rejects(client.send(new AddTagsToStreamCommand({ StreamName: 'orders', Tags: tags(51, 'y') })), {
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '[51 members]' at 'tags' failed to satisfy constraint: " +
        'Member must have length less than or equal to 50',
    });
    await assert.rejects(
      client.send(new AddTagsToStreamCommand({ StreamName: 'orders', Tags: { ['k'.repeat(129)]: 'v' } })),
      {
        name: 'ValidationException',
        message: /at 'tags.key' failed to satisfy constraint: Member must have length less than or equal to 128/,
      },
    );
    await assert.rejects(client.send(new AddTagsToStreamCommand({ StreamName: 'orders', Tags: { owner: 'a|b' } })), {
      name: 'InvalidArgumentException',
      message:
        "Tag value 'a|b' contains characters tags cannot have: allowed are Unicode letters, digits, white space " +
        'and _ . : / = + - @',
    });
    await assert.rejects(
      client.send(new AddTagsToStreamCommand({ StreamName: 'orders', Tags: { 'aws:owner': 'me' } })),
      {
        name: 'InvalidArgumentException',
        message: "Tag key 'aws:owner' starts with the reserved prefix 'aws:', which only AWS may use",
      },
    );
    await assert.rejects(client.send(new AddTagsToStreamCommand({ StreamName: 'orders' } as never)), {
      name: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null",
    });
    await assert.rejects(client.send(new ListTagsForStreamCommand({ StreamName: 'orders', Limit: 51 })), {
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: " +
        'Member must have value less than or equal to 50',
    });
    await assert.rejects(client.send(new RemoveTagsFromStreamCommand({ StreamName: 'orders', TagKeys: [] })), {
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '[0 members]' at 'tagKeys' failed to satisfy constraint: " +
        'Member must have length greater than or equal to 1',
    });
    await assert.rejects(client.send(new ListTagsForStreamCommand({ StreamName: 'nope' })), {
      name: 'ResourceNotFoundException',
      message: 'Stream nope under account 000000000000 not found.',
    });
  });
});

describe('tags by ARN: TagResource, UntagResource, ListTagsForResource', () => {
  test('tag streams and stream consumers by ARN', async (t) => {
    const { client } = await start(t);
    await createStream(client, 'orders', 1);
    const { Consumer } = await client.send(
      new RegisterStreamConsumerCommand({ StreamARN: streamArn('orders'), ConsumerName: 'audit', Tags: { a: '1' } }),
    );
    await client.send(new TagResourceCommand({ ResourceARN: streamArn('orders'), Tags: { team: 'payments' } }));
    await client.send(new TagResourceCommand({ ResourceARN: Consumer!.ConsumerARN, Tags: { b: '2' } }));

    const ofStream = await client.send(new ListTagsForResourceCommand({ ResourceARN: streamArn('orders') }));
    assert.deepEqual(ofStream.Tags, [{ Key: 'team', Value: 'payments' }]);
    const ofConsumer = await client.send(new ListTagsForResourceCommand({ ResourceARN: Consumer!.ConsumerARN }));
    assert.deepEqual(ofConsumer.Tags, [
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: '2' },
    ]);
    const byName = await client.send(new ListTagsForStreamCommand({ StreamName: 'orders' }));
    assert.deepEqual(byName.Tags, ofStream.Tags);

    await client.send(new UntagResourceCommand({ ResourceARN: Consumer!.ConsumerARN, TagKeys: ['a'] }));
    const after = await client.send(new ListTagsForResourceCommand({ ResourceARN: Consumer!.ConsumerARN }));
    assert.deepEqual(after.Tags, [{ Key: 'b', Value: '2' }]);
  });

  test('answers unknown resources and malformed ARNs like AWS', async (t) => {
    const { client } = await start(t);
    await assert.rejects(client.send(new ListTagsForResourceCommand({ ResourceARN: streamArn('nope') })), {
      name: 'ResourceNotFoundException',
      message: 'Stream nope under account 000000000000 not found.',
    });
    await assert.rejects(
      client.send(new ListTagsForResourceCommand({ ResourceARN: `${streamArn('nope')}/consumer/c:1700000000` })),
      {
        name: 'ResourceNotFoundException',
        message: /^Consumer arn:aws:kinesis:.*consumer\/c:1700000000 under account/,
      },
    );
    await assert.rejects(client.send(new TagResourceCommand({ ResourceARN: 'orders', Tags: { a: 'b' } })), {
      name: 'ValidationException',
      message:
        "1 validation error detected: Value 'orders' at 'resourceARN' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:.+',
    });
    await assert.rejects(
      client.send(
        new UntagResourceCommand({ ResourceARN: 'arn:aws:kinesis:us-east-1:000000000000:table/x', TagKeys: ['a'] }),
      ),
      {
        name: 'InvalidArgumentException',
        message: 'arn:aws:kinesis:us-east-1:000000000000:table/x is not the ARN of a Kinesis stream or stream consumer',
      },
    );
  });
});

describe('StartStreamEncryption and StopStreamEncryption', () => {
  test('records written while the stream is encrypted come back marked KMS, before and after as NONE', async (t) => {
    const { client } = await start(t);
    await createStream(client, 'orders', 1);
    const put = (data: string) =>
      client.send(new PutRecordCommand({ StreamName: 'orders', PartitionKey: 'k', Data: Buffer.from(data) }));
    const plain = await put('plain');
    assert.equal(plain.EncryptionType, undefined);

    await client.send(
      new StartStreamEncryptionCommand({ StreamName: 'orders', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }),
    );
    const description = await client.send(new DescribeStreamCommand({ StreamName: 'orders' }));
    assert.equal(description.StreamDescription?.EncryptionType, 'KMS');
    assert.equal(description.StreamDescription?.KeyId, 'alias/aws/kinesis');
    const secret = await put('secret');
    assert.equal(secret.EncryptionType, 'KMS');
    const batch = await client.send(
      new PutRecordsCommand({ StreamName: 'orders', Records: [{ PartitionKey: 'k', Data: Buffer.from('batch') }] }),
    );
    assert.equal(batch.EncryptionType, 'KMS');
    // Children opened while the stream is encrypted encrypt their records too.
    await client.send(
      new SplitShardCommand({
        StreamName: 'orders',
        ShardToSplit: shardId(0),
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    const child = await client.send(
      new PutRecordCommand({
        StreamName: 'orders',
        PartitionKey: 'k',
        Data: Buffer.from('child'),
        ExplicitHashKey: '5',
      }),
    );
    assert.equal(child.EncryptionType, 'KMS');

    await client.send(new StopStreamEncryptionCommand({ StreamName: 'orders', EncryptionType: 'KMS', KeyId: KEY_ARN }));
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'orders' }));
    assert.equal(summary.StreamDescriptionSummary?.EncryptionType, 'NONE');
    assert.equal(summary.StreamDescriptionSummary?.KeyId, undefined);
    const after = await client.send(
      new PutRecordCommand({
        StreamName: 'orders',
        PartitionKey: 'k',
        Data: Buffer.from('after'),
        ExplicitHashKey: '5',
      }),
    );
    assert.equal(after.EncryptionType, undefined);

    const parent = await readShard(client, 'orders', shardId(0));
    assert.deepEqual(
      parent.records.map((r) => [Buffer.from(r.Data!).toString(), r.EncryptionType]),
      [
        ['plain', undefined],
        ['secret', 'KMS'],
        ['batch', 'KMS'],
      ],
    );
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({ StreamName: 'orders', ShardId: child.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const childRecords = await client.send(new GetRecordsCommand({ ShardIterator }));
    assert.deepEqual(
      childRecords.Records?.map((r) => [Buffer.from(r.Data!).toString(), r.EncryptionType]),
      [
        ['child', 'KMS'],
        ['after', undefined],
      ],
    );
  });

  test('is UPDATING for updateStreamDelayMs and refuses bad input', async (t) => {
    const clock = manualClock();
    const { client } = await start(t, { clock: clock.now, updateStreamDelayMs: 5000 });
    await createStream(client, 'orders', 1);
    const startEncryption = (input: { EncryptionType?: string; KeyId?: string }) =>
      client.send(
        new StartStreamEncryptionCommand({
          StreamName: 'orders',
          EncryptionType: 'KMS',
          KeyId: KEY_ARN,
          ...input,
        } as never),
      );
    await assert.rejects(startEncryption({ EncryptionType: 'NONE' }), {
      name: 'InvalidArgumentException',
      message: 'EncryptionType must be KMS, the only server-side encryption Kinesis offers (got NONE)',
    });
    await assert.rejects(startEncryption({ EncryptionType: 'AES' }), {
      name: 'ValidationException',
      message:
        "1 validation error detected: Value 'AES' at 'encryptionType' failed to satisfy constraint: " +
        'Member must satisfy enum value set: [NONE, KMS]',
    });
    await assert.rejects(startEncryption({ KeyId: 'my key' }), {
      name: 'InvalidArgumentException',
      message: "KeyId 'my key' is not a KMS key ID, key ARN, alias name (alias/…) or alias ARN",
    });
    await assert.rejects(startEncryption({ KeyId: undefined }), {
      name: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    });

    await startEncryption({});
    const status = async () =>
      (await client.send(new DescribeStreamSummaryCommand({ StreamName: 'orders' }))).StreamDescriptionSummary
        ?.StreamStatus;
    assert.equal(await status(), 'UPDATING');
    await assert.rejects(startEncryption({}), {
      name: 'ResourceInUseException',
      message: 'Stream orders under account 000000000000 not ACTIVE, instead in state UPDATING',
    });
    clock.advance(5000);
    assert.equal(await status(), 'ACTIVE');
  });
});

describe('EnableEnhancedMonitoring and DisableEnhancedMonitoring', () => {
  test('answer the metrics before and after, and the stream shows them', async (t) => {
    const { client } = await start(t);
    await createStream(client, 'orders', 1);
    const enabled = await client.send(
      new EnableEnhancedMonitoringCommand({
        StreamName: 'orders',
        ShardLevelMetrics: ['IncomingBytes', 'IteratorAgeMilliseconds'],
      }),
    );
    assert.deepEqual(enabled, {
      $metadata: enabled.$metadata,
      StreamName: 'orders',
      StreamARN: streamArn('orders'),
      CurrentShardLevelMetrics: [],
      DesiredShardLevelMetrics: ['IncomingBytes', 'IteratorAgeMilliseconds'],
    });
    const all = await client.send(
      new EnableEnhancedMonitoringCommand({ StreamARN: streamArn('orders'), ShardLevelMetrics: ['ALL'] }),
    );
    assert.deepEqual(all.CurrentShardLevelMetrics, ['IncomingBytes', 'IteratorAgeMilliseconds']);
    assert.deepEqual(all.DesiredShardLevelMetrics, LIMITS.kinesis.shardLevelMetrics.values);

    const disabled = await client.send(
      new DisableEnhancedMonitoringCommand({
        StreamName: 'orders',
        ShardLevelMetrics: ['IncomingBytes', 'OutgoingBytes'],
      }),
    );
    assert.deepEqual(disabled.DesiredShardLevelMetrics, [
      'IncomingRecords',
      'OutgoingRecords',
      'WriteProvisionedThroughputExceeded',
      'ReadProvisionedThroughputExceeded',
      'IteratorAgeMilliseconds',
    ]);
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'orders' }));
    assert.deepEqual(summary.StreamDescriptionSummary?.EnhancedMonitoring, [
      { ShardLevelMetrics: disabled.DesiredShardLevelMetrics },
    ]);
    const none = await client.send(
      new DisableEnhancedMonitoringCommand({ StreamName: 'orders', ShardLevelMetrics: ['ALL'] }),
    );
    assert.deepEqual(none.DesiredShardLevelMetrics, []);
    const described = await client.send(new DescribeStreamCommand({ StreamName: 'orders' }));
    assert.deepEqual(described.StreamDescription?.EnhancedMonitoring, [{ ShardLevelMetrics: [] }]);
  });

  test('refuses unknown metrics and empty lists', async (t) => {
    const { client } = await start(t);
    await createStream(client, 'orders', 1);
    await assert.rejects(
      client.send(
        new EnableEnhancedMonitoringCommand({ StreamName: 'orders', ShardLevelMetrics: ['Latency' as never] }),
      ),
      {
        name: 'ValidationException',
        message:
          "1 validation error detected: Value 'Latency' at 'shardLevelMetrics.1.member' failed to satisfy constraint: " +
          'Member must satisfy enum value set: [IncomingBytes, IncomingRecords, OutgoingBytes, OutgoingRecords, ' +
          'WriteProvisionedThroughputExceeded, ReadProvisionedThroughputExceeded, IteratorAgeMilliseconds, ALL]',
      },
    );
    await assert.rejects(
      client.send(new DisableEnhancedMonitoringCommand({ StreamName: 'orders', ShardLevelMetrics: [] })),
      {
        name: 'ValidationException',
        message:
          "1 validation error detected: Value '[0 members]' at 'shardLevelMetrics' failed to satisfy constraint: " +
          'Member must have length greater than or equal to 1',
      },
    );
    await assert.rejects(
      client.send(new EnableEnhancedMonitoringCommand({ StreamName: 'gone', ShardLevelMetrics: ['ALL'] })),
      { name: 'ResourceNotFoundException', message: 'Stream gone under account 000000000000 not found.' },
    );
  });
});

describe('UpdateStreamMode', () => {
  test('switches between PROVISIONED and ON_DEMAND, keeping the shards, twice a day at most', async (t) => {
    const clock = manualClock();
    const { onceClient: client } = await start(t, { clock: clock.now });
    await createStream(client, 'orders', 3);
    const switchTo = (mode: 'ON_DEMAND' | 'PROVISIONED') =>
      client.send(
        new UpdateStreamModeCommand({ StreamARN: streamArn('orders'), StreamModeDetails: { StreamMode: mode } }),
      );
    const summary = async () =>
      (await client.send(new DescribeStreamSummaryCommand({ StreamName: 'orders' }))).StreamDescriptionSummary;

    await switchTo('ON_DEMAND');
    assert.deepEqual((await summary())?.StreamModeDetails, { StreamMode: 'ON_DEMAND' });
    assert.equal((await summary())?.OpenShardCount, 3);
    await assert.rejects(
      client.send(
        new UpdateShardCountCommand({ StreamName: 'orders', TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' }),
      ),
      { name: 'InvalidArgumentException', message: /^UpdateShardCount is only supported for streams in PROVISIONED/ },
    );
    await assert.rejects(switchTo('ON_DEMAND'), {
      name: 'InvalidArgumentException',
      message: 'The capacity mode of stream orders under account 000000000000 is already ON_DEMAND',
    });
    await switchTo('PROVISIONED');
    await assert.rejects(switchTo('ON_DEMAND'), {
      name: 'LimitExceededException',
      message:
        /^The capacity mode of stream orders under account 000000000000 was switched 2 times in the last 24 hours; the limit is 2/,
    });
    clock.advance(24 * 60 * 60 * 1000);
    await switchTo('ON_DEMAND');

    await assert.rejects(client.send(new UpdateStreamModeCommand({ StreamARN: streamArn('orders') } as never)), {
      name: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'streamModeDetails' failed to satisfy constraint: " +
        'Member must not be null',
    });
    await assert.rejects(
      client.send(new UpdateStreamModeCommand({ StreamModeDetails: { StreamMode: 'ON_DEMAND' } } as never)),
      {
        name: 'ValidationException',
        message:
          "1 validation error detected: Value null at 'streamARN' failed to satisfy constraint: Member must not be null",
      },
    );
    await assert.rejects(
      client.send(
        new UpdateStreamModeCommand({
          StreamARN: streamArn('orders'),
          StreamModeDetails: { StreamMode: 'BURST' as never },
        }),
      ),
      { name: 'ValidationException', message: /Member must satisfy enum value set: \[ON_DEMAND, PROVISIONED\]$/ },
    );
  });
});

describe('DescribeLimits', () => {
  test('counts the open shards and on-demand streams of the account against its limits', async (t) => {
    const { client } = await start(t);
    const empty = await client.send(new DescribeLimitsCommand({}));
    assert.deepEqual(
      [empty.ShardLimit, empty.OpenShardCount, empty.OnDemandStreamCount, empty.OnDemandStreamCountLimit],
      [LIMITS.kinesis.shardCount.max, 0, 0, 50],
    );
    await createStream(client, 'orders', 2);
    await createStream(client, 'elastic');
    await client.send(
      new SplitShardCommand({ StreamName: 'orders', ShardToSplit: shardId(0), NewStartingHashKey: '12345' }),
    );
    const limits = await client.send(new DescribeLimitsCommand({}));
    assert.equal(limits.OpenShardCount, 3 + LIMITS.kinesis.onDemandInitialShards.value);
    assert.equal(limits.OnDemandStreamCount, 1);
  });

  test('an account has at most 50 on-demand streams, created or switched', async (t) => {
    const { onceClient: client } = await start(t);
    for (let i = 1; i < 50; i++) await createStream(client, `elastic-${i}`);
    await createStream(client, 'fixed', 1);
    await client.send(
      new UpdateStreamModeCommand({ StreamARN: streamArn('fixed'), StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
    );
    const tooMany = {
      name: 'LimitExceededException',
      message: 'Account 000000000000 in us-east-1 already has 50 on-demand streams, the limit is 50',
    };
    await assert.rejects(createStream(client, 'elastic-50'), tooMany);
    await createStream(client, 'fixed-2', 1);
    await assert.rejects(
      client.send(
        new UpdateStreamModeCommand({
          StreamARN: streamArn('fixed-2'),
          StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        }),
      ),
      tooMany,
    );
    assert.equal((await client.send(new DescribeLimitsCommand({}))).OnDemandStreamCount, 50);
  });
});
