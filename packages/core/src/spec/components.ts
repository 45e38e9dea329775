/**
 * The sections a pipeline spec is made of. Presets pick the sections they need (see `../presets`).
 * Every default comes from `LIMITS`; nothing here invents a number.
 */
import { z } from 'zod';
import { type FilterPattern, parseFilterPattern } from '../esm/filter-pattern.ts';
import { LIMITS, type ShardLevelMetric } from '../limits.ts';
import { checkChoice, dateTime, flag, integer, oneOf, optionalRanged, ranged, section, show, text } from './fields.ts';

const K = LIMITS.kinesis;
const E = LIMITS.esm;
const L = LIMITS.lambda;
const A = LIMITS.apiGateway;

export const PIPELINE_NAME = /^[a-z][a-z0-9-]*$/;
const CONSUMER_NAME = /^[a-zA-Z][a-zA-Z0-9-]*$/;
const JS_IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const ENV_NAME = /^[a-zA-Z][a-zA-Z0-9_]*$/;
/** Lambda reserves these environment variables. */
const RESERVED_ENV = /^(AWS_|LAMBDA_|_HANDLER$|_X_AMZN_TRACE_ID$|TZ$)/;

/** Environment variables of a function: names Lambda does not reserve, values that are text, numbers or booleans. */
export const environmentVariables = z
  .record(z.string(), z.unknown(), {
    error: (i) => `must be a mapping of variable names to values (got ${show(i.input)})`,
  })
  .optional()
  .superRefine((env, ctx) => {
    for (const [key, value] of Object.entries(env ?? {})) {
      if (!ENV_NAME.test(key) || RESERVED_ENV.test(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'is not a usable variable name (letters, digits and underscores; AWS_ and LAMBDA_ are reserved)',
        });
      } else if (!['string', 'number', 'boolean'].includes(typeof value)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `must be text, a number or a boolean (got ${show(value)})`,
        });
      }
    }
  })
  .transform((env) => Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, String(v)])));

export const ingestApiSection = section({
  /** How callers authenticate. @default 'iam' */
  auth: oneOf(A.auth),
  throttling: section({
    rateLimit: ranged(A.throttlingRateLimit),
    burstLimit: ranged(A.throttlingBurstLimit),
  }),
  /** X-Ray tracing of API requests. @default false */
  tracing: flag({ default: false }),
});

const shardLevelMetrics = z.unknown().transform((input, ctx): ShardLevelMetric[] => {
  if (input === undefined || input === false) return [];
  if (input === true) return [...K.shardLevelMetrics.values];
  if (!Array.isArray(input)) {
    ctx.addIssue({
      code: 'custom',
      message: `must be true (all), false (none) or a list of ${K.shardLevelMetrics.values.join(', ')} (got ${show(input)})`,
      input,
    });
    return z.NEVER as never;
  }
  return input.map((item) => checkChoice(K.shardLevelMetrics.values, item, ctx));
});

export const streamSection = section({
  mode: oneOf(K.streamMode),
  /** Only for PROVISIONED streams. @default 2 */
  shardCount: optionalRanged(K.shardCount),
  retentionHours: ranged(K.retentionHours, { duration: 'h' }),
  encryption: oneOf(K.encryption),
  /** Shard-level (enhanced) CloudWatch metrics: true for all, or a list. @default false */
  shardLevelMetrics,
});

/** The stream rule every preset with a stream shares: a shard count only for PROVISIONED streams. */
export function checkStream(stream: z.output<typeof streamSection>, ctx: z.RefinementCtx): void {
  if (stream.mode === 'ON_DEMAND' && stream.shardCount !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['stream', 'shardCount'],
      message:
        'applies only to PROVISIONED streams (stream.mode is ON_DEMAND); remove it or set stream.mode: PROVISIONED',
    });
  }
}

/** The stream with its shard count resolved: the spec's or 2 for PROVISIONED, the 4 AWS starts ON_DEMAND streams with. */
export function resolveStream(stream: z.output<typeof streamSection>) {
  return {
    ...stream,
    shardCount:
      stream.mode === 'PROVISIONED'
        ? (stream.shardCount ?? K.shardCount.default)
        : LIMITS.kinesis.onDemandInitialShards.value,
  };
}

export const consumerSection = section({
  /** Unique within the pipeline; names the function and its alarms. @default 'consumer' */
  name: text({
    pattern: CONSUMER_NAME,
    rule: 'letters, digits and hyphens, starting with a letter',
    min: 1,
    max: 32,
  }).transform((n) => n ?? 'consumer'),
  /** Your handler's file, relative to the spec file. @default - streamkit's built-in Kinesis consumer, which logs each record */
  handler: text({ min: 1, max: 1024 }),
  /** Name of the exported handler function. @default 'handler' */
  export: text({ pattern: JS_IDENTIFIER, rule: 'a JavaScript identifier' }).transform((e) => e ?? 'handler'),
  memorySize: ranged(L.memorySize),
  timeout: ranged(L.timeout, { duration: 's' }),
  environment: environmentVariables,
  batchSize: ranged(E.batchSize),
  maxBatchingWindow: ranged(E.maxBatchingWindow, { duration: 's' }),
  parallelizationFactor: ranged(E.parallelizationFactor),
  retryAttempts: ranged(E.retryAttempts),
  bisectBatchOnError: flag(E.bisectBatchOnError),
  maxRecordAge: ranged(E.maxRecordAge, { duration: 's' }),
  startingPosition: oneOf(E.startingPosition),
  /** Only with AT_TIMESTAMP: an ISO-8601 date-time. */
  startingPositionTimestamp: dateTime(),
  reportBatchItemFailures: flag(E.reportBatchItemFailures),
  /** Group records into tumbling windows of this many seconds, with state between invocations. @default 0 (none) */
  tumblingWindow: ranged(E.tumblingWindow, { duration: 's' }),
  /** Event filters in Lambda's pattern syntax; records matching none are skipped. @default - every record */
  filters: z.unknown().transform((input, ctx): FilterPattern[] => {
    if (input === undefined) return [];
    if (!Array.isArray(input) || input.length > E.filters.max) {
      const got = Array.isArray(input) ? `${input.length} filters` : show(input);
      ctx.addIssue({
        code: 'custom',
        message: `must be a list of at most ${E.filters.max} filter patterns (got ${got})`,
        input,
      });
      return z.NEVER as never;
    }
    return input.map((pattern, i) => {
      const parsed = parseFilterPattern(pattern);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', path: [i], message: `is invalid: ${parsed.problem}`, input: pattern });
        return z.NEVER as never;
      }
      const length = JSON.stringify(parsed.pattern).length;
      if (length > E.filterPatternLength.value) {
        const message = `is ${length} characters as JSON, over the limit of ${E.filterPatternLength.value}`;
        ctx.addIssue({ code: 'custom', path: [i], message, input: pattern });
      }
      return parsed.pattern;
    });
  }),
  /** Read through an enhanced fan-out consumer of its own. @default false */
  enhancedFanOut: flag(E.enhancedFanOut),
  /** Where metadata of discarded batches goes: an encrypted SQS queue, or nowhere. @default 'sqs' */
  onFailure: oneOf({ kind: 'choice', values: ['sqs', 'none'] as const, default: 'sqs', description: '' }),
});

export const monitoringSection = section({
  /** An email address subscribed to the alarm topic. @default - no subscription; alarms still publish to the SNS topic */
  alarmEmail: text({ pattern: EMAIL, rule: 'an email address' }),
  /** A CloudWatch dashboard for the pipeline. @default true */
  dashboard: flag({ default: true }),
});

export const localSection = section({
  /** Port of the local Kinesis engine; 0 picks a free port. @default 4567 */
  kinesisPort: integer(0, 65_535, LIMITS.local.kinesisPort.value),
  /** Port of the local ingest API; 0 picks a free port. @default 4568 */
  ingestPort: integer(0, 65_535, LIMITS.local.ingestPort.value),
  /** Port of the local Firehose API (Direct PUT); 0 picks a free port. @default 4573 */
  firehosePort: integer(0, 65_535, LIMITS.local.firehosePort.value),
  /** Where local state (dead-letter queues, handler bundles, the object store) lives, relative to the spec file. @default '.streamkit' */
  dataDir: text({ min: 1, max: 1024 }).transform((d) => d ?? '.streamkit'),
});

/** The tags streamkit puts on every stack (and so on every resource that takes tags), for Cost Explorer. */
export const STACK_TAG_PREFIX = 'streamkit:';
export const STACK_TAGS = {
  preset: 'streamkit:preset',
  pipeline: 'streamkit:pipeline',
  version: 'streamkit:version',
} as const;

export const tagsSection = z
  .record(z.string(), z.unknown(), { error: (i) => `must be a mapping of tag names to values (got ${show(i.input)})` })
  .optional()
  .superRefine((tags, ctx) => {
    for (const [key, value] of Object.entries(tags ?? {})) {
      if (key.length > 128 || key.startsWith('aws:')) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'must be at most 128 characters and not start with "aws:"',
        });
      } else if (key.startsWith(STACK_TAG_PREFIX)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `must not start with "${STACK_TAG_PREFIX}", which streamkit's own tags use (${Object.values(STACK_TAGS).join(', ')})`,
        });
      } else if (typeof value !== 'string' || value.length > 256) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `must be text of at most 256 characters (got ${show(value)})`,
        });
      }
    }
  })
  .transform((tags) => (tags ?? {}) as Record<string, string>);

/** The top-level settings every spec has, whatever its preset. */
export const commonFields = {
  /** Spec format version. @default 1 */
  version: z.unknown().transform((input, ctx): 1 => {
    if (input === undefined || input === 1) return 1;
    ctx.addIssue({ code: 'custom', message: `must be 1, the only spec version so far (got ${show(input)})`, input });
    return z.NEVER as never;
  }),
  /** Names the stack and the local resources. @default - the preset's name */
  name: text({
    pattern: PIPELINE_NAME,
    rule: 'lowercase letters, digits and hyphens, starting with a letter',
    min: LIMITS.pipeline.nameLength.min,
    max: LIMITS.pipeline.nameLength.max,
  }),
  preset: z.string(),
  description: text({ max: 1024 }),
  tags: tagsSection,
  /** An AWS Service Catalog AppRegistry application associated with the stack. @default false */
  appRegistry: flag(LIMITS.stack.appRegistry),
  monitoring: monitoringSection,
  local: localSection,
};

export type IngestApiSettings = z.output<typeof ingestApiSection>;
export type StreamSettings = z.output<typeof streamSection>;
export type ConsumerSettings = z.output<typeof consumerSection>;
export type MonitoringSettings = z.output<typeof monitoringSection>;
export type LocalSettings = z.output<typeof localSection>;
