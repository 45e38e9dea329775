/**
 * The CloudFormation stack of an MSK pipeline (msk-cluster, msk-lambda, msk-lambda-firehose-s3, msk-labs): the network
 * and cluster the spec creates — or the existing cluster it names — the topics, the client instance, the Lambda
 * consumers with their event source mappings and on-failure destinations, the Firehose delivery stream, and the
 * alarms (the original's MSK patterns had none) with a dashboard.
 *
 * Nothing has a fixed physical name: the cluster, consumer groups, secrets and dashboard are named after the stack, so
 * two deployments of one preset share an account and region (the original's bug 8).
 */
import {
  alarmsFor,
  KAFKA_TOOLS_RELEASE,
  type KafkaAuth,
  type KafkaConsumerSettings,
  type MskPipelineSpec,
  type PipelineSpec,
  PRESETS,
  StreamkitError,
} from '@streamkit/core';
import { handlerEntry } from '@streamkit/functions';
import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct, IDependable } from 'constructs';
import { firehoseToS3 } from './firehose/firehose-to-s3.ts';
import type { RecordTransformationFunction } from './firehose/record-transformation-function.ts';
import type { S3DeliveryStream } from './firehose/s3-delivery-stream.ts';
import type { FlinkApplication } from './flink/flink-application.ts';
import { flinkJobJar } from './flink/job-assets.ts';
import { DEFAULT_LOG_RETENTION } from './log-retention.ts';
import { PipelineMonitoring } from './monitoring/pipeline-monitoring.ts';
import { flinkSqlApplication } from './msk/flink-sql-application.ts';
import { KafkaClientInstance } from './msk/kafka-client-instance.ts';
import { type KafkaClusterRef, KafkaConsumer } from './msk/kafka-consumer.ts';
import { kafkaClientStatements } from './msk/kafka-permissions.ts';
import { KafkaTopic } from './msk/kafka-topic.ts';
import { KafkaVpc } from './msk/kafka-vpc.ts';
import { MskCluster } from './msk/msk-cluster.ts';
import { MskClusterLookup } from './msk/msk-cluster-lookup.ts';
import { S3SinkConnector } from './msk/s3-sink-connector.ts';
import { ServerlessCluster } from './msk/serverless-cluster.ts';
import { ServerlessTopics } from './msk/serverless-topics.ts';
import { EncryptedBucket } from './s3/encrypted-bucket.ts';
import { tagAndRegister } from './stack-tags.ts';

export interface MskPipelineStackProps extends StackProps {
  /** The resolved spec of an MSK preset. */
  readonly spec: PipelineSpec;
  /**
   * msk-flink-s3: the Flink SQL runner jar the application deploys.
   * @default - the one `mvn package` builds in flink/ (core's FLINK_JARS), as for the Flink presets
   */
  readonly flinkJobJars?: { readonly sqlRunner?: string; readonly enrichment?: string };
}

export class MskPipelineStack extends Stack {
  readonly spec: MskPipelineSpec;
  /** The VPC of a cluster the stack creates. */
  readonly network: KafkaVpc | undefined;
  /** The cluster the stack creates (provisioned or serverless); undefined with existingCluster. */
  readonly cluster: MskCluster | ServerlessCluster | undefined;
  readonly clusterArn: string;
  /** The value of MSK's `Cluster Name` dimension. */
  readonly clusterName: string;
  readonly auth: KafkaAuth;
  /** The topics the stack creates with MSK's topic API (provisioned clusters). */
  readonly topics: readonly KafkaTopic[];
  /** The topics the stack creates on an MSK Serverless cluster (by a function, at deploy time). */
  readonly serverlessTopics: ServerlessTopics | undefined;
  readonly client: KafkaClientInstance | undefined;
  /** One per consumer of the spec (msk-lambda), or the forwarder (msk-lambda-firehose-s3). */
  readonly consumers: readonly KafkaConsumer[];
  /** Where consumers with `onFailure: s3` put discarded batches. */
  readonly failureBucket: EncryptedBucket | undefined;
  /** The SASL/SCRAM secret of a cluster the stack creates. */
  readonly scramSecret: secretsmanager.Secret | undefined;
  readonly output: EncryptedBucket | undefined;
  readonly delivery: S3DeliveryStream | undefined;
  readonly recordTransformation: RecordTransformationFunction | undefined;
  /** msk-connect-s3: the S3 sink connector and the lookup of the cluster's brokers it needs. */
  readonly connector: S3SinkConnector | undefined;
  readonly clusterLookup: MskClusterLookup | undefined;
  /** msk-flink-s3: the Flink SQL application. */
  readonly flinkApplication: FlinkApplication | undefined;
  /** msk-labs: the role workshop Lambda functions run as. */
  readonly labRole: iam.Role | undefined;
  readonly monitoring: PipelineMonitoring;

  constructor(scope: Construct, id: string, props: MskPipelineStackProps) {
    const { spec: input, flinkJobJars, ...stackProps } = props;
    if (!input.preset.startsWith('msk-')) {
      throw new StreamkitError('SK_VALIDATION', `MskPipelineStack needs an MSK preset (got ${input.preset})`, {
        path: 'preset',
      });
    }
    const spec = input as MskPipelineSpec;
    const chain = `streamkit ${spec.preset}: ${PRESETS[spec.preset].title}`;
    super(scope, id, {
      ...stackProps,
      description: stackProps.description ?? (spec.description ? `${chain} — ${spec.description}` : chain),
    });
    this.spec = spec;
    tagAndRegister(this, spec);

    // The cluster: created here, or an existing one.
    let clusterRef: KafkaClusterRef;
    const c = spec.cluster;
    if (c) {
      this.network = new KafkaVpc(
        this,
        'Network',
        c.vpc.kind === 'new'
          ? { kind: 'new', availabilityZones: c.availabilityZones, natGateways: c.vpc.natGateways }
          : { kind: 'existing', vpcId: c.vpc.id, subnetIds: c.vpc.subnetIds },
      );
      const logBucket =
        c.kind !== 'serverless' && c.brokerLogs === 's3'
          ? new EncryptedBucket(this, 'BrokerLogs', { removalPolicy: RemovalPolicy.RETAIN })
          : undefined;
      const cluster =
        c.kind === 'serverless'
          ? new ServerlessCluster(this, 'Cluster', { vpc: this.network })
          : new MskCluster(this, 'Cluster', {
              vpc: this.network,
              kind: c.kind,
              kafkaVersion: c.kafkaVersion,
              brokers: c.brokers,
              instanceType: c.instanceType,
              storageGiB: c.storageGiB,
              monitoringLevel: c.monitoringLevel,
              openMonitoring: c.openMonitoring,
              brokerLogs: c.brokerLogs,
              logBucket: logBucket?.bucket,
              auth: c.auth,
              certificateAuthorityArns: c.tls.certificateAuthorityArns,
              customerManagedKey: c.encryption.atRest === 'KMS',
            });
      this.cluster = cluster;
      this.clusterArn = cluster.clusterArn;
      this.clusterName = cluster.clusterName;
      this.auth = cluster.auth;
      this.scramSecret = cluster instanceof MskCluster ? cluster.scramSecret : undefined;
      clusterRef = {
        clusterArn: this.clusterArn,
        auth: this.auth,
        ...(cluster instanceof MskCluster && cluster.scramSecret && { scramSecret: cluster.scramSecret }),
        ...(cluster instanceof MskCluster && cluster.scramSecretKey && { scramSecretKey: cluster.scramSecretKey }),
        ...(c.tls.clientCertificateSecretArn && { clientCertificateSecretArn: c.tls.clientCertificateSecretArn }),
      };
    } else {
      const existing = spec.existingCluster!;
      this.network = undefined;
      this.cluster = undefined;
      this.scramSecret = undefined;
      this.clusterArn = existing.arn;
      // arn:…:cluster/<name>/<uuid>
      this.clusterName = existing.arn.split('/')[1]!;
      this.auth = existing.auth;
      clusterRef = {
        clusterArn: existing.arn,
        auth: existing.auth,
        ...(existing.auth === 'scram' &&
          existing.secretArn && {
            scramSecret: secretsmanager.Secret.fromSecretCompleteArn(this, 'ScramSecret', existing.secretArn),
          }),
        ...(existing.auth === 'scram' &&
          existing.secretKeyArn && {
            scramSecretKey: kms.Key.fromKeyArn(this, 'ScramSecretKey', existing.secretKeyArn),
          }),
        ...(existing.auth === 'tls' && existing.secretArn && { clientCertificateSecretArn: existing.secretArn }),
      };
    }

    // Topics: MSK's topic API (AWS::MSK::Topic) on provisioned clusters. MSK Serverless has none: streamkit's own
    // function creates them there with Kafka's admin API, from the cluster's VPC, given the brokers the lookup reads.
    const serverless = this.cluster instanceof ServerlessCluster ? this.cluster : undefined;
    this.topics = serverless
      ? []
      : spec.topics.map(
          (t) =>
            new KafkaTopic(this, `Topic-${t.name}`, {
              clusterArn: this.clusterArn,
              topicName: t.name,
              partitions: t.partitions,
              replicationFactor: t.replicationFactor,
              config: t.config,
            }),
        );
    // What CloudFormation cannot read of the cluster, for the clients that need it at deploy time.
    this.clusterLookup =
      spec.preset === 'msk-connect-s3' ||
      spec.preset === 'msk-flink-s3' ||
      (serverless !== undefined && spec.topics.length > 0)
        ? new MskClusterLookup(this, 'ClusterLookup', { clusterArn: this.clusterArn, auth: this.auth })
        : undefined;
    if (this.clusterLookup && this.cluster) this.clusterLookup.node.addDependency(this.cluster);
    this.serverlessTopics =
      serverless && this.network && this.clusterLookup && spec.topics.length > 0
        ? new ServerlessTopics(this, 'Topics', {
            cluster: serverless,
            vpc: this.network,
            bootstrapServers: this.clusterLookup.bootstrapServers,
            topics: spec.topics.map((t) => ({ name: t.name, partitions: t.partitions })),
          })
        : undefined;
    const withConfig = serverless ? spec.topics.filter((t) => Object.keys(t.config ?? {}).length > 0) : [];
    if (withConfig.length > 0) {
      Annotations.of(this).addWarningV2(
        '@streamkit/msk:serverless-topic-config',
        `On MSK Serverless the stack creates ${withConfig.map((t) => t.name).join(', ')} with the cluster's topic settings: ` +
          'their config is not applied (docs/parity.md, Topics on MSK Serverless)',
      );
    }

    // Lambda consumers (msk-lambda) or the forwarder (msk-lambda-firehose-s3).
    const consumerSpecs: KafkaConsumerSettings[] =
      spec.preset === 'msk-lambda' ? spec.consumers : spec.preset === 'msk-lambda-firehose-s3' ? [spec.forwarder] : [];
    this.failureBucket = consumerSpecs.some((k) => k.onFailure === 's3')
      ? new EncryptedBucket(this, 'FailedBatches')
      : undefined;
    if (this.network && consumerSpecs.some((k) => k.onFailure === 'sqs') && c?.vpc.kind === 'new') {
      // The event source mapping sends to its SQS destination from the cluster's VPC.
      // Its pollers use the cluster's security group, which alone may reach the endpoint.
      const endpointGroup = new ec2.SecurityGroup(this, 'SqsEndpointSecurityGroup', {
        vpc: this.network.vpc,
        description: 'SQS endpoint the event source mappings send discarded batches through',
        allowAllOutbound: false,
      });
      endpointGroup.addIngressRule(this.cluster!.securityGroup, ec2.Port.tcp(443), 'Kafka pollers of the consumers');
      (this.network.vpc as ec2.Vpc).addInterfaceEndpoint('Sqs', {
        service: ec2.InterfaceVpcEndpointAwsService.SQS,
        securityGroups: [endpointGroup],
        open: false,
      });
    }
    let firehose: ReturnType<typeof firehoseToS3> | undefined;
    if (spec.preset === 'msk-lambda-firehose-s3') {
      firehose = firehoseToS3(this, { delivery: spec.delivery, bucket: spec.bucket });
    }
    this.delivery = firehose?.deliveryStream;
    this.recordTransformation = firehose?.recordTransformation;
    const builtin = spec.preset === 'msk-lambda-firehose-s3' ? 'firehoseForwarder' : 'kafkaConsumer';
    this.consumers = consumerSpecs.map((k) => {
      const groupId = k.consumerGroupId ?? `${this.stackName}-${k.name}`;
      const consumer = new KafkaConsumer(this, `Consumer-${k.name}`, {
        cluster: clusterRef,
        topic: k.topic,
        consumerGroupId: groupId,
        entry: handlerEntry(k, builtin),
        handler: k.export,
        memorySize: k.memorySize,
        timeout: Duration.seconds(k.timeout),
        environment: {
          ...k.environment,
          ...(firehose && { DELIVERY_STREAM_NAME: firehose.deliveryStream.deliveryStreamName }),
        },
        batchSize: k.batchSize,
        ...(k.maxBatchingWindow !== undefined && { maxBatchingWindow: Duration.seconds(k.maxBatchingWindow) }),
        startingPosition: k.startingPosition,
        ...(k.startingPositionTimestamp && { startingPositionTimestamp: new Date(k.startingPositionTimestamp) }),
        retryAttempts: k.retryAttempts,
        maxRecordAge: k.maxRecordAge === -1 ? 'infinite' : Duration.seconds(k.maxRecordAge),
        bisectBatchOnError: k.bisectBatchOnError,
        reportBatchItemFailures: k.reportBatchItemFailures,
        minimumPollers: k.provisionedPollers.minimum,
        maximumPollers: k.provisionedPollers.maximum,
        onFailure: k.onFailure,
        ...(this.failureBucket && { failureBucket: this.failureBucket.bucket }),
        dependsOn: this.topicDependencies([k.topic]),
      });
      if (firehose) {
        consumer.role.addToPolicy(
          new iam.PolicyStatement({
            sid: 'PutRecordsToTheDeliveryStream',
            actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
            resources: [firehose.deliveryStream.deliveryStream.deliveryStreamArn],
          }),
        );
      }
      new CfnOutput(this, `FunctionName-${k.name}`, {
        description: `Function of consumer ${k.name} (topic ${k.topic}, consumer group ${groupId})`,
        value: consumer.functionName,
      });
      if (consumer.deadLetterQueue) {
        new CfnOutput(this, `DeadLetterQueueUrl-${k.name}`, {
          description: `On-failure queue of consumer ${k.name}`,
          value: consumer.deadLetterQueue.queueUrl,
        });
      }
      return consumer;
    });

    // msk-connect-s3: the S3 sink connector, in the cluster's subnets and security group.
    this.connector = undefined;
    let connectOutput: EncryptedBucket | undefined;
    if (spec.preset === 'msk-connect-s3') {
      const auth = this.auth;
      if (auth !== 'iam' && auth !== 'unauthenticated') {
        throw new StreamkitError('SK_VALIDATION', `MSK Connect needs IAM or no authentication (got ${auth})`, {
          path: 'cluster.auth',
        });
      }
      connectOutput = new EncryptedBucket(this, 'Output', {
        abortIncompleteMultipartUploadAfter: Duration.days(spec.bucket.abortIncompleteMultipartUploadDays),
        intelligentTieringAfter: Duration.days(spec.bucket.intelligentTieringDays),
      });
      const lookup = this.clusterLookup!;
      const { connector: k } = spec;
      if (k.plugin === undefined) {
        throw new StreamkitError(
          'SK_VALIDATION',
          'connector.plugin is required to deploy: the S3 URI of the connector plugin ZIP or JAR (for example Confluent’s S3 sink); `streamkit dev` runs without one',
          { path: 'connector.plugin' },
        );
      }
      this.connector = new S3SinkConnector(this, 'Connector', {
        clusterArn: this.clusterArn,
        auth,
        bootstrapServers: lookup.bootstrapServers,
        subnetIds: this.network ? this.network.subnetIds : lookup.subnetIds,
        securityGroupIds: this.cluster ? [this.cluster.securityGroup.securityGroupId] : lookup.securityGroupIds,
        topics: k.topics,
        bucket: connectOutput.bucket,
        pluginLocation: k.plugin,
        connectorClass: k.connectorClass,
        kafkaConnectVersion: k.kafkaConnectVersion,
        capacity:
          k.capacity.mode === 'autoScaling'
            ? {
                mode: 'autoScaling',
                mcuCount: Number(k.capacity.mcuCount),
                minWorkerCount: k.capacity.minWorkerCount,
                maxWorkerCount: k.capacity.maxWorkerCount,
                scaleInPercentage: k.capacity.scaleInPercentage,
                scaleOutPercentage: k.capacity.scaleOutPercentage,
              }
            : { mode: 'provisioned', mcuCount: Number(k.capacity.mcuCount), workerCount: k.capacity.workerCount },
        tasksMax: k.tasksMax,
        flushSize: k.flushSize,
        rotateIntervalMs: k.rotateIntervalMs,
        workerConfiguration: k.workerConfiguration,
        connectorConfiguration: k.connectorConfiguration,
      });
      this.connector.connector.node.addDependency(...this.topicDependencies());
      new CfnOutput(this, 'ConnectorName', {
        description: 'MSK Connect connector',
        value: this.connector.connectorName,
      });
      new CfnOutput(this, 'OutputBucketName', {
        description: 'Where the connector writes (topics/<topic>/partition=<n>/…)',
        value: connectOutput.bucket.bucketName,
      });
    }

    // msk-flink-s3: the Flink SQL application, in the cluster's subnets and security group.
    this.flinkApplication = undefined;
    let flinkOutput: EncryptedBucket | undefined;
    if (spec.preset === 'msk-flink-s3') {
      flinkOutput = new EncryptedBucket(this, 'Output', {
        abortIncompleteMultipartUploadAfter: Duration.days(spec.bucket.abortIncompleteMultipartUploadDays),
        intelligentTieringAfter: Duration.days(spec.bucket.intelligentTieringDays),
      });
      const lookup = this.clusterLookup!;
      const { sql, topic, vpc: _vpc, ...settings } = spec.flink;
      this.flinkApplication = flinkSqlApplication(this, 'Application', {
        runnerJar: flinkJobJar('sqlRunner', flinkJobJars?.sqlRunner),
        sqlFile: sql,
        topic,
        settings,
        clusterArn: this.clusterArn,
        auth: this.auth,
        bootstrapServers: lookup.bootstrapServers,
        subnetIds: this.network ? this.network.subnetIds : lookup.subnetIds,
        securityGroupIds: this.cluster ? [this.cluster.securityGroup.securityGroupId] : lookup.securityGroupIds,
        bucket: flinkOutput.bucket,
      });
      this.flinkApplication.application.node.addDependency(...this.topicDependencies());
      new CfnOutput(this, 'ApplicationName', {
        description: 'Managed Service for Apache Flink application running the SQL (started with the stack)',
        value: this.flinkApplication.applicationName,
      });
      new CfnOutput(this, 'OutputBucketName', {
        description: 'Where the application writes',
        value: flinkOutput.bucket.bucketName,
      });
    }

    // msk-labs: the role workshop functions run as (read the declared topics, write their own log group).
    this.labRole = undefined;
    if (spec.preset === 'msk-labs' && spec.lambdaRole.enabled) {
      const role = new iam.Role(this, 'LabLambdaRole', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Workshop Lambda functions of ${this.stackName}`,
      });
      const logGroup = new logs.LogGroup(this, 'LabLambdaLogs', {
        retention: DEFAULT_LOG_RETENTION,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      logGroup.grantWrite(role);
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ReadTheClusterMetadata',
          actions: ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'],
          resources: [this.clusterArn],
        }),
      );
      for (const statement of kafkaClientStatements(this.clusterArn, {
        read: spec.topics.map((t) => t.name),
        groups: ['streamkit-labs'],
      })) {
        role.addToPolicy(statement);
      }
      this.labRole = role;
      new CfnOutput(this, 'LabLambdaRoleArn', {
        description: 'Role for workshop Lambda functions',
        value: role.roleArn,
      });
      new CfnOutput(this, 'LabLambdaLogGroupName', {
        description: 'Log group for workshop Lambda functions (set it as their logging configuration)',
        value: logGroup.logGroupName,
      });
    }

    this.output = firehose?.output ?? connectOutput ?? flinkOutput;
    this.monitoring = new PipelineMonitoring(this, 'Monitoring', {
      alarms: alarmsFor(spec),
      ...(this.connector && { connectorName: this.connector.connectorName }),
      ...(this.flinkApplication && {
        flinkApplication: {
          applicationName: this.flinkApplication.applicationName,
          logGroup: this.flinkApplication.logGroup,
        },
      }),
      alarmEmail: spec.monitoring.alarmEmail,
      dashboard: spec.monitoring.dashboard,
      kafka: {
        clusterName: this.clusterName,
        brokerIds:
          this.cluster instanceof MskCluster ? Array.from({ length: this.cluster.brokers }, (_, i) => i + 1) : [],
        consumerGroups: Object.fromEntries(
          this.consumers.map((k, i) => [consumerSpecs[i]!.name, { groupId: k.consumerGroupId, topic: k.topic }]),
        ),
      },
      consumers: this.consumers.map((k, i) => ({
        name: consumerSpecs[i]!.name,
        function: k.function,
        ...(k.deadLetterQueue && { deadLetterQueue: k.deadLetterQueue }),
      })),
      ...(firehose && {
        deliveryStream: {
          deliveryStreamName: firehose.deliveryStream.deliveryStreamName,
          dataFormatConversion: spec.preset === 'msk-lambda-firehose-s3' && spec.delivery.dataFormatConversion.enabled,
          ...(firehose.recordTransformation && { processor: firehose.recordTransformation.function }),
        },
      }),
    });

    // The client instance (msk-cluster, msk-labs).
    this.client = undefined;
    if ((spec.preset === 'msk-cluster' || spec.preset === 'msk-labs') && spec.client.enabled && this.network && c) {
      this.monitoring.allowAutoScalingNotifications();
      this.client = new KafkaClientInstance(this, 'Client', {
        vpc: this.network.vpc,
        subnets: this.network.subnets,
        clusterArn: this.clusterArn,
        auth: this.auth,
        kafkaRelease: KAFKA_TOOLS_RELEASE[c.kafkaVersion ?? '3.8.x'],
        topics: spec.topics.map((t) => t.name),
        ...(this.scramSecret && { scramSecret: this.scramSecret }),
        instanceType: spec.client.instanceType,
        notificationTopic: this.monitoring.topic,
      });
      this.cluster!.allowFrom(this.client.securityGroup, 'The Kafka client instance');
      new CfnOutput(this, 'ClientAutoScalingGroupName', {
        description: 'Auto Scaling group of the Kafka client instance (aws ssm start-session --target <its instance>)',
        value: this.client.autoScalingGroup.autoScalingGroupName,
      });
    }

    new CfnOutput(this, 'ClusterArn', { description: 'The MSK cluster', value: this.clusterArn });
    if (this.cluster) {
      new CfnOutput(this, 'ClusterSecurityGroupId', {
        description: 'Security group of the brokers (clients join it or are allowed in)',
        value: this.cluster.securityGroup.securityGroupId,
      });
    }
    if (this.scramSecret) {
      new CfnOutput(this, 'ScramSecretArn', {
        description: 'SASL/SCRAM username and password',
        value: this.scramSecret.secretArn,
      });
    }
    if (this.failureBucket) {
      new CfnOutput(this, 'FailedBatchesBucketName', {
        description: 'Discarded batches of the consumers, records included',
        value: this.failureBucket.bucket.bucketName,
      });
    }
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'SNS topic every alarm notifies',
      value: this.monitoring.topic.topicArn,
    });
  }

  /**
   * What a client of `names` (default: every declared topic) waits for: their AWS::MSK::Topic resources, or the
   * custom resource that creates them on MSK Serverless.
   */
  private topicDependencies(names?: readonly string[]): IDependable[] {
    const wanted = (name: string) => names === undefined || names.includes(name);
    const serverless = this.serverlessTopics?.topicNames.some(wanted) ? [this.serverlessTopics.resource] : [];
    return [...this.topics.filter((t) => wanted(t.topicName)), ...serverless];
  }
}
