/**
 * What the engine publishes on `node:diagnostics_channel`, for tests, `streamkit tail` and the dashboard. Messages are
 * built only when someone subscribes.
 */
import diagnosticsChannel from 'node:diagnostics_channel';

export const KINESIS_CHANNELS = {
  /** One message per shard a PutRecord/PutRecords call wrote to. */
  put: 'streamkit:kinesis:put',
  /** One message per GetRecords call. */
  get: 'streamkit:kinesis:get',
  /** One message per request answered over the wire (not for in-process `dispatch` calls). */
  request: 'streamkit:kinesis:request',
  /**
   * One message per call and shard the shard limits model throttled (only when the engine enforces them): a refused
   * PutRecord or GetRecords, or the records of one shard a PutRecords call could not write.
   */
  throttle: 'streamkit:kinesis:throttle',
  /**
   * A sample of what a put wrote: the last records (at most `LIMITS.dashboard.recordSample`) of each shard a PutRecord/PutRecords
   * call wrote to — for the dashboard's record sampler and `streamkit tail`.
   */
  records: 'streamkit:kinesis:records',
} as const;

export interface KinesisRecordsMessage {
  readonly streamName: string;
  readonly shardId: string;
  /** ApproximateArrivalTimestamp (epoch ms). */
  readonly arrival: number;
  readonly records: readonly {
    readonly sequenceNumber: string;
    readonly partitionKey: string;
    /** The data blob, base64-encoded. */
    readonly data: string;
  }[];
}

export interface KinesisPutMessage {
  readonly streamName: string;
  readonly shardId: string;
  readonly operation: 'PutRecord' | 'PutRecords';
  /** Records accepted into the shard by the call. */
  readonly records: number;
  /** Their size: data plus partition keys, in bytes. */
  readonly bytes: number;
}

export interface KinesisGetMessage {
  readonly streamName: string;
  readonly shardId: string;
  /** Records returned. */
  readonly records: number;
  readonly millisBehindLatest: number;
}

export interface KinesisRequestMessage {
  /** The action of `X-Amz-Target`, when the request got as far as naming a known one. */
  readonly action: string | undefined;
  /** The protocol of the request's Content-Type, undefined when the engine speaks none by that name. */
  readonly protocol: 'json' | 'cbor' | undefined;
  readonly httpVersion: '1.1' | '2';
  /** Whether the request came over HTTPS. */
  readonly tls: boolean;
  readonly status: number;
  /** The AWS error name (`__type`) of a failed request. */
  readonly errorType: string | undefined;
}

export interface KinesisThrottleMessage {
  readonly streamName: string;
  readonly shardId: string;
  readonly operation: 'PutRecord' | 'PutRecords' | 'GetRecords';
  /** Records refused: those of the shard a PutRecords call could not write, else 1. */
  readonly records: number;
}

export const putChannel = diagnosticsChannel.channel(KINESIS_CHANNELS.put);
export const getChannel = diagnosticsChannel.channel(KINESIS_CHANNELS.get);
export const requestChannel = diagnosticsChannel.channel(KINESIS_CHANNELS.request);
export const throttleChannel = diagnosticsChannel.channel(KINESIS_CHANNELS.throttle);
export const recordsChannel = diagnosticsChannel.channel(KINESIS_CHANNELS.records);
