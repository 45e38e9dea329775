/**
 * The local stand-in for a pipeline's CloudWatch: its metrics (recorded from the first record on), its alarms —
 * core's `alarmsFor(spec)`, the definitions the cloud stack synthesizes — evaluated on a schedule, and its activity
 * (record sample, runtime events, latest dead letters) for the dashboard and `streamkit tail`.
 */
import { type AlarmDefinition, alarmsFor, LIMITS, type PipelineSpec } from '@streamkit/core';
import { LocalAlarms } from '../alarms/local-alarms.ts';
import { PipelineActivity } from '../dashboard/activity.ts';
import { KafkaMetrics } from './kafka-metrics.ts';
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
  /** Brokers the local Kafka runs (MSK presets): alarms of other brokers exist only in the cloud. @default 1 */
  readonly kafkaBrokers?: number;
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
  private kafka: KafkaMetrics | undefined;

  constructor(spec: PipelineSpec, options: LocalMonitoringOptions = {}) {
    this.spec = spec;
    this.resources = resourcesOf(
      spec,
      options.kafkaBrokers === undefined ? {} : { kafkaBrokers: options.kafkaBrokers },
    );
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

  /**
   * Once the pipeline's parts exist: sample gauges every second (the local Kafka's too) and evaluate the alarms on
   * schedule.
   */
  watch(sources: GaugeSources): void {
    this.metrics.watch(sources);
    if (sources.deadLetterQueues) this.activity.loadDeadLetters(sources.deadLetterQueues);
    if (sources.kafka && this.resources.kafka && !this.kafka) {
      this.kafka = new KafkaMetrics({
        resources: this.resources.kafka,
        functions: this.resources.functions,
        bootstrapServers: sources.kafka.bootstrapServers,
        brokers: sources.kafka.brokers,
      });
      this.kafka.start();
    }
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

  /** The Kafka measurements' round in progress (null when the pipeline has no Kafka): tests await it. */
  sampleKafka(): Promise<void> {
    return this.kafka?.sample() ?? Promise.resolve();
  }

  /** Stops every schedule; resolves once the Kafka measurements' client is closed. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    const kafka = this.kafka;
    this.kafka = undefined;
    await kafka?.stop();
    this.metrics.stop();
    this.activity.stop();
  }
}
