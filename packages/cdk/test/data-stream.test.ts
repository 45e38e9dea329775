import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LIMITS, StreamkitError } from '@streamkit/core';
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DataStream, type DataStreamProps } from '../src/stream/data-stream.ts';
import { bareStack } from './support/stacks.ts';

function streamTemplate(props?: DataStreamProps): Template {
  const stack = bareStack();
  new DataStream(stack, 'Stream', props);
  return Template.fromStack(stack);
}

function rejection(props: DataStreamProps): StreamkitError {
  try {
    new DataStream(bareStack(), 'Stream', props);
  } catch (error) {
    assert.ok(StreamkitError.is(error), `expected a StreamkitError, got ${error}`);
    return error;
  }
  assert.fail('expected the props to be rejected');
}

describe('DataStream', () => {
  test('by default the stream is on-demand, keeps records 24 hours and is encrypted with alias/aws/kinesis', () => {
    const template = streamTemplate();
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      ShardCount: Match.absent(),
      RetentionPeriodHours: LIMITS.kinesis.retentionHours.default,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      DesiredShardLevelMetrics: Match.absent(),
    });
    template.resourceCountIs('AWS::KMS::Key', 0);
  });

  test('the stream has no fixed name, so a pipeline can be deployed many times per account', () => {
    streamTemplate().hasResourceProperties('AWS::Kinesis::Stream', { Name: Match.absent() });
  });

  test('a provisioned stream gets its shard count and retention period', () => {
    streamTemplate({
      streamMode: 'PROVISIONED',
      shardCount: 7,
      retentionPeriod: Duration.hours(72),
    }).hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      ShardCount: 7,
      RetentionPeriodHours: 72,
    });
  });

  test('a provisioned stream without a shard count gets the default of 2 shards', () => {
    streamTemplate({ streamMode: 'PROVISIONED' }).hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: LIMITS.kinesis.shardCount.default,
    });
  });

  test('KMS encryption creates a customer managed key with yearly rotation and encrypts the stream with it', () => {
    const template = streamTemplate({ encryption: 'KMS' });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0]!;
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamEncryption: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
    });
  });

  test('shard-level metrics use the native property, with no custom resource', () => {
    const template = streamTemplate({ shardLevelMetrics: ['IncomingBytes', 'IteratorAgeMilliseconds'] });
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      DesiredShardLevelMetrics: ['IncomingBytes', 'IteratorAgeMilliseconds'],
    });
    template.resourceCountIs('AWS::Lambda::Function', 0);
    assert.deepEqual(Object.keys(template.findResources('AWS::CloudFormation::CustomResource')), []);
  });

  test('a shard count on an on-demand stream is rejected with a validation error', () => {
    const error = rejection({ streamMode: 'ON_DEMAND', shardCount: 3 });
    assert.equal(error.code, 'SK_VALIDATION');
    assert.match(error.message, /shardCount applies only to PROVISIONED streams \(got 3\)/);
  });

  test('a retention period outside 24 to 8760 hours is rejected with the allowed range and the value', () => {
    const error = rejection({ retentionPeriod: Duration.hours(12) });
    assert.equal(error.code, 'SK_VALIDATION');
    assert.match(error.message, /retentionPeriod must be between 24 and 8760 hours \(got 12\)/);
  });
});
