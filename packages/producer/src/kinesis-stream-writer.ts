/**
 * Writes records straight to a Kinesis stream (PutRecords through the AWS SDK) with the same per-record retries as the
 * ingest API client — for `streamkit produce --stream`, against the local engine or AWS.
 */
import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { recordBytes, StreamkitError } from '@streamkit/core';
import { type Clock, systemClock } from './clock.ts';
import { type CallOptions, INGEST_CLIENT_DEFAULTS } from './ingest-client.ts';
import type { IngestRecord } from './ingest-record.ts';
import { type PutRecordsOutput, putRecordsWithRetries, RETRIABLE_KINESIS_ERRORS } from './put-records-retries.ts';

export interface KinesisStreamWriterOptions {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  /** Attempts per call, the first included. @default 8 */
  readonly maxAttempts?: number;
  /** @default systemClock */
  readonly clock?: Clock;
}

export class KinesisStreamWriter {
  private readonly options: KinesisStreamWriterOptions;

  constructor(options: KinesisStreamWriterOptions) {
    this.options = options;
  }

  async putRecords(records: readonly IngestRecord[], options: CallOptions = {}): Promise<PutRecordsOutput> {
    const clock = this.options.clock ?? systemClock;
    return putRecordsWithRetries(records, (batch, signal) => this.send(batch, signal), {
      maxAttempts: this.options.maxAttempts ?? INGEST_CLIENT_DEFAULTS.maxAttempts,
      backoff: async (attempt, signal) => {
        const ceiling = Math.min(
          INGEST_CLIENT_DEFAULTS.maxDelayMs,
          INGEST_CLIENT_DEFAULTS.baseDelayMs * 2 ** (attempt - 1),
        );
        await clock.sleep(ceiling / 2 + Math.random() * (ceiling / 2), signal);
        if (signal?.aborted) throw signal.reason;
      },
      ...(options.signal && { signal: options.signal }),
    });
  }

  private async send(batch: readonly IngestRecord[], signal: AbortSignal | undefined) {
    try {
      const output = await this.options.kinesis.send(
        new PutRecordsCommand({
          StreamName: this.options.streamName,
          Records: batch.map((r) => ({
            Data: recordBytes(r.data),
            PartitionKey: r.partitionKey,
            ...(r.explicitHashKey && { ExplicitHashKey: r.explicitHashKey }),
          })),
        }),
        signal ? { abortSignal: signal } : {},
      );
      return output.Records ?? [];
    } catch (error) {
      const name = (error as Error).name;
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
      const retriable = RETRIABLE_KINESIS_ERRORS.has(name) || status >= 500 || status === 0;
      const code = name === 'ResourceNotFoundException' ? 'SK_NOT_FOUND' : retriable ? 'SK_THROTTLED' : 'SK_VALIDATION';
      throw new StreamkitError(
        code,
        `Kinesis refused PutRecords on ${this.options.streamName} (${name}): ${(error as Error).message}`,
        {
          retriable,
          cause: error,
        },
      );
    }
  }
}
