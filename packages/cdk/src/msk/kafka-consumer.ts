/**
 * One Lambda function reading one Kafka topic of an MSK cluster through an event source mapping, with every setting
 * of the spec spelled out: provisioned mode (which retries, bisecting and partial batch responses need), its own
 * consumer group (named per stack, so two deployments never share one), and an on-failure destination — an S3
 * bucket, which keeps the records themselves, or an SQS queue, which keeps their offsets.
 *
 * The role holds exactly what the mapping and the function use: the cluster's metadata, network interfaces in its
 * VPC, and with IAM access control the topic and group by name; with SASL/SCRAM or mutual TLS, the secret.
 */
import { type KafkaAuth, type KafkaStartingPosition, LIMITS } from '@streamkit/core';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IDependable } from 'constructs';
import { bundledFunction, vpcNetworkInterfaceStatement } from '../lambda-function.ts';
import { checkRange, invalid } from '../validate.ts';
import { kafkaClientStatements } from './kafka-permissions.ts';

/** The cluster as a consumer sees it. */
export interface KafkaClusterRef {
  readonly clusterArn: string;
  readonly auth: KafkaAuth;
  /** SASL/SCRAM: the secret (and the key that encrypts it). */
  readonly scramSecret?: secretsmanager.ISecret;
  readonly scramSecretKey?: kms.IKey;
  /** Mutual TLS: the ARN of the secret with the client certificate the mapping presents. */
  readonly clientCertificateSecretArn?: string;
}

export interface KafkaConsumerProps {
  readonly cluster: KafkaClusterRef;
  readonly topic: string;
  /** The Kafka consumer group; unique among the cluster's event source mappings. */
  readonly consumerGroupId: string;
  readonly entry: string;
  /** @default 'handler' */
  readonly handler?: string;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default Duration.seconds(60) */
  readonly timeout?: Duration;
  /** @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default 100 */
  readonly batchSize?: number;
  /** @default - AWS's 500 ms */
  readonly maxBatchingWindow?: Duration;
  /** @default 'TRIM_HORIZON' */
  readonly startingPosition?: KafkaStartingPosition;
  /** Required with `AT_TIMESTAMP`. */
  readonly startingPositionTimestamp?: Date;
  /** -1 retries until `maxRecordAge`. @default 3 */
  readonly retryAttempts?: number;
  /** `'infinite'` never discards by age. @default 'infinite' */
  readonly maxRecordAge?: Duration | 'infinite';
  /** @default true */
  readonly bisectBatchOnError?: boolean;
  /** @default true */
  readonly reportBatchItemFailures?: boolean;
  /** Provisioned mode's event pollers. @default 1 and 200 */
  readonly minimumPollers?: number;
  readonly maximumPollers?: number;
  /**
   * Where discarded batches go: `s3` (the bucket given, which receives the records too), `sqs` (a queue of its own,
   * offsets only), or `none`. @default 's3'
   */
  readonly onFailure?: 's3' | 'sqs' | 'none';
  /** The bucket of the `s3` destination. */
  readonly failureBucket?: s3.IBucket;
  /** What the mapping waits for: the topics it reads. @default - nothing */
  readonly dependsOn?: readonly IDependable[];
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

export class KafkaConsumer extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly eventSourceMapping: lambda.EventSourceMapping;
  readonly consumerGroupId: string;
  readonly topic: string;
  /** The on-failure queue, when `onFailure` is `sqs`. */
  readonly deadLetterQueue: sqs.Queue | undefined;
  /** Whether discarded batches go to the S3 bucket given as `failureBucket`. */
  readonly usesFailureBucket: boolean;

  constructor(scope: Construct, id: string, props: KafkaConsumerProps) {
    super(scope, id);
    const E = LIMITS.kafkaEsm;
    checkRange(this, 'batchSize', E.batchSize, props.batchSize);
    checkRange(this, 'maxBatchingWindow', E.maxBatchingWindow, props.maxBatchingWindow?.toSeconds());
    checkRange(this, 'retryAttempts', E.retryAttempts, props.retryAttempts);
    checkRange(this, 'minimumPollers', E.minimumPollers, props.minimumPollers);
    checkRange(this, 'maximumPollers', E.maximumPollers, props.maximumPollers);
    if (props.maxRecordAge !== undefined && props.maxRecordAge !== 'infinite') {
      checkRange(this, 'maxRecordAge', E.maxRecordAge, props.maxRecordAge.toSeconds());
    }
    const startingPosition = props.startingPosition ?? E.startingPosition.default;
    if ((startingPosition === 'AT_TIMESTAMP') !== (props.startingPositionTimestamp !== undefined)) {
      throw invalid(this, 'startingPositionTimestamp', 'is required with AT_TIMESTAMP and allowed only with it');
    }
    const onFailure = props.onFailure ?? E.onFailure.default;
    if (onFailure === 's3' && !props.failureBucket)
      throw invalid(this, 'failureBucket', 'is required with onFailure s3');
    const { cluster } = props;
    this.usesFailureBucket = onFailure === 's3';
    this.topic = props.topic;
    this.consumerGroupId = props.consumerGroupId;

    ({
      function: this.function,
      role: this.role,
      logGroup: this.logGroup,
    } = bundledFunction(this, {
      entry: props.entry,
      handler: props.handler,
      memorySize: props.memorySize,
      timeout: props.timeout,
      environment: props.environment,
      logRetention: props.logRetention,
      purpose: 'Kafka consumer',
    }));

    // What the event source mapping does with the function's role (AWS's list for MSK event sources).
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTheClusterMetadata',
        actions: ['kafka:DescribeCluster', 'kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'],
        resources: [cluster.clusterArn],
      }),
    );
    this.role.addToPolicy(vpcNetworkInterfaceStatement('PlacePollersInTheClusterVpc'));
    const sourceAccessConfigurations: lambda.SourceAccessConfiguration[] = [];
    switch (cluster.auth) {
      case 'iam':
        for (const statement of kafkaClientStatements(cluster.clusterArn, {
          read: [props.topic],
          groups: [props.consumerGroupId],
        })) {
          this.role.addToPolicy(statement);
        }
        break;
      case 'scram': {
        if (!cluster.scramSecret) throw invalid(this, 'cluster.scramSecret', 'is required with auth scram');
        cluster.scramSecret.grantRead(this.role);
        cluster.scramSecretKey?.grantDecrypt(this.role);
        sourceAccessConfigurations.push({
          type: lambda.SourceAccessConfigurationType.SASL_SCRAM_512_AUTH,
          uri: cluster.scramSecret.secretArn,
        });
        break;
      }
      case 'tls': {
        const arn = cluster.clientCertificateSecretArn;
        if (!arn) throw invalid(this, 'cluster.clientCertificateSecretArn', 'is required with auth tls');
        this.role.addToPolicy(
          new iam.PolicyStatement({
            sid: 'ReadTheClientCertificate',
            actions: ['secretsmanager:GetSecretValue'],
            resources: [arn],
          }),
        );
        sourceAccessConfigurations.push({
          type: lambda.SourceAccessConfigurationType.CLIENT_CERTIFICATE_TLS_AUTH,
          uri: arn,
        });
        break;
      }
      case 'unauthenticated':
        break;
    }

    this.deadLetterQueue =
      onFailure === 'sqs'
        ? new sqs.Queue(this, 'DeadLetterQueue', {
            encryption: sqs.QueueEncryption.SQS_MANAGED,
            enforceSSL: true,
            retentionPeriod: Duration.seconds(LIMITS.sqs.retentionSeconds.default),
            removalPolicy: RemovalPolicy.DESTROY,
          })
        : undefined;
    const destination: lambda.IEventSourceDlq | undefined =
      onFailure === 's3'
        ? s3OnFailure(props.failureBucket!)
        : this.deadLetterQueue
          ? sqsOnFailure(this.deadLetterQueue)
          : undefined;

    const maxRecordAge = props.maxRecordAge ?? 'infinite';
    this.eventSourceMapping = new lambda.EventSourceMapping(this, 'EventSourceMapping', {
      target: this.function,
      eventSourceArn: cluster.clusterArn,
      kafkaTopic: props.topic,
      kafkaConsumerGroupId: props.consumerGroupId,
      batchSize: props.batchSize ?? E.batchSize.default,
      maxBatchingWindow: props.maxBatchingWindow,
      startingPosition: lambda.StartingPosition[startingPosition],
      startingPositionTimestamp: props.startingPositionTimestamp
        ? Math.floor(props.startingPositionTimestamp.getTime() / 1000)
        : undefined,
      retryAttempts: props.retryAttempts ?? E.retryAttempts.default,
      bisectBatchOnError: props.bisectBatchOnError ?? E.bisectBatchOnError.default,
      maxRecordAge: maxRecordAge === 'infinite' ? undefined : maxRecordAge,
      reportBatchItemFailures: props.reportBatchItemFailures ?? E.reportBatchItemFailures.default,
      provisionedPollerConfig: {
        minimumPollers: props.minimumPollers ?? E.minimumPollers.default,
        maximumPollers: props.maximumPollers ?? E.maximumPollers.default,
      },
      sourceAccessConfigurations: sourceAccessConfigurations.length > 0 ? sourceAccessConfigurations : undefined,
      onFailure: destination,
      supportS3OnFailureDestination: true,
    });
    if (maxRecordAge === 'infinite') {
      // Written out rather than left unset, so that changing a finite age to infinite updates the mapping.
      (this.eventSourceMapping.node.defaultChild as lambda.CfnEventSourceMapping).maximumRecordAgeInSeconds = -1;
    }
    // The mapping checks its permissions, and the topic, when it is created.
    this.eventSourceMapping.node.addDependency(this.role, ...(props.dependsOn ?? []));
  }

  get functionName(): string {
    return this.function.functionName;
  }
}

/** S3 on-failure destination: Lambda writes each discarded batch, records included, as one object. */
function s3OnFailure(bucket: s3.IBucket): lambda.IEventSourceDlq {
  return {
    bind(_mapping, target) {
      target.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'WriteDiscardedBatches',
          actions: ['s3:PutObject'],
          resources: [bucket.arnForObjects('*')],
        }),
      );
      target.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({ sid: 'FindTheBucket', actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
      );
      bucket.encryptionKey?.grantEncrypt(target);
      return { destination: bucket.bucketArn };
    },
  };
}

/** SQS on-failure destination: metadata of each discarded batch (topic, partition, offsets). */
function sqsOnFailure(queue: sqs.IQueue): lambda.IEventSourceDlq {
  return {
    bind(_mapping, target) {
      queue.grant(target, 'sqs:SendMessage');
      return { destination: queue.queueArn };
    },
  };
}
