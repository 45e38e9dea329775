/**
 * What local delivery streams publish on `node:diagnostics_channel`, for tests, `streamkit dev` and the dashboard.
 * Messages are built only when someone subscribes.
 */
import diagnosticsChannel from 'node:diagnostics_channel';

export const FIREHOSE_CHANNELS = {
  /** One message per object written to the object store (delivered records or error records). */
  flush: 'streamkit:firehose:flush',
  /** One message per failed object write; the write is retried and its records stay buffered. */
  error: 'streamkit:firehose:error',
} as const;

export type FlushReason = 'size' | 'interval' | 'shutdown';

export interface FirehoseFlushMessage {
  readonly deliveryStreamName: string;
  readonly bucket: string;
  readonly key: string;
  /** `data` for delivered records, `error` for records written under the error prefix. */
  readonly kind: 'data' | 'error';
  readonly reason: FlushReason;
  readonly records: number;
  /** Record bytes before compression or Parquet. */
  readonly bytes: number;
  /** Size of the object as stored. */
  readonly objectBytes: number;
  /** Writes it took (1 when the first one succeeded). */
  readonly attempts: number;
}

export interface FirehoseErrorMessage {
  readonly deliveryStreamName: string;
  readonly bucket: string;
  readonly key: string;
  readonly attempt: number;
  /** The file system's error code (`EACCES`, `ENOSPC`…), when there is one. */
  readonly code: string | undefined;
  readonly error: string;
  /** When the write is tried again; undefined when the delivery stream is stopping and gives up. */
  readonly retryInMs: number | undefined;
}

export const flushChannel = diagnosticsChannel.channel(FIREHOSE_CHANNELS.flush);
export const errorChannel = diagnosticsChannel.channel(FIREHOSE_CHANNELS.error);
