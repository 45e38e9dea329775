/**
 * A lane: one of a shard's `parallelizationFactor` sequences of batches. Records of one partition key always share a
 * lane, so they stay in order. The lane gathers batches (batch size, batching window, 6 MB payload) and hands each to
 * the batch processor, waiting until it is settled before the next.
 */
import { LIMITS } from '@streamkit/core';
import type { BatchProcessor, TumblingWindow } from './batch-processor.ts';
import type { EventSourceSettings, StreamRecord, Timer } from './types.ts';

/** What a lane needs from the mapping it belongs to. */
export interface LaneContext {
  readonly settings: EventSourceSettings;
  readonly timer: Timer;
  readonly signal: AbortSignal;
  readonly processor: BatchProcessor;
}

/** Payload bytes of a record in the event: base64 data plus the JSON around it. */
const recordEventBytes = (r: StreamRecord) => Math.ceil((r.data.byteLength * 4) / 3) + r.partitionKey.length + 450;

/**
 * One of a shard's `parallelizationFactor` sequences of batches. With tumbling windows, a batch holds records of one
 * window only; the window's state passes from invocation to invocation, and a final invocation closes the window
 * when a record of a later window arrives or the window's end time passes.
 */
export class Lane {
  private buffer: StreamRecord[] = [];
  private bufferedSince = 0;
  private finished = false;
  private wake: (() => void) | undefined;
  private drainWaiters: (() => void)[] = [];
  private window: TumblingWindow | undefined;
  private readonly context: LaneContext;
  private readonly shardId: string;
  private readonly onSettled: ((batch: readonly StreamRecord[]) => void) | undefined;

  /** `onSettled` is told of each batch once every record of it is settled (processed or sent to the destination). */
  constructor(context: LaneContext, shardId: string, onSettled?: (batch: readonly StreamRecord[]) => void) {
    this.context = context;
    this.shardId = shardId;
    this.onSettled = onSettled;
  }

  get size(): number {
    return this.buffer.length;
  }

  push(record: StreamRecord): void {
    if (this.buffer.length === 0) this.bufferedSince = this.context.timer.now();
    this.buffer.push(record);
    this.notify();
  }

  /** No more records will come (the mapping stops or the shard ended). */
  finish(): void {
    this.finished = true;
    this.notify();
  }

  /** Resolves when this lane has taken a batch off its buffer. */
  drained(): Promise<void> {
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  async run(): Promise<void> {
    const { settings, timer, signal, processor } = this.context;
    const { batchSize, maxBatchingWindow, tumblingWindow } = settings;
    const batchingMs = maxBatchingWindow * 1000;
    const tumblingMs = tumblingWindow * 1000;
    while (!signal.aborted) {
      if (this.buffer.length === 0) {
        if (this.window && (this.finished || timer.now() >= this.window.end)) {
          if (!(await processor.closeWindow(this.window))) return;
          this.window = undefined;
          continue;
        }
        if (this.finished) return;
        const untilWindowEnds = this.window ? [timer.sleep(this.window.end - timer.now(), signal)] : [];
        await Promise.race([...untilWindowEnds, new Promise<void>((resolve) => (this.wake = resolve))]);
        continue;
      }
      let available = this.buffer.length;
      if (tumblingMs > 0) {
        const start = windowStart(this.buffer[0]!, tumblingMs);
        if (this.window && start > this.window.start) {
          if (!(await processor.closeWindow(this.window))) return;
          this.window = undefined;
        }
        this.window ??= { shardId: this.shardId, start, end: start + tumblingMs, state: {} };
        available = this.buffer.findIndex((r) => windowStart(r, tumblingMs) !== start);
        if (available === -1) available = this.buffer.length;
      }
      // A batch is complete when full, when the next record belongs to a later window, or when the shard ended.
      const complete = available >= batchSize || available < this.buffer.length || this.finished;
      const waited = timer.now() - this.bufferedSince;
      if (!complete && waited < batchingMs) {
        // Gather more records until the batch is full or the batching window closes.
        await Promise.race([
          timer.sleep(batchingMs - waited, signal),
          new Promise<void>((resolve) => (this.wake = resolve)),
        ]);
        continue;
      }
      const batch = this.takeBatch(Math.min(batchSize, available));
      for (const resolve of this.drainWaiters.splice(0)) resolve();
      const settled = await processor.process(batch, this.window);
      if (!settled) return;
      this.onSettled?.(batch);
    }
  }

  private takeBatch(batchSize: number): StreamRecord[] {
    const limit = LIMITS.esm.invokePayloadMaxBytes.value;
    let bytes = 0;
    let count = 0;
    while (count < this.buffer.length && count < batchSize) {
      bytes += recordEventBytes(this.buffer[count]!);
      if (bytes > limit && count > 0) break;
      count++;
    }
    // Records left behind keep their place in time: they have waited since `bufferedSince` already.
    return this.buffer.splice(0, count);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** The start of the tumbling window a record belongs to, by its arrival time (windows align to the epoch). */
function windowStart(record: StreamRecord, tumblingMs: number): number {
  const arrival = record.arrival.getTime();
  return arrival - (arrival % tumblingMs);
}
