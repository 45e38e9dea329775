/**
 * The JSON bodies of the actions the engine implements, exactly as they travel over the wire (AWS JSON 1.1): blobs
 * are base64 strings and timestamps are seconds since the epoch. `KinesisEngine.dispatch` takes and returns these.
 */
import type { StreamMode } from '@streamkit/core';
import type { KinesisShard, KinesisStream, StreamStatus } from './store.ts';

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
  readonly ShardLevelMetrics: readonly string[];
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
    readonly EncryptionType: 'NONE' | 'KMS';
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
    readonly EncryptionType: 'NONE' | 'KMS';
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
  /** Present only for an encrypted stream (the engine has none yet). */
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
  /** Present only for an encrypted stream (the engine has none yet). */
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
}
export interface GetRecordsOutput {
  readonly Records: readonly RecordShape[];
  readonly NextShardIterator?: string;
  readonly MillisBehindLatest: number;
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

/** A shard as DescribeStream and ListShards show it. */
export function shardShape(shard: KinesisShard): ShardShape {
  return {
    ShardId: shard.shardId,
    HashKeyRange: {
      StartingHashKey: shard.hashKeyRange.start.toString(),
      EndingHashKey: shard.hashKeyRange.end.toString(),
    },
    SequenceNumberRange: { StartingSequenceNumber: shard.startingSequenceNumber },
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
    EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
    EncryptionType: 'NONE',
  } as const;
}

/** A time in ms as the JSON protocol sends timestamps: seconds since the epoch, milliseconds as the fraction. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}
