/**
 * A Managed Service for Apache Flink application that runs a Flink SQL file over an MSK topic and writes to S3 — the
 * msk-flink-s3 preset's, kept small on purpose: the Flink presets build the general application construct (and the SQL
 * runner JAR this one deploys), and the two are to be unified. It uses the L1 `CfnApplication` (aws-cdk-lib has no
 * L2; `@aws-cdk/aws-kinesisanalytics-flink-alpha` is experimental).
 *
 * The runner takes the Flink presets' contract (`packages/core/src/flink/job-contract.ts`): `sql.uri` (the SQL file, an
 * asset) and the SQL variables `BOOTSTRAP_SERVERS`, `TOPIC`, `GROUP_ID`, `KAFKA_AUTH`, `AWS_REGION` and `OUTPUT_PATH`.
 * The application runs in the cluster's subnets and security group, checkpoints (the S3 sink commits files on
 * checkpoints), keeps snapshots, and logs to a log group of its own.
 */
import { type KafkaAuth, kafkaSqlRunnerProperties, LIMITS } from '@streamkit/core';
import { Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kda from 'aws-cdk-lib/aws-kinesisanalyticsv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { DEFAULT_LOG_RETENTION } from '../log-retention.ts';
import { checkRange } from '../validate.ts';
import { kafkaClientStatements } from './kafka-permissions.ts';

export interface FlinkSqlApplicationProps {
  /** The Flink SQL runner JAR (the Flink presets' `flink/` project). */
  readonly runnerJar: string;
  /** The SQL file the runner executes. */
  readonly sqlFile: string;
  readonly clusterArn: string;
  readonly auth: KafkaAuth;
  readonly bootstrapServers: string;
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  readonly topic: string;
  readonly bucket: s3.IBucket;
  /** @default 'FLINK-2_2' */
  readonly runtime?: string;
  /** @default 1 */
  readonly parallelism?: number;
  /** @default 1 */
  readonly parallelismPerKpu?: number;
  /** @default true */
  readonly autoScaling?: boolean;
  /** @default 60 */
  readonly checkpointIntervalSeconds?: number;
}

export class FlinkSqlApplication extends Construct {
  readonly application: kda.CfnApplication;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly applicationName: string;
  readonly consumerGroupId: string;

  constructor(scope: Construct, id: string, props: FlinkSqlApplicationProps) {
    super(scope, id);
    const FA = LIMITS.flink;
    checkRange(this, 'parallelism', FA.parallelism, props.parallelism);
    checkRange(this, 'parallelismPerKpu', FA.parallelismPerKpu, props.parallelismPerKpu);
    checkRange(this, 'checkpointIntervalSeconds', FA.checkpointInterval, props.checkpointIntervalSeconds);
    const stack = Stack.of(this);
    this.applicationName = Names.uniqueResourceName(this, { maxLength: 128, separator: '-' });
    this.consumerGroupId = this.applicationName;
    const code = new s3assets.Asset(this, 'Code', { path: props.runnerJar });
    const sql = new s3assets.Asset(this, 'Sql', { path: props.sqlFile });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('kinesisanalytics.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `Flink SQL application ${this.node.path}`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTheCodeAndTheSql',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [code.bucket.arnForObjects(code.s3ObjectKey), sql.bucket.arnForObjects(sql.s3ObjectKey)],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteObjects',
        actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListBucket', 's3:PutObject', 's3:DeleteObject'],
        resources: [props.bucket.bucketArn, props.bucket.arnForObjects('*')],
      }),
    );
    props.bucket.encryptionKey?.grantEncryptDecrypt(this.role);
    // Managed Flink places the application's network interfaces in the cluster's VPC with this role.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RunInTheClusterVpc',
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:CreateNetworkInterfacePermission',
          'ec2:DeleteNetworkInterface',
          'ec2:DescribeDhcpOptions',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeSubnets',
          'ec2:DescribeVpcs',
        ],
        resources: ['*'],
      }),
    );
    if (props.auth === 'iam') {
      for (const statement of kafkaClientStatements(props.clusterArn, {
        read: [props.topic],
        groups: [this.consumerGroupId],
      })) {
        this.role.addToPolicy(statement);
      }
    }
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: DEFAULT_LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const logStream = this.logGroup.addStream('Application');
    this.logGroup.grantWrite(this.role);

    this.application = new kda.CfnApplication(this, 'Resource', {
      applicationName: this.applicationName,
      applicationDescription: `Flink SQL over ${props.topic} (streamkit)`,
      runtimeEnvironment: props.runtime ?? FA.runtime.default,
      serviceExecutionRole: this.role.roleArn,
      applicationConfiguration: {
        applicationCodeConfiguration: {
          codeContentType: 'ZIPFILE',
          codeContent: { s3ContentLocation: { bucketArn: code.bucket.bucketArn, fileKey: code.s3ObjectKey } },
        },
        environmentProperties: {
          propertyGroups: Object.entries(
            kafkaSqlRunnerProperties({
              sqlUri: sql.s3ObjectUrl,
              bootstrapServers: props.bootstrapServers,
              topic: props.topic,
              groupId: this.consumerGroupId,
              auth: props.auth,
              region: stack.region,
              outputPath: `s3://${props.bucket.bucketName}/${props.topic}/`,
            }),
          ).map(([propertyGroupId, propertyMap]) => ({ propertyGroupId, propertyMap })),
        },
        flinkApplicationConfiguration: {
          checkpointConfiguration: {
            configurationType: 'CUSTOM',
            checkpointingEnabled: true,
            checkpointInterval: (props.checkpointIntervalSeconds ?? FA.checkpointInterval.default) * 1000,
            minPauseBetweenCheckpoints: 5000,
          },
          monitoringConfiguration: { configurationType: 'CUSTOM', logLevel: 'INFO', metricsLevel: 'APPLICATION' },
          parallelismConfiguration: {
            configurationType: 'CUSTOM',
            parallelism: props.parallelism ?? FA.parallelism.default,
            parallelismPerKpu: props.parallelismPerKpu ?? FA.parallelismPerKpu.default,
            autoScalingEnabled: props.autoScaling ?? FA.autoScaling.default,
          },
        },
        applicationSnapshotConfiguration: { snapshotsEnabled: true },
        vpcConfigurations: [{ subnetIds: props.subnetIds, securityGroupIds: props.securityGroupIds }],
      },
    });
    this.application.node.addDependency(this.role);
    new kda.CfnApplicationCloudWatchLoggingOption(this, 'Logging', {
      applicationName: this.application.ref,
      cloudWatchLoggingOption: {
        logStreamArn: `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:${this.logGroup.logGroupName}:log-stream:${logStream.logStreamName}`,
      },
    });
  }
}
