import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { LAMBDA_RUNTIME, LIMITS, StreamkitError } from '@streamkit/core';
import { BUILTIN_HANDLERS } from '@streamkit/functions';
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import { StreamConsumer, type StreamConsumerProps } from '../src/consumer/stream-consumer.ts';
import { bareStack } from './support/stacks.ts';

interface Built {
  readonly template: Template;
  readonly consumer: StreamConsumer;
  readonly id: (construct: { node: { defaultChild?: unknown } }) => string;
}

function build(props: Partial<StreamConsumerProps> = {}, streamEncryption?: kinesis.StreamEncryption): Built {
  const stack = bareStack('ConsumerStack');
  const stream = new kinesis.Stream(stack, 'Stream', { encryption: streamEncryption });
  const consumer = new StreamConsumer(stack, 'Consumer', {
    stream,
    entry: BUILTIN_HANDLERS.kinesisConsumer,
    ...props,
  });
  return {
    template: Template.fromStack(stack),
    consumer,
    id: (construct) => stack.getLogicalId(construct.node.defaultChild as never),
  };
}

function esmProperties(template: Template): Record<string, unknown> {
  const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
  assert.equal(mappings.length, 1);
  return (mappings[0] as { Properties: Record<string, unknown> }).Properties;
}

function rejection(props: Partial<StreamConsumerProps>): StreamkitError {
  try {
    build(props);
  } catch (error) {
    assert.ok(StreamkitError.is(error), `expected a StreamkitError, got ${error}`);
    return error;
  }
  assert.fail('expected the props to be rejected');
}

describe('StreamConsumer with the default settings', () => {
  let built: Built;
  before(() => {
    built = build();
  });

  test('the function runs on core’s Lambda runtime (Node.js 24) with 256 MB, a 60 s timeout and X-Ray', () => {
    assert.equal(LAMBDA_RUNTIME, 'nodejs24.x');
    built.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: LAMBDA_RUNTIME,
      Handler: 'index.handler',
      MemorySize: LIMITS.lambda.memorySize.default,
      Timeout: LIMITS.lambda.timeout.default,
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      FunctionName: Match.absent(),
    });
  });

  test('the function logs to its own log group, which expires after a month', () => {
    const logGroup = built.id(built.consumer.logGroup);
    built.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    built.template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: logGroup } } });
  });

  test('the event source mapping gets streamkit’s defaults from core, written out', () => {
    const E = LIMITS.esm;
    assert.deepEqual(
      {
        ...esmProperties(built.template),
        EventSourceArn: undefined,
        FunctionName: undefined,
        DestinationConfig: undefined,
      },
      {
        BatchSize: E.batchSize.default,
        MaximumBatchingWindowInSeconds: E.maxBatchingWindow.default,
        ParallelizationFactor: E.parallelizationFactor.default,
        MaximumRetryAttempts: E.retryAttempts.default,
        BisectBatchOnFunctionError: E.bisectBatchOnError.default,
        MaximumRecordAgeInSeconds: E.maxRecordAge.default,
        StartingPosition: E.startingPosition.default,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        EventSourceArn: undefined,
        FunctionName: undefined,
        DestinationConfig: undefined,
      },
    );
  });

  test('failed batches go to an SQS dead-letter queue that is encrypted, TLS-only and keeps messages 14 days', () => {
    const queue = built.id(built.consumer.deadLetterQueue!);
    assert.deepEqual(esmProperties(built.template).DestinationConfig, {
      OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } },
    });
    built.template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: LIMITS.sqs.retentionSeconds.default,
      QueueName: Match.absent(),
    });
    built.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queue }],
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ],
      },
    });
  });

  test('the execution role has no managed policy and every statement but X-Ray names its resource', () => {
    const role = built.id(built.consumer.role);
    built.template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    const policies = built.template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } });
    const statements = Object.values(policies).flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument.Statement,
    );
    const stream = Object.keys(built.template.findResources('AWS::Kinesis::Stream'))[0]!;
    assert.deepEqual(statements, [
      {
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [built.id(built.consumer.logGroup), 'Arn'] },
      },
      { Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Effect: 'Allow', Resource: '*' },
      {
        Action: [
          'kinesis:DescribeStream',
          'kinesis:DescribeStreamSummary',
          'kinesis:GetRecords',
          'kinesis:GetShardIterator',
          'kinesis:ListShards',
        ],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [stream, 'Arn'] },
      },
      {
        Action: 'sqs:SendMessage',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [built.id(built.consumer.deadLetterQueue!), 'Arn'] },
      },
    ]);
  });

  test('the mapping is created after the role’s policy, since Lambda checks its permissions on creation', () => {
    const policy = Object.keys(built.template.findResources('AWS::IAM::Policy'))[0]!;
    built.template.hasResource('AWS::Lambda::EventSourceMapping', { DependsOn: Match.arrayWith([policy]) });
  });
});

describe('StreamConsumer settings', () => {
  test('memory, timeout, environment and the handler export reach the function', () => {
    build({
      memorySize: 1024,
      timeout: Duration.seconds(300),
      environment: { TABLE: 'orders', DEBUG: 'true' },
      handler: 'processBatch',
    }).template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.processBatch',
      MemorySize: 1024,
      Timeout: 300,
      Environment: { Variables: Match.objectLike({ TABLE: 'orders', DEBUG: 'true' }) },
    });
  });

  test('every event source mapping setting reaches its own property', () => {
    const properties = esmProperties(
      build({
        batchSize: 250,
        maxBatchingWindow: Duration.seconds(7),
        parallelizationFactor: 4,
        retryAttempts: 9,
        bisectBatchOnError: false,
        maxRecordAge: Duration.seconds(3600),
        startingPosition: 'LATEST',
        reportBatchItemFailures: false,
      }).template,
    );
    assert.equal(properties.BatchSize, 250);
    assert.equal(properties.MaximumBatchingWindowInSeconds, 7);
    assert.equal(properties.ParallelizationFactor, 4);
    assert.equal(properties.MaximumRetryAttempts, 9);
    assert.equal(properties.BisectBatchOnFunctionError, false);
    assert.equal(properties.MaximumRecordAgeInSeconds, 3600);
    assert.equal(properties.StartingPosition, 'LATEST');
    assert.equal(properties.FunctionResponseTypes, undefined);
  });

  // The original solution wired each of these two to the other's parameter (bug 1). Two pairs of values, each valid
  // for both properties, so that a swap still synthesizes and only these assertions can catch it.
  for (const [parallelizationFactor, retryAttempts] of [
    [2, 7],
    [9, 1],
  ] as const) {
    test(`parallelizationFactor ${parallelizationFactor} and retryAttempts ${retryAttempts} are not swapped`, () => {
      const properties = esmProperties(build({ parallelizationFactor, retryAttempts }).template);
      assert.equal(properties.ParallelizationFactor, parallelizationFactor);
      assert.equal(properties.MaximumRetryAttempts, retryAttempts);
    });
  }

  test('tumbling windows and filters reach the mapping; filters keep Lambda’s pattern syntax', () => {
    const properties = esmProperties(
      build({
        tumblingWindow: Duration.minutes(5),
        filters: [{ data: { total: [{ numeric: ['>', 100] }] } }, { partitionKey: ['vip'] }],
      }).template,
    );
    assert.equal(properties.TumblingWindowInSeconds, 300);
    assert.deepEqual(properties.FilterCriteria, {
      Filters: [{ Pattern: '{"data":{"total":[{"numeric":[">",100]}]}}' }, { Pattern: '{"partitionKey":["vip"]}' }],
    });
  });

  test('with enhanced fan-out, the mapping reads a registered consumer the role may subscribe to', () => {
    const { template, consumer, id } = build({ enhancedFanOut: true });
    template.resourceCountIs('AWS::Kinesis::StreamConsumer', 1);
    const consumerId = id(consumer.fanOutConsumer!);
    assert.deepEqual(esmProperties(template).EventSourceArn, { 'Fn::GetAtt': [consumerId, 'ConsumerARN'] });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['kinesis:DescribeStreamConsumer', 'kinesis:SubscribeToShard'],
            Resource: { 'Fn::GetAtt': [consumerId, 'ConsumerARN'] },
          }),
        ]),
      },
    });
  });

  test('without enhanced fan-out there is no stream consumer and the mapping polls the stream', () => {
    const { template } = build();
    template.resourceCountIs('AWS::Kinesis::StreamConsumer', 0);
  });

  test('a tumbling window over 15 minutes and a sixth filter are rejected with the allowed range', () => {
    assert.match(
      rejection({ tumblingWindow: Duration.seconds(901) }).message,
      /tumblingWindow must be between 0 and 900 seconds \(got 901\)/,
    );
    assert.match(
      rejection({ filters: Array.from({ length: 6 }, () => ({ a: ['b'] })) }).message,
      /filters must be between 0 and 5 filters \(got 6\)/,
    );
  });

  test('an infinite record age and infinite retries are written as -1', () => {
    const properties = esmProperties(build({ maxRecordAge: 'infinite', retryAttempts: -1 }).template);
    assert.equal(properties.MaximumRecordAgeInSeconds, -1);
    assert.equal(properties.MaximumRetryAttempts, -1);
  });

  test('AT_TIMESTAMP starts at the given time, in seconds since the epoch', () => {
    const properties = esmProperties(
      build({ startingPosition: 'AT_TIMESTAMP', startingPositionTimestamp: new Date('2026-01-31T12:00:00Z') }).template,
    );
    assert.equal(properties.StartingPosition, 'AT_TIMESTAMP');
    assert.equal(properties.StartingPositionTimestamp, Date.UTC(2026, 0, 31, 12) / 1000);
  });

  test('without a dead-letter queue the mapping has no on-failure destination', () => {
    const { template, consumer } = build({ deadLetterQueue: false });
    template.resourceCountIs('AWS::SQS::Queue', 0);
    assert.equal(esmProperties(template).DestinationConfig, undefined);
    assert.equal(consumer.deadLetterQueue, undefined);
  });

  test('a dead-letter queue key encrypts the queue, and the role may use only that key for it', () => {
    const stack = bareStack('KeyStack');
    const key = new kms.Key(stack, 'QueueKey', { enableKeyRotation: true });
    const consumer = new StreamConsumer(stack, 'Consumer', {
      stream: new kinesis.Stream(stack, 'Stream'),
      entry: BUILTIN_HANDLERS.kinesisConsumer,
      deadLetterQueueEncryptionKey: key,
    });
    const template = Template.fromStack(stack);
    const keyId = stack.getLogicalId(key.node.defaultChild as never);
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(consumer.role.node.defaultChild as never) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
          },
        ]),
      },
    });
  });

  test('with a customer managed stream key, the role may decrypt with it and nothing more', () => {
    const { template } = build({}, kinesis.StreamEncryption.KMS);
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0]!;
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } },
        ]),
      },
    });
  });

  test('a batch size of 0 is rejected with the allowed range', () => {
    const error = rejection({ batchSize: 0 });
    assert.equal(error.code, 'SK_VALIDATION');
    assert.match(error.message, /batchSize must be between 1 and 10000 records \(got 0\)/);
  });

  test('AT_TIMESTAMP without a timestamp is rejected', () => {
    assert.match(rejection({ startingPosition: 'AT_TIMESTAMP' }).message, /startingPositionTimestamp is required/);
  });
});
