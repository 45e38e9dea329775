/**
 * Sends records to a Firehose delivery stream with PutRecordBatch and makes sure each is accepted or the caller hears
 * of it. Records go in calls of at most 500 records and 4 MiB; the records a call refuses (per-record ErrorCode) and
 * calls that fail as a whole with a retriable error are sent again with exponential backoff and full jitter. Records
 * still refused after the last attempt make it throw — never a silent drop (the original's bug 9).
 */
import { LIMITS, StreamkitError } from '@streamkit/core';

/** The PutRecordBatch response as the AWS SDK returns it. */
export interface PutRecordBatchResult {
  readonly FailedPutCount?: number | undefined;
  readonly RequestResponses?:
    | readonly { readonly ErrorCode?: string | undefined; readonly ErrorMessage?: string | undefined }[]
    | undefined;
}

/** One PutRecordBatch call for `records` (the handler binds it to a FirehoseClient and delivery stream). */
export type PutRecordBatch = (records: readonly Uint8Array[]) => Promise<PutRecordBatchResult>;

export interface ForwardOptions {
  /** Attempts per record. @default LIMITS.firehoseForwarder.attempts.default */
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Waits between attempts; tests pass one that records the waits. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** [0, 1) for the jitter. @default Math.random */
  readonly random?: () => number;
}

export interface ForwardResult {
  readonly records: number;
  readonly calls: number;
  /** Records sent more than once because Firehose refused them the first time. */
  readonly resent: number;
}

/** Whole-call errors that a later call may not get (throttling, a service hiccup, the network). */
const RETRIABLE_ERRORS = new Set([
  'ServiceUnavailableException',
  'ThrottlingException',
  'InternalFailure',
  'InternalServerError',
  'RequestTimeout',
  'TimeoutError',
]);

function isRetriable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: string; code?: string; $retryable?: unknown };
  if (e.$retryable) return true;
  if (e.name && RETRIABLE_ERRORS.has(e.name)) return true;
  // No HTTP response at all: a connection refused, reset or timed out (Node's system error codes).
  return typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code);
}

/** Splits records into PutRecordBatch calls of at most 500 records and 4 MiB. */
export function chunk(records: readonly Uint8Array[]): Uint8Array[][] {
  const F = LIMITS.firehose;
  const calls: Uint8Array[][] = [];
  let current: Uint8Array[] = [];
  let bytes = 0;
  for (const record of records) {
    if (
      current.length > 0 &&
      (current.length === F.putRecordBatchMaxRecords.value ||
        bytes + record.byteLength > F.putRecordBatchMaxBytes.value)
    ) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += record.byteLength;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

/** Sends every record; throws SK_THROTTLED (retriable) naming what was refused when some never got in. */
export async function forwardToFirehose(
  records: readonly Uint8Array[],
  put: PutRecordBatch,
  options: ForwardOptions = {},
): Promise<ForwardResult> {
  const L = LIMITS.firehoseForwarder;
  const attempts = options.attempts ?? L.attempts.default;
  const base = options.baseDelayMs ?? L.backoffBaseDelayMs.value;
  const cap = options.maxDelayMs ?? L.backoffMaxDelayMs.value;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;

  let pending = [...records];
  let calls = 0;
  let resent = 0;
  let lastProblems: string[] = [];
  for (let attempt = 1; attempt <= attempts && pending.length > 0; attempt++) {
    if (attempt > 1) {
      resent += pending.length;
      await sleep(Math.floor(random() * Math.min(cap, base * 2 ** (attempt - 2))));
    }
    const refused: Uint8Array[] = [];
    lastProblems = [];
    for (const batch of chunk(pending)) {
      calls++;
      let result: PutRecordBatchResult;
      try {
        result = await put(batch);
      } catch (error) {
        if (!isRetriable(error)) throw error;
        refused.push(...batch);
        lastProblems.push(`${(error as Error).name ?? 'Error'}: ${(error as Error).message}`);
        continue;
      }
      if (!result.FailedPutCount) continue;
      const responses = result.RequestResponses ?? [];
      batch.forEach((record, i) => {
        const response = responses[i];
        // A response without an entry for a record is no proof it got in: send it again.
        if (!response || response.ErrorCode) {
          refused.push(record);
          lastProblems.push(`${response?.ErrorCode ?? 'no response'}: ${response?.ErrorMessage ?? ''}`.trim());
        }
      });
    }
    pending = refused;
  }
  if (pending.length > 0) {
    const distinct = [...new Set(lastProblems)].slice(0, 3).join('; ');
    throw new StreamkitError(
      'SK_THROTTLED',
      `Firehose refused ${pending.length} of ${records.length} records after ${attempts} attempts (${distinct}); failing the invocation so that the event source mapping retries the batch`,
      { details: { refused: pending.length, records: records.length, attempts } },
    );
  }
  return { records: records.length, calls, resent };
}
