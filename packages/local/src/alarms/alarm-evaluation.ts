/**
 * One evaluation of a metric alarm, as CloudWatch does it: the statistic of each of the last `evaluationPeriods`
 * periods is compared with the threshold; the alarm is in ALARM when at least `datapointsToAlarm` of them breach.
 * Periods without a datapoint are treated as `treatMissingData` says:
 *
 * - `breaching` / `notBreaching`: a missing period counts as breaching / not breaching;
 * - `missing`: only the periods with data are evaluated; when every period is missing the alarm is INSUFFICIENT_DATA;
 * - `ignore`: the same, but when every period is missing the alarm keeps its state.
 *
 * With `missing` or `ignore` and fewer datapoints than `datapointsToAlarm` present, the alarm goes to ALARM when all
 * present datapoints breach (CloudWatch's table "How alarm state is evaluated when data is missing").
 */
import type { AlarmComparison, AlarmDefinition } from '@streamkit/core';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface Evaluation {
  readonly state: AlarmState;
  /** CloudWatch-style StateReason: what was seen. */
  readonly reason: string;
  /** The breaching datapoints counted (missing ones included when they count as breaching). */
  readonly breaching: number;
}

export function breaches(comparison: AlarmComparison, value: number, threshold: number): boolean {
  switch (comparison) {
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
}

const SYMBOL: Record<AlarmComparison, string> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '>=',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '<=',
};

/**
 * Evaluates the datapoints of the last `evaluationPeriods` periods (oldest first; `undefined` = missing) of an alarm
 * that is now in `current`.
 */
export function evaluateAlarm(
  definition: Pick<
    AlarmDefinition,
    'comparison' | 'threshold' | 'evaluationPeriods' | 'datapointsToAlarm' | 'treatMissingData'
  >,
  datapoints: readonly (number | undefined)[],
  current: AlarmState,
): Evaluation {
  const { comparison, threshold, datapointsToAlarm, treatMissingData } = definition;
  const present = datapoints.filter((d): d is number => d !== undefined);
  const missing = datapoints.length - present.length;
  const breachingPresent = present.filter((d) => breaches(comparison, d, threshold)).length;
  const shown = `[${datapoints.map((d) => (d === undefined ? '-' : round(d))).join(', ')}]`;
  const rule = `${SYMBOL[comparison]} ${threshold}`;
  const summary = (breaching: number) =>
    `${breaching} of the last ${datapoints.length} datapoints ${shown} ${rule} (${datapointsToAlarm} to alarm, missing data ${treatMissingData})`;

  if (treatMissingData === 'breaching' || treatMissingData === 'notBreaching') {
    const breaching = breachingPresent + (treatMissingData === 'breaching' ? missing : 0);
    return { state: breaching >= datapointsToAlarm ? 'ALARM' : 'OK', reason: summary(breaching), breaching };
  }
  if (present.length === 0) {
    const state = treatMissingData === 'missing' ? 'INSUFFICIENT_DATA' : current;
    return {
      state,
      reason: `no datapoints in the last ${datapoints.length} periods (missing data ${treatMissingData})`,
      breaching: 0,
    };
  }
  const needed = Math.min(datapointsToAlarm, present.length);
  return {
    state: breachingPresent >= needed ? 'ALARM' : 'OK',
    reason: summary(breachingPresent),
    breaching: breachingPresent,
  };
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toPrecision(4);
}
