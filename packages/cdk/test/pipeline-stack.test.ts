import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { alarmsFor, LAMBDA_RUNTIME, LIMITS } from '@streamkit/core';
import { Match } from 'aws-cdk-lib/assertions';
import { type SynthesizedPipeline, specOf, synthPipeline } from './support/stacks.ts';

const ENRICH_HANDLER = fileURLToPath(new URL('./fixtures/enrich-handler.ts', import.meta.url));

/** Every setting away from its default, so that each one shows in the template. */
const CUSTOM_SPEC = specOf(`
name: orders
description: Order events from the shop
tags:
  team: data
ingest:
  auth: cognito
  throttling: { rateLimit: 300, burstLimit: 120 }
  tracing: true
stream:
  mode: PROVISIONED
  shardCount: 3
  retentionHours: 72
  encryption: KMS
  shardLevelMetrics: [IncomingBytes, IteratorAgeMilliseconds]
consumers:
  - name: enrich
    handler: ${ENRICH_HANDLER}
    export: process
    memorySize: 512
    timeout: 2m
    environment: { TABLE: orders, RETRIES: 5 }
    batchSize: 500
    maxBatchingWindow: 5s
    parallelizationFactor: 6
    retryAttempts: 2
    bisectBatchOnError: false
    maxRecordAge: 2h
    startingPosition: LATEST
    reportBatchItemFailures: false
    tumblingWindow: 2m
    filters:
      - data: { status: [paid] }
      - partitionKey: [{ prefix: "eu-" }]
    enhancedFanOut: true
  - name: archive
    retryAttempts: -1
    maxRecordAge: -1
    startingPosition: AT_TIMESTAMP
    startingPositionTimestamp: 2026-01-31T12:00:00Z
    onFailure: none
monitoring:
  alarmEmail: ops@example.com
  dashboard: false
`);

const API_KEY_SPEC = specOf('name: keyed\ningest:\n  auth: apiKey\n');

function functionOf(pipeline: SynthesizedPipeline, consumer: number): string {
  const fn = pipeline.stack.consumers[consumer]!.function;
  return pipeline.stack.getLogicalId(fn.node.defaultChild as never);
}

function mappingOf(pipeline: SynthesizedPipeline, consumer: number): Record<string, unknown> {
  const mappings = pipeline.template.findResources('AWS::Lambda::EventSourceMapping', {
    Properties: { FunctionName: { Ref: functionOf(pipeline, consumer) } },
  });
  return (Object.values(mappings)[0] as { Properties: Record<string, unknown> }).Properties;
}

describe('PipelineStack for the apigw-kinesis-lambda preset with every default', () => {
  let pipeline: SynthesizedPipeline;
  before(() => {
    pipeline = synthPipeline(specOf());
  });

  test('the stack describes the service chain it deploys', () => {
    assert.equal(
      pipeline.stack.templateOptions.description,
      'streamkit apigw-kinesis-lambda: API Gateway → Kinesis Data Streams → Lambda',
    );
  });

  test('resources are tagged with the pipeline and the preset', () => {
    pipeline.template.hasResourceProperties('AWS::Kinesis::Stream', {
      Tags: Match.arrayWith([
        { Key: 'streamkit:pipeline', Value: 'apigw-kinesis-lambda' },
        { Key: 'streamkit:preset', Value: 'apigw-kinesis-lambda' },
      ]),
    });
  });

  test('the outputs give the API URL, the stream, each function, each dead-letter queue and the alarm topic', () => {
    const outputs = pipeline.template.findOutputs('*');
    assert.deepEqual(Object.keys(outputs).sort(), [
      'AlarmTopicArn',
      'ApiUrl',
      'DeadLetterQueueUrlconsumer',
      'FunctionNameconsumer',
      'StreamName',
    ]);
    const stream = pipeline.stack.getLogicalId(pipeline.stack.dataStream.stream.node.defaultChild as never);
    assert.deepEqual(outputs.StreamName!.Value, { Ref: stream });
    assert.deepEqual(outputs.FunctionNameconsumer!.Value, { Ref: functionOf(pipeline, 0) });
  });

  test('the spec’s defaults reach the stream, the API, the function and its event source mapping', () => {
    pipeline.template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      RetentionPeriodHours: 24,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    });
    pipeline.template.resourcePropertiesCountIs('AWS::ApiGateway::Method', { AuthorizationType: 'AWS_IAM' }, 2);
    pipeline.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: LAMBDA_RUNTIME,
      Handler: 'index.handler',
      MemorySize: LIMITS.lambda.memorySize.default,
    });
    assert.equal(mappingOf(pipeline, 0).MaximumRetryAttempts, LIMITS.esm.retryAttempts.default);
  });

  test('alarms are core’s for this spec, and the dashboard is there', () => {
    pipeline.template.resourceCountIs('AWS::CloudWatch::Alarm', alarmsFor(specOf()).length);
    pipeline.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    pipeline.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test('the built-in handler is bundled with esbuild into a minified CommonJS file with a source map', () => {
    const assets = readdirSync(pipeline.assemblyDir).filter((name) => name.startsWith('asset.'));
    assert.equal(assets.length, 1);
    const dir = join(pipeline.assemblyDir, assets[0]!);
    assert.deepEqual(readdirSync(dir).sort(), ['index.js', 'index.js.map']);
    const code = readFileSync(join(dir, 'index.js'), 'utf8');
    assert.match(code, /module\.exports/);
    const averageLineLength = code.length / code.split('\n').length;
    assert.ok(averageLineLength > 1000, `the bundle is not minified (${averageLineLength} characters a line)`);
    pipeline.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
    });
  });

  test('cdk-nag’s AWS Solutions checks find nothing left unacknowledged', () => {
    assert.deepEqual(pipeline.findings, []);
  });
});

describe('PipelineStack with every setting changed', () => {
  let pipeline: SynthesizedPipeline;
  before(() => {
    pipeline = synthPipeline(CUSTOM_SPEC);
  });

  test('the description adds the spec’s own, and the spec’s tags are on the resources', () => {
    assert.equal(
      pipeline.stack.templateOptions.description,
      'streamkit apigw-kinesis-lambda: API Gateway → Kinesis Data Streams → Lambda — Order events from the shop',
    );
    pipeline.template.hasResourceProperties('AWS::SQS::Queue', {
      Tags: Match.arrayWith([
        { Key: 'streamkit:pipeline', Value: 'orders' },
        { Key: 'team', Value: 'data' },
      ]),
    });
  });

  test('the stream is provisioned with 3 shards, keeps records 72 hours, uses its own key and shard-level metrics', () => {
    pipeline.template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      ShardCount: 3,
      RetentionPeriodHours: 72,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } },
      DesiredShardLevelMetrics: ['IncomingBytes', 'IteratorAgeMilliseconds'],
    });
  });

  test('the API uses Cognito, throttles at 300/s with a burst of 120 and traces with X-Ray', () => {
    pipeline.template.resourcePropertiesCountIs(
      'AWS::ApiGateway::Method',
      { AuthorizationType: 'COGNITO_USER_POOLS' },
      2,
    );
    pipeline.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 300, ThrottlingBurstLimit: 120 })],
    });
    assert.ok(pipeline.template.findOutputs('UserPoolId') && pipeline.template.findOutputs('UserPoolClientId'));
  });

  test('the first consumer runs the user’s handler export with its memory, timeout and environment', () => {
    pipeline.template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.process',
      MemorySize: 512,
      Timeout: 120,
      Environment: { Variables: Match.objectLike({ TABLE: 'orders', RETRIES: '5' }) },
    });
  });

  test('the first consumer’s event source mapping has every setting of the spec', () => {
    const mapping = mappingOf(pipeline, 0);
    assert.equal(mapping.BatchSize, 500);
    assert.equal(mapping.MaximumBatchingWindowInSeconds, 5);
    assert.equal(mapping.ParallelizationFactor, 6);
    assert.equal(mapping.MaximumRetryAttempts, 2);
    assert.equal(mapping.BisectBatchOnFunctionError, false);
    assert.equal(mapping.MaximumRecordAgeInSeconds, 7200);
    assert.equal(mapping.StartingPosition, 'LATEST');
    assert.equal(mapping.FunctionResponseTypes, undefined);
    assert.ok(mapping.DestinationConfig);
    assert.equal(mapping.TumblingWindowInSeconds, 120);
    assert.deepEqual(mapping.FilterCriteria, {
      Filters: [{ Pattern: '{"data":{"status":["paid"]}}' }, { Pattern: '{"partitionKey":[{"prefix":"eu-"}]}' }],
    });
  });

  test('the first consumer reads through an enhanced fan-out consumer of its own; the second polls the stream', () => {
    pipeline.template.resourceCountIs('AWS::Kinesis::StreamConsumer', 1);
    const consumer = pipeline.stack.consumers[0]!.fanOutConsumer!;
    const consumerId = pipeline.stack.getLogicalId(consumer.node.defaultChild as never);
    assert.deepEqual(mappingOf(pipeline, 0).EventSourceArn, { 'Fn::GetAtt': [consumerId, 'ConsumerARN'] });
    assert.deepEqual(mappingOf(pipeline, 1).EventSourceArn, {
      'Fn::GetAtt': [pipeline.stack.getLogicalId(pipeline.stack.dataStream.stream.node.defaultChild as never), 'Arn'],
    });
  });

  test('the second consumer retries until records expire, starts at a timestamp and has no dead-letter queue', () => {
    const mapping = mappingOf(pipeline, 1);
    assert.equal(mapping.MaximumRetryAttempts, -1);
    assert.equal(mapping.MaximumRecordAgeInSeconds, -1);
    assert.equal(mapping.StartingPosition, 'AT_TIMESTAMP');
    assert.equal(mapping.StartingPositionTimestamp, Date.UTC(2026, 0, 31, 12) / 1000);
    assert.equal(mapping.DestinationConfig, undefined);
    pipeline.template.resourceCountIs('AWS::SQS::Queue', 1);
    assert.deepEqual(
      Object.keys(pipeline.template.findOutputs('*')).filter((k) => k.startsWith('DeadLetterQueueUrl')),
      ['DeadLetterQueueUrlenrich'],
    );
  });

  test('alarms follow core for two consumers, the email is subscribed and there is no dashboard', () => {
    pipeline.template.resourceCountIs('AWS::CloudWatch::Alarm', alarmsFor(CUSTOM_SPEC).length);
    pipeline.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    pipeline.template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  test('cdk-nag’s AWS Solutions checks find nothing left unacknowledged', () => {
    assert.deepEqual(pipeline.findings, []);
  });
});

describe('PipelineStack with API key auth', () => {
  test('cdk-nag’s AWS Solutions checks find nothing left unacknowledged, and the key id is an output', () => {
    const pipeline = synthPipeline(API_KEY_SPEC);
    assert.deepEqual(pipeline.findings, []);
    assert.ok(pipeline.template.findOutputs('ApiKeyId').ApiKeyId);
  });
});

describe('cdk-nag acknowledgements', () => {
  for (const [what, spec] of [
    ['the defaults', specOf()],
    ['every setting changed', CUSTOM_SPEC],
    ['API key auth', API_KEY_SPEC],
  ] as const) {
    test(`with ${what}, each acknowledgement answers a real finding and every finding is acknowledged`, () => {
      const acknowledged = synthPipeline(spec, { bundle: false }).acknowledgements;
      const raw = synthPipeline(spec, { bundle: false, acknowledge: false }).findings;
      const covers = (a: { id: string; constructPath: string }, rule: string, path: string) =>
        a.id === rule && (path === a.constructPath || path.startsWith(`${a.constructPath}/`));
      for (const finding of raw) {
        for (const path of finding.constructPaths) {
          assert.ok(
            acknowledged.some((a) => covers(a, finding.rule, path)),
            `${finding.rule} on ${path} is not acknowledged`,
          );
        }
      }
      for (const acknowledgement of acknowledged) {
        assert.ok(
          raw.some((f) => f.constructPaths.some((p) => covers(acknowledgement, f.rule, p))),
          `${acknowledgement.id} on ${acknowledgement.constructPath} answers no finding`,
        );
        assert.ok(acknowledgement.reason.length > 40, `${acknowledgement.id} needs a real reason`);
      }
    });
  }
});
