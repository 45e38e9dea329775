/**
 * msk-flink-s3's Flink SQL application: the Flink presets' `FlinkApplication` (the same construct, role, logging,
 * lifecycle — it starts after create and is stopped before delete) running the SQL runner over an MSK topic, in the
 * cluster's subnets and security group, writing to the output bucket.
 *
 * The runner takes the Flink presets' contract (`packages/core/src/flink/job-contract.ts`): `sql.uri` (the SQL file, an
 * asset) and the SQL variables `BOOTSTRAP_SERVERS`, `TOPIC`, `GROUP_ID`, `KAFKA_AUTH`, `AWS_REGION` and `OUTPUT_PATH`.
 * The application's name is fixed at synthesis because its consumer group is that name, which IAM access control
 * grants by name.
 */
import { type KafkaAuth, kafkaSqlRunnerProperties } from '@streamkit/core';
import { Duration, Names, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import type { Construct } from 'constructs';
import { allowFileSink, FlinkApplication } from '../flink/flink-application.ts';
import { kafkaClientStatements } from './kafka-permissions.ts';

/** The application settings of a resolved msk-flink-s3 `flink` section (core's `resolveFlinkApplication`). */
export interface MskFlinkSettings {
  readonly runtime: 'FLINK-2_2';
  readonly parallelism: number;
  readonly parallelismPerKpu: number;
  readonly autoScaling: boolean;
  readonly checkpointing: boolean;
  readonly checkpointInterval: number;
  readonly minPauseBetweenCheckpoints: number;
  readonly snapshots: boolean;
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  readonly metricsLevel: 'APPLICATION' | 'TASK' | 'OPERATOR' | 'PARALLELISM';
}

export interface FlinkSqlApplicationProps {
  /** The Flink SQL runner JAR (the Flink presets' `flink/` project). */
  readonly runnerJar: string;
  /** The SQL file the runner executes. */
  readonly sqlFile: string;
  readonly topic: string;
  readonly settings: MskFlinkSettings;
  readonly clusterArn: string;
  readonly auth: KafkaAuth;
  readonly bootstrapServers: string;
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  readonly bucket: s3.IBucket;
}

/** Adds the application as `id` to `scope`; its consumer group id is its name. */
export function flinkSqlApplication(scope: Construct, id: string, props: FlinkSqlApplicationProps): FlinkApplication {
  const stack = Stack.of(scope);
  const { settings } = props;
  // The name the application and its consumer group share (unique per stack and path: two stacks never collide).
  const applicationName = `${Names.uniqueResourceName(scope, { maxLength: 100, separator: '-' })}-${id}`;
  const code = new s3assets.Asset(scope, `${id}Code`, { path: props.runnerJar });
  const sql = new s3assets.Asset(scope, `${id}Sql`, { path: props.sqlFile });
  const application = new FlinkApplication(scope, id, {
    code: { bucket: code.bucket, key: code.s3ObjectKey },
    applicationName,
    description: `Flink SQL over ${props.topic} (streamkit)`,
    runtime: settings.runtime,
    parallelism: settings.parallelism,
    parallelismPerKpu: settings.parallelismPerKpu,
    autoScaling: settings.autoScaling,
    checkpointing: settings.checkpointing,
    checkpointInterval: Duration.seconds(settings.checkpointInterval),
    minPauseBetweenCheckpoints: Duration.seconds(settings.minPauseBetweenCheckpoints),
    snapshots: settings.snapshots,
    logLevel: settings.logLevel,
    metricsLevel: settings.metricsLevel,
    vpc: { subnetIds: props.subnetIds, securityGroupIds: props.securityGroupIds },
    propertyGroups: kafkaSqlRunnerProperties({
      sqlUri: sql.s3ObjectUrl,
      bootstrapServers: props.bootstrapServers,
      topic: props.topic,
      groupId: applicationName,
      auth: props.auth,
      region: stack.region,
      outputPath: `s3://${props.bucket.bucketName}/${props.topic}/`,
    }),
  });
  application.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ReadTheSql',
      actions: ['s3:GetObject'],
      resources: [sql.bucket.arnForObjects(sql.s3ObjectKey)],
    }),
  );
  allowFileSink(application.role, props.bucket);
  if (props.auth === 'iam') {
    for (const statement of kafkaClientStatements(props.clusterArn, {
      read: [props.topic],
      groups: [applicationName],
    })) {
      application.role.addToPrincipalPolicy(statement);
    }
  }
  return application;
}
