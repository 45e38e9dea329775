/**
 * Shapes of what a Kinesis event source mapping sends: the event a function receives, the partial batch response it
 * may return, and the record it sends to an on-failure destination. They follow the AWS Lambda Developer Guide.
 */

export interface KinesisEventRecord {
  readonly kinesis: {
    readonly kinesisSchemaVersion: '1.0';
    readonly partitionKey: string;
    readonly sequenceNumber: string;
    /** Base64. */
    readonly data: string;
    /** Seconds since the epoch, with milliseconds as the fraction. */
    readonly approximateArrivalTimestamp: number;
  };
  readonly eventSource: 'aws:kinesis';
  readonly eventVersion: '1.0';
  /** `shardId-000000000000:<sequenceNumber>` */
  readonly eventID: string;
  readonly eventName: 'aws:kinesis:record';
  readonly invokeIdentityArn: string;
  readonly awsRegion: string;
  readonly eventSourceARN: string;
}

export interface KinesisEvent {
  readonly Records: readonly KinesisEventRecord[];
}

export interface BatchItemFailuresResponse {
  readonly batchItemFailures?: readonly { readonly itemIdentifier?: string | null }[] | null;
}

/** Why a batch went to the on-failure destination. */
export type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded' | 'RecordSizeExceeded';

/** The JSON document Lambda sends to an SQS on-failure destination for a discarded Kinesis batch. */
export interface KinesisBatchFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: FailureCondition;
    readonly approximateInvokeCount: number;
  };
  readonly responseContext: {
    readonly statusCode: number;
    readonly executedVersion: string;
    readonly functionError?: 'Handled' | 'Unhandled';
  };
  readonly version: '1.0';
  readonly timestamp: string;
  readonly KinesisBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord: string;
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
}
