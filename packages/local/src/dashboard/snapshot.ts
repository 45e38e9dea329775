/**
 * What the dashboard page shows at one moment, as JSON: charts (datapoints per 5-second period over the last five
 * minutes), alarm states with their latest history, the latest dead letters, the record sample and runtime events.
 * The page redraws itself from each snapshot; scripts can read the same JSON from `/api/snapshot`.
 */
import { componentsOfSpec, PRESETS, type PresetDefinition } from '@streamkit/core';
import type { LocalMonitoring } from '../metrics/local-monitoring.ts';
import { type ChartDefinition, chartsFor, componentOfAlarm } from './charts.ts';

/** Period of a chart's datapoints. */
export const CHART_PERIOD_MS = 5_000;
/** How far back the charts reach. */
export const CHART_WINDOW_MS = 5 * 60_000;

export interface DashboardSnapshot {
  readonly pipeline: { readonly name: string; readonly preset: string; readonly title: string };
  readonly now: number;
  readonly chartPeriodMs: number;
  readonly charts: readonly (Omit<ChartDefinition, 'dimensions'> & {
    readonly dimensions: Readonly<Record<string, string>>;
    /** Start of the first period (epoch ms). */
    readonly start: number;
    /** One value per period, oldest first; null where the period has no datapoint. */
    readonly points: readonly (number | null)[];
  })[];
  readonly alarms: readonly {
    readonly id: string;
    readonly component: string | undefined;
    readonly description: string;
    readonly metric: string;
    readonly rule: string;
    readonly state: string;
    readonly reason: string;
    readonly updatedAt: number;
    readonly history: readonly { timestamp: number; oldState: string; newState: string; reason: string }[];
  }[];
  /** Alarms of the cloud stack the local target cannot evaluate (it does not run what they watch). */
  readonly unevaluatedAlarms: readonly { readonly id: string; readonly description: string; readonly reason: string }[];
  readonly deadLetters: LocalMonitoring['activity']['deadLetters'];
  readonly records: LocalMonitoring['activity']['records'];
  readonly events: LocalMonitoring['activity']['events'];
}

export function presetOf(monitoring: LocalMonitoring): PresetDefinition {
  return PRESETS[monitoring.spec.preset] as PresetDefinition;
}

/** What the dashboard draws: the running pipeline's own components (its consumers, only the parts it has). */
export function diagramOf(monitoring: LocalMonitoring): Pick<PresetDefinition, 'name' | 'title' | 'components'> {
  const preset = presetOf(monitoring);
  return {
    name: preset.name,
    title: `${monitoring.spec.name}: ${preset.title}`,
    components: componentsOfSpec(monitoring.spec),
  };
}

export function snapshotOf(monitoring: LocalMonitoring): DashboardSnapshot {
  const preset = presetOf(monitoring);
  const { components } = diagramOf(monitoring);
  const now = monitoring.store.now();
  const end = now - (now % CHART_PERIOD_MS) + CHART_PERIOD_MS;
  const start = end - CHART_WINDOW_MS;
  const charts = chartsFor(components, monitoring.resources).map((chart) => ({
    ...chart,
    start,
    points: monitoring.store
      .datapoints(chart, chart.statistic, CHART_PERIOD_MS, start, end)
      .map((d) => (d.value === undefined ? null : d.value)),
  }));
  const alarms = monitoring.alarms.list().map((a) => ({
    id: a.definition.id,
    component: componentOfAlarm(components, a.definition.resource),
    description: a.definition.description,
    metric: `${a.definition.namespace} ${a.definition.metricName} (${a.definition.statistic}, ${a.definition.periodSeconds} s)`,
    rule: `${a.definition.comparison} ${a.definition.threshold}, ${a.definition.datapointsToAlarm} of ${a.definition.evaluationPeriods}, missing data ${a.definition.treatMissingData}`,
    state: a.state,
    reason: a.reason,
    updatedAt: a.updatedAt,
    history: a.history.slice(0, 5),
  }));
  const { activity } = monitoring;
  return {
    pipeline: { name: monitoring.spec.name, preset: preset.name, title: preset.title },
    now,
    chartPeriodMs: CHART_PERIOD_MS,
    charts,
    alarms,
    unevaluatedAlarms: monitoring.alarms.unevaluated.map((u) => ({
      id: u.definition.id,
      description: u.definition.description,
      reason: u.reason,
    })),
    deadLetters: activity.deadLetters,
    records: activity.records,
    events: activity.events.slice(-50),
  };
}
