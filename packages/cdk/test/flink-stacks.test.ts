import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import {
  alarmsFor,
  FARE_ESTIMATE_ROUTE,
  FLINK_BUILD_COMMAND,
  FLINK_PROPERTY_GROUPS,
  LAMBDA_RUNTIME,
  type PipelineSpec,
  StreamkitError,
} from '@streamkit/core';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildPipelineApp } from '../src/app.ts';
import { FEATURE_FLAGS } from '../src/feature-flags.ts';
import { NOTEBOOK_KINESIS_CONNECTOR } from '../src/flink/studio-notebook.ts';
import { NAG_ACKNOWLEDGEMENTS } from '../src/nag.ts';
import { PipelineStack } from '../src/pipeline-stack.ts';
import { FIXTURE_JARS, type SynthesizedPipeline, specOf, synthPipeline, tempDir } from './support/stacks.ts';

type Json = Record<string, unknown>;
const k2 = (yaml = '') => specOf(yaml, 'kpl-kinesis-flink-s3');
const k4 = (yaml = '') => specOf(yaml, 'kinesis-flink-apigw');
const synth = (spec: PipelineSpec) =>
  synthPipeline(spec, { bundle: false, stackProps: { flinkJobJars: FIXTURE_JARS } });

const logicalId = (p: SynthesizedPipeline, element: unknown) => p.stack.getLogicalId(element as CfnElement);

function only(p: SynthesizedPipeline, type: string): { id: string; Properties: Json; DependsOn?: string[] } {
  const found = Object.entries(p.template.findResources(type));
  assert.equal(found.length, 1, `one ${type}`);
  const [id, resource] = found[0]!;
  return { id, ...(resource as { Properties: Json; DependsOn?: string[] }) };
}

/** The statements of the policies attached to `roleId`. */
function statementsOf(p: SynthesizedPipeline, roleId: string): { Sid?: string; Action: unknown; Resource: unknown }[] {
  return Object.values(p.template.findResources('AWS::IAM::Policy')).flatMap((policy) => {
    const props = (policy as { Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: never[] } } })
      .Properties;
    return props.Roles.some((r) => r.Ref === roleId) ? props.PolicyDocument.Statement : [];
  });
}

const FLINK_ALARM_IDS = [
  'FlinkDowntime',
  'FlinkCheckpointFailures',
  'FlinkCpuUtilization',
  'FlinkHeapMemoryUtilization',
  'FlinkOldGenerationGc',
  'FlinkMillisBehindLatest',
];

describe('kpl-kinesis-flink-s3 with every default: a SQL application', () => {
  let p: SynthesizedPipeline;
  before(() => {
    p = synth(k2());
  });

  test('the application runs the SQL runner jar on FLINK-2_2 with AWS’s defaults, written out', () => {
    const app = only(p, 'AWS::KinesisAnalyticsV2::Application');
    p.template.hasResourceProperties('AWS::KinesisAnalyticsV2::Application', {
      RuntimeEnvironment: 'FLINK-2_2',
      ApplicationConfiguration: {
        ApplicationCodeConfiguration: {
          CodeContentType: 'ZIPFILE',
          CodeContent: { S3ContentLocation: { FileKey: Match.stringLikeRegexp('\\.jar$') } },
        },
        FlinkApplicationConfiguration: {
          CheckpointConfiguration: {
            ConfigurationType: 'CUSTOM',
            CheckpointingEnabled: true,
            CheckpointInterval: 60_000,
            MinPauseBetweenCheckpoints: 5000,
          },
          MonitoringConfiguration: { ConfigurationType: 'CUSTOM', LogLevel: 'INFO', MetricsLevel: 'APPLICATION' },
          ParallelismConfiguration: {
            ConfigurationType: 'CUSTOM',
            AutoScalingEnabled: true,
            Parallelism: 1,
            ParallelismPerKPU: 1,
          },
        },
        ApplicationSnapshotConfiguration: { SnapshotsEnabled: true },
        VpcConfigurations: Match.absent(),
      },
      RunConfiguration: { ApplicationRestoreConfiguration: { ApplicationRestoreType: 'RESTORE_FROM_LATEST_SNAPSHOT' } },
    });
    assert.equal(app.Properties.ApplicationName, undefined, 'CloudFormation names it: two stacks never collide');
  });

  test('the runner is told where the SQL is, which stream it reads and where it writes', () => {
    const app = only(p, 'AWS::KinesisAnalyticsV2::Application');
    const groups = (app.Properties.ApplicationConfiguration as Json).EnvironmentProperties as {
      PropertyGroups: { PropertyGroupId: string; PropertyMap: Json }[];
    };
    const byId = Object.fromEntries(groups.PropertyGroups.map((g) => [g.PropertyGroupId, g.PropertyMap]));
    const sqlUri = JSON.stringify(byId[FLINK_PROPERTY_GROUPS.sqlRunner]!['sql.uri']);
    assert.match(sqlUri, /s3:\/\//);
    assert.match(sqlUri, /\.sql/);
    const variables = byId[FLINK_PROPERTY_GROUPS.sqlVariables]!;
    assert.deepEqual(variables.STREAM_NAME, { Ref: logicalId(p, p.stack.dataStream.stream.node.defaultChild) });
    assert.deepEqual(variables.AWS_REGION, { Ref: 'AWS::Region' });
    assert.match(
      JSON.stringify(variables.OUTPUT_PATH),
      new RegExp(logicalId(p, p.stack.output!.bucket.node.defaultChild)),
    );
  });

  test('its role reads the jar, the SQL and the stream, writes its log and the output bucket — nothing else', () => {
    const statements = statementsOf(p, logicalId(p, p.stack.flinkApplication!.role.node.defaultChild));
    const sids = statements.map((s) => s.Sid).filter(Boolean);
    assert.deepEqual(sids.sort(), [
      'ListTheOutputBucket',
      'ReadTheJar',
      'ReadTheSql',
      'WriteTheApplicationLog',
      'WriteTheOutputObjects',
    ]);
    const actions = statements.flatMap((s) => [s.Action].flat() as string[]);
    assert.ok(actions.includes('kinesis:GetRecords'));
    assert.ok(!actions.some((a) => a.endsWith('*')), `no action wildcards: ${actions.join(', ')}`);
  });

  test('the log group keeps 30 days and is deleted with the stack; the logging option points at its stream', () => {
    const logging = only(p, 'AWS::KinesisAnalyticsV2::ApplicationCloudWatchLoggingOption');
    assert.match(JSON.stringify(logging.Properties), /:log-stream:/);
    const group = logicalId(p, p.stack.flinkApplication!.logGroup.node.defaultChild);
    p.template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Delete',
    });
    assert.ok(p.template.toJSON().Resources[group]);
  });

  test('the lifecycle resource starts the application and, deleted first, stops it before the stack deletes it', () => {
    const lifecycle = only(p, 'Custom::FlinkApplicationLifecycle');
    assert.equal(lifecycle.Properties.Start, 'true');
    assert.deepEqual(lifecycle.Properties.ApplicationName, { Ref: only(p, 'AWS::KinesisAnalyticsV2::Application').id });
    const loggingId = only(p, 'AWS::KinesisAnalyticsV2::ApplicationCloudWatchLoggingOption').id;
    assert.ok(lifecycle.DependsOn?.includes(loggingId), 'deleted before the logging option and the application');
    const fn = logicalId(p, p.stack.flinkApplication!.lifecycle.function.node.defaultChild);
    p.template.hasResourceProperties('AWS::Lambda::Function', { Runtime: LAMBDA_RUNTIME, Timeout: 900 });
    const statements = statementsOf(p, logicalId(p, p.stack.flinkApplication!.lifecycle.role.node.defaultChild));
    const flink = statements.find((s) => JSON.stringify(s.Action).includes('kinesisanalytics'))!;
    assert.deepEqual(flink.Action, [
      'kinesisanalytics:DescribeApplication',
      'kinesisanalytics:StartApplication',
      'kinesisanalytics:StopApplication',
    ]);
    assert.match(JSON.stringify(flink.Resource), /:application\//);
    assert.ok(p.template.toJSON().Resources[fn]);
  });

  test('bug 7: no account-wide Glue catalog encryption setting', () => {
    p.template.resourceCountIs('AWS::Glue::DataCatalogEncryptionSettings', 0);
  });

  test('the producer: one instance in an Auto Scaling group, IMDSv2 only, encrypted, monitored, no SSH, SSM', () => {
    p.template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: {
        InstanceType: 't3.small',
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        Monitoring: { Enabled: true },
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true } }],
        KeyName: Match.absent(),
      },
    });
    p.template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '1',
      MaxSize: '1',
      NotificationConfigurations: [
        {
          TopicARN: { Ref: logicalId(p, p.stack.monitoring.topic.node.defaultChild) },
          NotificationTypes: Match.anyValue(),
        },
      ],
    });
    const group = only(p, 'AWS::EC2::SecurityGroup');
    assert.equal(group.Properties.SecurityGroupIngress, undefined, 'no inbound rule');
    assert.deepEqual(group.Properties.SecurityGroupEgress, [
      {
        CidrIp: '0.0.0.0/0',
        Description: 'HTTPS to AWS APIs and package mirrors',
        FromPort: 443,
        IpProtocol: 'tcp',
        ToPort: 443,
      },
    ]);
    const statements = statementsOf(p, logicalId(p, p.stack.producer!.role.node.defaultChild));
    assert.ok(statements.some((s) => JSON.stringify(s.Action).includes('ssmmessages:OpenDataChannel')));
    assert.deepEqual(
      [statements.find((s) => JSON.stringify(s.Action).includes('kinesis:PutRecords'))!.Action].flat().sort(),
      ['kinesis:DescribeStreamSummary', 'kinesis:ListShards', 'kinesis:PutRecords'],
    );
    p.template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT' });
  });

  test('the producer’s code asset holds the packages’ sources and lock file, without node_modules or tests', () => {
    const staged = join(p.assemblyDir, p.stack.producer!.source.assetPath);
    for (const file of [
      'package.json',
      'package-lock.json',
      'packages/cli/bin/streamkit.js',
      'packages/cli/src/commands/produce.ts',
      'packages/core/src/flink/job-contract.ts',
      'packages/core/src/docs/limits-doc.ts',
      'packages/core/src/presets/sql/stock-ticks-to-s3.sql',
      'packages/producer/src/generators/taxi-rides.ts',
    ]) {
      assert.ok(existsSync(join(staged, file)), file);
    }
    for (const absent of ['node_modules', 'packages/core/node_modules', 'packages/cdk/test', 'docs', 'flink', '.git']) {
      assert.ok(!existsSync(join(staged, absent)), absent);
    }
  });

  test('the producer’s user data installs Node.js 22, the repository’s packages and runs streamkit produce as a service', () => {
    const template = only(p, 'AWS::EC2::LaunchTemplate');
    const userData = JSON.stringify((template.Properties.LaunchTemplateData as Json).UserData);
    for (const expected of [
      'dnf install -y nodejs22 nodejs22-npm unzip',
      'npm-22 ci --omit=dev',
      'streamkit.js produce --preset kpl-kinesis-flink-s3 --stream ',
      '--data stock --rate 100',
      'systemctl enable --now streamkit-producer',
      "aws s3 cp 's3://",
    ]) {
      assert.ok(userData.includes(expected), expected);
    }
  });

  test('the original’s Flink alarms, on the application’s name, notify the topic', () => {
    const app = only(p, 'AWS::KinesisAnalyticsV2::Application').id;
    for (const id of FLINK_ALARM_IDS) {
      const alarm = p.stack.monitoring.alarms.get(id);
      assert.ok(alarm, id);
    }
    p.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/KinesisAnalytics',
      MetricName: 'oldGenerationGCTime',
      Threshold: 36_000,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'Application', Value: { Ref: app } }],
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: logicalId(p, p.stack.monitoring.topic.node.defaultChild) }],
    });
    p.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'millisBehindLatest',
      Threshold: 60_000,
      Dimensions: Match.arrayWith([{ Name: 'Flow', Value: 'Input' }]),
    });
    p.template.resourceCountIs('AWS::CloudWatch::Alarm', alarmsFor(k2()).length);
  });

  test('the dashboard has the Flink graphs and the original’s Logs Insights queries', () => {
    const dashboard = JSON.stringify(only(p, 'AWS::CloudWatch::Dashboard').Properties.DashboardBody);
    for (const expected of [
      'numRecordsInPerSecond',
      'currentOutputWatermark',
      'RUNNING to RESTARTING',
      'limit 20',
      'cpuUtilization',
    ]) {
      assert.ok(dashboard.includes(expected), expected);
    }
  });

  test('cdk-nag finds nothing unacknowledged; the acknowledgements are the shared ones, none new', () => {
    assert.deepEqual(p.findings, []);
    assert.deepEqual(
      p.acknowledgements.map((a) => a.id).sort(),
      [
        `AwsSolutions-IAM5[Resource::<${logicalId(p, p.stack.output!.bucket.node.defaultChild)}.Arn>/*]`,
        'AwsSolutions-IAM5[Resource::*]',
      ].sort(),
    );
    const reasons = new Set(Object.values(NAG_ACKNOWLEDGEMENTS).map((a) => a.reason));
    for (const a of p.acknowledgements) assert.ok(reasons.has(a.reason));
  });
});

describe('kpl-kinesis-flink-s3 with every application setting away from its default', () => {
  let p: SynthesizedPipeline;
  before(() => {
    p = synth(
      k2(`
flink:
  parallelism: 8
  parallelismPerKpu: 2
  autoScaling: false
  checkpointInterval: 2m
  minPauseBetweenCheckpoints: 10s
  snapshots: false
  logLevel: WARN
  metricsLevel: OPERATOR
  vpc: { subnetIds: [subnet-0123456789abcdef0, subnet-0fedcba9876543210], securityGroupIds: [sg-0123456789abcdef0] }
producer: { instanceType: t4g.small, rate: 250, autoStart: false }
bucket: { intelligentTieringDays: 30 }
`),
    );
  });

  test('each setting reaches the application', () => {
    p.template.hasResourceProperties('AWS::KinesisAnalyticsV2::Application', {
      RuntimeEnvironment: 'FLINK-2_2',
      ApplicationConfiguration: {
        FlinkApplicationConfiguration: {
          CheckpointConfiguration: { CheckpointInterval: 120_000, MinPauseBetweenCheckpoints: 10_000 },
          MonitoringConfiguration: { LogLevel: 'WARN', MetricsLevel: 'OPERATOR' },
          ParallelismConfiguration: { AutoScalingEnabled: false, Parallelism: 8, ParallelismPerKPU: 2 },
        },
        ApplicationSnapshotConfiguration: { SnapshotsEnabled: false },
        VpcConfigurations: [
          {
            SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
            SecurityGroupIds: ['sg-0123456789abcdef0'],
          },
        ],
      },
      RunConfiguration: { ApplicationRestoreConfiguration: { ApplicationRestoreType: 'SKIP_RESTORE_FROM_SNAPSHOT' } },
    });
  });

  test('with a VPC, the role may create network interfaces in the given subnets only', () => {
    const statements = statementsOf(p, logicalId(p, p.stack.flinkApplication!.role.node.defaultChild));
    const create = statements.find((s) => s.Sid === 'CreateNetworkInterfacesInTheGivenSubnets')!;
    assert.match(JSON.stringify(create.Resource), /subnet\/subnet-0123456789abcdef0/);
    assert.match(JSON.stringify(create.Resource), /security-group\/sg-0123456789abcdef0/);
  });

  test('a Graviton producer gets an arm64 image; a producer not started on boot is installed but not enabled', () => {
    const template = only(p, 'AWS::EC2::LaunchTemplate');
    const data = template.Properties.LaunchTemplateData as Json;
    assert.equal(data.InstanceType, 't4g.small');
    assert.match(JSON.stringify(data.ImageId), /arm64/);
    const userData = JSON.stringify(data.UserData);
    assert.ok(userData.includes('--rate 250'));
    assert.ok(!userData.includes('systemctl enable --now'));
  });

  test('checkpointing off leaves the interval out', () => {
    const off = synth(k2('flink: { checkpointing: false }'));
    off.template.hasResourceProperties('AWS::KinesisAnalyticsV2::Application', {
      ApplicationConfiguration: {
        FlinkApplicationConfiguration: {
          CheckpointConfiguration: {
            CheckpointingEnabled: false,
            CheckpointInterval: Match.absent(),
            MinPauseBetweenCheckpoints: Match.absent(),
          },
        },
      },
    });
  });

  test('cdk-nag finds nothing unacknowledged with a VPC either', () => {
    assert.deepEqual(p.findings, []);
  });
});

describe('kpl-kinesis-flink-s3 in notebook mode: a Studio notebook', () => {
  let p: SynthesizedPipeline;
  before(() => {
    p = synth(k2('flink: { mode: notebook, logLevel: DEBUG }'));
  });

  test('a Zeppelin notebook with its own Glue database as catalog and the Kinesis connector', () => {
    const database = only(p, 'AWS::Glue::Database').id;
    p.template.hasResourceProperties('AWS::KinesisAnalyticsV2::Application', {
      RuntimeEnvironment: 'ZEPPELIN-FLINK-3_0',
      ApplicationMode: 'INTERACTIVE',
      ApplicationConfiguration: {
        ZeppelinApplicationConfiguration: {
          MonitoringConfiguration: { LogLevel: 'DEBUG' },
          CatalogConfiguration: {
            GlueDataCatalogConfiguration: { DatabaseARN: Match.objectLike({ 'Fn::Join': Match.anyValue() }) },
          },
          CustomArtifactsConfiguration: [
            {
              ArtifactType: 'DEPENDENCY_JAR',
              MavenReference: {
                GroupId: NOTEBOOK_KINESIS_CONNECTOR.groupId,
                ArtifactId: NOTEBOOK_KINESIS_CONNECTOR.artifactId,
                Version: NOTEBOOK_KINESIS_CONNECTOR.version,
              },
            },
          ],
        },
      },
    });
    const arn = JSON.stringify(
      (
        (only(p, 'AWS::KinesisAnalyticsV2::Application').Properties.ApplicationConfiguration as Json)
          .ZeppelinApplicationConfiguration as Json
      ).CatalogConfiguration,
    );
    assert.ok(arn.includes(database));
  });

  test('bug 7: no account-wide catalog encryption, in notebook mode either', () => {
    p.template.resourceCountIs('AWS::Glue::DataCatalogEncryptionSettings', 0);
  });

  test('no jar is uploaded and the notebook is not started, but stopped before delete', () => {
    assert.equal(p.stack.flinkApplication, undefined);
    assert.equal(only(p, 'Custom::FlinkApplicationLifecycle').Properties.Start, 'false');
  });

  test('the notebook’s role manages tables of its own database only and writes the output bucket', () => {
    const statements = statementsOf(p, logicalId(p, p.stack.studioNotebook!.role.node.defaultChild));
    const tables = statements.find((s) => s.Sid === 'ManageTheTablesOfItsDatabase')!;
    assert.match(
      JSON.stringify(tables.Resource),
      new RegExp(`table/",\\{"Ref":"${only(p, 'AWS::Glue::Database').id}"\\},"/\\*`),
    );
    assert.ok(statements.some((s) => s.Sid === 'WriteTheOutputObjects'));
  });

  test('the alarms watch the notebook', () => {
    p.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'downtime',
      Dimensions: [{ Name: 'Application', Value: { Ref: only(p, 'AWS::KinesisAnalyticsV2::Application').id } }],
    });
  });

  test('cdk-nag finds nothing unacknowledged', () => {
    assert.deepEqual(p.findings, []);
  });
});

describe('kinesis-flink-apigw with every default', () => {
  let p: SynthesizedPipeline;
  before(() => {
    p = synth(k4());
  });

  test('the fare API: POST /fare-estimate, SigV4 and an API key, the body validated, the function behind it', () => {
    p.template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      AuthorizationType: 'AWS_IAM',
      ApiKeyRequired: true,
      RequestValidatorId: Match.anyValue(),
      RequestModels: { 'application/json': Match.anyValue() },
      Integration: { Type: 'AWS_PROXY' },
    });
    p.template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: FARE_ESTIMATE_ROUTE });
    p.template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Throttle: { RateLimit: 20, BurstLimit: 100 } });
    p.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: LAMBDA_RUNTIME,
      Handler: 'index.handler',
      Timeout: 10,
    });
  });

  test('bug 6: the API key lives in a rotated secret — no value in the template or the application’s properties', () => {
    p.template.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    const secret = only(p, 'AWS::SecretsManager::Secret');
    assert.deepEqual(secret.Properties.GenerateSecretString, {
      SecretStringTemplate: '{}',
      GenerateStringKey: 'apiKey',
      ExcludePunctuation: true,
      PasswordLength: 40,
    });
    const app = JSON.stringify(only(p, 'AWS::KinesisAnalyticsV2::Application').Properties);
    assert.ok(app.includes(`"api.key.secret":{"Ref":"${secret.id}"}`), 'the job gets the secret’s ARN');
    assert.ok(!/apikey"\s*:\s*"|x-api-key|api\.key"/i.test(app));
  });

  test('the secret rotates every 30 days with streamkit’s rotation function, first as the stack is created', () => {
    const schedule = only(p, 'AWS::SecretsManager::RotationSchedule');
    const fn = logicalId(p, p.stack.fareApi!.apiKey.function.node.defaultChild);
    assert.deepEqual(schedule.Properties.SecretId, { Ref: only(p, 'AWS::SecretsManager::Secret').id });
    assert.deepEqual(schedule.Properties.RotationLambdaARN, { 'Fn::GetAtt': [fn, 'Arn'] });
    assert.deepEqual(schedule.Properties.RotationRules, { ScheduleExpression: 'rate(30 days)' });
    assert.equal(schedule.Properties.RotateImmediatelyOnUpdate, undefined, 'AWS’s default: rotate when created');
    for (const dependency of ['UsagePlan', 'Keys']) {
      assert.ok(
        schedule.DependsOn?.some((d) => d.includes(dependency)),
        `after the ${dependency}: ${schedule.DependsOn}`,
      );
    }
    p.template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
      Principal: 'secretsmanager.amazonaws.com',
    });
    p.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          USAGE_PLAN_ID: { Ref: only(p, 'AWS::ApiGateway::UsagePlan').id },
          FARE_ESTIMATE_URL: Match.anyValue(),
        }),
      },
    });
    const keys = only(p, 'Custom::FareApiKeys');
    assert.deepEqual(keys.Properties.ServiceToken, { 'Fn::GetAtt': [fn, 'Arn'] });
    const lifecycle = only(p, 'Custom::FlinkApplicationLifecycle');
    assert.ok(lifecycle.DependsOn?.includes(schedule.id), 'the job starts once the first key exists');
    const custom = synth(k4('enrichment: { apiKeyRotationDays: 7 }'));
    custom.template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(7 days)' },
    });
  });

  test('the rotation’s role manages keys tagged with its usage plan only, adds keys to that plan only', () => {
    const plan = { Ref: only(p, 'AWS::ApiGateway::UsagePlan').id };
    const tagged = (kind: 'RequestTag' | 'ResourceTag') => ({
      StringEquals: { [`aws:${kind}/streamkit:usage-plan`]: plan },
    });
    const statements = statementsOf(p, logicalId(p, p.stack.fareApi!.apiKey.role.node.defaultChild)) as {
      Sid?: string;
      Action: unknown;
      Resource: unknown;
      Condition?: unknown;
    }[];
    const bySid = (sid: string) => statements.find((s) => s.Sid === sid)!;
    assert.deepEqual(bySid('CreateKeysTaggedWithThePlan').Condition, tagged('RequestTag'));
    assert.deepEqual(bySid('TagTheNewKeysWithThePlan').Condition, tagged('RequestTag'));
    assert.deepEqual(bySid('DeleteOnlyKeysOfThePlan').Condition, tagged('ResourceTag'));
    assert.equal(bySid('DeleteOnlyKeysOfThePlan').Action, 'apigateway:DELETE');
    assert.match(
      JSON.stringify(bySid('AddKeysToThePlan').Resource),
      new RegExp(`/usageplans/",\\{"Ref":"${plan.Ref}"\\},"/keys"`),
    );
    assert.match(JSON.stringify(bySid('TestTheNewKey').Resource), /\/POST\/fare-estimate/);
    const secretActions = statements
      .filter((s) => JSON.stringify(s.Resource).includes(only(p, 'AWS::SecretsManager::Secret').id))
      .flatMap((s) => [s.Action].flat());
    assert.ok(secretActions.includes('secretsmanager:PutSecretValue'));
    assert.ok(secretActions.includes('secretsmanager:UpdateSecretVersionStage'));
    for (const s of statements) {
      const actions = [s.Action].flat() as string[];
      if (actions.some((a) => a.startsWith('apigateway:') && a !== 'apigateway:GET' && a !== 'apigateway:POST')) {
        assert.ok(s.Condition, `${s.Sid}: a write on keys names the plan’s tag`);
      }
    }
  });

  test('bug 14: the job has no credentials of its own — it signs with its role, which may call the API and read the key', () => {
    p.template.resourceCountIs('AWS::IAM::AccessKey', 0);
    p.template.resourceCountIs('AWS::IAM::User', 0);
    const app = JSON.stringify(only(p, 'AWS::KinesisAnalyticsV2::Application').Properties);
    assert.ok(!/accessKey|credentials|secret_?key/i.test(app));
    const statements = statementsOf(p, logicalId(p, p.stack.flinkApplication!.role.node.defaultChild));
    const invoke = statements.find((s) => s.Sid === 'CallTheFareApi')!;
    assert.match(JSON.stringify(invoke.Resource), /\/POST\/fare-estimate/);
    const read = statements.find((s) => JSON.stringify(s.Action).includes('secretsmanager:GetSecretValue'))!;
    assert.deepEqual(read.Resource, { Ref: only(p, 'AWS::SecretsManager::Secret').id }, 'that one secret');
    assert.ok(!statements.some((s) => JSON.stringify(s.Action).includes('apigateway:')), 'no API Gateway management');
  });

  test('the enriched rides go to an encrypted, TLS-only, access-logged bucket the job may write objects of', () => {
    const bucket = logicalId(p, p.stack.output!.bucket.node.defaultChild);
    const app = JSON.stringify(only(p, 'AWS::KinesisAnalyticsV2::Application').Properties);
    assert.ok(app.includes(`"output.path":{"Fn::Join":["",["s3://",{"Ref":"${bucket}"},"/enriched/"]]}`), app);
    p.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: Match.anyValue(),
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
      PublicAccessBlockConfiguration: Match.anyValue(),
    });
    p.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    const statements = statementsOf(p, logicalId(p, p.stack.flinkApplication!.role.node.defaultChild));
    const write = statements.find((s) => s.Sid === 'WriteTheOutputObjects')!;
    assert.deepEqual(write.Resource, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/*']] });
    p.template.hasOutput('OutputBucketName', { Value: { Ref: bucket } });
  });

  test('the enrichment job’s properties carry the spec’s settings', () => {
    p.template.hasResourceProperties('AWS::KinesisAnalyticsV2::Application', {
      ApplicationConfiguration: {
        EnvironmentProperties: {
          PropertyGroups: [
            {
              PropertyGroupId: FLINK_PROPERTY_GROUPS.enrichment,
              PropertyMap: Match.objectLike({ 'timeout.ms': '30000', capacity: '20', retries: '3', ordered: 'false' }),
            },
          ],
        },
      },
    });
  });

  test('the producer replays taxi rides', () => {
    const userData = JSON.stringify(
      (only(p, 'AWS::EC2::LaunchTemplate').Properties.LaunchTemplateData as Json).UserData,
    );
    assert.ok(userData.includes('--preset kinesis-flink-apigw'));
    assert.ok(userData.includes('--data taxi'));
  });

  test('alarms: the Flink block, and the fare API’s 5xx and its function’s errors and throttles', () => {
    const ids = [...p.stack.monitoring.alarms.keys()];
    for (const id of [
      ...FLINK_ALARM_IDS,
      'EnrichmentApiServerErrors',
      'EnrichmentFunctionErrors',
      'EnrichmentFunctionThrottles',
    ]) {
      assert.ok(ids.includes(id), id);
    }
    p.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(p, p.stack.fareApi!.function.node.defaultChild) } }],
    });
  });

  test('cdk-nag finds nothing unacknowledged; the API’s are the ingest API’s acknowledgements', () => {
    assert.deepEqual(p.findings, []);
    const ids = p.acknowledgements.map((a) => a.id);
    assert.ok(!ids.includes('AwsSolutions-SMG4'), 'the secret rotates: nothing to acknowledge');
    const rotation = p.acknowledgements.filter((a) => a.constructPath === p.stack.fareApi!.apiKey.role.node.path);
    assert.deepEqual(
      rotation.map((a) => a.reason),
      [
        NAG_ACKNOWLEDGEMENTS.actionsWithoutResourceLevelPermissions.reason,
        NAG_ACKNOWLEDGEMENTS.namedAtRunTime.reason,
        NAG_ACKNOWLEDGEMENTS.namedAtRunTime.reason,
      ],
      'the shared entries, none new',
    );
    assert.ok(ids.includes(NAG_ACKNOWLEDGEMENTS.apiWithoutWaf.id));
    assert.ok(ids.includes(NAG_ACKNOWLEDGEMENTS.ingestAuthNotCognito.id));
    assert.ok(ids.includes(NAG_ACKNOWLEDGEMENTS.apiGatewayCloudWatchRole.id));
  });

  test('custom enrichment settings reach the properties and the usage plan', () => {
    const custom = synth(
      k4(
        'enrichment: { timeout: 5s, capacity: 100, retries: 0, ordered: true, throttling: { rateLimit: 500, burstLimit: 1000 } }',
      ),
    );
    custom.template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 500, BurstLimit: 1000 },
    });
    custom.template.hasResourceProperties('AWS::KinesisAnalyticsV2::Application', {
      ApplicationConfiguration: {
        EnvironmentProperties: {
          PropertyGroups: [
            { PropertyMap: Match.objectLike({ 'timeout.ms': '5000', capacity: '100', retries: '0', ordered: 'true' }) },
          ],
        },
      },
    });
  });
});

describe('the Flink presets side by side', () => {
  test('two stacks of each preset synthesize in one app without a fixed name between them', () => {
    const app = new App({
      outdir: tempDir(),
      context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [] },
    });
    const stacks = [
      new PipelineStack(app, 'ticks-a', { spec: k2(), flinkJobJars: FIXTURE_JARS }),
      new PipelineStack(app, 'ticks-b', { spec: k2('flink: { mode: notebook }'), flinkJobJars: FIXTURE_JARS }),
      new PipelineStack(app, 'rides-a', { spec: k4(), flinkJobJars: FIXTURE_JARS }),
      new PipelineStack(app, 'rides-b', { spec: k4(), flinkJobJars: FIXTURE_JARS }),
    ];
    app.synth();
    for (const stack of stacks) {
      const template = Template.fromStack(stack).toJSON() as {
        Resources: Record<string, { Type: string; Properties?: Json }>;
      };
      for (const [id, resource] of Object.entries(template.Resources)) {
        const props = resource.Properties ?? {};
        for (const nameKey of [
          'ApplicationName',
          'DashboardName',
          'TopicName',
          'BucketName',
          'RoleName',
          'FunctionName',
        ]) {
          // A reference to a resource's generated name is fine; a literal name would collide.
          assert.notEqual(typeof props[nameKey], 'string', `${stack.stackName}/${id} has a fixed ${nameKey}`);
        }
      }
    }
  });

  test('the CDK app takes the jars from context (-c enrichmentJar=…)', () => {
    const { stack } = buildPipelineApp({
      outdir: tempDir(),
      context: { preset: 'kinesis-flink-apigw', enrichmentJar: FIXTURE_JARS.enrichment, 'aws:cdk:bundling-stacks': [] },
      env: {},
    });
    assert.ok(stack.flinkApplication);
  });

  test('a Flink preset without its jar built says how to build it', () => {
    const app = new App({ outdir: tempDir(), context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [] } });
    assert.throws(
      () =>
        new PipelineStack(app, 'no-jar', { spec: k4(), flinkJobJars: { enrichment: '/nonexistent/enrichment.jar' } }),
      (error: unknown) =>
        error instanceof StreamkitError && error.code === 'SK_NOT_FOUND' && error.message.includes(FLINK_BUILD_COMMAND),
    );
  });
});
