/**
 * The metrics Managed Service for Apache Flink publishes for an application (namespace `AWS/KinesisAnalytics`,
 * dimension `Application`), measured on a local Flink job through the REST API of its MiniCluster and published on
 * `streamkit:metric`, so core's Flink alarms (downtime, failed checkpoints, CPU, heap, old-generation GC) are
 * evaluated locally as in the cloud and the dashboard charts them. How each maps is in docs/dashboard.md.
 *
 * - `downtime`: Flink's job metric while the JVM answers; once it has answered and then stops (killed, restarting),
 *   the milliseconds since it stopped — as MSF reports downtime while the application recovers. Nothing before the
 *   job first answers (starting is not an outage).
 * - `numberOfFailedCheckpoints`: Flink's job metric.
 * - `cpuUtilization`, `heapMemoryUtilization`: the JVM's CPU load and heap use (percent) from its task manager.
 * - `oldGenerationGCTime`: old-generation collection time between two samples, scaled to milliseconds per minute.
 */
import { LIMITS } from '@streamkit/core';
import { publishMetric } from '../metrics/metric-channel.ts';
import type { LocalFlinkJob } from './local-flink-job.ts';

export const FLINK_NAMESPACE = 'AWS/KinesisAnalytics';

/** Old-generation collectors by JVM flag (the launcher runs SerialGC; G1 and Parallel are there for other setups). */
const OLD_GENERATION_COLLECTORS = ['MarkSweepCompact', 'G1_Old_Generation', 'PS_MarkSweep'];
const TASK_MANAGER_METRICS = [
  'Status.JVM.CPU.Load',
  'Status.JVM.Memory.Heap.Used',
  'Status.JVM.Memory.Heap.Max',
  ...OLD_GENERATION_COLLECTORS.map((name) => `Status.JVM.GarbageCollector.${name}.Time`),
];

export interface FlinkJobMetricsOptions {
  readonly job: LocalFlinkJob;
  /** The `Application` dimension: the application's name. */
  readonly application: string;
  /** @default LIMITS.dashboard.metricResolutionMs */
  readonly intervalMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Samples one local Flink job's metrics on a timer until `stop()`. */
export class FlinkJobMetrics {
  private readonly options: FlinkJobMetricsOptions;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> | undefined;
  /** Since when the job has not answered (undefined while it answers, or before it first did). */
  private downSince: number | undefined;
  private answered = false;
  private lastGc: { readonly at: number; readonly timeMs: number } | undefined;

  constructor(options: FlinkJobMetricsOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    const interval = this.options.intervalMs ?? LIMITS.dashboard.metricResolutionMs.value;
    this.timer = setInterval(() => {
      this.sampling ??= this.sample().finally(() => {
        this.sampling = undefined;
      });
    }, interval).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sampling;
  }

  /** Takes one sample now (the timer calls it; tests may too). */
  async sample(): Promise<void> {
    const rest = await this.options.job.restEndpoint();
    const sample = rest ? await readSample(rest).catch(() => undefined) : undefined;
    const now = this.now();
    if (!sample) {
      if (!this.answered) return;
      this.downSince ??= now;
      this.lastGc = undefined;
      this.put('downtime', now - this.downSince);
      return;
    }
    this.answered = true;
    this.downSince = undefined;
    this.put('downtime', sample.downtimeMs);
    this.put('numberOfFailedCheckpoints', sample.failedCheckpoints);
    if (sample.cpuLoad !== undefined) this.put('cpuUtilization', sample.cpuLoad * 100);
    if (sample.heapUsed !== undefined && sample.heapMax) {
      this.put('heapMemoryUtilization', (sample.heapUsed / sample.heapMax) * 100);
    }
    if (sample.oldGcTimeMs !== undefined) {
      if (this.lastGc && now > this.lastGc.at) {
        const perMinute = ((sample.oldGcTimeMs - this.lastGc.timeMs) * 60_000) / (now - this.lastGc.at);
        this.put('oldGenerationGCTime', Math.max(0, perMinute));
      }
      this.lastGc = { at: now, timeMs: sample.oldGcTimeMs };
    }
  }

  private put(metricName: string, value: number): void {
    publishMetric({
      namespace: FLINK_NAMESPACE,
      metricName,
      dimensions: { Application: this.options.application },
      value,
    });
  }
}

interface FlinkSample {
  readonly downtimeMs: number;
  readonly failedCheckpoints: number;
  readonly cpuLoad: number | undefined;
  readonly heapUsed: number | undefined;
  readonly heapMax: number | undefined;
  readonly oldGcTimeMs: number | undefined;
}

/** One round of REST calls: the running job's metrics and its (only) task manager's. */
async function readSample(rest: string): Promise<FlinkSample | undefined> {
  const overview = (await getJson(`${rest}/jobs/overview`)) as { jobs?: { jid: string; state: string }[] };
  const job = overview.jobs?.find((j) => j.state === 'RUNNING') ?? overview.jobs?.[0];
  if (!job) return undefined;
  const jobMetrics = metricValues(
    await getJson(`${rest}/jobs/${job.jid}/metrics?get=downtime,numberOfFailedCheckpoints`),
  );
  const managers = (await getJson(`${rest}/taskmanagers`)) as { taskmanagers?: { id: string }[] };
  const manager = managers.taskmanagers?.[0];
  const tm = manager
    ? metricValues(await getJson(`${rest}/taskmanagers/${manager.id}/metrics?get=${TASK_MANAGER_METRICS.join(',')}`))
    : new Map<string, number>();
  const gc = OLD_GENERATION_COLLECTORS.map((name) => tm.get(`Status.JVM.GarbageCollector.${name}.Time`)).find(
    (v) => v !== undefined,
  );
  return {
    // A job that is not RUNNING (restarting inside the JVM) reports its downtime; before the first metric, 0.
    downtimeMs: jobMetrics.get('downtime') ?? 0,
    failedCheckpoints: jobMetrics.get('numberOfFailedCheckpoints') ?? 0,
    cpuLoad: tm.get('Status.JVM.CPU.Load'),
    heapUsed: tm.get('Status.JVM.Memory.Heap.Used'),
    heapMax: tm.get('Status.JVM.Memory.Heap.Max'),
    oldGcTimeMs: gc,
  };
}

function metricValues(body: unknown): Map<string, number> {
  const values = new Map<string, number>();
  for (const { id, value } of (body as { id: string; value: string }[]) ?? []) {
    const number = Number(value);
    if (Number.isFinite(number)) values.set(id, number);
  }
  return values;
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}
