/**
 * A whole pipeline as one stack, built from a resolved spec. Each preset is one case of the switch in the constructor;
 * the constructs it uses are the building blocks in this package.
 */

import {
  type ApigwKinesisLambdaSpec,
  alarmsFor,
  type KinesisFirehoseS3Spec,
  type KinesisPipelineSpec,
  type PipelineSpec,
  PRESETS,
  requireKinesisSpec,
  StreamkitError,
} from '@streamkit/core';
import { handlerEntry } from '@streamkit/functions';
import { CfnOutput, Duration, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { StreamConsumer } from './consumer/stream-consumer.ts';
import { firehoseToS3 } from './firehose/firehose-to-s3.ts';
import type { RecordTransformationFunction } from './firehose/record-transformation-function.ts';
import type { S3DeliveryStream } from './firehose/s3-delivery-stream.ts';
import { KinesisIngestApi } from './ingest/kinesis-ingest-api.ts';
import { PipelineMonitoring } from './monitoring/pipeline-monitoring.ts';
import type { EncryptedBucket } from './s3/encrypted-bucket.ts';
import { DataStream } from './stream/data-stream.ts';

export interface PipelineStackProps extends StackProps {
  /** The resolved spec (`loadSpec`, `parseSpecText`, `presetSpec`): every default is already filled in. */
  readonly spec: PipelineSpec;
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
  readonly monitoring: PipelineMonitoring;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    const { spec: input, ...stackProps } = props;
    const spec = requireKinesisSpec(input, 'PipelineStack');
    super(scope, id, {
      ...stackProps,
      description: stackProps.description ?? describe(spec),
    });
    this.spec = spec;

    for (const [key, value] of Object.entries(spec.tags)) Tags.of(this).add(key, value);
    Tags.of(this).add('streamkit:pipeline', spec.name);
    Tags.of(this).add('streamkit:preset', spec.preset);

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
      default:
        throw new StreamkitError(
          'SK_VALIDATION',
          `the cloud target has no stack for preset ${(spec as { preset: string }).preset} yet`,
          { path: 'preset' },
        );
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
}

/** "streamkit apigw-kinesis-lambda: API Gateway → Kinesis Data Streams → Lambda", then the spec's own description. */
function describe(spec: PipelineSpec): string {
  const chain = `streamkit ${spec.preset}: ${PRESETS[spec.preset].title}`;
  return spec.description ? `${chain} — ${spec.description}` : chain;
}
