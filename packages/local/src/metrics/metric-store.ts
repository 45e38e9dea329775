/**
 * The local stand-in for CloudWatch's metric storage: datapoints keyed by namespace, metric name and dimensions, as
 * CloudWatch keys them, aggregated into statistic sets (sample count, sum, minimum, maximum) per time bucket. A
 * statistic over any period is then computed from the buckets inside it, as CloudWatch computes one from the
 * datapoints of a period. Buckets older than the retention are dropped.
 */
import { LIMITS } from '@streamkit/core';

export type Statistic = 'Average' | 'Maximum' | 'Minimum' | 'Sum' | 'SampleCount';

export type Dimensions = Readonly<Record<string, string>>;

/** A metric as CloudWatch names it. */
export interface MetricId {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Dimensions;
}

/** CloudWatch's StatisticSet: what a period's datapoints sum up to. */
export interface StatisticSet {
  sampleCount: number;
  sum: number;
  minimum: number;
  maximum: number;
}

export interface MetricStoreOptions {
  /** @default Date.now */
  readonly now?: () => number;
  /** @default LIMITS.dashboard.metricResolutionMs */
  readonly resolutionMs?: number;
  /** @default LIMITS.dashboard.metricRetentionMs */
  readonly retentionMs?: number;
}

interface Series {
  readonly id: MetricId;
  /** Bucket start (ms) → statistics, oldest first (insertion order). */
  readonly buckets: Map<number, StatisticSet>;
}

/** `AWS/Lambda|Errors|FunctionName=orders` — dimensions sorted by name, as CloudWatch treats them (order-free). */
export function metricKey(id: MetricId): string {
  const dims = Object.keys(id.dimensions)
    .sort()
    .map((name) => `${name}=${id.dimensions[name]}`)
    .join(',');
  return `${id.namespace}|${id.metricName}|${dims}`;
}

export function statisticOf(set: StatisticSet, statistic: Statistic): number {
  switch (statistic) {
    case 'Sum':
      return set.sum;
    case 'SampleCount':
      return set.sampleCount;
    case 'Average':
      return set.sum / set.sampleCount;
    case 'Maximum':
      return set.maximum;
    case 'Minimum':
      return set.minimum;
  }
}

export class MetricStore {
  readonly resolutionMs: number;
  readonly retentionMs: number;
  readonly now: () => number;
  private readonly series = new Map<string, Series>();
  private lastPrune = 0;

  constructor(options: MetricStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.resolutionMs = options.resolutionMs ?? LIMITS.dashboard.metricResolutionMs.value;
    this.retentionMs = options.retentionMs ?? LIMITS.dashboard.metricRetentionMs.value;
  }

  /**
   * Records `count` samples of `value` at `at` (default now) — what CloudWatch's PutMetricData does with `Values` and
   * `Counts`, so a call that wrote 500 records is one call, not 500.
   */
  put(id: MetricId, value: number, count = 1, at = this.now()): void {
    if (count <= 0 || !Number.isFinite(value)) return;
    const key = metricKey(id);
    let series = this.series.get(key);
    if (!series) {
      series = { id, buckets: new Map() };
      this.series.set(key, series);
    }
    const start = at - (at % this.resolutionMs);
    const bucket = series.buckets.get(start);
    if (bucket) {
      bucket.sampleCount += count;
      bucket.sum += value * count;
      if (value < bucket.minimum) bucket.minimum = value;
      if (value > bucket.maximum) bucket.maximum = value;
    } else {
      series.buckets.set(start, { sampleCount: count, sum: value * count, minimum: value, maximum: value });
    }
    if (at - this.lastPrune > 60_000) this.prune(at);
  }

  /** Every metric that has had a datapoint (GetMetricData's ListMetrics). */
  list(): MetricId[] {
    return [...this.series.values()].map((s) => s.id);
  }

  /** The statistic set of the datapoints in [start, end), or undefined when there is none (a missing datapoint). */
  aggregate(id: MetricId, start: number, end: number): StatisticSet | undefined {
    const series = this.series.get(metricKey(id));
    if (!series) return undefined;
    let out: StatisticSet | undefined;
    const add = (set: StatisticSet) => {
      if (!out) out = { ...set };
      else {
        out.sampleCount += set.sampleCount;
        out.sum += set.sum;
        out.minimum = Math.min(out.minimum, set.minimum);
        out.maximum = Math.max(out.maximum, set.maximum);
      }
    };
    const first = start - (((start % this.resolutionMs) + this.resolutionMs) % this.resolutionMs);
    if ((end - first) / this.resolutionMs <= series.buckets.size) {
      // A short range (an alarm period, a chart period): look its buckets up rather than scan hours of them.
      for (let at = first < start ? first + this.resolutionMs : first; at < end; at += this.resolutionMs) {
        const set = series.buckets.get(at);
        if (set) add(set);
      }
    } else {
      for (const [at, set] of series.buckets) if (at >= start && at < end) add(set);
    }
    return out;
  }

  /**
   * The statistic per period over [start, end): one entry per period, `undefined` where the period has no datapoint —
   * GetMetricData's answer, with missing periods kept in place.
   */
  datapoints(id: MetricId, statistic: Statistic, periodMs: number, start: number, end: number) {
    const out: { readonly timestamp: number; readonly value: number | undefined }[] = [];
    for (let at = start; at < end; at += periodMs) {
      const set = this.aggregate(id, at, Math.min(at + periodMs, end));
      out.push({ timestamp: at, value: set ? statisticOf(set, statistic) : undefined });
    }
    return out;
  }

  private prune(now: number): void {
    this.lastPrune = now;
    const oldest = now - this.retentionMs;
    for (const series of this.series.values()) {
      for (const at of series.buckets.keys()) {
        if (at >= oldest) break;
        series.buckets.delete(at);
      }
    }
  }
}
