/**
 * A Managed Service for Apache Flink application running a jar from S3: parallelism and autoscaling, checkpoints,
 * snapshots, CloudWatch logging and metrics levels, runtime properties, an optional VPC, and a role that may read the
 * jar and write its own log stream (callers grant the rest: the source stream, the sink, the API).
 *
 * Built on the L1 `CfnApplication` (see docs/decisions/0008): the VPC configuration is a property of the application
 * (the original added it with a custom resource, which failed on delete while the application ran), and the
 * lifecycle resource starts the application after create and stops it before delete.
 */
import {
  type FlinkLogLevel,
  type FlinkMetricsLevel,
  type FlinkPropertyGroups,
  type FlinkRuntime,
  LIMITS,
} from '@streamkit/core';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesisanalytics from 'aws-cdk-lib/aws-kinesisanalyticsv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULT_LOG_RETENTION } from '../log-retention.ts';
import { checkRange, invalid } from '../validate.ts';
import { ApplicationLifecycle } from './application-lifecycle.ts';

export interface FlinkVpcConfiguration {
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

export interface FlinkApplicationProps {
  /** The bucket and key of the application's jar. */
  readonly code: { readonly bucket: s3.IBucket; readonly key: string };
  /** @default 'FLINK-2_2' */
  readonly runtime?: FlinkRuntime;
  /** @default 1 */
  readonly parallelism?: number;
  /** @default 1 */
  readonly parallelismPerKpu?: number;
  /** @default true */
  readonly autoScaling?: boolean;
  /** @default true */
  readonly checkpointing?: boolean;
  /** @default Duration.seconds(60) */
  readonly checkpointInterval?: Duration;
  /** @default Duration.seconds(5) */
  readonly minPauseBetweenCheckpoints?: Duration;
  /** @default true */
  readonly snapshots?: boolean;
  /** @default 'INFO' */
  readonly logLevel?: FlinkLogLevel;
  /** @default 'APPLICATION' */
  readonly metricsLevel?: FlinkMetricsLevel;
  /** Runtime properties, by group id (core's `sqlRunnerProperties`, `enrichmentJobProperties`). @default - none */
  readonly propertyGroups?: FlinkPropertyGroups;
  /** Attach the application to these subnets and security groups. @default - no VPC */
  readonly vpc?: FlinkVpcConfiguration;
  /**
   * Start the application once it is created.
   * @default true
   */
  readonly start?: boolean;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** What the application does, for its description. @default - none */
  readonly description?: string;
}

export class FlinkApplication extends Construct {
  readonly application: kinesisanalytics.CfnApplication;
  /** The application's execution role (kinesisanalytics.amazonaws.com). */
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly logStream: logs.LogStream;
  readonly loggingOption: kinesisanalytics.CfnApplicationCloudWatchLoggingOption;
  readonly lifecycle: ApplicationLifecycle;

  constructor(scope: Construct, id: string, props: FlinkApplicationProps) {
    super(scope, id);
    const F = LIMITS.flink;
    const stack = Stack.of(this);
    checkRange(this, 'parallelism', F.parallelism, props.parallelism);
    checkRange(this, 'parallelismPerKpu', F.parallelismPerKpu, props.parallelismPerKpu);
    checkRange(this, 'checkpointInterval', F.checkpointInterval, props.checkpointInterval?.toSeconds());
    checkRange(
      this,
      'minPauseBetweenCheckpoints',
      F.minPauseBetweenCheckpoints,
      props.minPauseBetweenCheckpoints?.toSeconds(),
    );
    if (props.vpc && (props.vpc.subnetIds.length === 0 || props.vpc.securityGroupIds.length === 0)) {
      throw invalid(this, 'vpc', 'needs at least one subnet and one security group');
    }
    const checkpointing = props.checkpointing ?? F.checkpointing.default;

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
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
      description: `Execution role of the Flink application ${id}`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTheJar',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [props.code.bucket.arnForObjects(props.code.key)],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteTheApplicationLog',
        actions: ['logs:DescribeLogGroups', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    if (props.vpc) allowVpcPlacement(this.role, props.vpc);

    const propertyGroups = Object.entries(props.propertyGroups ?? {}).map(([propertyGroupId, propertyMap]) => ({
      propertyGroupId,
      propertyMap,
    }));
    this.application = new kinesisanalytics.CfnApplication(this, 'Resource', {
      runtimeEnvironment: props.runtime ?? F.runtime.default,
      serviceExecutionRole: this.role.roleArn,
      ...(props.description && { applicationDescription: props.description }),
      applicationConfiguration: {
        applicationCodeConfiguration: {
          codeContentType: 'ZIPFILE',
          codeContent: {
            s3ContentLocation: { bucketArn: props.code.bucket.bucketArn, fileKey: props.code.key },
          },
        },
        ...(propertyGroups.length > 0 && { environmentProperties: { propertyGroups } }),
        flinkApplicationConfiguration: {
          checkpointConfiguration: {
            configurationType: 'CUSTOM',
            checkpointingEnabled: checkpointing,
            ...(checkpointing && {
              checkpointInterval: (
                props.checkpointInterval ?? Duration.seconds(F.checkpointInterval.default)
              ).toMilliseconds(),
              minPauseBetweenCheckpoints: (
                props.minPauseBetweenCheckpoints ?? Duration.seconds(F.minPauseBetweenCheckpoints.default)
              ).toMilliseconds(),
            }),
          },
          monitoringConfiguration: {
            configurationType: 'CUSTOM',
            logLevel: props.logLevel ?? F.logLevel.default,
            metricsLevel: props.metricsLevel ?? F.metricsLevel.default,
          },
          parallelismConfiguration: {
            configurationType: 'CUSTOM',
            autoScalingEnabled: props.autoScaling ?? F.autoScaling.default,
            parallelism: props.parallelism ?? F.parallelism.default,
            parallelismPerKpu: props.parallelismPerKpu ?? F.parallelismPerKpu.default,
          },
        },
        applicationSnapshotConfiguration: { snapshotsEnabled: props.snapshots ?? F.snapshots.default },
        ...(props.vpc && {
          vpcConfigurations: [
            { subnetIds: [...props.vpc.subnetIds], securityGroupIds: [...props.vpc.securityGroupIds] },
          ],
        }),
      },
      runConfiguration: {
        applicationRestoreConfiguration: {
          applicationRestoreType:
            (props.snapshots ?? F.snapshots.default) ? 'RESTORE_FROM_LATEST_SNAPSHOT' : 'SKIP_RESTORE_FROM_SNAPSHOT',
        },
      },
    });
    // The role's policy must be in place before the service validates the application against it.
    this.application.node.addDependency(this.role);

    this.loggingOption = new kinesisanalytics.CfnApplicationCloudWatchLoggingOption(this, 'Logging', {
      applicationName: this.application.ref,
      cloudWatchLoggingOption: {
        logStreamArn: `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:${this.logGroup.logGroupName}:log-stream:${this.logStream.logStreamName}`,
      },
    });

    this.lifecycle = new ApplicationLifecycle(this, 'Lifecycle', {
      applicationName: this.application.ref,
      start: props.start ?? true,
    });
    // Deleted first: the application is stopped before its logging option and the application itself go.
    this.lifecycle.resource.node.addDependency(this.loggingOption);
  }

  /** The application's name: the `Application` dimension of its metrics. */
  get applicationName(): string {
    return this.application.ref;
  }

  /** The application's ARN. */
  get applicationArn(): string {
    return Stack.of(this).formatArn({
      service: 'kinesisanalytics',
      resource: 'application',
      resourceName: this.application.ref,
    });
  }
}

/**
 * What Managed Flink needs, with the application's role, to place the application's network interfaces in your
 * subnets (AWS's documented list): the Describe actions, which take no resource-level permissions, and the interface
 * actions on these subnets and security groups and on the interfaces it creates.
 */
export function allowVpcPlacement(role: iam.Role, vpc: FlinkVpcConfiguration): void {
  const stack = Stack.of(role);
  const ec2Arn = (resource: string, name: string) => stack.formatArn({ service: 'ec2', resource, resourceName: name });
  const interfaces = ec2Arn('network-interface', '*');
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'DescribeTheVpc',
      actions: [
        'ec2:DescribeVpcs',
        'ec2:DescribeSubnets',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeDhcpOptions',
        'ec2:DescribeNetworkInterfaces',
      ],
      resources: ['*'],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'CreateNetworkInterfacesInTheGivenSubnets',
      actions: ['ec2:CreateNetworkInterface'],
      resources: [
        interfaces,
        ...vpc.subnetIds.map((id) => ec2Arn('subnet', id)),
        ...vpc.securityGroupIds.map((id) => ec2Arn('security-group', id)),
      ],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ManageItsNetworkInterfaces',
      actions: ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface'],
      resources: [interfaces],
    }),
  );
}
