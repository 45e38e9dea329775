/**
 * Durations in a spec may be written as a bare number in the setting's own unit (`timeout: 60` is 60 seconds,
 * `retentionHours: 48` is 48 hours) or as a string with a unit (`timeout: 1m`, `retentionHours: 7d`).
 */

const UNIT_MS = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
} as const;

export type DurationUnit = keyof typeof UNIT_MS;

const DURATION = /^\s*(-?\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;

/**
 * Converts `value` to a whole number of `unit`. Returns a string describing the problem when it cannot,
 * so callers can put it into their own error message.
 */
export function toWholeUnits(value: unknown, unit: DurationUnit): number | { problem: string } {
  if (typeof value === 'number') {
    return Number.isInteger(value) ? value : { problem: `must be a whole number of ${unitName(unit)}` };
  }
  if (typeof value !== 'string') {
    return { problem: `must be a number of ${unitName(unit)} or a duration such as "30s", "5m", "24h"` };
  }
  const match = DURATION.exec(value);
  if (!match) {
    return { problem: `must be a number of ${unitName(unit)} or a duration such as "30s", "5m", "24h"` };
  }
  const ms = Number(match[1]) * UNIT_MS[match[2] as DurationUnit];
  const n = ms / UNIT_MS[unit];
  if (!Number.isInteger(n)) {
    return { problem: `must be a whole number of ${unitName(unit)} ("${value}" is ${n} ${unitName(unit)})` };
  }
  return n;
}

function unitName(unit: DurationUnit): string {
  return { ms: 'milliseconds', s: 'seconds', m: 'minutes', h: 'hours', d: 'days' }[unit];
}
