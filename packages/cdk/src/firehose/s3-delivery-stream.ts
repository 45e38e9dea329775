/**
 * A Firehose delivery stream that reads a Kinesis data stream and writes to S3, built on aws-cdk-lib's
 * `aws-kinesisfirehose` L2 (`DeliveryStream`, `KinesisStreamSource`, `S3Bucket`), with every setting of the spec:
 * buffering hints, compression, prefixes, dynamic partitioning (jq metadata extraction, new-line delimiter, retry
 * duration), record format conversion to Parquet (a Glue table of this stack) and a Lambda record transformation.
 *
 * Permissions: the L2 grants its role more than Firehose uses (read *and* write of the whole bucket, Glue schema
 * registry on `*`, invoking every version of the function). Here the L2 gets the role through `withoutPolicyUpdates()`
 * and the role gets exactly what AWS documents for this destination, on these resources only.
 *
 * Encryption: a delivery stream whose source is a Kinesis stream cannot have Firehose server-side encryption (AWS
 * refuses it); the records are encrypted at rest in the stream (KMS) and in the bucket (SSE).
 */
import {
  type CompressionFormat,
  LIMITS,
  type ParquetCompression,
  parsePrefix,
  partitionKeysOfQuery,
  prefixPartitionKeys,
} from '@streamkit/core';
import { Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULT_LOG_RETENTION } from '../log-retention.ts';
import { checkRange, invalid } from '../validate.ts';
import { type RecordFormatColumn, RecordFormatTable } from './record-format-table.ts';

export interface S3DeliveryStreamProps {
  /** The Kinesis data stream the delivery stream reads. */
  /** The Kinesis data stream it reads. @default - none: producers put records to it (Direct PUT) */
  readonly sourceStream?: kinesis.IStream;
  readonly bucket: s3.IBucket;
  /**
   * How long records are buffered before an object is written (BufferingHints.IntervalInSeconds).
   * @default Duration.seconds(300)
   */
  readonly bufferingInterval?: Duration;
  /**
   * How much is buffered before an object is written (BufferingHints.SizeInMBs).
   * @default Size.mebibytes(5), or Size.mebibytes(128) with dynamic partitioning or record format conversion
   */
  readonly bufferingSize?: Size;
  /**
   * Compression of the objects; must be UNCOMPRESSED (or unset) with record format conversion.
   * @default 'GZIP', or 'UNCOMPRESSED' with record format conversion
   */
  readonly compression?: CompressionFormat;
  /**
   * S3 prefix of delivered objects.
   * @default LIMITS.firehose.prefix.default (the original solution's Hive-style time prefix)
   */
  readonly prefix?: string;
  /**
   * S3 prefix of records that failed processing, jq extraction or format conversion; '' for none.
   * @default LIMITS.firehose.errorOutputPrefix.default
   */
  readonly errorOutputPrefix?: string;
  /**
   * Dynamic partitioning: the keys of `metadataExtractionQuery` (jq 1.6) and/or the processor's partition keys.
   * @default - no dynamic partitioning
   */
  readonly dynamicPartitioning?: {
    /** A jq object construction; its keys are `!{partitionKeyFromQuery:<key>}` in the prefix. */
    readonly metadataExtractionQuery?: string;
    /** @default Duration.seconds(300) */
    readonly retryDuration?: Duration;
    /** Add a new line after each record. @default false */
    readonly appendDelimiterToRecord?: boolean;
  };
  /**
   * Record format conversion: JSON records to Parquet with these columns (a Glue table of this stack).
   * @default - no conversion
   */
  readonly dataFormatConversion?: {
    readonly columns: readonly RecordFormatColumn[];
    /** Compression inside the Parquet files. @default 'SNAPPY' */
    readonly compression?: ParquetCompression;
  };
  /**
   * A Lambda record transformation.
   * @default - none
   */
  readonly processor?: {
    readonly function: lambda.IFunction;
    /** @default Size.mebibytes(1) */
    readonly bufferSize?: Size;
    /** @default Duration.seconds(60) */
    readonly bufferInterval?: Duration;
    /** @default 3 */
    readonly numberOfRetries?: number;
  };
  /**
   * Retention of the delivery stream's error log group (CloudWatch Logs error logging).
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

export class S3DeliveryStream extends Construct {
  readonly deliveryStream: firehose.DeliveryStream;
  /** The role Firehose assumes: read the stream, write the bucket, log errors, and what the features need. */
  readonly role: iam.Role;
  /** Where Firehose logs delivery and processing errors. */
  readonly logGroup: logs.LogGroup;
  /** The schema of record format conversion, when it is on. */
  readonly recordFormatTable: RecordFormatTable | undefined;

  constructor(scope: Construct, id: string, props: S3DeliveryStreamProps) {
    super(scope, id);
    const F = LIMITS.firehose;
    const dp = props.dynamicPartitioning;
    const conversion = props.dataFormatConversion;
    const large = dp !== undefined || conversion !== undefined;
    const sizeLimit = large ? F.bufferingSizeWithPartitioning : F.bufferingSize;
    checkRange(this, 'bufferingSize', sizeLimit, props.bufferingSize?.toMebibytes());
    checkRange(
      this,
      'bufferingInterval',
      dp ? F.bufferingIntervalWithPartitioning : F.bufferingInterval,
      props.bufferingInterval?.toSeconds(),
    );
    checkRange(this, 'dynamicPartitioning.retryDuration', F.retryDuration, dp?.retryDuration?.toSeconds());
    checkRange(this, 'processor.bufferSize', F.processorBufferSize, props.processor?.bufferSize?.toMebibytes());
    checkRange(
      this,
      'processor.bufferInterval',
      F.processorBufferInterval,
      props.processor?.bufferInterval?.toSeconds(),
    );
    checkRange(this, 'processor.numberOfRetries', F.processorRetries, props.processor?.numberOfRetries);
    if (conversion && props.compression !== undefined && props.compression !== 'UNCOMPRESSED') {
      throw invalid(
        this,
        'compression',
        `must be UNCOMPRESSED with record format conversion (got ${props.compression})`,
      );
    }
    const prefix = props.prefix ?? F.prefix.default;
    const errorOutputPrefix = props.errorOutputPrefix ?? F.errorOutputPrefix.default;
    const parsed = parsePrefix(prefix);
    if (!parsed.ok) throw invalid(this, 'prefix', parsed.problem);

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com'),
      description: props.sourceStream
        ? `Firehose reads ${id}'s stream and writes its bucket`
        : `Firehose writes ${id}'s bucket`,
    });
    // What AWS documents for a Kinesis stream source and an S3 destination, and nothing else.
    if (props.sourceStream) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ReadTheSourceStream',
          actions: ['kinesis:DescribeStream', 'kinesis:GetShardIterator', 'kinesis:GetRecords', 'kinesis:ListShards'],
          resources: [props.sourceStream.streamArn],
        }),
      );
      props.sourceStream.encryptionKey?.grantDecrypt(this.role);
    }
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteObjects',
        actions: [
          's3:AbortMultipartUpload',
          's3:GetBucketLocation',
          's3:GetObject',
          's3:ListBucket',
          's3:ListBucketMultipartUploads',
          's3:PutObject',
        ],
        resources: [props.bucket.bucketArn, props.bucket.arnForObjects('*')],
      }),
    );
    props.bucket.encryptionKey?.grantEncryptDecrypt(this.role);
    this.logGroup = new logs.LogGroup(this, 'ErrorLogs', {
      retention: props.logRetention ?? DEFAULT_LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.logGroup.grantWrite(this.role);

    const processors: firehose.IDataProcessor[] = [];
    if (props.processor) {
      processors.push(new LambdaProcessor(props.processor));
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'InvokeTheRecordTransformation',
          actions: ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'],
          resources: [props.processor.function.functionArn],
        }),
      );
    }
    if (dp?.metadataExtractionQuery !== undefined) {
      const keys = partitionKeysOfQuery(dp.metadataExtractionQuery);
      if (!keys.ok) throw invalid(this, 'dynamicPartitioning.metadataExtractionQuery', keys.problem);
      processors.push(
        new firehose.MetadataExtractionProcessor(
          {
            metadataExtractionQuery: dp.metadataExtractionQuery,
            jsonParsingEngine: firehose.JsonParsingEngine.JQ_1_6,
          },
          [...keys.keys],
        ),
      );
    }
    if (dp?.appendDelimiterToRecord) processors.push(new firehose.AppendDelimiterToRecordProcessor());

    if (conversion) {
      // The table's location: the prefix up to its first expression.
      const firstExpression = prefix.indexOf('!{');
      this.recordFormatTable = new RecordFormatTable(this, 'Schema', {
        columns: conversion.columns,
        bucket: props.bucket,
        location: firstExpression === -1 ? prefix : prefix.slice(0, firstExpression),
      });
      this.recordFormatTable.grantRead(this.role);
    }

    // The L2 would widen the role's policy with its own grants; it gets a view of the role it cannot change.
    const role = this.role.withoutPolicyUpdates();
    this.deliveryStream = new firehose.DeliveryStream(this, 'Resource', {
      // Direct PUT streams are encrypted at rest by Firehose; a stream source keeps the records encrypted itself.
      ...(props.sourceStream
        ? { source: new firehose.KinesisStreamSource(props.sourceStream) }
        : { encryption: firehose.StreamEncryption.awsOwnedKey() }),
      role,
      destination: new firehose.S3Bucket(props.bucket, {
        role,
        bufferingInterval: props.bufferingInterval ?? Duration.seconds(F.bufferingInterval.default),
        bufferingSize:
          props.bufferingSize ??
          Size.mebibytes(large ? F.bufferingSizeWithPartitioning.default : F.bufferingSize.default),
        ...(conversion ? {} : { compression: firehose.Compression.of(props.compression ?? F.compression.default) }),
        dataOutputPrefix: prefix,
        ...(errorOutputPrefix !== '' && { errorOutputPrefix }),
        loggingConfig: new firehose.EnableLogging(this.logGroup),
        ...(processors.length > 0 && { processors }),
        ...(dp && {
          dynamicPartitioning: {
            enabled: true,
            retryDuration: dp.retryDuration ?? Duration.seconds(F.retryDuration.default),
          },
        }),
        ...(conversion &&
          this.recordFormatTable && {
            dataFormatConversion: {
              schemaConfiguration: firehose.SchemaConfiguration.fromCfnTable(this.recordFormatTable.table),
              inputFormat: firehose.InputFormat.OPENX_JSON,
              outputFormat: new firehose.ParquetOutputFormat({
                compression: firehose.ParquetCompression.of(conversion.compression ?? F.parquetCompression.default),
              }),
            },
          }),
      }),
    });
    // The L2 adds a mapping of Firehose's CIDR blocks per region to every stack, for `connections` to VPC
    // destinations; an S3 destination never uses it, and CloudFormation's validation flags it as unreferenced.
    const stack = Stack.of(this);
    const cidrBlocks = stack.node.children.find((c) => c.node.id.endsWith('aws-kinesisfirehose.CidrBlocks'));
    if (cidrBlocks) stack.node.tryRemoveChild(cidrBlocks.node.id);
    // Firehose checks its permissions when the delivery stream is created: the policy must exist by then.
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (policy) this.deliveryStream.node.addDependency(policy);
    if (prefixPartitionKeys(parsed.parts, 'partitionKeyFromLambda').length > 0 && !props.processor) {
      throw invalid(this, 'prefix', 'uses !{partitionKeyFromLambda:…}, which needs a processor');
    }
  }

  get deliveryStreamName(): string {
    return this.deliveryStream.deliveryStreamName;
  }
}

/**
 * A `Lambda` processor with every parameter written out. aws-cdk-lib's `LambdaFunctionProcessor` leaves out
 * `NumberOfRetries: 0` (AWS would then retry 3 times) and grants invoking every version of the function.
 */
class LambdaProcessor implements firehose.IDataProcessor {
  readonly props: firehose.DataProcessorProps;

  constructor(private readonly options: NonNullable<S3DeliveryStreamProps['processor']>) {
    const F = LIMITS.firehose;
    this.props = {
      bufferSize: options.bufferSize ?? Size.mebibytes(F.processorBufferSize.default),
      bufferInterval: options.bufferInterval ?? Duration.seconds(F.processorBufferInterval.default),
      retries: options.numberOfRetries ?? F.processorRetries.default,
    };
  }

  bind(_scope: Construct, options: firehose.DataProcessorBindOptions): firehose.DataProcessorConfig {
    const identifier = { parameterName: 'LambdaArn', parameterValue: this.options.function.functionArn };
    return {
      processorType: 'Lambda',
      processorIdentifier: identifier,
      parameters: [
        identifier,
        { parameterName: 'RoleArn', parameterValue: options.role.roleArn },
        { parameterName: 'NumberOfRetries', parameterValue: String(this.props.retries) },
        { parameterName: 'BufferSizeInMBs', parameterValue: String(this.props.bufferSize!.toMebibytes()) },
        { parameterName: 'BufferIntervalInSeconds', parameterValue: String(this.props.bufferInterval!.toSeconds()) },
      ],
    };
  }
}
