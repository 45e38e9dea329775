import { StreamkitError, toWholeUnits } from '@streamkit/core';

/** Parses a `--duration`-style flag: a number of seconds, or "500ms", "30s", "5m", "1h". */
export function parseDurationFlag(flag: string, value: string): number {
  const asNumber = Number(value);
  const ms = toWholeUnits(Number.isFinite(asNumber) && value.trim() !== '' ? asNumber * 1000 : value, 'ms');
  if (typeof ms !== 'number' || ms <= 0) {
    throw new StreamkitError(
      'SK_VALIDATION',
      `${flag} must be a positive duration such as 30, 30s, 5m or 1h (got "${value}")`,
    );
  }
  return ms;
}

/** Parses a positive whole-number flag such as `--rate 200`. */
export function parsePositiveInt(flag: string, value: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new StreamkitError('SK_VALIDATION', `${flag} must be a whole number between 1 and ${max} (got "${value}")`);
  }
  return n;
}

export function parsePort(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) {
    throw new StreamkitError(
      'SK_VALIDATION',
      `${flag} must be a port between 0 and 65535, 0 for any free port (got "${value}")`,
    );
  }
  return n;
}

/** Parses a positive number flag such as `--throughput 0.5`. */
export function parsePositiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new StreamkitError('SK_VALIDATION', `${flag} must be a number above 0 (got "${value}")`);
  }
  return n;
}
