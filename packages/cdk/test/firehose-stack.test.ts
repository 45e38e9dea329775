import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { alarmsFor, LAMBDA_RUNTIME, LIMITS } from '@streamkit/core';
import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { type SynthesizedPipeline, specOf, synthPipeline } from './support/stacks.ts';

const TRANSFORM = fileURLToPath(new URL('./fixtures/transform-handler.ts', import.meta.url));

const firehoseSpec = (yaml = '') => specOf(yaml, 'kinesis-firehose-s3');

/** Every setting away from its default: dynamic partitioning, Parquet, a processor, lifecycle, monitoring. */
const CUSTOM = firehoseSpec(`
name: ticks
stream: { mode: PROVISIONED, shardCount: 3, encryption: KMS }
delivery:
  bufferingHints: { sizeInMBs: 96, intervalInSeconds: 120 }
  prefix: "ticks/ticker=!{partitionKeyFromQuery:ticker}/region=!{partitionKeyFromLambda:region}/!{timestamp:yyyy/MM/dd}/"
  errorOutputPrefix: "failed/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/"
  dynamicPartitioning: { enabled: true, metadataExtractionQuery: "{ticker: .ticker}", retryDuration: 10m }
  appendDelimiterToRecord: true
  dataFormatConversion:
    enabled: true
    compression: GZIP
    columns:
      - { name: ticker, type: string }
      - { name: price, type: double }
      - { name: volume, type: bigint }
      - { name: event_time, type: timestamp }
  processor:
    handler: ${TRANSFORM}
    export: transform
    memorySize: 512
    timeout: 2m
    environment: { MODE: upper }
    bufferSizeInMBs: 2
    bufferIntervalInSeconds: 30
    numberOfRetries: 0
bucket: { abortIncompleteMultipartUploadDays: 3, intelligentTieringDays: 30 }
monitoring: { alarmEmail: ops@example.com, dashboard: false }
`);

type Props = Record<string, unknown>;
const logicalId = (p: SynthesizedPipeline, construct: { node: { defaultChild?: unknown } }) =>
  p.stack.getLogicalId(construct.node.defaultChild as CfnElement);

function destinationOf(p: SynthesizedPipeline): Props {
  const [stream] = Object.values(p.template.findResources('AWS::KinesisFirehose::DeliveryStream')) as {
    Properties: { ExtendedS3DestinationConfiguration: Props };
  }[];
  return stream!.Properties.ExtendedS3DestinationConfiguration;
}

/** The statements of the delivery stream role's policy, as [actions, resources]. */
function firehoseStatements(p: SynthesizedPipeline): { Action: string | string[]; Resource: unknown }[] {
  const role = logicalId(p, p.stack.delivery!.role);
  const policies = Object.values(p.template.findResources('AWS::IAM::Policy')) as {
    Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } };
  }[];
  const policy = policies.find((q) => q.Properties.Roles.some((r) => r.Ref === role));
  assert.ok(policy, 'the delivery stream role has a policy');
  return policy.Properties.PolicyDocument.Statement;
}

describe('PipelineStack for kinesis-firehose-s3 with every default', () => {
  let p: SynthesizedPipeline;
  before(() => {
    p = synthPipeline(firehoseSpec());
  });

  test('the stack describes its service chain and has no ingest API and no consumers', () => {
    assert.equal(
      p.stack.templateOptions.description,
      'streamkit kinesis-firehose-s3: Kinesis Data Streams → Firehose → S3',
    );
    p.template.resourceCountIs('AWS::ApiGateway::RestApi', 0);
    p.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
    p.template.resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('the delivery stream reads the Kinesis stream with its own role, has no fixed name, and no Firehose SSE', () => {
    p.template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 1);
    p.template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'KinesisStreamAsSource',
      DeliveryStreamName: Match.absent(),
      DeliveryStreamEncryptionConfigurationInput: Match.absent(),
      KinesisStreamSourceConfiguration: {
        KinesisStreamARN: { 'Fn::GetAtt': [logicalId(p, p.stack.dataStream.stream), 'Arn'] },
        RoleARN: { 'Fn::GetAtt': [logicalId(p, p.stack.delivery!.role), 'Arn'] },
      },
    });
  });

  test('the S3 destination has the original’s buffering (5 MiB, 300 s), GZIP and Hive-style prefixes, and logs errors', () => {
    const destination = destinationOf(p);
    assert.deepEqual(destination.BucketARN, { 'Fn::GetAtt': [logicalId(p, p.stack.output!.bucket), 'Arn'] });
    assert.deepEqual(destination.BufferingHints, { IntervalInSeconds: 300, SizeInMBs: 5 });
    assert.equal(destination.CompressionFormat, 'GZIP');
    assert.equal(destination.Prefix, LIMITS.firehose.prefix.default);
    assert.equal(destination.ErrorOutputPrefix, LIMITS.firehose.errorOutputPrefix.default);
    const logging = destination.CloudWatchLoggingOptions as {
      Enabled: boolean;
      LogGroupName: unknown;
      LogStreamName: { Ref: string };
    };
    assert.equal(logging.Enabled, true);
    assert.deepEqual(logging.LogGroupName, { Ref: logicalId(p, p.stack.delivery!.logGroup) });
    p.template.hasResourceProperties('AWS::Logs::LogStream', {
      LogGroupName: { Ref: logicalId(p, p.stack.delivery!.logGroup) },
    });
    assert.equal(typeof logging.LogStreamName.Ref, 'string');
    for (const absent of [
      'ProcessingConfiguration',
      'DynamicPartitioningConfiguration',
      'DataFormatConversionConfiguration',
    ]) {
      assert.equal(destination[absent], undefined, absent);
    }
    p.template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.absent(),
      RetentionInDays: LIMITS.logs.retentionDays.value,
    });
  });

  test('the delivery stream’s role may do exactly what Firehose documents, on this stream and this bucket only', () => {
    const bucket = logicalId(p, p.stack.output!.bucket);
    const statements = firehoseStatements(p);
    const actions = statements.map((s) => [s.Action].flat().sort());
    assert.deepEqual(actions, [
      ['kinesis:DescribeStream', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards'],
      [
        's3:AbortMultipartUpload',
        's3:GetBucketLocation',
        's3:GetObject',
        's3:ListBucket',
        's3:ListBucketMultipartUploads',
        's3:PutObject',
      ],
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
    ]);
    assert.deepEqual(statements[1]!.Resource, [
      { 'Fn::GetAtt': [bucket, 'Arn'] },
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/*']] },
    ]);
    p.template.resourcePropertiesCountIs(
      'AWS::IAM::Role',
      {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'firehose.amazonaws.com' } })],
        }),
      },
      1,
    );
  });

  test('the output bucket and its access-log bucket: SSE-S3, TLS only, no public access, kept on delete, no fixed names', () => {
    p.template.resourceCountIs('AWS::S3::Bucket', 2);
    p.template.resourcePropertiesCountIs(
      'AWS::S3::Bucket',
      {
        BucketName: Match.absent(),
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      },
      2,
    );
    for (const bucket of [p.stack.output!.bucket, p.stack.output!.accessLogBucket]) {
      p.template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      p.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalId(p, bucket) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
    p.template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(p, p.stack.output!.accessLogBucket) } },
    });
  });

  test('the original’s lifecycle rules: incomplete uploads aborted after 7 days, Intelligent-Tiering after 1', () => {
    p.template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'multipart-upload-rule',
            Status: 'Enabled',
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          },
          {
            Id: 'intelligent-tiering-rule',
            Status: 'Enabled',
            Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 1 }],
          },
        ],
      },
    });
  });

  test('the DataFreshness alarm (> 900 s, 5 minutes) is keyed by the delivery stream’s name, not its ARN (bug 2)', () => {
    const deliveryStream = logicalId(p, p.stack.delivery!.deliveryStream);
    p.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Firehose',
      MetricName: 'DeliveryToS3.DataFreshness',
      Dimensions: [{ Name: 'DeliveryStreamName', Value: { Ref: deliveryStream } }],
      Statistic: 'Maximum',
      Period: 300,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 900,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: logicalId(p, p.stack.monitoring.topic) }],
      OKActions: [{ Ref: logicalId(p, p.stack.monitoring.topic) }],
    });
    p.template.resourceCountIs('AWS::CloudWatch::Alarm', alarmsFor(firehoseSpec()).length);
    p.template.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      { Namespace: 'AWS/Firehose', Dimensions: [{ Name: 'DeliveryStreamName', Value: { Ref: deliveryStream } }] },
      3,
    );
    p.template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Kinesis' }, 6);
  });

  test('the dashboard graphs the delivery stream (cdk-monitoring-constructs) and the original’s delivery metrics', () => {
    const [dashboard] = Object.values(p.template.findResources('AWS::CloudWatch::Dashboard')) as {
      Properties: { DashboardBody: unknown; DashboardName?: unknown };
    }[];
    assert.equal(dashboard!.Properties.DashboardName, undefined);
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    for (const metric of [
      'DataReadFromKinesisStream.Records',
      'ThrottledGetRecords',
      'DeliveryToS3.Success',
      'DeliveryToS3.DataFreshness',
      'IncomingBytes',
    ]) {
      assert.ok(body.includes(metric), `the dashboard shows ${metric}`);
    }
  });

  test('outputs name the stream, the delivery stream, both buckets and the alarm topic', () => {
    assert.deepEqual(Object.keys(p.template.findOutputs('*')).sort(), [
      'AccessLogBucketName',
      'AlarmTopicArn',
      'DeliveryStreamName',
      'OutputBucketName',
      'StreamName',
    ]);
  });

  test('nothing account-wide: no Glue catalog encryption settings (bug 7), no unused mappings', () => {
    p.template.resourceCountIs('AWS::Glue::DataCatalogEncryptionSettings', 0);
    p.template.resourceCountIs('AWS::Glue::Database', 0);
    assert.equal(p.template.toJSON().Mappings, undefined);
  });

  test('cdk-nag finds nothing unacknowledged, with two acknowledgements that say why', () => {
    assert.deepEqual(p.findings, []);
    assert.deepEqual(
      p.acknowledgements.map((a) => a.id),
      [`AwsSolutions-IAM5[Resource::<${logicalId(p, p.stack.output!.bucket)}.Arn>/*]`, 'AwsSolutions-KDF1'],
    );
  });
});

describe('PipelineStack for kinesis-firehose-s3 with dynamic partitioning, Parquet and a processor', () => {
  let p: SynthesizedPipeline;
  before(() => {
    p = synthPipeline(CUSTOM);
  });

  test('buffering 96 MiB / 120 s, the prefixes as written, and no S3 compression (Parquet compresses itself)', () => {
    const destination = destinationOf(p);
    assert.deepEqual(destination.BufferingHints, { IntervalInSeconds: 120, SizeInMBs: 96 });
    assert.equal(destination.CompressionFormat, undefined);
    assert.equal(
      destination.Prefix,
      'ticks/ticker=!{partitionKeyFromQuery:ticker}/region=!{partitionKeyFromLambda:region}/!{timestamp:yyyy/MM/dd}/',
    );
    assert.equal(destination.ErrorOutputPrefix, 'failed/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/');
  });

  test('dynamic partitioning with a 600 s retry; processors: the Lambda, jq 1.6 extraction, the new-line delimiter', () => {
    const destination = destinationOf(p);
    assert.deepEqual(destination.DynamicPartitioningConfiguration, {
      Enabled: true,
      RetryOptions: { DurationInSeconds: 600 },
    });
    const fn = logicalId(p, p.stack.recordTransformation!.function);
    const role = logicalId(p, p.stack.delivery!.role);
    assert.deepEqual(destination.ProcessingConfiguration, {
      Enabled: true,
      Processors: [
        {
          Type: 'Lambda',
          Parameters: [
            { ParameterName: 'LambdaArn', ParameterValue: { 'Fn::GetAtt': [fn, 'Arn'] } },
            { ParameterName: 'RoleArn', ParameterValue: { 'Fn::GetAtt': [role, 'Arn'] } },
            { ParameterName: 'NumberOfRetries', ParameterValue: '0' },
            { ParameterName: 'BufferSizeInMBs', ParameterValue: '2' },
            { ParameterName: 'BufferIntervalInSeconds', ParameterValue: '30' },
          ],
        },
        {
          Type: 'MetadataExtraction',
          Parameters: [
            { ParameterName: 'MetadataExtractionQuery', ParameterValue: '{ticker: .ticker}' },
            { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
          ],
        },
        { Type: 'AppendDelimiterToRecord', Parameters: [] },
      ],
    });
  });

  test('record format conversion: OpenX JSON in, Parquet (GZIP) out, schema from the stack’s own Glue table', () => {
    const table = p.stack.delivery!.recordFormatTable!;
    assert.deepEqual(destinationOf(p).DataFormatConversionConfiguration, {
      Enabled: true,
      InputFormatConfiguration: { Deserializer: { OpenXJsonSerDe: {} } },
      OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: 'GZIP' } } },
      SchemaConfiguration: {
        CatalogId: { Ref: 'AWS::AccountId' },
        DatabaseName: { Ref: logicalId(p, { node: { defaultChild: table.database } }) },
        TableName: { Ref: logicalId(p, { node: { defaultChild: table.table } }) },
        Region: { Ref: 'AWS::Region' },
        RoleARN: { 'Fn::GetAtt': [logicalId(p, p.stack.delivery!.role), 'Arn'] },
        VersionId: 'LATEST',
      },
    });
    p.template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: Match.absent() } });
    p.template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Name: Match.absent(),
        TableType: 'EXTERNAL_TABLE',
        StorageDescriptor: Match.objectLike({
          Columns: [
            { Name: 'ticker', Type: 'string' },
            { Name: 'price', Type: 'double' },
            { Name: 'volume', Type: 'bigint' },
            { Name: 'event_time', Type: 'timestamp' },
          ],
          Location: { 'Fn::Join': ['', ['s3://', { Ref: logicalId(p, p.stack.output!.bucket) }, '/ticks/ticker=']] },
          SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        }),
      }),
    });
    p.template.resourceCountIs('AWS::Glue::DataCatalogEncryptionSettings', 0);
  });

  test('the role also invokes this one function (no other version), reads this Glue table, and decrypts the stream', () => {
    const fn = logicalId(p, p.stack.recordTransformation!.function);
    const statements = firehoseStatements(p);
    const invoke = statements.find((s) => [s.Action].flat().includes('lambda:InvokeFunction'));
    assert.deepEqual(invoke?.Resource, { 'Fn::GetAtt': [fn, 'Arn'] });
    const glue = statements.find((s) => [s.Action].flat().includes('glue:GetTable'));
    assert.deepEqual([glue?.Action].flat().sort(), ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions']);
    assert.equal((glue!.Resource as unknown[]).length, 3);
    assert.ok(statements.some((s) => [s.Action].flat().includes('kms:Decrypt')));
    assert.ok(!JSON.stringify(statements).includes('glue:GetSchemaVersion'), 'nothing on "*"');
  });

  test('the record transformation runs the user’s export with its memory, timeout and environment, traced', () => {
    p.template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.transform',
      Runtime: LAMBDA_RUNTIME,
      MemorySize: 512,
      Timeout: 120,
      Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps', MODE: 'upper' } },
      TracingConfig: { Mode: 'Active' },
      Architectures: ['arm64'],
    });
  });

  test('the lifecycle rules, the provisioned encrypted stream and an email subscription follow the spec', () => {
    p.template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 3 } }),
          Match.objectLike({ Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 30 }] }),
        ],
      },
    });
    p.template.hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: 3,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } },
    });
    p.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    p.template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  test('partition, conversion and processor alarms are added; the processor’s are keyed by its function name', () => {
    const definitions = alarmsFor(CUSTOM);
    p.template.resourceCountIs('AWS::CloudWatch::Alarm', definitions.length);
    for (const metric of ['PartitionCountExceeded', 'FailedConversion.Records', 'ExecuteProcessing.Success']) {
      p.template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Firehose', MetricName: metric });
    }
    p.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(p, p.stack.recordTransformation!.function) } }],
    });
  });

  test('outputs add the function and the Glue database and table', () => {
    const outputs = Object.keys(p.template.findOutputs('*'));
    for (const name of ['RecordTransformationFunctionName', 'GlueDatabaseName', 'GlueTableName']) {
      assert.ok(outputs.includes(name), name);
    }
  });

  test('cdk-nag finds nothing unacknowledged; the function’s X-Ray wildcard and the stream’s own key are the additions', () => {
    assert.deepEqual(p.findings, []);
    assert.deepEqual(
      p.acknowledgements.map((a) => a.id).sort(),
      [
        'AwsSolutions-IAM5[Resource::*]',
        `AwsSolutions-IAM5[Resource::<${logicalId(p, p.stack.output!.bucket)}.Arn>/*]`,
        'AwsSolutions-KDF1',
        'AwsSolutions-KDS3',
      ].sort(),
    );
  });
});
