/**
 * A Firehose delivery stream to S3 as a spec's `delivery` and `bucket` sections describe it: the encrypted output
 * bucket, the record transformation function if any, the delivery stream (reading a Kinesis stream, or Direct PUT
 * without one) and the stack outputs naming them. Shared by kinesis-firehose-s3 and msk-lambda-firehose-s3; the parts
 * are added to `scope` itself, so their construct ids are the same in every stack.
 */
import type { BucketSettings, DeliverySettings } from '@streamkit/core';
import { CfnOutput, Duration, Size } from 'aws-cdk-lib';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type { Construct } from 'constructs';
import { EncryptedBucket } from '../s3/encrypted-bucket.ts';
import { RecordTransformationFunction } from './record-transformation-function.ts';
import { S3DeliveryStream } from './s3-delivery-stream.ts';

export interface FirehoseToS3Props {
  readonly delivery: DeliverySettings;
  readonly bucket: BucketSettings;
  /** @default - Direct PUT */
  readonly sourceStream?: kinesis.IStream;
}

export interface FirehoseToS3 {
  readonly output: EncryptedBucket;
  readonly recordTransformation: RecordTransformationFunction | undefined;
  readonly deliveryStream: S3DeliveryStream;
}

export function firehoseToS3(scope: Construct, props: FirehoseToS3Props): FirehoseToS3 {
  const { delivery } = props;
  const output = new EncryptedBucket(scope, 'Output', {
    abortIncompleteMultipartUploadAfter: Duration.days(props.bucket.abortIncompleteMultipartUploadDays),
    intelligentTieringAfter: Duration.days(props.bucket.intelligentTieringDays),
  });
  const recordTransformation = delivery.processor
    ? new RecordTransformationFunction(scope, 'RecordTransformation', {
        entry: delivery.processor.handler,
        handler: delivery.processor.export,
        memorySize: delivery.processor.memorySize,
        timeout: Duration.seconds(delivery.processor.timeout),
        environment: delivery.processor.environment,
      })
    : undefined;
  const dp = delivery.dynamicPartitioning;
  const conversion = delivery.dataFormatConversion;
  const deliveryStream = new S3DeliveryStream(scope, 'Delivery', {
    ...(props.sourceStream && { sourceStream: props.sourceStream }),
    bucket: output.bucket,
    bufferingInterval: Duration.seconds(delivery.bufferingHints.intervalInSeconds),
    bufferingSize: Size.mebibytes(delivery.bufferingHints.sizeInMBs),
    compression: delivery.compression,
    prefix: delivery.prefix,
    errorOutputPrefix: delivery.errorOutputPrefix,
    ...(dp.enabled && {
      dynamicPartitioning: {
        metadataExtractionQuery: dp.metadataExtractionQuery,
        retryDuration: Duration.seconds(dp.retryDuration),
        appendDelimiterToRecord: delivery.appendDelimiterToRecord,
      },
    }),
    ...(conversion.enabled && {
      dataFormatConversion: { columns: conversion.columns, compression: conversion.compression },
    }),
    ...(delivery.processor &&
      recordTransformation && {
        processor: {
          function: recordTransformation.function,
          bufferSize: Size.mebibytes(delivery.processor.bufferSizeInMBs),
          bufferInterval: Duration.seconds(delivery.processor.bufferIntervalInSeconds),
          numberOfRetries: delivery.processor.numberOfRetries,
        },
      }),
  });

  new CfnOutput(scope, 'DeliveryStreamName', {
    description: 'Firehose delivery stream',
    value: deliveryStream.deliveryStreamName,
  });
  new CfnOutput(scope, 'OutputBucketName', {
    description: 'Where records are delivered',
    value: output.bucket.bucketName,
  });
  new CfnOutput(scope, 'AccessLogBucketName', {
    description: 'Server access logs of the output bucket',
    value: output.accessLogBucket.bucketName,
  });
  if (recordTransformation) {
    new CfnOutput(scope, 'RecordTransformationFunctionName', {
      description: 'Lambda function that transforms records before delivery',
      value: recordTransformation.functionName,
    });
  }
  const table = deliveryStream.recordFormatTable;
  if (table) {
    new CfnOutput(scope, 'GlueDatabaseName', {
      description: 'Glue database of the Parquet schema',
      value: table.database.ref,
    });
    new CfnOutput(scope, 'GlueTableName', { description: 'Glue table of the Parquet files', value: table.table.ref });
  }
  return { output, recordTransformation, deliveryStream };
}
