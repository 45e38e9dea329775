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
  /**
   * One message per call and shard the shard limits model throttled (only when the engine enforces them): a refused
   * PutRecord or GetRecords, or the records of one shard a PutRecords call could not write.
   */
  throttle: 'streamkit:kinesis:throttle',
} as const;

export interface KinesisPutMessage {
  readonly streamName: string;
  readonly shardId: string;
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

export interface KinesisThrottleMessage {
  readonly streamName: string;
  readonly shardId: string;
  readonly operation: 'PutRecord' | 'PutRecords' | 'GetRecords';
  /** Records refused: those of the shard a PutRecords call could not write, else 1. */
  readonly records: number;
}

export const putChannel = diagnosticsChannel.channel(KINESIS_CHANNELS.put);
export const getChannel = diagnosticsChannel.channel(KINESIS_CHANNELS.get);
export const throttleChannel = diagnosticsChannel.channel(KINESIS_CHANNELS.throttle);
