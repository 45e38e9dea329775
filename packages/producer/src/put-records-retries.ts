/**
 * The retry loop of a PutRecords call, shared by every producer client: records Kinesis refuses with a "slow down"
 * error are sent again (and only they), whole requests that fail retriably are sent again, until `maxAttempts`.
 */
import { StreamkitError } from '@streamkit/core';
import type { IngestRecord } from './ingest-record.ts';

export type PutRecordsEntry =
  | { readonly sequenceNumber: string; readonly shardId: string }
  | { readonly errorCode: string; readonly errorMessage: string };

export interface PutRecordsOutput {
  /** One entry per record, in the order given: acknowledged, or the error of its last attempt. */
  readonly records: readonly PutRecordsEntry[];
  /** Records still refused after every attempt. */
  readonly failedRecordCount: number;
  /** Records sent again (a record retried twice counts twice). */
  readonly retriedRecords: number;
  readonly attempts: number;
}

/** One entry of a PutRecords answer, as Kinesis writes it. */
export interface WireEntry {
  readonly SequenceNumber?: unknown;
  readonly ShardId?: unknown;
  readonly ErrorCode?: unknown;
  readonly ErrorMessage?: unknown;
}

/** Kinesis errors that mean "slow down", retried like a 429. */
export const RETRIABLE_KINESIS_ERRORS: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'KMSThrottlingException',
  'InternalFailure',
]);

export interface RetryPolicy {
  readonly maxAttempts: number;
  /** Waits before attempt `attempt + 1`; throws if `signal` aborts. */
  backoff(attempt: number, signal: AbortSignal | undefined): Promise<void>;
  readonly signal?: AbortSignal;
}

/** Sends `records` with `sendBatch` (one entry per record in its answer), retrying as described above. */
export async function putRecordsWithRetries(
  records: readonly IngestRecord[],
  sendBatch: (batch: readonly IngestRecord[], signal: AbortSignal | undefined) => Promise<readonly WireEntry[]>,
  policy: RetryPolicy,
): Promise<PutRecordsOutput> {
  const results: PutRecordsEntry[] = new Array(records.length);
  let pending = records.map((_, index) => index);
  let retriedRecords = 0;
  for (let attempt = 1; ; attempt++) {
    let entries: readonly WireEntry[];
    try {
      entries = await sendBatch(
        pending.map((index) => records[index]!),
        policy.signal,
      );
    } catch (error) {
      if (!(StreamkitError.is(error) && error.retriable) || attempt >= policy.maxAttempts) throw error;
      retriedRecords += pending.length;
      await policy.backoff(attempt, policy.signal);
      continue;
    }
    const refused: number[] = [];
    entries.forEach((entry, position) => {
      const index = pending[position]!;
      if (typeof entry.SequenceNumber === 'string' && typeof entry.ShardId === 'string') {
        results[index] = { sequenceNumber: entry.SequenceNumber, shardId: entry.ShardId };
      } else {
        const errorCode = String(entry.ErrorCode ?? 'InternalFailure');
        results[index] = { errorCode, errorMessage: String(entry.ErrorMessage ?? '') };
        refused.push(index);
      }
    });
    const retriable = refused.filter((index) => {
      const entry = results[index];
      return entry !== undefined && 'errorCode' in entry && RETRIABLE_KINESIS_ERRORS.has(entry.errorCode);
    });
    if (retriable.length === 0 || attempt >= policy.maxAttempts) {
      const failedRecordCount = results.filter((entry) => 'errorCode' in entry).length;
      return { records: results, failedRecordCount, retriedRecords, attempts: attempt };
    }
    // Records refused for good (say, a KMS key that is disabled) are not sent again.
    retriedRecords += retriable.length;
    pending = retriable;
    await policy.backoff(attempt, policy.signal);
  }
}
