import type { ConsumerSettings } from '@streamkit/core';

/** A record read from a shard, as the event source mapping holds it. */
export interface StreamRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Uint8Array;
  readonly arrival: Date;
}

/** The event source mapping settings of a consumer (AWS's names, resolved by core). */
export type EventSourceSettings = Pick<
  ConsumerSettings,
  | 'batchSize'
  | 'maxBatchingWindow'
  | 'parallelizationFactor'
  | 'retryAttempts'
  | 'bisectBatchOnError'
  | 'maxRecordAge'
  | 'startingPosition'
  | 'startingPositionTimestamp'
  | 'reportBatchItemFailures'
  | 'tumblingWindow'
  | 'filters'
>;

/** Whatever can be invoked with an event: a LocalFunction, or a fake in tests. */
export interface InvokeTarget {
  readonly functionName: string;
  readonly functionArn: string;
  invoke(event: unknown): Promise<{
    readonly requestId: string;
    readonly payload?: unknown;
    readonly error?: { readonly errorType: string; readonly errorMessage: string };
  }>;
}

/** Sleeps that a stop can cut short; injectable so tests control time. */
export interface Timer {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realTimer: Timer = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted || ms <= 0) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    }),
};
