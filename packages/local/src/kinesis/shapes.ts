/**
 * The JSON bodies of the actions the engine implements, exactly as they travel over the wire (AWS JSON 1.1): blobs
 * are base64 strings and timestamps are seconds since the epoch. `KinesisEngine.dispatch` takes and returns these.
 */
import type { ShardLevelMetric, StreamMode } from '@streamkit/core';
import { formatSequenceNumber } from './sequence-number.ts';
import type {
  ConsumerStatus,
  EncryptionType,
  KinesisShard,
  KinesisStream,
  StreamConsumer,
  StreamStatus,
} from './store.ts';

export interface StreamRefInput {
  readonly StreamName?: string;
  readonly StreamARN?: string;
}

export interface CreateStreamInput {
  readonly StreamName: string;
  readonly ShardCount?: number;
  readonly StreamModeDetails?: { readonly StreamMode: StreamMode };
  readonly Tags?: Readonly<Record<string, string>>;
}
export type CreateStreamOutput = Record<string, never>;

export interface DeleteStreamInput extends StreamRefInput {
  readonly EnforceConsumerDeletion?: boolean;
}
export type DeleteStreamOutput = Record<string, never>;

export interface HashKeyRangeShape {
  readonly StartingHashKey: string;
  readonly EndingHashKey: string;
}

export interface ShardShape {
  readonly ShardId: string;
  readonly ParentShardId?: string;
  readonly AdjacentParentShardId?: string;
  readonly HashKeyRange: HashKeyRangeShape;
  readonly SequenceNumberRange: { readonly StartingSequenceNumber: string; readonly EndingSequenceNumber?: string };
}

export interface EnhancedMetricsShape {
  readonly ShardLevelMetrics: readonly ShardLevelMetric[];
}

export interface ChildShardShape {
  readonly ShardId: string;
  readonly ParentShards: readonly string[];
  readonly HashKeyRange: HashKeyRangeShape;
}

export interface DescribeStreamInput extends StreamRefInput {
  readonly Limit?: number;
  readonly ExclusiveStartShardId?: string;
}
export interface DescribeStreamOutput {
  readonly StreamDescription: {
    readonly StreamName: string;
    readonly StreamARN: string;
    readonly StreamStatus: StreamStatus;
    readonly StreamModeDetails: { readonly StreamMode: StreamMode };
    readonly Shards: readonly ShardShape[];
    readonly HasMoreShards: boolean;
    readonly RetentionPeriodHours: number;
    readonly StreamCreationTimestamp: number;
    readonly EnhancedMonitoring: readonly EnhancedMetricsShape[];
    readonly EncryptionType: EncryptionType;
    readonly KeyId?: string;
  };
}

export type DescribeStreamSummaryInput = StreamRefInput;
export interface DescribeStreamSummaryOutput {
  readonly StreamDescriptionSummary: {
    readonly StreamName: string;
    readonly StreamARN: string;
    readonly StreamStatus: StreamStatus;
    readonly StreamModeDetails: { readonly StreamMode: StreamMode };
    readonly RetentionPeriodHours: number;
    readonly StreamCreationTimestamp: number;
    readonly EnhancedMonitoring: readonly EnhancedMetricsShape[];
    readonly EncryptionType: EncryptionType;
    readonly KeyId?: string;
    readonly OpenShardCount: number;
    readonly ConsumerCount: number;
  };
}

export interface ListStreamsInput {
  readonly Limit?: number;
  readonly ExclusiveStartStreamName?: string;
  readonly NextToken?: string;
}
export interface StreamSummaryShape {
  readonly StreamName: string;
  readonly StreamARN: string;
  readonly StreamStatus: StreamStatus;
  readonly StreamModeDetails: { readonly StreamMode: StreamMode };
  readonly StreamCreationTimestamp: number;
}
export interface ListStreamsOutput {
  readonly StreamNames: readonly string[];
  readonly HasMoreStreams: boolean;
  readonly NextToken?: string;
  readonly StreamSummaries: readonly StreamSummaryShape[];
}

export type ShardFilterType =
  | 'AFTER_SHARD_ID'
  | 'AT_TRIM_HORIZON'
  | 'FROM_TRIM_HORIZON'
  | 'AT_LATEST'
  | 'AT_TIMESTAMP'
  | 'FROM_TIMESTAMP';

export interface ListShardsInput extends StreamRefInput {
  readonly NextToken?: string;
  readonly ExclusiveStartShardId?: string;
  readonly MaxResults?: number;
  readonly StreamCreationTimestamp?: number;
  readonly ShardFilter?: { readonly Type: ShardFilterType; readonly ShardId?: string; readonly Timestamp?: number };
}
export interface ListShardsOutput {
  readonly Shards: readonly ShardShape[];
  readonly NextToken?: string;
}

export interface PutRecordInput extends StreamRefInput {
  /** Base64. */
  readonly Data: string;
  readonly PartitionKey: string;
  readonly ExplicitHashKey?: string;
  readonly SequenceNumberForOrdering?: string;
  readonly DryRun?: boolean;
}
export interface PutRecordOutput {
  readonly ShardId: string;
  readonly SequenceNumber: string;
  /** Present only when the record was written to an encrypted stream. */
  readonly EncryptionType?: 'KMS';
}

export interface PutRecordsRequestEntryShape {
  /** Base64. */
  readonly Data: string;
  readonly PartitionKey: string;
  readonly ExplicitHashKey?: string;
}
export interface PutRecordsInput extends StreamRefInput {
  readonly Records: readonly PutRecordsRequestEntryShape[];
  readonly DryRun?: boolean;
}
export interface PutRecordsResultEntryShape {
  readonly ShardId?: string;
  readonly SequenceNumber?: string;
  readonly ErrorCode?: string;
  readonly ErrorMessage?: string;
}
export interface PutRecordsOutput {
  readonly FailedRecordCount: number;
  readonly Records: readonly PutRecordsResultEntryShape[];
  /** Present only when the records were written to an encrypted stream. */
  readonly EncryptionType?: 'KMS';
}

export type ShardIteratorType =
  | 'AT_SEQUENCE_NUMBER'
  | 'AFTER_SEQUENCE_NUMBER'
  | 'TRIM_HORIZON'
  | 'LATEST'
  | 'AT_TIMESTAMP';

export interface GetShardIteratorInput extends StreamRefInput {
  readonly ShardId: string;
  readonly ShardIteratorType: ShardIteratorType;
  readonly StartingSequenceNumber?: string;
  /** Seconds since the epoch. */
  readonly Timestamp?: number;
  readonly DryRun?: boolean;
}
export interface GetShardIteratorOutput {
  readonly ShardIterator: string;
}

export interface GetRecordsInput {
  readonly ShardIterator: string;
  readonly Limit?: number;
  readonly StreamARN?: string;
  readonly DryRun?: boolean;
}
export interface RecordShape {
  readonly SequenceNumber: string;
  /** Seconds since the epoch, with milliseconds as the fraction. */
  readonly ApproximateArrivalTimestamp: number;
  /** Base64. */
  readonly Data: string;
  readonly PartitionKey: string;
  /** Present only when the record was written while the stream was encrypted. */
  readonly EncryptionType?: 'KMS';
}
export interface GetRecordsOutput {
  readonly Records: readonly RecordShape[];
  /** Absent once the end of a closed shard is reached. */
  readonly NextShardIterator?: string;
  readonly MillisBehindLatest: number;
  /** The shard's children, once the end of a closed shard is reached. */
  readonly ChildShards?: readonly ChildShardShape[];
}

// --- resharding and capacity ---------------------------------------------------------------------------------------

export interface SplitShardInput extends StreamRefInput {
  readonly ShardToSplit: string;
  /** Decimal. */
  readonly NewStartingHashKey: string;
}
export type SplitShardOutput = Record<string, never>;

export interface MergeShardsInput extends StreamRefInput {
  readonly ShardToMerge: string;
  readonly AdjacentShardToMerge: string;
}
export type MergeShardsOutput = Record<string, never>;

export type ScalingType = 'UNIFORM_SCALING';

export interface UpdateShardCountInput extends StreamRefInput {
  readonly TargetShardCount: number;
  readonly ScalingType: ScalingType;
}
export interface UpdateShardCountOutput {
  readonly StreamName: string;
  readonly CurrentShardCount: number;
  readonly TargetShardCount: number;
  readonly StreamARN: string;
}

export interface UpdateStreamModeInput {
  readonly StreamARN: string;
  readonly StreamModeDetails: { readonly StreamMode: StreamMode };
}
export type UpdateStreamModeOutput = Record<string, never>;

export type DescribeLimitsInput = Record<string, never>;
export interface DescribeLimitsOutput {
  readonly ShardLimit: number;
  readonly OpenShardCount: number;
  readonly OnDemandStreamCount: number;
  readonly OnDemandStreamCountLimit: number;
}

// --- tags -----------------------------------------------------------------------------------------------------------

export interface TagShape {
  readonly Key: string;
  readonly Value?: string;
}

export interface AddTagsToStreamInput extends StreamRefInput {
  readonly Tags: Readonly<Record<string, string>>;
}
export type AddTagsToStreamOutput = Record<string, never>;

export interface RemoveTagsFromStreamInput extends StreamRefInput {
  readonly TagKeys: readonly string[];
}
export type RemoveTagsFromStreamOutput = Record<string, never>;

export interface ListTagsForStreamInput extends StreamRefInput {
  readonly ExclusiveStartTagKey?: string;
  readonly Limit?: number;
}
export interface ListTagsForStreamOutput {
  readonly Tags: readonly TagShape[];
  readonly HasMoreTags: boolean;
}

export interface TagResourceInput {
  /** A stream or stream consumer ARN. */
  readonly ResourceARN: string;
  readonly Tags: Readonly<Record<string, string>>;
}
export type TagResourceOutput = Record<string, never>;

export interface UntagResourceInput {
  readonly ResourceARN: string;
  readonly TagKeys: readonly string[];
}
export type UntagResourceOutput = Record<string, never>;

export interface ListTagsForResourceInput {
  readonly ResourceARN: string;
}
export interface ListTagsForResourceOutput {
  readonly Tags: readonly TagShape[];
}

// --- encryption and enhanced monitoring -------------------------------------------------------------------------

export interface StreamEncryptionInput extends StreamRefInput {
  readonly EncryptionType: EncryptionType;
  readonly KeyId: string;
}
export type StreamEncryptionOutput = Record<string, never>;

export type MetricsName = ShardLevelMetric | 'ALL';

export interface EnhancedMonitoringInput extends StreamRefInput {
  readonly ShardLevelMetrics: readonly MetricsName[];
}
export interface EnhancedMonitoringOutput {
  readonly StreamName: string;
  readonly StreamARN: string;
  readonly CurrentShardLevelMetrics: readonly ShardLevelMetric[];
  readonly DesiredShardLevelMetrics: readonly ShardLevelMetric[];
}

// --- enhanced fan-out -------------------------------------------------------------------------------------------

export interface ConsumerShape {
  readonly ConsumerName: string;
  readonly ConsumerARN: string;
  readonly ConsumerStatus: ConsumerStatus;
  /** Seconds since the epoch. */
  readonly ConsumerCreationTimestamp: number;
}

export interface ConsumerRefInput {
  readonly StreamARN?: string;
  readonly ConsumerName?: string;
  readonly ConsumerARN?: string;
}

export interface RegisterStreamConsumerInput {
  readonly StreamARN: string;
  readonly ConsumerName: string;
  readonly Tags?: Readonly<Record<string, string>>;
}
export interface RegisterStreamConsumerOutput {
  readonly Consumer: ConsumerShape;
}

export type DescribeStreamConsumerInput = ConsumerRefInput;
export interface DescribeStreamConsumerOutput {
  readonly ConsumerDescription: ConsumerShape & { readonly StreamARN: string };
}

export interface ListStreamConsumersInput {
  readonly StreamARN: string;
  readonly NextToken?: string;
  readonly MaxResults?: number;
  /** Seconds since the epoch. */
  readonly StreamCreationTimestamp?: number;
}
export interface ListStreamConsumersOutput {
  readonly Consumers: readonly ConsumerShape[];
  readonly NextToken?: string;
}

export type DeregisterStreamConsumerInput = ConsumerRefInput;
export type DeregisterStreamConsumerOutput = Record<string, never>;

export interface StartingPositionShape {
  readonly Type: ShardIteratorType;
  readonly SequenceNumber?: string;
  /** Seconds since the epoch. */
  readonly Timestamp?: number;
}

export interface SubscribeToShardInput {
  readonly ConsumerARN: string;
  readonly ShardId: string;
  readonly StartingPosition: StartingPositionShape;
}

export interface SubscribeToShardEventShape {
  readonly Records: readonly RecordShape[];
  /** Absent in the last event of a closed shard, which carries `ChildShards` instead. */
  readonly ContinuationSequenceNumber?: string;
  readonly MillisBehindLatest: number;
  readonly ChildShards?: readonly ChildShardShape[];
}

/** Errors a subscription can end with, as events (their names are the AWS exception names). */
export type SubscribeToShardExceptionType =
  | 'ResourceNotFoundException'
  | 'ResourceInUseException'
  | 'InternalFailureException';

/** One event of a SubscribeToShard event stream: a batch of records, or the error that ends the subscription. */
export type SubscribeToShardEventStreamShape =
  | { readonly SubscribeToShardEvent: SubscribeToShardEventShape }
  | {
      readonly [E in SubscribeToShardExceptionType]: { readonly [K in E]: { readonly message: string } };
    }[SubscribeToShardExceptionType];

export interface SubscribeToShardOutput {
  /**
   * The events, as they come: iterate it, and `return()` it to end the subscription early. Over the wire, each event
   * is an `application/vnd.amazon.eventstream` message (see `event-stream.ts`).
   */
  readonly EventStream: AsyncIterableIterator<SubscribeToShardEventStreamShape>;
}

export interface IncreaseStreamRetentionPeriodInput extends StreamRefInput {
  readonly RetentionPeriodHours: number;
}
export type IncreaseStreamRetentionPeriodOutput = Record<string, never>;

export interface DecreaseStreamRetentionPeriodInput extends StreamRefInput {
  readonly RetentionPeriodHours: number;
}
export type DecreaseStreamRetentionPeriodOutput = Record<string, never>;

/** Every action the engine implements, with its request and response bodies. */
export interface KinesisActions {
  CreateStream: { input: CreateStreamInput; output: CreateStreamOutput };
  DeleteStream: { input: DeleteStreamInput; output: DeleteStreamOutput };
  DescribeStream: { input: DescribeStreamInput; output: DescribeStreamOutput };
  DescribeStreamSummary: { input: DescribeStreamSummaryInput; output: DescribeStreamSummaryOutput };
  ListStreams: { input: ListStreamsInput; output: ListStreamsOutput };
  ListShards: { input: ListShardsInput; output: ListShardsOutput };
  PutRecord: { input: PutRecordInput; output: PutRecordOutput };
  PutRecords: { input: PutRecordsInput; output: PutRecordsOutput };
  GetShardIterator: { input: GetShardIteratorInput; output: GetShardIteratorOutput };
  GetRecords: { input: GetRecordsInput; output: GetRecordsOutput };
  SplitShard: { input: SplitShardInput; output: SplitShardOutput };
  MergeShards: { input: MergeShardsInput; output: MergeShardsOutput };
  UpdateShardCount: { input: UpdateShardCountInput; output: UpdateShardCountOutput };
  UpdateStreamMode: { input: UpdateStreamModeInput; output: UpdateStreamModeOutput };
  DescribeLimits: { input: DescribeLimitsInput; output: DescribeLimitsOutput };
  AddTagsToStream: { input: AddTagsToStreamInput; output: AddTagsToStreamOutput };
  RemoveTagsFromStream: { input: RemoveTagsFromStreamInput; output: RemoveTagsFromStreamOutput };
  ListTagsForStream: { input: ListTagsForStreamInput; output: ListTagsForStreamOutput };
  TagResource: { input: TagResourceInput; output: TagResourceOutput };
  UntagResource: { input: UntagResourceInput; output: UntagResourceOutput };
  ListTagsForResource: { input: ListTagsForResourceInput; output: ListTagsForResourceOutput };
  StartStreamEncryption: { input: StreamEncryptionInput; output: StreamEncryptionOutput };
  StopStreamEncryption: { input: StreamEncryptionInput; output: StreamEncryptionOutput };
  EnableEnhancedMonitoring: { input: EnhancedMonitoringInput; output: EnhancedMonitoringOutput };
  DisableEnhancedMonitoring: { input: EnhancedMonitoringInput; output: EnhancedMonitoringOutput };
  RegisterStreamConsumer: { input: RegisterStreamConsumerInput; output: RegisterStreamConsumerOutput };
  DescribeStreamConsumer: { input: DescribeStreamConsumerInput; output: DescribeStreamConsumerOutput };
  ListStreamConsumers: { input: ListStreamConsumersInput; output: ListStreamConsumersOutput };
  DeregisterStreamConsumer: { input: DeregisterStreamConsumerInput; output: DeregisterStreamConsumerOutput };
  SubscribeToShard: { input: SubscribeToShardInput; output: SubscribeToShardOutput };
  IncreaseStreamRetentionPeriod: {
    input: IncreaseStreamRetentionPeriodInput;
    output: IncreaseStreamRetentionPeriodOutput;
  };
  DecreaseStreamRetentionPeriod: {
    input: DecreaseStreamRetentionPeriodInput;
    output: DecreaseStreamRetentionPeriodOutput;
  };
}

export type KinesisAction = keyof KinesisActions;

/**
 * A shard as DescribeStream and ListShards show it: with its parents once resharding opened it, and with an
 * `EndingSequenceNumber` once closed — the sequence number of its last record, or its starting one if it closed
 * without any.
 */
export function shardShape(shard: KinesisShard): ShardShape {
  const { endingPosition } = shard;
  return {
    ShardId: shard.shardId,
    ...(shard.parentShardId === undefined ? {} : { ParentShardId: shard.parentShardId }),
    ...(shard.adjacentParentShardId === undefined ? {} : { AdjacentParentShardId: shard.adjacentParentShardId }),
    HashKeyRange: {
      StartingHashKey: shard.hashKeyRange.start.toString(),
      EndingHashKey: shard.hashKeyRange.end.toString(),
    },
    SequenceNumberRange: {
      StartingSequenceNumber: shard.startingSequenceNumber,
      ...(endingPosition === undefined
        ? {}
        : { EndingSequenceNumber: formatSequenceNumber(shard.sequenceNumberPrefix, Math.max(endingPosition - 1, 0)) }),
    },
  };
}

/** A consumer as RegisterStreamConsumer and ListStreamConsumers show it. */
export function consumerShape(consumer: StreamConsumer): ConsumerShape {
  return {
    ConsumerName: consumer.name,
    ConsumerARN: consumer.arn,
    ConsumerStatus: consumer.status,
    ConsumerCreationTimestamp: epochSeconds(consumer.createdAt),
  };
}

/** The fields DescribeStream and DescribeStreamSummary both show. */
export function streamHeader(stream: KinesisStream) {
  return {
    StreamName: stream.name,
    StreamARN: stream.arn,
    StreamStatus: stream.status,
    StreamModeDetails: { StreamMode: stream.mode },
    RetentionPeriodHours: stream.retentionHours,
    StreamCreationTimestamp: epochSeconds(stream.createdAt),
    EnhancedMonitoring: [{ ShardLevelMetrics: stream.shardLevelMetrics }],
    EncryptionType: stream.encryptionType,
    ...(stream.keyId === undefined ? {} : { KeyId: stream.keyId }),
  } as const;
}

/** A time in ms as the JSON protocol sends timestamps: seconds since the epoch, milliseconds as the fraction. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}
