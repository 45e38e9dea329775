/**
 * A whole pipeline as one stack, built from a resolved spec. Each preset is one case of the switch in the constructor;
 * the constructs it uses are the building blocks in this package.
 */

import {
  type ApigwKinesisLambdaSpec,
  alarmsFor,
  enrichmentJobProperties,
  type KinesisFirehoseS3Spec,
  type KinesisFlinkApigwSpec,
  type KinesisPipelineSpec,
  type KplKinesisFlinkS3Spec,
  type PipelineSpec,
  PRESETS,
  requireKinesisSpec,
  StreamkitError,
  sqlRunnerProperties,
} from '@streamkit/core';
import { handlerEntry } from '@streamkit/functions';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import type { Construct } from 'constructs';
import { StreamConsumer } from './consumer/stream-consumer.ts';
import { firehoseToS3 } from './firehose/firehose-to-s3.ts';
import type { RecordTransformationFunction } from './firehose/record-transformation-function.ts';
import type { S3DeliveryStream } from './firehose/s3-delivery-stream.ts';
import { FareApi } from './flink/fare-api.ts';
import { allowFileSink, FlinkApplication, type FlinkApplicationProps } from './flink/flink-application.ts';
import { flinkJobJar, REPOSITORY_ROOT } from './flink/job-assets.ts';
import { ProducerInstance } from './flink/producer-instance.ts';
import { StudioNotebook } from './flink/studio-notebook.ts';
import { KinesisIngestApi } from './ingest/kinesis-ingest-api.ts';
import { PipelineMonitoring } from './monitoring/pipeline-monitoring.ts';
import { EncryptedBucket } from './s3/encrypted-bucket.ts';
import { tagAndRegister } from './stack-tags.ts';
import { DataStream } from './stream/data-stream.ts';

export interface PipelineStackProps extends StackProps {
  /** The resolved spec (`loadSpec`, `parseSpecText`, `presetSpec`): every default is already filled in. */
  readonly spec: PipelineSpec;
  /**
   * The Flink job jars to upload (kpl-kinesis-flink-s3 in application mode, kinesis-flink-apigw).
   * @default - the jars `mvn package` builds in flink/ (core's FLINK_JARS)
   */
  readonly flinkJobJars?: { readonly sqlRunner?: string; readonly enrichment?: string };
  /**
   * The repository whose packages the Flink presets' producer instance runs (`streamkit produce`).
   * @default - this repository
   */
  readonly producerSourceDirectory?: string;
}

export class PipelineStack extends Stack {
  readonly spec: KinesisPipelineSpec;
  readonly dataStream: DataStream;
  /** The REST API producers write to (apigw-kinesis-lambda). */
  readonly ingestApi: KinesisIngestApi | undefined;
  /** One per `spec.consumers` entry, in the same order (apigw-kinesis-lambda; none otherwise). */
  readonly consumers: readonly StreamConsumer[];
  /** The output bucket and its access-log bucket (kinesis-firehose-s3). */
  readonly output: EncryptedBucket | undefined;
  /** The Firehose delivery stream to the output bucket (kinesis-firehose-s3). */
  readonly delivery: S3DeliveryStream | undefined;
  /** The delivery stream's Lambda record transformation, when the spec has one. */
  readonly recordTransformation: RecordTransformationFunction | undefined;
  /** The Managed Flink application (kinesis-flink-apigw; kpl-kinesis-flink-s3 in application mode). */
  readonly flinkApplication?: FlinkApplication;
  /** The Studio notebook (kpl-kinesis-flink-s3 in notebook mode). */
  readonly studioNotebook?: StudioNotebook;
  /** The demo producer on EC2 (the Flink presets). */
  readonly producer?: ProducerInstance;
  /** The enrichment endpoint (kinesis-flink-apigw). */
  readonly fareApi?: FareApi;
  readonly monitoring: PipelineMonitoring;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    const { spec: input, flinkJobJars, producerSourceDirectory, ...stackProps } = props;
    const spec = requireKinesisSpec(input, 'PipelineStack');
    super(scope, id, {
      ...stackProps,
      description: stackProps.description ?? describe(spec),
    });
    this.spec = spec;

    tagAndRegister(this, spec);

    this.dataStream = new DataStream(this, 'Stream', {
      streamMode: spec.stream.mode,
      shardCount: spec.stream.mode === 'PROVISIONED' ? spec.stream.shardCount : undefined,
      retentionPeriod: Duration.hours(spec.stream.retentionHours),
      encryption: spec.stream.encryption,
      shardLevelMetrics: spec.stream.shardLevelMetrics,
    });
    new CfnOutput(this, 'StreamName', { description: 'Kinesis data stream', value: this.dataStream.streamName });

    switch (spec.preset) {
      case 'apigw-kinesis-lambda': {
        const parts = this.apigwKinesisLambda(spec, this.dataStream);
        this.ingestApi = parts.ingestApi;
        this.consumers = parts.consumers;
        this.monitoring = parts.monitoring;
        this.output = undefined;
        this.delivery = undefined;
        this.recordTransformation = undefined;
        break;
      }
      case 'kinesis-firehose-s3': {
        const parts = this.kinesisFirehoseS3(spec, this.dataStream);
        this.ingestApi = undefined;
        this.consumers = [];
        this.output = parts.output;
        this.delivery = parts.delivery;
        this.recordTransformation = parts.recordTransformation;
        this.monitoring = parts.monitoring;
        break;
      }
      case 'kpl-kinesis-flink-s3': {
        const parts = this.kplKinesisFlinkS3(spec, this.dataStream, flinkJobJars?.sqlRunner);
        this.ingestApi = undefined;
        this.consumers = [];
        this.output = parts.output;
        this.delivery = undefined;
        this.recordTransformation = undefined;
        this.flinkApplication = parts.flinkApplication;
        this.studioNotebook = parts.studioNotebook;
        this.monitoring = parts.monitoring;
        break;
      }
      case 'kinesis-flink-apigw': {
        const parts = this.kinesisFlinkApigw(spec, this.dataStream, flinkJobJars?.enrichment);
        this.ingestApi = undefined;
        this.consumers = [];
        this.output = parts.output;
        this.delivery = undefined;
        this.recordTransformation = undefined;
        this.flinkApplication = parts.flinkApplication;
        this.fareApi = parts.fareApi;
        this.monitoring = parts.monitoring;
        break;
      }
      default:
        throw new StreamkitError(
          'SK_VALIDATION',
          `the cloud target has no stack for preset ${(spec as { preset: string }).preset} yet`,
          { path: 'preset' },
        );
    }
    if (spec.preset === 'kpl-kinesis-flink-s3' || spec.preset === 'kinesis-flink-apigw') {
      this.producer = new ProducerInstance(this, 'Producer', {
        stream: this.dataStream.stream,
        preset: spec.preset,
        data: spec.preset === 'kpl-kinesis-flink-s3' ? 'stock' : 'taxi',
        sourceDirectory: producerSourceDirectory ?? REPOSITORY_ROOT,
        notificationTopic: this.monitoring.topic,
        instanceType: spec.producer.instanceType,
        rate: spec.producer.rate,
        autoStart: spec.producer.autoStart,
      });
      // The group publishes its launch and termination events with Auto Scaling's service-linked role, which the
      // topic's key must let encrypt them (naming the role by condition: it may not exist before the first group).
      this.monitoring.topicKey.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowAutoScalingNotifications',
          principals: [new iam.AnyPrincipal()],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          conditions: {
            ArnEquals: {
              'aws:PrincipalArn': `arn:${this.partition}:iam::${this.account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
            },
            StringEquals: { 'kms:CallerAccount': this.account },
          },
        }),
      );
      new CfnOutput(this, 'ProducerAutoScalingGroupName', {
        description: 'Auto Scaling group of the producer instance; open a session with `aws ssm start-session`',
        value: this.producer.autoScalingGroup.autoScalingGroupName,
      });
    }
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'SNS topic every alarm notifies',
      value: this.monitoring.topic.topicArn,
    });
  }

  /** K1: REST API → Kinesis Data Streams → Lambda, with dead-letter queues, alarms and a dashboard. */
  private apigwKinesisLambda(spec: ApigwKinesisLambdaSpec, dataStream: DataStream) {
    const ingestApi = new KinesisIngestApi(this, 'IngestApi', {
      stream: dataStream.stream,
      auth: spec.ingest.auth,
      throttlingRateLimit: spec.ingest.throttling.rateLimit,
      throttlingBurstLimit: spec.ingest.throttling.burstLimit,
      tracingEnabled: spec.ingest.tracing,
    });

    const consumers = spec.consumers.map(
      (consumer) =>
        new StreamConsumer(this, `Consumer-${consumer.name}`, {
          stream: dataStream.stream,
          entry: handlerEntry(consumer),
          handler: consumer.export,
          memorySize: consumer.memorySize,
          timeout: Duration.seconds(consumer.timeout),
          environment: consumer.environment,
          batchSize: consumer.batchSize,
          maxBatchingWindow: Duration.seconds(consumer.maxBatchingWindow),
          parallelizationFactor: consumer.parallelizationFactor,
          retryAttempts: consumer.retryAttempts,
          bisectBatchOnError: consumer.bisectBatchOnError,
          maxRecordAge: consumer.maxRecordAge === -1 ? 'infinite' : Duration.seconds(consumer.maxRecordAge),
          startingPosition: consumer.startingPosition,
          startingPositionTimestamp:
            consumer.startingPositionTimestamp === undefined ? undefined : new Date(consumer.startingPositionTimestamp),
          reportBatchItemFailures: consumer.reportBatchItemFailures,
          deadLetterQueue: consumer.onFailure === 'sqs',
          tumblingWindow: consumer.tumblingWindow > 0 ? Duration.seconds(consumer.tumblingWindow) : undefined,
          filters: consumer.filters,
          enhancedFanOut: consumer.enhancedFanOut,
        }),
    );

    const monitoring = new PipelineMonitoring(this, 'Monitoring', {
      alarms: alarmsFor(spec),
      stream: dataStream.stream,
      api: { restApi: ingestApi.api, stageName: ingestApi.stage.stageName },
      consumers: spec.consumers.map((consumer, i) => ({
        name: consumer.name,
        function: consumers[i]!.function,
        deadLetterQueue: consumers[i]!.deadLetterQueue,
      })),
      alarmEmail: spec.monitoring.alarmEmail,
      dashboard: spec.monitoring.dashboard,
    });

    new CfnOutput(this, 'ApiUrl', { description: 'Invoke URL of the ingest API', value: ingestApi.url });
    spec.consumers.forEach((consumer, i) => {
      const built = consumers[i]!;
      new CfnOutput(this, `FunctionName-${consumer.name}`, {
        description: `Function of consumer ${consumer.name}`,
        value: built.functionName,
      });
      if (built.deadLetterQueue) {
        new CfnOutput(this, `DeadLetterQueueUrl-${consumer.name}`, {
          description: `Dead-letter queue of consumer ${consumer.name}`,
          value: built.deadLetterQueue.queueUrl,
        });
      }
    });
    if (ingestApi.userPool && ingestApi.userPoolClient) {
      new CfnOutput(this, 'UserPoolId', {
        description: 'Cognito user pool of producers',
        value: ingestApi.userPool.userPoolId,
      });
      new CfnOutput(this, 'UserPoolClientId', {
        description: 'App client producers sign in with',
        value: ingestApi.userPoolClient.userPoolClientId,
      });
    }
    if (ingestApi.apiKey) {
      new CfnOutput(this, 'ApiKeyId', {
        description: 'API key id; `aws apigateway get-api-key --include-value --api-key <id>` shows the key',
        value: ingestApi.apiKey.keyId,
      });
    }
    return { ingestApi, consumers, monitoring };
  }

  /**
   * K3: Kinesis Data Streams → Firehose → S3, with buffering, compression, prefixes, dynamic partitioning, Parquet
   * and an optional record transformation; an encrypted output bucket with access logs and lifecycle rules; alarms.
   */
  private kinesisFirehoseS3(spec: KinesisFirehoseS3Spec, dataStream: DataStream) {
    const { output, recordTransformation, deliveryStream } = firehoseToS3(this, {
      delivery: spec.delivery,
      bucket: spec.bucket,
      sourceStream: dataStream.stream,
    });
    const conversion = spec.delivery.dataFormatConversion;
    const monitoring = new PipelineMonitoring(this, 'Monitoring', {
      alarms: alarmsFor(spec),
      stream: dataStream.stream,
      deliveryStream: {
        deliveryStreamName: deliveryStream.deliveryStreamName,
        dataFormatConversion: conversion.enabled,
        ...(recordTransformation && { processor: recordTransformation.function }),
      },
      alarmEmail: spec.monitoring.alarmEmail,
      dashboard: spec.monitoring.dashboard,
    });

    return { output, delivery: deliveryStream, recordTransformation, monitoring };
  }

  /**
   * K2: producer on EC2 → Kinesis Data Streams → Flink SQL → S3. The SQL runs as a Managed Flink application (the
   * SQL runner jar, with the SQL file as an asset it reads at start) or is typed into a Studio notebook.
   */
  private kplKinesisFlinkS3(spec: KplKinesisFlinkS3Spec, dataStream: DataStream, sqlRunnerJar: string | undefined) {
    const output = new EncryptedBucket(this, 'Output', {
      abortIncompleteMultipartUploadAfter: Duration.days(spec.bucket.abortIncompleteMultipartUploadDays),
      intelligentTieringAfter: Duration.days(spec.bucket.intelligentTieringDays),
    });
    let flinkApplication: FlinkApplication | undefined;
    let studioNotebook: StudioNotebook | undefined;
    if (spec.flink.mode === 'application') {
      const jar = new s3assets.Asset(this, 'SqlRunnerJar', { path: flinkJobJar('sqlRunner', sqlRunnerJar) });
      const sql = new s3assets.Asset(this, 'Sql', { path: spec.flink.sql });
      flinkApplication = new FlinkApplication(this, 'Flink', {
        ...flinkApplicationSettings(spec.flink),
        code: { bucket: jar.bucket, key: jar.s3ObjectKey },
        description: `streamkit ${spec.name}: Flink SQL from the stream to S3`,
        propertyGroups: sqlRunnerProperties({
          sqlUri: sql.s3ObjectUrl,
          streamName: dataStream.streamName,
          region: this.region,
          outputPath: `s3://${output.bucket.bucketName}/`,
        }),
      });
      flinkApplication.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ReadTheSql',
          actions: ['s3:GetObject'],
          resources: [sql.bucket.arnForObjects(sql.s3ObjectKey)],
        }),
      );
      new CfnOutput(this, 'ApplicationName', {
        description: 'Managed Flink application running the SQL',
        value: flinkApplication.applicationName,
      });
    } else {
      studioNotebook = new StudioNotebook(this, 'Notebook', { logLevel: spec.flink.logLevel, vpc: spec.flink.vpc });
      new CfnOutput(this, 'StudioNotebookName', {
        description: 'Studio notebook: start it, open Zeppelin, run the SQL of docs/presets/kpl-kinesis-flink-s3.md',
        value: studioNotebook.applicationName,
      });
      new CfnOutput(this, 'GlueDatabaseName', {
        description: 'Catalog of the notebook’s tables',
        value: studioNotebook.database.ref,
      });
    }
    const role = (flinkApplication?.role ?? studioNotebook?.role)!;
    dataStream.stream.grantRead(role);
    allowFileSink(role, output.bucket);

    const app = flinkApplication ?? studioNotebook!;
    const monitoring = new PipelineMonitoring(this, 'Monitoring', {
      alarms: alarmsFor(spec),
      stream: dataStream.stream,
      flinkApplication: { applicationName: app.applicationName, logGroup: app.logGroup },
      alarmEmail: spec.monitoring.alarmEmail,
      dashboard: spec.monitoring.dashboard,
    });
    new CfnOutput(this, 'OutputBucketName', { description: 'Where the SQL writes', value: output.bucket.bucketName });
    return { output, flinkApplication, studioNotebook, monitoring };
  }

  /**
   * K4: producer on EC2 → Kinesis Data Streams → Flink async I/O → REST API → Lambda, the enriched rides to S3. The
   * job signs its calls with its role and reads the API key from its rotated secret; neither credentials nor key are
   * in its properties.
   */
  private kinesisFlinkApigw(spec: KinesisFlinkApigwSpec, dataStream: DataStream, enrichmentJar: string | undefined) {
    const fareApi = new FareApi(this, 'FareApi', {
      throttlingRateLimit: spec.enrichment.throttling.rateLimit,
      throttlingBurstLimit: spec.enrichment.throttling.burstLimit,
      apiKeyRotationDays: spec.enrichment.apiKeyRotationDays,
    });
    const output = new EncryptedBucket(this, 'Output', {
      abortIncompleteMultipartUploadAfter: Duration.days(spec.bucket.abortIncompleteMultipartUploadDays),
      intelligentTieringAfter: Duration.days(spec.bucket.intelligentTieringDays),
    });
    const jar = new s3assets.Asset(this, 'EnrichmentJar', { path: flinkJobJar('enrichment', enrichmentJar) });
    const flinkApplication = new FlinkApplication(this, 'Flink', {
      ...flinkApplicationSettings(spec.flink),
      code: { bucket: jar.bucket, key: jar.s3ObjectKey },
      description: `streamkit ${spec.name}: enriches taxi rides with fare estimates`,
      propertyGroups: enrichmentJobProperties({
        streamName: dataStream.streamName,
        region: this.region,
        endpointUrl: fareApi.url,
        apiKeySecretArn: fareApi.apiKey.secret.secretArn,
        outputPath: `s3://${output.bucket.bucketName}/${ENRICHED_PREFIX}`,
        timeoutMs: spec.enrichment.timeout * 1000,
        capacity: spec.enrichment.capacity,
        retries: spec.enrichment.retries,
        ordered: spec.enrichment.ordered,
      }),
    });
    dataStream.stream.grantRead(flinkApplication.role);
    fareApi.grantInvoke(flinkApplication.role);
    allowFileSink(flinkApplication.role, output.bucket);
    // The job reads the key when it starts: let the first rotation (run as the schedule is created) make it first.
    flinkApplication.lifecycle.resource.node.addDependency(fareApi.apiKey.rotation);

    const monitoring = new PipelineMonitoring(this, 'Monitoring', {
      alarms: alarmsFor(spec),
      stream: dataStream.stream,
      api: { restApi: fareApi.api, stageName: fareApi.stage.stageName },
      flinkApplication: { applicationName: flinkApplication.applicationName, logGroup: flinkApplication.logGroup },
      enrichmentFunction: fareApi.function,
      alarmEmail: spec.monitoring.alarmEmail,
      dashboard: spec.monitoring.dashboard,
    });
    new CfnOutput(this, 'ApplicationName', {
      description: 'Managed Flink application running the enrichment job',
      value: flinkApplication.applicationName,
    });
    new CfnOutput(this, 'FareApiUrl', { description: 'Invoke URL of the fare API', value: fareApi.url });
    new CfnOutput(this, 'FareApiKeySecretArn', {
      description:
        'Secret holding the fare API key (rotated); `aws secretsmanager get-secret-value --secret-id <arn>` shows it',
      value: fareApi.apiKey.secret.secretArn,
    });
    new CfnOutput(this, 'OutputBucketName', {
      description: `Where the enriched rides go (${ENRICHED_PREFIX}dt=…/hr=…/, JSON lines)`,
      value: output.bucket.bucketName,
    });
    return { flinkApplication, fareApi, output, monitoring };
  }
}

/** The prefix of the enriched rides in the output bucket (as locally: `<bucket>/enriched/`). */
const ENRICHED_PREFIX = 'enriched/';

/** The FlinkApplication settings of a resolved `flink` section. */
function flinkApplicationSettings(
  flink: KinesisFlinkApigwSpec['flink'],
): Omit<FlinkApplicationProps, 'code' | 'propertyGroups' | 'description'> {
  return {
    runtime: flink.runtime,
    parallelism: flink.parallelism,
    parallelismPerKpu: flink.parallelismPerKpu,
    autoScaling: flink.autoScaling,
    checkpointing: flink.checkpointing,
    checkpointInterval: Duration.seconds(flink.checkpointInterval),
    minPauseBetweenCheckpoints: Duration.seconds(flink.minPauseBetweenCheckpoints),
    snapshots: flink.snapshots,
    logLevel: flink.logLevel,
    metricsLevel: flink.metricsLevel,
    vpc: flink.vpc,
  };
}

/** "streamkit apigw-kinesis-lambda: API Gateway → Kinesis Data Streams → Lambda", then the spec's own description. */
function describe(spec: PipelineSpec): string {
  const chain = `streamkit ${spec.preset}: ${PRESETS[spec.preset].title}`;
  return spec.description ? `${chain} — ${spec.description}` : chain;
}
