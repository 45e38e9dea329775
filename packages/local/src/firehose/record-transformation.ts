/**
 * Firehose data transformation with a Lambda function (a `Lambda` processor): records are sent in invocations of at
 * most `bufferSizeInMBs`, with Firehose's event shape, and each comes back `Ok` (with new data, and partition keys for
 * `!{partitionKeyFromLambda:…}`), `Dropped`, or `ProcessingFailed`.
 *
 * An invocation that fails — the function throws, times out or crashes, or its response does not return every
 * record id exactly once with a valid result — is retried `numberOfRetries` times; after that its records are
 * `ProcessingFailed` and go to the error prefix (`processing-failed`), with the function's error.
 */
import { LIMITS } from '@streamkit/core';
import type { InvokeTarget, Timer } from '../esm/types.ts';

/** Kinesis metadata Firehose adds to each record of a stream-sourced delivery stream. */
export interface KinesisRecordMetadata {
  readonly shardId: string;
  readonly partitionKey: string;
  readonly sequenceNumber: string;
  readonly subsequenceNumber: number;
  readonly approximateArrivalTimestamp: number;
}

export interface TransformationInput {
  readonly data: Uint8Array;
  readonly arrival: number;
  readonly kinesis?: KinesisRecordMetadata;
}

export type TransformationResult =
  | {
      readonly result: 'Ok';
      readonly data: Uint8Array;
      readonly partitionKeys?: Readonly<Record<string, string>>;
    }
  | { readonly result: 'Dropped' }
  | {
      readonly result: 'ProcessingFailed';
      readonly errorCode: string;
      readonly errorMessage: string;
      readonly attempts: number;
    };

export interface RecordTransformationOptions {
  readonly target: InvokeTarget;
  readonly deliveryStreamArn: string;
  /** Set for a stream-sourced delivery stream (the event then carries `sourceKinesisStreamArn`). */
  readonly sourceKinesisStreamArn?: string;
  readonly region: string;
  /** @default 1 */
  readonly bufferSizeInMBs?: number;
  /** @default 3 */
  readonly numberOfRetries?: number;
  readonly timer: Timer;
  readonly signal: AbortSignal;
  /** Wait before retrying a failed invocation (doubles each time, up to 5 s). @default 100 */
  readonly retryBaseDelayMs?: number;
}

interface ResponseRecord {
  recordId?: unknown;
  result?: unknown;
  data?: unknown;
  metadata?: { partitionKeys?: unknown };
}

type Invocation = { ok: true; records: Map<string, ResponseRecord> } | { ok: false; code: string; message: string };

const RESULTS = new Set(['Ok', 'Dropped', 'ProcessingFailed']);

export class RecordTransformation {
  private readonly options: RecordTransformationOptions;
  private nextRecordId = 0;

  constructor(options: RecordTransformationOptions) {
    this.options = options;
  }

  get functionArn(): string {
    return this.options.target.functionArn;
  }

  /** The result of each record, in order. */
  async transform(records: readonly TransformationInput[]): Promise<TransformationResult[]> {
    const chunks = this.chunks(records);
    const results = await Promise.all(chunks.map((chunk) => this.invokeWithRetries(chunk)));
    return results.flat();
  }

  /** Invocations of at most bufferSizeInMBs of data (and within Lambda's 6 MB payload). */
  private chunks(records: readonly TransformationInput[]): TransformationInput[][] {
    const sizeLimit = (this.options.bufferSizeInMBs ?? LIMITS.firehose.processorBufferSize.default) * 1024 * 1024;
    const payloadLimit = LIMITS.esm.invokePayloadMaxBytes.value;
    const chunks: TransformationInput[][] = [];
    let current: TransformationInput[] = [];
    let size = 0;
    let payload = 0;
    for (const record of records) {
      const recordPayload = Math.ceil((record.data.byteLength * 4) / 3) + 400;
      if (current.length > 0 && (size + record.data.byteLength > sizeLimit || payload + recordPayload > payloadLimit)) {
        chunks.push(current);
        current = [];
        size = 0;
        payload = 0;
      }
      current.push(record);
      size += record.data.byteLength;
      payload += recordPayload;
    }
    if (current.length > 0) chunks.push(current);
    return chunks;
  }

  private async invokeWithRetries(records: readonly TransformationInput[]): Promise<TransformationResult[]> {
    const { timer, signal } = this.options;
    const retries = this.options.numberOfRetries ?? LIMITS.firehose.processorRetries.default;
    const ids = records.map(() => String(this.nextRecordId++).padStart(12, '0'));
    let last: Extract<Invocation, { ok: false }> = { ok: false, code: 'Lambda.FunctionError', message: 'not invoked' };
    for (let attempt = 1; attempt <= retries + 1; attempt++) {
      const outcome = await this.invoke(records, ids);
      if (outcome.ok) return ids.map((id) => toResult(outcome.records.get(id)!, attempt));
      last = outcome;
      if (signal.aborted || attempt > retries) break;
      const delay = Math.min(5000, (this.options.retryBaseDelayMs ?? 100) * 2 ** (attempt - 1));
      await timer.sleep(delay, signal);
    }
    return records.map(() => ({
      result: 'ProcessingFailed' as const,
      errorCode: last.code,
      errorMessage: last.message,
      attempts: retries + 1,
    }));
  }

  private async invoke(records: readonly TransformationInput[], ids: readonly string[]): Promise<Invocation> {
    const event = {
      invocationId: crypto.randomUUID(),
      deliveryStreamArn: this.options.deliveryStreamArn,
      ...(this.options.sourceKinesisStreamArn && { sourceKinesisStreamArn: this.options.sourceKinesisStreamArn }),
      region: this.options.region,
      records: records.map((record, i) => ({
        recordId: ids[i],
        approximateArrivalTimestamp: record.arrival,
        data: Buffer.from(record.data).toString('base64'),
        ...(record.kinesis && { kinesisRecordMetadata: record.kinesis }),
      })),
    };
    let response: Awaited<ReturnType<InvokeTarget['invoke']>>;
    try {
      response = await this.options.target.invoke(event);
    } catch (error) {
      return { ok: false, code: 'Lambda.InvokeFailed', message: (error as Error).message };
    }
    if (response.error) {
      const timedOut = response.error.errorType === 'Sandbox.Timedout';
      return {
        ok: false,
        code: timedOut ? 'Lambda.FunctionTimedOut' : 'Lambda.FunctionError',
        message: `${response.error.errorType}: ${response.error.errorMessage}`,
      };
    }
    return checkResponse(response.payload, ids);
  }
}

/** Every record id exactly once, each with a known result and (for Ok) base64 data; otherwise the invocation failed. */
function checkResponse(payload: unknown, ids: readonly string[]): Invocation {
  const records = (payload as { records?: unknown } | null)?.records;
  if (!Array.isArray(records)) {
    return {
      ok: false,
      code: 'Lambda.JsonProcessingException',
      message: 'the response must be {"records": [...]} with one entry per record',
    };
  }
  const expected = new Set(ids);
  const byId = new Map<string, ResponseRecord>();
  for (const entry of records as ResponseRecord[]) {
    const id = entry?.recordId;
    if (typeof id !== 'string' || !expected.has(id)) {
      return {
        ok: false,
        code: 'Lambda.InvalidRecordId',
        message: `the response names record ${JSON.stringify(id)}, which was not sent`,
      };
    }
    if (byId.has(id))
      return { ok: false, code: 'Lambda.DuplicatedRecordId', message: `record ${id} is returned twice` };
    if (!RESULTS.has(entry.result as string)) {
      return {
        ok: false,
        code: 'Lambda.InvalidResult',
        message: `record ${id} has result ${JSON.stringify(entry.result)}; it must be Ok, Dropped or ProcessingFailed`,
      };
    }
    if (entry.result === 'Ok' && typeof entry.data !== 'string') {
      return {
        ok: false,
        code: 'Lambda.JsonProcessingException',
        message: `record ${id} is Ok but has no base64 data`,
      };
    }
    byId.set(id, entry);
  }
  const missing = ids.find((id) => !byId.has(id));
  if (missing !== undefined)
    return { ok: false, code: 'Lambda.MissingRecordId', message: `record ${missing} is missing from the response` };
  return { ok: true, records: byId };
}

function toResult(entry: ResponseRecord, attempts: number): TransformationResult {
  switch (entry.result) {
    case 'Ok': {
      const keys = entry.metadata?.partitionKeys;
      const data = new Uint8Array(Buffer.from(entry.data as string, 'base64'));
      if (typeof keys !== 'object' || keys === null) return { result: 'Ok', data };
      const partitionKeys = Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, String(v)]));
      return { result: 'Ok', data, partitionKeys };
    }
    case 'Dropped':
      return { result: 'Dropped' };
    default:
      return {
        result: 'ProcessingFailed',
        errorCode: 'Lambda.ProcessingFailedStatus',
        errorMessage: 'The function returned ProcessingFailed for this record',
        attempts,
      };
  }
}
