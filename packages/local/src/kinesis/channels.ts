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

export const putChannel = diagnosticsChannel.channel(KINESIS_CHANNELS.put);
export const getChannel = diagnosticsChannel.channel(KINESIS_CHANNELS.get);
