/**
 * The local stand-in for a pipeline's CloudWatch: its metrics (recorded from the first record on), its alarms —
 * core's `alarmsFor(spec)`, the definitions the cloud stack synthesizes — evaluated on a schedule, and its activity
 * (record sample, runtime events, latest dead letters) for the dashboard and `streamkit tail`.
 */
import { type AlarmDefinition, alarmsFor, LIMITS, type PipelineSpec } from '@streamkit/core';
import { LocalAlarms } from '../alarms/local-alarms.ts';
import { PipelineActivity } from '../dashboard/activity.ts';
import { MetricStore } from './metric-store.ts';
import { type GaugeSources, PipelineMetrics } from './pipeline-metrics.ts';
import { dimensionsOf, type PipelineResources, resourcesOf } from './pipeline-resources.ts';

export interface LocalMonitoringOptions {
  /** @default alarmsFor(spec) */
  readonly alarms?: readonly AlarmDefinition[];
  /** @default LIMITS.dashboard.alarmEvaluationIntervalMs */
  readonly alarmEvaluationIntervalMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

export class LocalMonitoring {
  readonly spec: PipelineSpec;
  readonly resources: PipelineResources;
  readonly store: MetricStore;
  readonly metrics: PipelineMetrics;
  readonly alarms: LocalAlarms;
  readonly activity: PipelineActivity;
  private readonly evaluationIntervalMs: number;
  private timers: NodeJS.Timeout[] = [];

  constructor(spec: PipelineSpec, options: LocalMonitoringOptions = {}) {
    this.spec = spec;
    this.resources = resourcesOf(spec);
    this.store = new MetricStore(options.now ? { now: options.now } : {});
    this.metrics = new PipelineMetrics(this.store, this.resources);
    this.alarms = new LocalAlarms({
      definitions: options.alarms ?? alarmsFor(spec),
      store: this.store,
      dimensionsOf: (d) => dimensionsOf(this.resources, d.resource),
    });
    this.activity = new PipelineActivity(this.resources, this.store.now);
    this.evaluationIntervalMs = options.alarmEvaluationIntervalMs ?? LIMITS.dashboard.alarmEvaluationIntervalMs.value;
  }

  /** Starts recording (call before the pipeline starts, so nothing goes uncounted). */
  start(): void {
    this.metrics.start();
    this.activity.start();
  }

  /** Once the pipeline's parts exist: sample gauges every second and evaluate the alarms on schedule. */
  watch(sources: GaugeSources): void {
    this.metrics.watch(sources);
    if (sources.deadLetterQueues) this.activity.loadDeadLetters(sources.deadLetterQueues);
    this.metrics.sample();
    this.evaluate();
    this.timers.push(
      setInterval(() => this.metrics.sample(), LIMITS.dashboard.metricResolutionMs.value).unref(),
      setInterval(() => this.evaluate(), this.evaluationIntervalMs).unref(),
    );
  }

  /** Evaluates every alarm now; state changes go to the activity log too. */
  evaluate(): void {
    for (const change of this.alarms.evaluate()) this.activity.alarmChanged(change);
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.metrics.stop();
    this.activity.stop();
  }
}
