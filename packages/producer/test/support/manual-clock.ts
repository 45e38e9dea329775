/**
 * A clock the test moves by hand: `sleep` resolves only when `advance` passes its deadline (or its signal aborts), so
 * deadlines, rate windows and backoffs happen exactly when the test says, and never because real time went by.
 */
import type { Clock } from '../../src/clock.ts';

interface Sleeper {
  readonly at: number;
  readonly resolve: () => void;
}

export class ManualClock implements Clock {
  private time: number;
  private readonly start: number;
  private sleepers: Sleeper[] = [];

  constructor(start = Date.UTC(2026, 0, 15, 12, 0, 0)) {
    this.time = start;
    this.start = start;
  }

  /** Milliseconds since the clock was made, for readable assertions. */
  get elapsed(): number {
    return this.time - this.start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = { at: this.time + Math.max(0, ms), resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** The earliest time a sleeper waits for, if any. */
  get nextWake(): number | undefined {
    return this.sleepers.length === 0 ? undefined : Math.min(...this.sleepers.map((s) => s.at));
  }

  /** Moves time forward by `ms`, waking sleepers in time order and letting what they start run in between. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await settle();
    for (;;) {
      const due = this.sleepers.filter((s) => s.at <= target).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.time = Math.max(this.time, due.at);
      this.sleepers = this.sleepers.filter((s) => s !== due);
      due.resolve();
      await settle();
    }
    this.time = target;
    await settle();
  }
}

/** Lets pending promise callbacks and immediates run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}
