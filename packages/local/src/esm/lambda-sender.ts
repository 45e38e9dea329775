/**
 * The sender: turns a batch into the event Lambda's Kinesis event source sends, invokes the function, and reads the
 * answer the way Lambda does (partial batch responses and tumbling-window state included).
 */
import { type KinesisEvent, LOCAL_ACCOUNT } from '@streamkit/core';
import type { InvokeTarget, StreamRecord } from './types.ts';

export type WindowState = Readonly<Record<string, unknown>>;

export type InvocationOutcome =
  | { readonly kind: 'success'; readonly requestId: string; readonly state?: WindowState }
  /** The function answered; these records (by sequence number) failed. */
  | {
      readonly kind: 'partial';
      readonly requestId: string;
      readonly failedSequenceNumbers: readonly string[];
      readonly state?: WindowState;
    }
  /** The function threw, timed out or crashed — or its answer was invalid. */
  | {
      readonly kind: 'error';
      readonly requestId: string;
      readonly functionError: 'Handled' | 'Unhandled';
      readonly message: string;
    };

/** The tumbling window an invocation belongs to: Lambda adds these fields to the event. */
export interface WindowInvocation {
  readonly start: number;
  readonly end: number;
  readonly state: WindowState;
  readonly shardId: string;
  readonly isFinalInvokeForWindow: boolean;
  readonly isWindowTerminatedEarly: boolean;
}

export interface SendOptions {
  readonly streamArn: string;
  readonly region: string;
  readonly reportBatchItemFailures: boolean;
  /** Set when the mapping has tumbling windows. */
  readonly window?: WindowInvocation;
}

export function kinesisEvent(
  records: readonly StreamRecord[],
  context: { streamArn: string; region: string; functionName: string },
): KinesisEvent {
  return {
    Records: records.map((r) => ({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: r.partitionKey,
        sequenceNumber: r.sequenceNumber,
        data: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength).toString('base64'),
        approximateArrivalTimestamp: r.arrival.getTime() / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${r.shardId}:${r.sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${context.functionName}-role`,
      awsRegion: context.region,
      eventSourceARN: context.streamArn,
    })),
  };
}

export async function send(
  target: InvokeTarget,
  records: readonly StreamRecord[],
  options: SendOptions,
): Promise<InvocationOutcome> {
  const { window } = options;
  const event = {
    ...kinesisEvent(records, { ...options, functionName: target.functionName }),
    ...(window && {
      window: { start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() },
      state: window.state,
      shardId: window.shardId,
      eventSourceARN: options.streamArn,
      isFinalInvokeForWindow: window.isFinalInvokeForWindow,
      isWindowTerminatedEarly: window.isWindowTerminatedEarly,
    }),
  };
  const result = await target.invoke(event);
  const { requestId, payload } = result;
  if (result.error) {
    const message = `${result.error.errorType}: ${result.error.errorMessage}`;
    return { kind: 'error', requestId, functionError: 'Unhandled', message };
  }
  let state: WindowState | undefined;
  if (window) {
    // With tumbling windows, a response without `state` counts as a failed invocation (TimeWindowEventResponse).
    const answered = (payload as { state?: unknown } | null)?.state;
    if (typeof answered !== 'object' || answered === null || Array.isArray(answered)) {
      const message = 'the response has no state object, which tumbling windows require';
      return { kind: 'error', requestId, functionError: 'Handled', message };
    }
    state = answered as WindowState;
  }
  const outcome: InvocationOutcome = options.reportBatchItemFailures
    ? readPartialResponse(requestId, payload, records)
    : { kind: 'success', requestId };
  return state && outcome.kind !== 'error' ? { ...outcome, state } : outcome;
}

/**
 * Lambda's rules: a null/empty response or an empty/null `batchItemFailures` list is a complete success; an item
 * whose `itemIdentifier` is null, empty, misnamed or not in the batch makes the whole batch a failure.
 */
export function readPartialResponse(
  requestId: string,
  payload: unknown,
  records: readonly StreamRecord[],
): InvocationOutcome {
  if (payload === null || payload === undefined || typeof payload !== 'object') return { kind: 'success', requestId };
  const failures = (payload as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return { kind: 'success', requestId };
  if (!Array.isArray(failures)) {
    return { kind: 'error', requestId, functionError: 'Handled', message: 'batchItemFailures is not a list' };
  }
  if (failures.length === 0) return { kind: 'success', requestId };
  const inBatch = new Set(records.map((r) => r.sequenceNumber));
  const failed: string[] = [];
  for (const item of failures) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !inBatch.has(id)) {
      const message = `invalid batch item failure: ${JSON.stringify(item)}`;
      return { kind: 'error', requestId, functionError: 'Handled', message };
    }
    failed.push(id);
  }
  return { kind: 'partial', requestId, failedSequenceNumbers: failed };
}
