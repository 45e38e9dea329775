/**
 * The request parser of the resharding, settings and enhanced fan-out actions never crashes: whatever the body, the
 * answer is a success or an AWS-shaped 4xx error with the `__type` in the body and the `x-amzn-ErrorType` header.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { KinesisService } from '../src/kinesis/service.ts';
import { handleWireRequest } from '../src/kinesis/wire.ts';

const ACTIONS = [
  'SplitShard',
  'MergeShards',
  'UpdateShardCount',
  'UpdateStreamMode',
  'DescribeLimits',
  'AddTagsToStream',
  'RemoveTagsFromStream',
  'ListTagsForStream',
  'TagResource',
  'UntagResource',
  'ListTagsForResource',
  'StartStreamEncryption',
  'StopStreamEncryption',
  'EnableEnhancedMonitoring',
  'DisableEnhancedMonitoring',
  'RegisterStreamConsumer',
  'DescribeStreamConsumer',
  'ListStreamConsumers',
  'DeregisterStreamConsumer',
  'SubscribeToShard',
] as const;

const MEMBERS = [
  'StreamName',
  'StreamARN',
  'ShardToSplit',
  'NewStartingHashKey',
  'ShardToMerge',
  'AdjacentShardToMerge',
  'TargetShardCount',
  'ScalingType',
  'StreamModeDetails',
  'Tags',
  'TagKeys',
  'ExclusiveStartTagKey',
  'Limit',
  'ResourceARN',
  'EncryptionType',
  'KeyId',
  'ShardLevelMetrics',
  'ConsumerName',
  'ConsumerARN',
  'NextToken',
  'MaxResults',
  'ShardId',
  'StartingPosition',
] as const;

test('no body makes a new action fail with anything but an AWS-shaped 4xx', async () => {
  const service = new KinesisService({ subscriptionHeartbeatMs: 60_000 });
  await service.dispatch('CreateStream', { StreamName: 'fuzz', ShardCount: 2 });
  const { Consumer } = await service.dispatch('RegisterStreamConsumer', {
    StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/fuzz',
    ConsumerName: 'c',
  });
  const json = fc.jsonValue({ maxDepth: 3 });
  const plausible = fc.constantFrom(
    'fuzz',
    'shardId-000000000000',
    'shardId-000000000001',
    '170141183460469231731687303715884105728',
    'arn:aws:kinesis:us-east-1:000000000000:stream/fuzz',
    Consumer.ConsumerARN,
    'UNIFORM_SCALING',
    'KMS',
    'alias/aws/kinesis',
    'ALL',
    3,
    { StreamMode: 'ON_DEMAND' },
    { Type: 'TRIM_HORIZON' },
    { Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: '1' },
    ['IncomingBytes'],
    { a: 'b' },
  );
  const body = fc.oneof(
    fc.string(),
    json.map((value) => JSON.stringify(value)),
    fc
      .dictionary(fc.constantFrom(...MEMBERS), fc.oneof(json, plausible), { maxKeys: 6 })
      .map((value) => JSON.stringify(value)),
  );
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...ACTIONS), body, async (action, text) => {
      const response = await handleWireRequest(service, {
        method: 'POST',
        contentType: 'application/x-amz-json-1.1',
        target: `Kinesis_20131202.${action}`,
        body: Buffer.from(text),
      });
      if (response.eventStream) {
        assert.equal(response.status, 200);
        await response.eventStream.return?.();
        return;
      }
      const body = response.body.toString('utf8');
      assert.ok(response.status === 200 || (response.status >= 400 && response.status < 500), body);
      const parsed = JSON.parse(body) as { __type?: string; message?: string };
      if (response.status !== 200) {
        assert.equal(response.headers['x-amzn-errortype'], parsed.__type);
        assert.ok(parsed.message && parsed.message.length > 0);
      }
    }),
    { numRuns: 3000 },
  );
  service.close();
});
