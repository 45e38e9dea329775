/** A clock the test moves: `now()` stands still until `advance(ms)`, which wakes the sleepers that are due. */
import type { Timer } from '../../src/esm/types.ts';

export class ManualTimer implements Timer {
  private time: number;
  private sleepers: { at: number; resolve: () => void }[] = [];

  constructor(start = Date.parse('2026-07-13T14:05:09.000Z')) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = { at: this.time + ms, resolve };
      this.sleepers.push(sleeper);
      signal.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Sleepers waiting now. */
  get waiting(): number {
    return this.sleepers.length;
  }

  /** When the earliest sleeper wakes, if any sleeps. */
  get nextWake(): number | undefined {
    return this.sleepers.length === 0 ? undefined : Math.min(...this.sleepers.map((s) => s.at));
  }

  /** Moves time on, wakes every sleeper that is due, and lets what they start run up to its first wait. */
  async advance(ms: number): Promise<void> {
    this.time += ms;
    const due = this.sleepers.filter((s) => s.at <= this.time);
    this.sleepers = this.sleepers.filter((s) => s.at > this.time);
    for (const sleeper of due) sleeper.resolve();
    await new Promise((resolve) => setImmediate(resolve));
  }
}
