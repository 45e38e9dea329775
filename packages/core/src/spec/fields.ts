/**
 * Building blocks of the spec schema. Each field builder turns a `LIMITS` entry into a zod schema whose error
 * messages name the allowed values and the value received; the path is added by `formatIssues`.
 */
import { z } from 'zod';
import { type ChoiceLimit, describeRange, type FlagLimit, type RangeLimit, withinLimit } from '../limits.ts';
import { type DurationUnit, toWholeUnits } from '../units.ts';

/** How a received value is shown in an error message. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'an invalid date' : `a date (${value.toISOString()})`;
  if (typeof value === 'object' && !isPlainObject(value)) return `a ${value.constructor?.name ?? 'value'}`;
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'bigint') return `${value}n`;
  return String(value);
}

/**
 * A mapping as YAML and JSON write one. YAML's explicit tags (`!!omap`, `!!set`, `!!binary`, `!!timestamp`) give
 * Maps, Sets, Buffers and Dates, which are objects too: a section must refuse them rather than read them as empty.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

interface RangedOptions {
  /** Accept duration strings ("5m") and convert them to this unit. */
  readonly duration?: DurationUnit;
}

function checkRanged(limit: RangeLimit, options: RangedOptions, input: unknown, ctx: z.RefinementCtx): number {
  const fail = (message: string): never => {
    ctx.addIssue({ code: 'custom', message, input });
    return z.NEVER as never;
  };
  let n: number;
  if (options.duration) {
    const converted = toWholeUnits(input, options.duration);
    if (typeof converted !== 'number') return fail(`${converted.problem} (got ${show(input)})`);
    n = converted;
  } else {
    if (typeof input !== 'number' || Number.isNaN(input)) {
      return fail(`must be a number ${describeRange(limit)} (got ${show(input)})`);
    }
    if (!Number.isInteger(input)) return fail(`must be a whole number ${describeRange(limit)} (got ${show(input)})`);
    n = input;
  }
  if (!withinLimit(limit, n)) return fail(`must be ${describeRange(limit)} (got ${show(input)})`);
  return n;
}

/** A whole number within `limit`, defaulting to `limit.default`. */
export function ranged(limit: RangeLimit & { default: number }, options: RangedOptions = {}) {
  return z.unknown().transform((input, ctx): number => {
    if (input === undefined) return limit.default;
    return checkRanged(limit, options, input, ctx);
  });
}

/** A whole number within `limit`, or undefined when absent. */
export function optionalRanged(limit: RangeLimit, options: RangedOptions = {}) {
  return z.unknown().transform((input, ctx): number | undefined => {
    if (input === undefined) return undefined;
    return checkRanged(limit, options, input, ctx);
  });
}

/** A whole number (such as a port) within [min, max], defaulting to `fallback`. */
export function integer(min: number, max: number, fallback: number) {
  return ranged({ kind: 'range', min, max, default: fallback, description: '' });
}

/** One of `limit.values`, defaulting to `limit.default`. */
export function oneOf<T extends string>(limit: ChoiceLimit<T> & { default: T }) {
  return z.unknown().transform((input, ctx): T => {
    if (input === undefined) return limit.default;
    return checkChoice(limit.values, input, ctx);
  });
}

export function checkChoice<T extends string>(values: readonly T[], input: unknown, ctx: z.RefinementCtx): T {
  if (typeof input === 'string' && (values as readonly string[]).includes(input)) return input as T;
  const hint =
    typeof input === 'string'
      ? values.find((v) => v.toLowerCase() === input.toLowerCase().replace(/-/g, '_'))
      : undefined;
  const suggestion = hint ? ` — did you mean "${hint}"?` : '';
  ctx.addIssue({
    code: 'custom',
    message: `must be one of ${values.join(', ')} (got ${show(input)})${suggestion}`,
    input,
  });
  return z.NEVER as never;
}

/** true or false, defaulting to `limit.default`. */
export function flag(limit: FlagLimit | { default: boolean }) {
  return z.unknown().transform((input, ctx): boolean => {
    if (input === undefined) return limit.default;
    if (typeof input === 'boolean') return input;
    ctx.addIssue({ code: 'custom', message: `must be true or false (got ${show(input)})`, input });
    return z.NEVER as never;
  });
}

/** A string matching `pattern`; `rule` says in words what the pattern allows. */
export function text(options: { pattern?: RegExp; rule?: string; min?: number; max?: number }) {
  return z.unknown().transform((input, ctx): string | undefined => {
    if (input === undefined) return undefined;
    const fail = (message: string): never => {
      ctx.addIssue({ code: 'custom', message, input });
      return z.NEVER as never;
    };
    if (typeof input !== 'string') return fail(`must be text (got ${show(input)})`);
    const { min = 0, max = Number.POSITIVE_INFINITY } = options;
    if (input.length < min || input.length > max) {
      const bounds = max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
      return fail(`must be ${bounds} characters long (got ${input.length}: ${show(input)})`);
    }
    if (options.pattern && !options.pattern.test(input)) {
      return fail(`must be ${options.rule ?? `text matching ${options.pattern}`} (got ${show(input)})`);
    }
    return input;
  });
}

/**
 * A mapping of known settings. Unknown keys are reported with a suggestion ("did you mean batchSize?") rather than
 * zod's bare "Unrecognized key". An absent or empty section (`ingest:` with nothing under it) gets every default.
 */
export function section<Shape extends z.ZodRawShape>(shape: Shape, what = 'a mapping of settings') {
  const known = Object.keys(shape);
  const object = z
    .looseObject(shape, { error: (issue) => `must be ${what} (got ${show(issue.input)})` })
    .superRefine(
      (value, ctx) => {
        for (const [key, given] of Object.entries(value)) {
          if (known.includes(key)) continue;
          const guess = closest(key, known);
          const suggestion = guess ? `did you mean "${guess}"? ` : '';
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `is not a known setting (${suggestion}allowed: ${known.join(', ')})`,
            input: given,
          });
        }
      },
      // Run even when a field has a problem, so unknown keys are reported alongside it.
      { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
    )
    .transform((value) => {
      const out: Record<string, unknown> = {};
      for (const key of known) out[key] = (value as Record<string, unknown>)[key];
      return out as { [K in keyof Shape]: z.output<Shape[K]> };
    });
  // Every known key is made present: zod 4 reports absent keys before field transforms could apply their defaults.
  const present = (value: unknown) => {
    const input = value ?? {};
    if (!isPlainObject(input)) return input;
    return { ...Object.fromEntries(known.map((key) => [key, undefined])), ...input };
  };
  const plain = z.unknown().superRefine((value, ctx) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && !isPlainObject(value)) {
      ctx.addIssue({ code: 'custom', message: `must be ${what} (got ${show(value)})`, input: value });
    }
  });
  return z.preprocess(present, plain.pipe(object));
}

/** The known word closest to `word` (case-insensitive edit distance ≤ 2), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** A list of `item`s with a length within `limit`; an absent list is one item with every default. */
export function list<Item extends z.ZodType>(item: Item, limit: RangeLimit) {
  return z.preprocess(
    (value) => value ?? [{}],
    z.array(item, { error: (issue) => `must be a list (got ${show(issue.input)})` }).superRefine((items, ctx) => {
      if (items.length < limit.min || items.length > limit.max) {
        ctx.addIssue({
          code: 'custom',
          message: `must have ${describeRange(limit)} (got ${items.length})`,
          input: items,
        });
      }
    }),
  );
}

/** An optional ISO-8601 date-time (text or a YAML timestamp), resolved to its ISO string. */
export function dateTime() {
  return z.unknown().transform((input, ctx): string | undefined => {
    if (input === undefined) return undefined;
    const date = input instanceof Date ? input : typeof input === 'string' ? new Date(input) : undefined;
    if (!date || Number.isNaN(date.getTime())) {
      ctx.addIssue({
        code: 'custom',
        message: `must be an ISO-8601 date-time such as "2026-01-31T12:00:00Z" (got ${show(input)})`,
        input,
      });
      return z.NEVER as never;
    }
    return date.toISOString();
  });
}

/**
 * What is wrong with an event source mapping's `startingPositionTimestamp`, if anything: it goes with AT_TIMESTAMP,
 * and only with it (Kinesis and Kafka mappings alike).
 */
export function startingTimestampProblem(consumer: {
  readonly startingPosition: string;
  readonly startingPositionTimestamp?: string | undefined;
}): string | undefined {
  const { startingPosition, startingPositionTimestamp } = consumer;
  if (startingPosition === 'AT_TIMESTAMP' && startingPositionTimestamp === undefined) {
    return 'is required when startingPosition is AT_TIMESTAMP';
  }
  if (startingPosition !== 'AT_TIMESTAMP' && startingPositionTimestamp !== undefined) {
    return `applies only when startingPosition is AT_TIMESTAMP (it is ${startingPosition})`;
  }
  return undefined;
}
