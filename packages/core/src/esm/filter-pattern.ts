/**
 * Lambda event filtering patterns (FilterCriteria), written once: the spec validates them with `parseFilterPattern`,
 * the cloud stack passes them to the event source mapping, and the local event source mapping evaluates them with
 * `matchesFilter` — the same rules as the Lambda Developer Guide's "Lambda event filtering" syntax table:
 *
 * | comparison | pattern |
 * |---|---|
 * | equals / or | `"Name": ["Alice", "Bob"]` |
 * | null / empty | `"UserID": [null]`, `"LastName": [""]` |
 * | equals, ignoring case | `[{ "equals-ignore-case": "alice" }]` |
 * | and | several keys in one object |
 * | or, across fields | `"$or": [{ … }, { … }]` |
 * | not | `[{ "anything-but": ["Raining"] }]` (or one value) |
 * | numeric | `[{ "numeric": ["=", 100] }]`, `[{ "numeric": [">", 10, "<=", 20] }]` |
 * | exists / does not exist | `[{ "exists": true }]`, `[{ "exists": false }]` |
 * | begins with / ends with | `[{ "prefix": "us-" }]`, `[{ "suffix": ".png" }]` |
 *
 * A value in the event that is a list matches when any of its elements does. A record matches a set of filters when
 * any filter matches (filters are OR-ed).
 */

import { isPlainObject, show } from '../spec/fields.ts';
export type FilterPattern = { readonly [key: string]: readonly Matcher[] | FilterPattern | readonly FilterPattern[] };

type Matcher =
  | string
  | number
  | boolean
  | null
  | { readonly 'equals-ignore-case': string }
  | { readonly 'anything-but': string | number | readonly (string | number)[] }
  | { readonly numeric: readonly (string | number)[] }
  | { readonly exists: boolean }
  | { readonly prefix: string }
  | { readonly suffix: string };

const OPERATORS = ['equals-ignore-case', 'anything-but', 'numeric', 'exists', 'prefix', 'suffix'] as const;
const NUMERIC = ['=', '<', '<=', '>', '>='] as const;

export type ParsedFilterPattern =
  | { readonly ok: true; readonly pattern: FilterPattern }
  | { readonly ok: false; readonly problem: string };

/** Checks a pattern; returns it typed, or a description of the first problem (path within the pattern included). */
export function parseFilterPattern(pattern: unknown): ParsedFilterPattern {
  if (!isPlainObject(pattern)) {
    return {
      ok: false,
      problem: `must be a mapping such as { data: { status: ["paid"] } } (got ${show(pattern)})`,
    };
  }
  const problem = checkObject(pattern as Record<string, unknown>, '');
  return problem ? { ok: false, problem } : { ok: true, pattern: pattern as FilterPattern };
}

function checkObject(object: Record<string, unknown>, at: string): string | undefined {
  const keys = Object.keys(object);
  if (keys.length === 0) return `${where(at)}is an empty mapping; give at least one field to match`;
  for (const key of keys) {
    const value = object[key];
    const path = at ? `${at}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || value.some((v) => !isPlainObject(v))) {
        return `${path} must be a list of at least two mappings`;
      }
      for (const [i, branch] of value.entries()) {
        const problem = checkObject(branch as Record<string, unknown>, `${path}[${i}]`);
        if (problem) return problem;
      }
    } else if (Array.isArray(value)) {
      if (value.length === 0) return `${path} is an empty list, which matches nothing`;
      for (const matcher of value) {
        const problem = checkMatcher(matcher, path);
        if (problem) return problem;
      }
    } else if (isPlainObject(value)) {
      const problem = checkObject(value, path);
      if (problem) return problem;
    } else {
      return `${path} must be a list of values to match, such as ["${String(value)}"] (got ${show(value)})`;
    }
  }
  return undefined;
}

function checkMatcher(matcher: unknown, path: string): string | undefined {
  if (matcher === null || ['string', 'number', 'boolean'].includes(typeof matcher)) return undefined;
  if (typeof matcher !== 'object' || Array.isArray(matcher))
    return `${path} has a value that is not text, a number, null or an operator`;
  const keys = Object.keys(matcher);
  const operator = keys[0];
  if (keys.length !== 1 || !OPERATORS.includes(operator as (typeof OPERATORS)[number])) {
    return `${path} has an unknown operator ${JSON.stringify(keys.join(', '))} (allowed: ${OPERATORS.join(', ')})`;
  }
  const operand = (matcher as Record<string, unknown>)[operator!];
  switch (operator) {
    case 'equals-ignore-case':
    case 'prefix':
    case 'suffix':
      return typeof operand === 'string'
        ? undefined
        : `${path}: ${operator} takes text (got ${JSON.stringify(operand)})`;
    case 'exists':
      return typeof operand === 'boolean'
        ? undefined
        : `${path}: exists takes true or false (got ${JSON.stringify(operand)})`;
    case 'anything-but': {
      const values = Array.isArray(operand) ? operand : [operand];
      const ok = values.length > 0 && values.every((v) => typeof v === 'string' || typeof v === 'number');
      return ok ? undefined : `${path}: anything-but takes text or numbers (got ${JSON.stringify(operand)})`;
    }
    case 'numeric': {
      const ok =
        Array.isArray(operand) &&
        (operand.length === 2 || operand.length === 4) &&
        operand.every((v, i) =>
          i % 2 === 0 ? NUMERIC.includes(v as (typeof NUMERIC)[number]) : typeof v === 'number',
        );
      return ok
        ? undefined
        : `${path}: numeric takes [operator, number] or two such pairs, operators ${NUMERIC.join(' ')} (got ${JSON.stringify(operand)})`;
    }
  }
  return undefined;
}

const where = (at: string) => (at ? `${at} ` : 'the pattern ');

/** True when `event` matches `pattern`. */
export function matchesPattern(event: unknown, pattern: FilterPattern): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const fields = event as Record<string, unknown>;
  for (const [key, rule] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(rule as readonly FilterPattern[]).some((branch) => matchesPattern(event, branch))) return false;
    } else if (Array.isArray(rule)) {
      if (!matchesField(fields[key], key in fields, rule as readonly Matcher[])) return false;
    } else if (!matchesPattern(fields[key], rule as FilterPattern)) {
      return false;
    }
  }
  return true;
}

/** True when `event` matches any of `patterns` (filters are OR-ed; no filters match everything). */
export function matchesFilters(event: unknown, patterns: readonly FilterPattern[]): boolean {
  return patterns.length === 0 || patterns.some((p) => matchesPattern(event, p));
}

function matchesField(value: unknown, present: boolean, matchers: readonly Matcher[]): boolean {
  return matchers.some((matcher) => {
    if (typeof matcher === 'object' && matcher !== null && 'exists' in matcher) return matcher.exists === present;
    if (!present) return false;
    const values = Array.isArray(value) ? value : [value];
    return values.some((v) => matchesValue(v, matcher));
  });
}

function matchesValue(value: unknown, matcher: Matcher): boolean {
  if (matcher === null || typeof matcher !== 'object') return value === matcher;
  if ('equals-ignore-case' in matcher) {
    return typeof value === 'string' && value.toLowerCase() === matcher['equals-ignore-case'].toLowerCase();
  }
  if ('prefix' in matcher) return typeof value === 'string' && value.startsWith(matcher.prefix);
  if ('suffix' in matcher) return typeof value === 'string' && value.endsWith(matcher.suffix);
  if ('anything-but' in matcher) {
    const excluded = matcher['anything-but'];
    return !(Array.isArray(excluded) ? excluded : [excluded]).includes(value as string | number);
  }
  if ('numeric' in matcher) {
    if (typeof value !== 'number') return false;
    const terms = matcher.numeric;
    for (let i = 0; i < terms.length; i += 2) {
      const bound = terms[i + 1] as number;
      const ok = {
        '=': value === bound,
        '<': value < bound,
        '<=': value <= bound,
        '>': value > bound,
        '>=': value >= bound,
      }[terms[i] as (typeof NUMERIC)[number]];
      if (!ok) return false;
    }
    return true;
  }
  return false;
}

/**
 * The object a Kinesis record is matched against: its metadata at the top level and, when the data is JSON, the
 * parsed data under `data` (as Lambda does; records whose data is not JSON can only match metadata filters).
 */
export function kinesisFilterSubject(record: {
  readonly partitionKey: string;
  readonly sequenceNumber: string;
  readonly approximateArrivalTimestamp: number;
  readonly data: Uint8Array;
}): Record<string, unknown> {
  const subject: Record<string, unknown> = {
    kinesisSchemaVersion: '1.0',
    partitionKey: record.partitionKey,
    sequenceNumber: record.sequenceNumber,
    approximateArrivalTimestamp: record.approximateArrivalTimestamp,
  };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(record.data);
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) subject.data = parsed;
  } catch {
    // Not JSON: only metadata can match.
  }
  return subject;
}
