/**
 * What `streamkit dev` says about a pipeline's monitoring, whatever the preset: the dashboard's port and banner line,
 * the dashboard file `streamkit tail` finds it by, alarm state changes as they happen, and the alarms in ALARM in the
 * status line.
 */
import { LIMITS } from '@streamkit/core';
import type { LocalMonitoring } from '@streamkit/local';
import { writeDashboardFile } from './dashboard-file.ts';
import { printEvent, type Subscription } from './function-events.ts';
import { output } from './output.ts';

/** The `dashboardPort` option of a local pipeline from `--dashboard-port` / `--no-dashboard`. */
export function dashboardOption(args: { readonly dashboard?: boolean; readonly dashboardPort?: number }): {
  dashboardPort?: number;
} {
  return args.dashboard === false ? {} : { dashboardPort: args.dashboardPort ?? LIMITS.dashboard.port.value };
}

/** Writes `<dataDir>/dashboard.json` while the dashboard runs; the function returned removes it. */
export function announceDashboard(dataDir: string, url: string | undefined, pipeline: string): () => void {
  if (!url) return () => {};
  return writeDashboardFile(dataDir, { url, pid: process.pid, pipeline, startedAt: new Date().toISOString() });
}

/** The banner's dashboard line (the init and tail tests look for it). */
export function printDashboardLine(url: string | undefined): void {
  if (url) output.line(`  Dashboard    ${url}   metrics, alarms, dead letters, records (streamkit tail follows it)`);
}

/** `  alarms: 1 in ALARM (ordersErrors)`, or nothing while no alarm is in ALARM. */
export function alarmsText(monitoring: LocalMonitoring): string {
  const inAlarm = monitoring.alarms.list().filter((a) => a.state === 'ALARM');
  return inAlarm.length === 0
    ? ''
    : `  alarms: ${inAlarm.length} in ALARM (${inAlarm.map((a) => a.definition.id).join(', ')})`;
}

/** Prints each alarm state change: `✗ alarm ordersErrors: OK → ALARM — <reason>`. */
export function alarmChanges(): Subscription {
  return [
    'streamkit:alarm:state',
    (m) => {
      const change = m as { alarm: string; oldState: string; newState: string; reason: string };
      const mark = change.newState === 'ALARM' ? '✗' : '✓';
      printEvent(`  ${mark} alarm ${change.alarm}: ${change.oldState} → ${change.newState} — ${change.reason}`);
    },
  ];
}
