/**
 * The sender: turns a batch into the event Lambda's Kinesis event source sends, invokes the function, and reads the
 * answer the way Lambda does (partial batch responses included).
 */
import { type KinesisEvent, LOCAL_ACCOUNT } from '@streamkit/core';
import type { InvokeTarget, StreamRecord } from './types.ts';

export type InvocationOutcome =
  | { readonly kind: 'success'; readonly requestId: string }
  /** The function answered; these records (by sequence number) failed. */
  | { readonly kind: 'partial'; readonly requestId: string; readonly failedSequenceNumbers: readonly string[] }
  /** The function threw, timed out or crashed — or its partial batch response was invalid. */
  | {
      readonly kind: 'error';
      readonly requestId: string;
      readonly functionError: 'Handled' | 'Unhandled';
      readonly message: string;
    };

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
  options: { streamArn: string; region: string; reportBatchItemFailures: boolean },
): Promise<InvocationOutcome> {
  const event = kinesisEvent(records, { ...options, functionName: target.functionName });
  const result = await target.invoke(event);
  if (result.error) {
    return {
      kind: 'error',
      requestId: result.requestId,
      functionError: 'Unhandled',
      message: `${result.error.errorType}: ${result.error.errorMessage}`,
    };
  }
  if (!options.reportBatchItemFailures) return { kind: 'success', requestId: result.requestId };
  return readPartialResponse(result.requestId, result.payload, records);
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
      return {
        kind: 'error',
        requestId,
        functionError: 'Handled',
        message: `invalid batch item failure: ${JSON.stringify(item)}`,
      };
    }
    failed.push(id);
  }
  return { kind: 'partial', requestId, failedSequenceNumbers: failed };
}
