/**
 * An MSK Connect S3 sink: the custom plugin (your ZIP or JAR in S3), a worker configuration, and the connector with
 * its capacity, service execution role and worker logs — the original's M5 was a stub that created none of them.
 * streamkit writes the settings of Confluent's S3 sink (core's `s3SinkConnectorConfiguration`, which the local
 * Connect worker of `streamkit dev` runs too); the spec's connector configuration is added last and wins.
 *
 * Names are derived from the stack path, so two deployments never collide. The role writes the output bucket only,
 * and with IAM access control reads the connector's topics and joins its group (`connect-<connector name>`) by name;
 * MSK Connect's internal topics have generated names (`__amazon_msk_connect_…`) and are granted by that prefix.
 */
import { LIMITS, s3SinkConnectorConfiguration, s3SinkWorkerConfiguration, sinkConsumerGroup } from '@streamkit/core';
import { Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kafkaconnect from 'aws-cdk-lib/aws-kafkaconnect';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULT_LOG_RETENTION } from '../log-retention.ts';
import { checkRange, invalid } from '../validate.ts';
import { kafkaClientStatements, kafkaResourceArn } from './kafka-permissions.ts';

export interface S3SinkConnectorProps {
  readonly clusterArn: string;
  /** IAM access control, or none (TLS without authentication). */
  readonly auth: 'iam' | 'unauthenticated';
  readonly bootstrapServers: string;
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  readonly topics: readonly string[];
  readonly bucket: s3.IBucket;
  /** `s3://bucket/key.zip` (or `.jar`). */
  readonly pluginLocation: string;
  /** @default 'io.confluent.connect.s3.S3SinkConnector' */
  readonly connectorClass?: string;
  /** @default '3.7.x' */
  readonly kafkaConnectVersion?: string;
  readonly capacity:
    | {
        readonly mode: 'autoScaling';
        readonly mcuCount: number;
        readonly minWorkerCount: number;
        readonly maxWorkerCount: number;
        readonly scaleInPercentage: number;
        readonly scaleOutPercentage: number;
      }
    | { readonly mode: 'provisioned'; readonly mcuCount: number; readonly workerCount: number };
  /** @default 2 */
  readonly tasksMax?: number;
  /** @default 1000 */
  readonly flushSize?: number;
  /** @default 60000 */
  readonly rotateIntervalMs?: number;
  /** Added to (and overriding) the default worker properties. */
  readonly workerConfiguration?: Readonly<Record<string, string>>;
  /** Added to (and overriding) the connector properties streamkit writes. */
  readonly connectorConfiguration?: Readonly<Record<string, string>>;
}

export class S3SinkConnector extends Construct {
  readonly connector: kafkaconnect.CfnConnector;
  readonly plugin: kafkaconnect.CfnCustomPlugin;
  readonly workerConfiguration: kafkaconnect.CfnWorkerConfiguration;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly connectorName: string;

  constructor(scope: Construct, id: string, props: S3SinkConnectorProps) {
    super(scope, id);
    const C = LIMITS.mskConnect;
    checkRange(this, 'tasksMax', C.tasksMax, props.tasksMax);
    checkRange(this, 'flushSize', C.flushSize, props.flushSize);
    checkRange(this, 'rotateIntervalMs', C.rotateIntervalMs, props.rotateIntervalMs);
    const location = /^s3:\/\/([^/]+)\/(.+)$/.exec(props.pluginLocation);
    if (!location) throw invalid(this, 'pluginLocation', `must be s3://<bucket>/<key> (got ${props.pluginLocation})`);
    const [, pluginBucket, pluginKey] = location;
    const stack = Stack.of(this);
    this.connectorName = Names.uniqueResourceName(this, { maxLength: 128, separator: '-' });

    this.role = new iam.Role(this, 'ServiceExecutionRole', {
      assumedBy: new iam.ServicePrincipal('kafkaconnect.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `MSK Connect connector ${this.node.path}`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteObjects',
        actions: [
          's3:AbortMultipartUpload',
          's3:GetBucketLocation',
          's3:GetObject',
          's3:ListBucket',
          's3:ListBucketMultipartUploads',
          's3:ListMultipartUploadParts',
          's3:PutObject',
        ],
        resources: [props.bucket.bucketArn, props.bucket.arnForObjects('*')],
      }),
    );
    props.bucket.encryptionKey?.grantEncryptDecrypt(this.role);
    if (props.auth === 'iam') {
      for (const statement of kafkaClientStatements(props.clusterArn, {
        read: props.topics,
        groups: [sinkConsumerGroup(this.connectorName)],
      })) {
        this.role.addToPolicy(statement);
      }
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'UseTheInternalTopicsOfMskConnect',
          actions: [
            'kafka-cluster:CreateTopic',
            'kafka-cluster:DescribeTopic',
            'kafka-cluster:ReadData',
            'kafka-cluster:WriteData',
            'kafka-cluster:AlterGroup',
            'kafka-cluster:DescribeGroup',
          ],
          resources: [
            kafkaResourceArn(props.clusterArn, 'topic', '__amazon_msk_connect_*'),
            kafkaResourceArn(props.clusterArn, 'group', '__amazon_msk_connect_*'),
          ],
        }),
      );
    }

    this.logGroup = new logs.LogGroup(this, 'WorkerLogs', {
      retention: DEFAULT_LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.plugin = new kafkaconnect.CfnCustomPlugin(this, 'Plugin', {
      name: `${this.connectorName.slice(0, 120)}-plugin`,
      contentType: pluginKey!.toLowerCase().endsWith('.jar') ? 'JAR' : 'ZIP',
      location: {
        s3Location: { bucketArn: `arn:${stack.partition}:s3:::${pluginBucket}`, fileKey: pluginKey! },
      },
    });
    this.workerConfiguration = new kafkaconnect.CfnWorkerConfiguration(this, 'WorkerConfiguration', {
      name: `${this.connectorName.slice(0, 120)}-workers`,
      propertiesFileContent: Buffer.from(
        `${Object.entries(s3SinkWorkerConfiguration(props.workerConfiguration))
          .map(([k, v]) => `${k}=${v}`)
          .join('\n')}\n`,
        'utf8',
      ).toString('base64'),
    });
    const capacity = props.capacity;
    this.connector = new kafkaconnect.CfnConnector(this, 'Resource', {
      connectorName: this.connectorName,
      connectorDescription: `S3 sink of ${props.topics.join(', ')} (streamkit)`,
      kafkaConnectVersion: props.kafkaConnectVersion ?? C.connectVersion.default,
      capacity:
        capacity.mode === 'autoScaling'
          ? {
              autoScaling: {
                mcuCount: capacity.mcuCount,
                minWorkerCount: capacity.minWorkerCount,
                maxWorkerCount: capacity.maxWorkerCount,
                scaleInPolicy: { cpuUtilizationPercentage: capacity.scaleInPercentage },
                scaleOutPolicy: { cpuUtilizationPercentage: capacity.scaleOutPercentage },
              },
            }
          : { provisionedCapacity: { mcuCount: capacity.mcuCount, workerCount: capacity.workerCount } },
      connectorConfiguration: s3SinkConnectorConfiguration({
        connectorClass: props.connectorClass,
        tasksMax: props.tasksMax,
        topics: props.topics,
        bucketName: props.bucket.bucketName,
        region: stack.region,
        flushSize: props.flushSize,
        rotateIntervalMs: props.rotateIntervalMs,
        connectorConfiguration: props.connectorConfiguration,
      }),
      kafkaCluster: {
        apacheKafkaCluster: {
          bootstrapServers: props.bootstrapServers,
          vpc: { subnets: props.subnetIds, securityGroups: props.securityGroupIds },
        },
      },
      kafkaClusterClientAuthentication: { authenticationType: props.auth === 'iam' ? 'IAM' : 'NONE' },
      kafkaClusterEncryptionInTransit: { encryptionType: 'TLS' },
      plugins: [
        { customPlugin: { customPluginArn: this.plugin.attrCustomPluginArn, revision: this.plugin.attrRevision } },
      ],
      workerConfiguration: {
        workerConfigurationArn: this.workerConfiguration.attrWorkerConfigurationArn,
        revision: this.workerConfiguration.attrRevision,
      },
      serviceExecutionRoleArn: this.role.roleArn,
      logDelivery: { workerLogDelivery: { cloudWatchLogs: { enabled: true, logGroup: this.logGroup.logGroupName } } },
    });
    // The connector checks its role when it is created.
    this.connector.node.addDependency(this.role);
  }
}
