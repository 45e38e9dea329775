/**
 * The processor: settles one batch the way Lambda's Kinesis event source mapping does. Every record ends processed,
 * in the on-failure destination, or (with no destination) discarded — nothing is left in between.
 *
 * - A complete success checkpoints past the batch.
 * - A partial batch response checkpoints before the lowest failed sequence number; the rest is retried.
 * - A function error retries the batch; with bisectBatchOnError the batch is split in two first, and splitting does
 *   not count as a retry (AWS Lambda Developer Guide, "Kinesis on-failure destinations"). With both bisect and partial
 *   responses on, the batch is split at the returned sequence number; when that is the first record, in halves.
 * - When retries run out (retryAttempts, -1 = never) or records are older than maxRecordAge (-1 = never), the batch's
 *   metadata goes to the on-failure destination as a `KinesisBatchFailureRecord`.
 */
import { channel } from 'node:diagnostics_channel';
import { type FailureCondition, type KinesisBatchFailureRecord, LIMITS } from '@streamkit/core';
import { halves, retryDelayMs } from './batch-work.ts';
import { type InvocationOutcome, send, type WindowState } from './lambda-sender.ts';
import type { EventSourceSettings, InvokeTarget, StreamRecord, Timer } from './types.ts';

/** `streamkit:esm:invoke` — one message per invocation. */
export const esmInvokeChannel = channel('streamkit:esm:invoke');
/** `streamkit:esm:dead-letter` — one message per batch sent to the on-failure destination (or discarded). */
export const esmDeadLetterChannel = channel('streamkit:esm:dead-letter');

export interface FailureDestination {
  send(record: KinesisBatchFailureRecord): void;
}

/** `streamkit:esm:window` — a tumbling window was closed by its final invocation. */
export const esmWindowChannel = channel('streamkit:esm:window');

/**
 * A tumbling window of one shard (or lane) being aggregated: the processor passes `state` to every invocation of the
 * window and keeps what each answers.
 */
export interface TumblingWindow {
  readonly shardId: string;
  readonly start: number;
  readonly end: number;
  state: WindowState;
}

export interface BatchProcessorOptions {
  readonly target: InvokeTarget;
  readonly settings: EventSourceSettings;
  readonly streamArn: string;
  readonly region: string;
  /** @default - none: discarded batches are only reported on `streamkit:esm:dead-letter` */
  readonly destination?: FailureDestination;
  readonly timer: Timer;
  /** Aborting stops retrying; the batch is then left unsettled (it will be read again). */
  readonly signal: AbortSignal;
  /** First retry delay; doubles per retry up to LIMITS.local.esmRetryMaxDelayMs. */
  readonly retryBaseDelayMs: number;
}

interface WorkItem {
  readonly records: readonly StreamRecord[];
  /** Retries consumed so far (splits do not consume retries). */
  readonly retries: number;
  /** Invocations that included these records. */
  readonly invocations: number;
}

export class BatchProcessor {
  private readonly options: BatchProcessorOptions;

  constructor(options: BatchProcessorOptions) {
    this.options = options;
  }

  /** Resolves true once every record of `batch` is settled, false if stopped first. */
  /**
   * Resolves true once every record of `batch` is settled, false if stopped first. With `window`, each invocation
   * carries the window's state and the state it answers becomes the window's.
   */
  async process(batch: readonly StreamRecord[], window?: TumblingWindow): Promise<boolean> {
    const work: WorkItem[] = [{ records: batch, retries: 0, invocations: 0 }];
    while (work.length > 0) {
      if (this.options.signal.aborted) return false;
      const item = work.shift()!;
      const fresh = this.dropExpired(item);
      if (fresh.records.length === 0) continue;
      const started = performance.now();
      const outcome = await this.send(fresh.records, window);
      const tried: WorkItem = { ...fresh, invocations: fresh.invocations + 1 };
      this.report(tried, outcome, performance.now() - started);
      if (window && outcome.kind !== 'error' && outcome.state) {
        window.state = outcome.state;
        // Over 1 MiB of state, Lambda ends the window early; the rest of the window starts from a fresh state.
        if (JSON.stringify(window.state).length > LIMITS.esm.tumblingWindowStateMaxBytes.value) {
          if (!(await this.closeWindow(window, { terminatedEarly: true }))) return false;
        }
      }
      const next = await this.afterInvocation(tried, outcome);
      if (next === 'stopped') return false;
      work.unshift(...next);
    }
    return true;
  }

  /**
   * The final invocation of a window (no records, `isFinalInvokeForWindow`), retried until it succeeds: as on AWS,
   * processing of the shard waits for it. Resolves false if stopped first. Afterwards the window's state is empty.
   */
  async closeWindow(window: TumblingWindow, options: { terminatedEarly?: boolean } = {}): Promise<boolean> {
    const terminatedEarly = options.terminatedEarly ?? false;
    for (let retries = 0; ; retries++) {
      if (this.options.signal.aborted) return false;
      const outcome = await this.send([], window, { final: true, terminatedEarly });
      if (outcome.kind !== 'error') {
        if (esmWindowChannel.hasSubscribers) {
          esmWindowChannel.publish({
            functionName: this.options.target.functionName,
            shardId: window.shardId,
            start: window.start,
            end: window.end,
            state: window.state,
            terminatedEarly,
          });
        }
        window.state = {};
        return true;
      }
      const delay = retryDelayMs(this.options.retryBaseDelayMs, retries);
      await this.options.timer.sleep(delay, this.options.signal);
    }
  }

  private send(
    records: readonly StreamRecord[],
    window: TumblingWindow | undefined,
    final = { final: false, terminatedEarly: false },
  ) {
    return send(this.options.target, records, {
      streamArn: this.options.streamArn,
      region: this.options.region,
      reportBatchItemFailures: this.options.settings.reportBatchItemFailures,
      ...(window && {
        window: {
          start: window.start,
          end: window.end,
          state: window.state,
          shardId: window.shardId,
          isFinalInvokeForWindow: final.final,
          isWindowTerminatedEarly: final.terminatedEarly,
        },
      }),
    });
  }

  /** What to do with `item` after an invocation: the work items that replace it (empty when settled). */
  private async afterInvocation(item: WorkItem, outcome: InvocationOutcome): Promise<WorkItem[] | 'stopped'> {
    if (outcome.kind === 'success') return [];
    const { bisectBatchOnError } = this.options.settings;
    if (outcome.kind === 'partial') {
      const failed = new Set(outcome.failedSequenceNumbers);
      const checkpoint = item.records.findIndex((r) => failed.has(r.sequenceNumber));
      const remaining = item.records.slice(checkpoint);
      if (bisectBatchOnError && checkpoint > 0) return [{ ...item, records: remaining }];
      if (bisectBatchOnError && remaining.length > 1) return halves({ ...item, records: remaining });
      return this.retry({ ...item, records: remaining }, outcome);
    }
    if (bisectBatchOnError && item.records.length > 1) return halves(item);
    return this.retry(item, outcome);
  }

  private async retry(item: WorkItem, outcome: InvocationOutcome): Promise<WorkItem[] | 'stopped'> {
    const { retryAttempts } = this.options.settings;
    if (retryAttempts !== -1 && item.retries >= retryAttempts) {
      this.deadLetter(item, 'RetryAttemptsExhausted', outcome);
      return [];
    }
    const delay = retryDelayMs(this.options.retryBaseDelayMs, item.retries);
    await this.options.timer.sleep(delay, this.options.signal);
    if (this.options.signal.aborted) return 'stopped';
    return [{ ...item, retries: item.retries + 1 }];
  }

  /** Records older than maxRecordAge go to the destination without being invoked. They form a prefix (shard order). */
  private dropExpired(item: WorkItem): WorkItem {
    const { maxRecordAge } = this.options.settings;
    if (maxRecordAge === -1) return item;
    const oldest = this.options.timer.now() - maxRecordAge * 1000;
    const firstFresh = item.records.findIndex((r) => r.arrival.getTime() >= oldest);
    const expired = firstFresh === -1 ? item.records.length : firstFresh;
    if (expired === 0) return item;
    this.deadLetter({ ...item, records: item.records.slice(0, expired) }, 'RecordAgeExceeded');
    return { ...item, records: item.records.slice(expired) };
  }

  private deadLetter(item: WorkItem, condition: FailureCondition, outcome?: InvocationOutcome): void {
    const first = item.records[0]!;
    const last = item.records[item.records.length - 1]!;
    const record: KinesisBatchFailureRecord = {
      requestContext: {
        requestId: outcome?.requestId ?? crypto.randomUUID(),
        functionArn: this.options.target.functionArn,
        condition,
        approximateInvokeCount: item.invocations,
      },
      responseContext: {
        statusCode: 200,
        executedVersion: '$LATEST',
        ...(outcome?.kind === 'error' && { functionError: outcome.functionError }),
      },
      version: '1.0',
      timestamp: new Date(this.options.timer.now()).toISOString(),
      KinesisBatchInfo: {
        shardId: first.shardId,
        startSequenceNumber: first.sequenceNumber,
        endSequenceNumber: last.sequenceNumber,
        approximateArrivalOfFirstRecord: first.arrival.toISOString(),
        approximateArrivalOfLastRecord: last.arrival.toISOString(),
        batchSize: item.records.length,
        streamArn: this.options.streamArn,
      },
    };
    this.options.destination?.send(record);
    if (esmDeadLetterChannel.hasSubscribers) {
      esmDeadLetterChannel.publish({
        functionName: this.options.target.functionName,
        shardId: first.shardId,
        records: item.records.length,
        condition,
        delivered: this.options.destination !== undefined,
        failureRecord: record,
      });
    }
  }

  private report(item: WorkItem, outcome: InvocationOutcome, durationMs: number): void {
    if (!esmInvokeChannel.hasSubscribers) return;
    let succeeded = 0;
    if (outcome.kind === 'success') succeeded = item.records.length;
    else if (outcome.kind === 'partial') {
      const failed = new Set(outcome.failedSequenceNumbers);
      succeeded = item.records.findIndex((r) => failed.has(r.sequenceNumber));
    }
    esmInvokeChannel.publish({
      functionName: this.options.target.functionName,
      shardId: item.records[0]?.shardId,
      records: item.records.length,
      outcome: outcome.kind,
      /** Records checkpointed by this invocation (processed for good). */
      succeeded,
      durationMs,
      requestId: outcome.requestId,
    });
  }
}
