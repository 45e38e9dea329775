/**
 * One Lambda consumer of the stream: the handler bundled with esbuild (no Docker), its log group, and the Kinesis
 * event source mapping with every setting spelled out, plus an encrypted SQS on-failure destination.
 *
 * The original solution wired ParallelizationFactor and MaximumRetryAttempts to each other's parameter (bug 1);
 * here each setting goes to the property of the same name, and the tests set them to distinct values to prove it.
 */
import { type FilterPattern, LIMITS, type StartingPosition } from '@streamkit/core';
import { Duration, Names, RemovalPolicy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { bundledFunction } from '../lambda-function.ts';
import { checkRange, invalid } from '../validate.ts';

export interface StreamConsumerProps {
  /** The stream the function consumes. */
  readonly stream: kinesis.IStream;
  /** The handler's TypeScript (or JavaScript) entry file. */
  readonly entry: string;
  /**
   * Name of the exported handler function in `entry`.
   * @default 'handler'
   */
  readonly handler?: string;
  /**
   * Function memory in MB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Function timeout.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * Environment variables of the function.
   * @default - only NODE_OPTIONS=--enable-source-maps, so that stack traces use the bundle's source map
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Instruction set the function runs on. The bundle is plain JavaScript, so Graviton costs 20 % less for the same
   * work.
   * @default lambda.Architecture.ARM_64
   */
  readonly architecture?: lambda.Architecture;
  /**
   * Records per invocation.
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * How long to gather records before invoking the function.
   * @default Duration.seconds(0)
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Batches processed concurrently from each shard.
   * @default 1
   */
  readonly parallelizationFactor?: number;
  /**
   * Retries of a failed batch before it goes to the on-failure destination; -1 retries until the records expire.
   * @default 3
   */
  readonly retryAttempts?: number;
  /**
   * Split a failed batch in two before retrying.
   * @default true
   */
  readonly bisectBatchOnError?: boolean;
  /**
   * Records older than this go to the on-failure destination instead of the function; `'infinite'` never discards.
   * @default Duration.seconds(86400)
   */
  readonly maxRecordAge?: Duration | 'infinite';
  /**
   * Where a new mapping starts reading each shard.
   * @default 'TRIM_HORIZON'
   */
  readonly startingPosition?: StartingPosition;
  /** Required with `AT_TIMESTAMP`: the time to start reading from. */
  readonly startingPositionTimestamp?: Date;
  /**
   * Honour partial batch responses (`batchItemFailures`).
   * @default true
   */
  readonly reportBatchItemFailures?: boolean;
  /**
   * Group records into tumbling windows of this length; the function carries state between the invocations of a window.
   * @default - no windows
   */
  readonly tumblingWindow?: Duration;
  /**
   * Event filters in Lambda's pattern syntax; records that match none are skipped without invoking the function.
   * @default - every record is processed
   */
  readonly filters?: readonly FilterPattern[];
  /**
   * Read through an enhanced fan-out consumer registered for this function (SubscribeToShard, 2 MiB/s per shard of its
   * own) instead of shared polling.
   * @default false
   */
  readonly enhancedFanOut?: boolean;
  /**
   * Send metadata of discarded batches to an SQS dead-letter queue.
   * @default true
   */
  readonly deadLetterQueue?: boolean;
  /**
   * Key that encrypts the dead-letter queue.
   * @default - SQS managed encryption (SSE-SQS)
   */
  readonly deadLetterQueueEncryptionKey?: kms.IKey;
  /**
   * Retention of the function's log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

export class StreamConsumer extends Construct {
  readonly function: lambda.Function;
  /** The execution role: write to its own log group, read this stream, send to its own queue, X-Ray. */
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly eventSourceMapping: lambda.EventSourceMapping;
  /** The on-failure destination, unless `deadLetterQueue` is false. */
  readonly deadLetterQueue: sqs.Queue | undefined;
  /** The enhanced fan-out consumer the mapping reads through, when `enhancedFanOut` is on. */
  readonly fanOutConsumer: kinesis.StreamConsumer | undefined;

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);
    const E = LIMITS.esm;
    const L = LIMITS.lambda;
    checkRange(this, 'memorySize', L.memorySize, props.memorySize);
    checkRange(this, 'timeout', L.timeout, props.timeout?.toSeconds());
    checkRange(this, 'batchSize', E.batchSize, props.batchSize);
    checkRange(this, 'maxBatchingWindow', E.maxBatchingWindow, props.maxBatchingWindow?.toSeconds());
    checkRange(this, 'parallelizationFactor', E.parallelizationFactor, props.parallelizationFactor);
    checkRange(this, 'retryAttempts', E.retryAttempts, props.retryAttempts);
    if (props.maxRecordAge !== undefined && props.maxRecordAge !== 'infinite') {
      checkRange(this, 'maxRecordAge', E.maxRecordAge, props.maxRecordAge.toSeconds());
    }
    checkRange(this, 'tumblingWindow', E.tumblingWindow, props.tumblingWindow?.toSeconds());
    checkRange(this, 'filters', E.filters, props.filters?.length);
    const startingPosition = props.startingPosition ?? E.startingPosition.default;
    if ((startingPosition === 'AT_TIMESTAMP') !== (props.startingPositionTimestamp !== undefined)) {
      throw invalid(this, 'startingPositionTimestamp', 'is required with AT_TIMESTAMP and allowed only with it');
    }

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
      architecture: props.architecture,
      logRetention: props.logRetention,
      purpose: 'stream consumer',
    }));

    // The mapping reads with the function's role; exactly the calls a polling (non-EFO) consumer makes.
    props.stream.grant(
      this.role,
      'kinesis:DescribeStream',
      'kinesis:DescribeStreamSummary',
      'kinesis:GetRecords',
      'kinesis:GetShardIterator',
      'kinesis:ListShards',
    );
    props.stream.encryptionKey?.grant(this.role, 'kms:Decrypt');

    if (props.deadLetterQueue ?? true) {
      const key = props.deadLetterQueueEncryptionKey;
      this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
        ...(key
          ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key }
          : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
        enforceSSL: true,
        retentionPeriod: Duration.seconds(LIMITS.sqs.retentionSeconds.default),
        removalPolicy: RemovalPolicy.DESTROY,
      });
    }

    const maxRecordAge = props.maxRecordAge ?? Duration.seconds(E.maxRecordAge.default);
    if (props.enhancedFanOut ?? E.enhancedFanOut.default) {
      this.fanOutConsumer = new kinesis.StreamConsumer(this, 'FanOutConsumer', {
        stream: props.stream,
        // Unique per stack and consumer, so two deployments never collide (consumer names are per stream anyway).
        streamConsumerName: Names.uniqueResourceName(this, { maxLength: 128, separator: '-' }),
      });
      this.fanOutConsumer.grant(this.role, 'kinesis:SubscribeToShard', 'kinesis:DescribeStreamConsumer');
    }

    this.eventSourceMapping = new lambda.EventSourceMapping(this, 'EventSourceMapping', {
      target: this.function,
      eventSourceArn: this.fanOutConsumer?.streamConsumerArn ?? props.stream.streamArn,
      tumblingWindow: props.tumblingWindow,
      // CloudFormation refuses an empty FilterCriteria: no filters means none at all.
      filters: props.filters?.length
        ? props.filters.map((pattern) => ({ pattern: JSON.stringify(pattern) }))
        : undefined,
      batchSize: props.batchSize ?? E.batchSize.default,
      maxBatchingWindow: props.maxBatchingWindow ?? Duration.seconds(E.maxBatchingWindow.default),
      parallelizationFactor: props.parallelizationFactor ?? E.parallelizationFactor.default,
      retryAttempts: props.retryAttempts ?? E.retryAttempts.default,
      bisectBatchOnError: props.bisectBatchOnError ?? E.bisectBatchOnError.default,
      maxRecordAge: maxRecordAge === 'infinite' ? undefined : maxRecordAge,
      startingPosition: lambda.StartingPosition[startingPosition],
      startingPositionTimestamp: props.startingPositionTimestamp
        ? Math.floor(props.startingPositionTimestamp.getTime() / 1000)
        : undefined,
      reportBatchItemFailures: props.reportBatchItemFailures ?? E.reportBatchItemFailures.default,
      onFailure: this.deadLetterQueue
        ? sqsOnFailure(this.deadLetterQueue, props.deadLetterQueueEncryptionKey)
        : undefined,
    });
    if (maxRecordAge === 'infinite') {
      // Written out rather than left unset, so that changing a finite age to infinite updates the mapping.
      (this.eventSourceMapping.node.defaultChild as lambda.CfnEventSourceMapping).maximumRecordAgeInSeconds = -1;
    }
    // The mapping validates its permissions when it is created.
    this.eventSourceMapping.node.addDependency(this.role);
  }

  get functionName(): string {
    return this.function.functionName;
  }
}

/** An on-failure destination that grants only what the mapping uses: SendMessage (and the key, if any). */
function sqsOnFailure(queue: sqs.IQueue, encryptionKey: kms.IKey | undefined): lambda.IEventSourceDlq {
  return {
    bind(_mapping, target) {
      queue.grant(target, 'sqs:SendMessage');
      encryptionKey?.grant(target, 'kms:GenerateDataKey', 'kms:Decrypt');
      return { destination: queue.queueArn };
    },
  };
}
