/**
 * A Managed Service for Apache Flink Studio notebook (Apache Zeppelin) with a Glue database of its own as its catalog,
 * the Kinesis SQL connector, CloudWatch logging and an optional VPC. You start it and run SQL in its paragraphs.
 *
 * Unlike the original, it sets no `AWS::Glue::DataCatalogEncryptionSettings`: that resource is the account's and
 * region's one catalog setting, so creating it changed every other database of the account and two such stacks in one
 * region fought over it (its bug 7). The notebook's tables hold no data (only the schema and connector options), so
 * the catalog's own settings are left as the account has them.
 */
import { type FlinkLogLevel, LIMITS } from '@streamkit/core';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesisanalytics from 'aws-cdk-lib/aws-kinesisanalyticsv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_LOG_RETENTION } from '../log-retention.ts';
import { ApplicationLifecycle } from './application-lifecycle.ts';
import { allowVpcPlacement, type FlinkVpcConfiguration } from './flink-application.ts';

/** The Kinesis SQL connector of the notebook's Flink (1.15), as the original loaded it from Maven Central. */
export const NOTEBOOK_KINESIS_CONNECTOR = {
  groupId: 'org.apache.flink',
  artifactId: 'flink-sql-connector-kinesis',
  version: '1.15.4',
} as const;

export interface StudioNotebookProps {
  /** @default 'INFO' */
  readonly logLevel?: FlinkLogLevel;
  /** @default - no VPC */
  readonly vpc?: FlinkVpcConfiguration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

export class StudioNotebook extends Construct {
  readonly notebook: kinesisanalytics.CfnApplication;
  readonly role: iam.Role;
  /** The notebook's catalog: tables created in the notebook are kept here. */
  readonly database: glue.CfnDatabase;
  readonly logGroup: logs.LogGroup;
  readonly logStream: logs.LogStream;
  readonly loggingOption: kinesisanalytics.CfnApplicationCloudWatchLoggingOption;
  /** Stops a running notebook before CloudFormation deletes it (the notebook is not started by the stack). */
  readonly lifecycle: ApplicationLifecycle;

  constructor(scope: Construct, id: string, props: StudioNotebookProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { description: `Tables of the Studio notebook of ${stack.stackName}` },
    });
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? DEFAULT_LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.logStream = new logs.LogStream(this, 'LogStream', {
      logGroup: this.logGroup,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('kinesisanalytics.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `Execution role of the Studio notebook ${id}`,
    });
    const glueArn = (resource: string) => `arn:${stack.partition}:glue:${stack.region}:${stack.account}:${resource}`;
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'UseItsDatabase',
        actions: ['glue:GetDatabase', 'glue:GetUserDefinedFunction', 'glue:GetUserDefinedFunctions'],
        // `hive` as the original's notebook role named it: the notebook's catalog looks the Hive default database up.
        resources: [glueArn('catalog'), glueArn(`database/${this.database.ref}`), glueArn('database/hive')],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ManageTheTablesOfItsDatabase',
        actions: [
          'glue:GetTable',
          'glue:GetTables',
          'glue:CreateTable',
          'glue:UpdateTable',
          'glue:DeleteTable',
          'glue:GetPartition',
          'glue:GetPartitions',
        ],
        resources: [
          glueArn('catalog'),
          glueArn(`database/${this.database.ref}`),
          glueArn(`table/${this.database.ref}/*`),
        ],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteTheNotebookLog',
        actions: ['logs:DescribeLogGroups', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    if (props.vpc) allowVpcPlacement(this.role, props.vpc);

    this.notebook = new kinesisanalytics.CfnApplication(this, 'Resource', {
      runtimeEnvironment: LIMITS.flink.notebookRuntime.default,
      applicationMode: 'INTERACTIVE',
      serviceExecutionRole: this.role.roleArn,
      applicationDescription: `Studio notebook of ${stack.stackName}`,
      applicationConfiguration: {
        zeppelinApplicationConfiguration: {
          monitoringConfiguration: { logLevel: props.logLevel ?? LIMITS.flink.logLevel.default },
          catalogConfiguration: {
            glueDataCatalogConfiguration: { databaseArn: glueArn(`database/${this.database.ref}`) },
          },
          customArtifactsConfiguration: [
            { artifactType: 'DEPENDENCY_JAR', mavenReference: NOTEBOOK_KINESIS_CONNECTOR },
          ],
        },
        ...(props.vpc && {
          vpcConfigurations: [
            { subnetIds: [...props.vpc.subnetIds], securityGroupIds: [...props.vpc.securityGroupIds] },
          ],
        }),
      },
    });
    this.notebook.node.addDependency(this.role);
    this.loggingOption = new kinesisanalytics.CfnApplicationCloudWatchLoggingOption(this, 'Logging', {
      applicationName: this.notebook.ref,
      cloudWatchLoggingOption: {
        logStreamArn: `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:${this.logGroup.logGroupName}:log-stream:${this.logStream.logStreamName}`,
      },
    });
    this.lifecycle = new ApplicationLifecycle(this, 'Lifecycle', { applicationName: this.notebook.ref, start: false });
    this.lifecycle.resource.node.addDependency(this.loggingOption);
  }

  /** The notebook's name: the `Application` dimension of its metrics. */
  get applicationName(): string {
    return this.notebook.ref;
  }
}
