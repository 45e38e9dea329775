/**
 * `streamkit:metric` — for local components whose metrics have no other channel (the Kafka broker's consumer lag,
 * Flink job metrics): publish a datapoint under CloudWatch's namespace, name and dimensions, and the pipeline's
 * metrics record it as they record their own, so the dashboard charts it and alarms can read it.
 *
 *   publishMetric({ namespace: 'AWS/Kafka', metricName: 'SumOffsetLag',
 *                   dimensions: { 'Cluster Name': 'orders', 'Consumer Group': 'g', Topic: 't' }, value: 42 });
 */
import { channel } from 'node:diagnostics_channel';
import type { MetricId } from './metric-store.ts';

export const METRIC_CHANNEL = 'streamkit:metric';

export interface MetricMessage extends MetricId {
  readonly value: number;
  /** Samples of `value` (CloudWatch's Counts). @default 1 */
  readonly count?: number;
}

const metricChannel = channel(METRIC_CHANNEL);

export function publishMetric(message: MetricMessage): void {
  if (metricChannel.hasSubscribers) metricChannel.publish(message);
}
