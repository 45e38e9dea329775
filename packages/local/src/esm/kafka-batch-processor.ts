/**
 * The processor of a Kafka event source mapping: invokes the function with one batch and settles every record the way
 * Lambda's Kafka event source mapping does ("Configuring error handling controls for Kafka event sources"). A record
 * ends processed, in the on-failure destination, or (with none) discarded; only then may its offset be committed.
 *
 * - Success settles the batch.
 * - A partial batch response (`{ itemIdentifier: { partition: "<topic>-<n>", offset } }`) settles, in each partition
 *   it names, the records before the lowest failed offset; the rest are retried. An identifier not in the batch makes
 *   the whole batch a failure.
 * - A function error retries the batch; with bisectBatchOnError the batch is split in two first (a split is not a
 *   retry). Retries are retryAttempts (-1: until maxRecordAge, or 10 when there is an on-failure destination).
 * - Records older than maxRecordAge, and records left when retries run out, go to the on-failure destination as a
 *   `KafkaBatchFailureRecord`; a record too large for any invocation goes there as MaximumPayloadSizeExceeded.
 */
import { type KafkaEvent, LIMITS, readKafkaBatchResponse } from '@streamkit/core';
import { esmDeadLetterChannel, esmInvokeChannel } from './batch-processor.ts';
import { halves, retryDelayMs } from './batch-work.ts';
import {
  type KafkaBatchFailureRecord,
  type KafkaEventContext,
  type KafkaFailureCondition,
  type KafkaRecord,
  mskEvent,
  mskRecordEventBytes,
  recordsInfo,
  topicPartition,
} from './kafka-event.ts';
import type { InvokeTarget, Timer } from './types.ts';

/** The settings of a Kafka event source mapping (AWS's names). */
export interface KafkaEventSourceSettings {
  /** @default 100 (AWS) */
  readonly batchSize: number;
  /** Seconds. @default - 500 ms, AWS's batching window for Kafka (LIMITS.local.kafkaEsmDefaultBatchingWindowMs) */
  readonly maxBatchingWindow?: number;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';
  /** ISO 8601 or epoch milliseconds; AT_TIMESTAMP only. */
  readonly startingPositionTimestamp?: string | number;
  /** -1: until maxRecordAge (10 with an on-failure destination). */
  readonly retryAttempts: number;
  /** Seconds; -1: no limit. */
  readonly maxRecordAge: number;
  readonly bisectBatchOnError: boolean;
  readonly reportBatchItemFailures: boolean;
}

/** Where discarded records are described: an SQS queue (the failure record) or an S3 bucket (it and the event). */
export interface KafkaFailureDestination {
  send(failure: KafkaBatchFailureRecord, event: KafkaEvent): void | Promise<void>;
}

export interface KafkaBatchProcessorOptions {
  readonly target: InvokeTarget;
  readonly settings: KafkaEventSourceSettings;
  readonly event: KafkaEventContext;
  /** @default - none: discarded records are only reported on `streamkit:esm:dead-letter` */
  readonly destination?: KafkaFailureDestination;
  readonly timer: Timer;
  /** Aborting stops retrying; the batch is then left unsettled (its offsets are not committed). */
  readonly signal: AbortSignal;
  /** First retry delay; doubles per retry up to LIMITS.local.esmRetryMaxDelayMs. */
  readonly retryBaseDelayMs: number;
}

export type KafkaInvocationOutcome =
  | { readonly kind: 'success'; readonly requestId: string }
  /** The function answered; in each of these partitions, the records from this offset on failed. */
  | { readonly kind: 'partial'; readonly requestId: string; readonly failedFrom: ReadonlyMap<string, bigint> }
  | {
      readonly kind: 'error';
      readonly requestId: string;
      readonly functionError: 'Handled' | 'Unhandled';
      readonly message: string;
    };

interface WorkItem {
  readonly records: readonly KafkaRecord[];
  readonly retries: number;
  readonly invocations: number;
}

export class KafkaBatchProcessor {
  private readonly options: KafkaBatchProcessorOptions;

  constructor(options: KafkaBatchProcessorOptions) {
    this.options = options;
  }

  /** The retries a failed batch gets: retryAttempts, with AWS's cap of 10 for -1 when there is a destination. */
  get retryLimit(): number {
    const { retryAttempts } = this.options.settings;
    if (retryAttempts !== -1) return retryAttempts;
    return this.options.destination
      ? LIMITS.local.kafkaEsmRetryAttemptsWithDestination.value
      : Number.POSITIVE_INFINITY;
  }

  /** Resolves true once every record of `batch` is settled, false if stopped first. */
  async process(batch: readonly KafkaRecord[]): Promise<boolean> {
    const work: WorkItem[] = [{ records: batch, retries: 0, invocations: 0 }];
    while (work.length > 0) {
      if (this.options.signal.aborted) return false;
      const item = await this.dropUnsendable(work.shift()!);
      if (item.records.length === 0) continue;
      const started = performance.now();
      const event = mskEvent(item.records, this.options.event);
      const outcome = await this.invoke(event);
      const tried: WorkItem = { ...item, invocations: item.invocations + 1 };
      this.report(tried, outcome, performance.now() - started);
      const next = await this.afterInvocation(tried, outcome);
      if (next === 'stopped') return false;
      work.unshift(...next);
    }
    return true;
  }

  private async invoke(event: KafkaEvent): Promise<KafkaInvocationOutcome> {
    const result = await this.options.target.invoke(event);
    const { requestId } = result;
    if (result.error) {
      const message = `${result.error.errorType}: ${result.error.errorMessage}`;
      return { kind: 'error', requestId, functionError: 'Unhandled', message };
    }
    if (!this.options.settings.reportBatchItemFailures) return { kind: 'success', requestId };
    // Lambda's rules for the answer (core's reader, shared with the built-in handlers' tests).
    const read = readKafkaBatchResponse(result.payload, event);
    if (read.kind === 'success') return { kind: 'success', requestId };
    if (read.kind === 'failure') return { kind: 'error', requestId, functionError: 'Handled', message: read.reason };
    const failedFrom = new Map([...read.retryFrom].map(([partition, offset]) => [partition, BigInt(offset)]));
    return { kind: 'partial', requestId, failedFrom };
  }

  private async afterInvocation(item: WorkItem, outcome: KafkaInvocationOutcome): Promise<WorkItem[] | 'stopped'> {
    if (outcome.kind === 'success') return [];
    const { bisectBatchOnError } = this.options.settings;
    const failed =
      outcome.kind === 'partial'
        ? {
            ...item,
            records: item.records.filter(
              (r) => r.offset >= (outcome.failedFrom.get(topicPartition(r)) ?? BigInt(Number.MAX_SAFE_INTEGER)),
            ),
          }
        : item;
    if (bisectBatchOnError && failed.records.length > 1) return halves(failed);
    return this.retry(failed, outcome);
  }

  private async retry(item: WorkItem, outcome: KafkaInvocationOutcome): Promise<WorkItem[] | 'stopped'> {
    if (item.retries >= this.retryLimit) {
      await this.deadLetter(item, 'RetryAttemptsExhausted', outcome);
      return [];
    }
    const delay = retryDelayMs(this.options.retryBaseDelayMs, item.retries);
    await this.options.timer.sleep(delay, this.options.signal);
    if (this.options.signal.aborted) return 'stopped';
    return [{ ...item, retries: item.retries + 1 }];
  }

  /** Records older than maxRecordAge, or too large to send even alone, go to the destination without an invocation. */
  private async dropUnsendable(item: WorkItem): Promise<WorkItem> {
    const { maxRecordAge } = this.options.settings;
    const oldest = maxRecordAge === -1 ? Number.NEGATIVE_INFINITY : this.options.timer.now() - maxRecordAge * 1000;
    const limit = LIMITS.esm.invokePayloadMaxBytes.value;
    const expired = item.records.filter((r) => r.timestamp < oldest);
    const tooLarge = item.records.filter((r) => r.timestamp >= oldest && mskRecordEventBytes(r) > limit);
    if (expired.length > 0) await this.deadLetter({ ...item, records: expired }, 'RecordAgeExceeded');
    if (tooLarge.length > 0) await this.deadLetter({ ...item, records: tooLarge }, 'MaximumPayloadSizeExceeded');
    if (expired.length === 0 && tooLarge.length === 0) return item;
    const dropped = new Set([...expired, ...tooLarge]);
    return { ...item, records: item.records.filter((r) => !dropped.has(r)) };
  }

  private async deadLetter(item: WorkItem, condition: KafkaFailureCondition, outcome?: KafkaInvocationOutcome) {
    const event = mskEvent(item.records, this.options.event);
    const failure: KafkaBatchFailureRecord = {
      requestContext: {
        requestId: outcome?.requestId ?? crypto.randomUUID(),
        functionArn: this.options.target.functionArn,
        condition,
        approximateInvokeCount: item.invocations,
      },
      responseContext:
        condition === 'MaximumPayloadSizeExceeded'
          ? null
          : {
              statusCode: 200,
              executedVersion: '$LATEST',
              ...(outcome?.kind === 'error' && { functionError: outcome.functionError }),
            },
      version: '1.0',
      timestamp: new Date(this.options.timer.now()).toISOString(),
      KafkaBatchInfo: {
        batchSize: item.records.length,
        ...(event.eventSourceArn !== undefined && { eventSourceArn: event.eventSourceArn }),
        bootstrapServers: event.bootstrapServers,
        payloadSize: Buffer.byteLength(JSON.stringify(event)),
        recordsInfo: recordsInfo(item.records),
      },
    };
    // The destination must have the failure before the offsets move past these records: await it.
    await this.options.destination?.send(failure, event);
    if (esmDeadLetterChannel.hasSubscribers) {
      esmDeadLetterChannel.publish({
        functionName: this.options.target.functionName,
        source: 'kafka',
        topicPartitions: Object.keys(failure.KafkaBatchInfo.recordsInfo),
        records: item.records.length,
        condition,
        delivered: this.options.destination !== undefined,
        failureRecord: failure,
      });
    }
  }

  private report(item: WorkItem, outcome: KafkaInvocationOutcome, durationMs: number): void {
    if (!esmInvokeChannel.hasSubscribers) return;
    let succeeded = 0;
    if (outcome.kind === 'success') succeeded = item.records.length;
    else if (outcome.kind === 'partial') {
      succeeded = item.records.filter(
        (r) => r.offset < (outcome.failedFrom.get(topicPartition(r)) ?? BigInt(Number.MAX_SAFE_INTEGER)),
      ).length;
    }
    esmInvokeChannel.publish({
      functionName: this.options.target.functionName,
      source: 'kafka',
      topicPartitions: [...new Set(item.records.map(topicPartition))],
      records: item.records.length,
      outcome: outcome.kind,
      succeeded,
      durationMs,
      requestId: outcome.requestId,
    });
  }
}
