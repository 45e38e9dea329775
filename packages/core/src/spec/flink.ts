/**
 * The sections of the two Flink presets: `flink` (a Managed Service for Apache Flink application, in AWS's words:
 * `parallelism`, `parallelismPerKpu`, `autoScaling`, `checkpointInterval`…), `producer` (the demo producer on EC2)
 * and `enrichment` (the async I/O calls of kinesis-flink-apigw to the REST API).
 *
 * Application settings are left undefined here when absent: a Studio notebook takes none of them, so the preset
 * reports the ones given in notebook mode and fills in the defaults otherwise (`resolveFlinkApplication`).
 */
import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import { checkChoice, flag, oneOf, optionalRanged, ranged, section, show, text } from './fields.ts';

const F = LIMITS.flink;

const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
/** EC2 instance types: a family, optional generation/attribute letters, a size (`t3.small`, `m7g.large`, `c6in.2xlarge`). */
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;

/** One of `values`, or undefined when absent (the preset resolves the default). */
function optionalChoice<T extends string>(values: readonly T[]) {
  return z
    .unknown()
    .transform((input, ctx): T | undefined => (input === undefined ? undefined : checkChoice(values, input, ctx)));
}

/** true or false, or undefined when absent. */
function optionalFlag() {
  return z.unknown().transform((input, ctx): boolean | undefined => {
    if (input === undefined || typeof input === 'boolean') return input;
    ctx.addIssue({ code: 'custom', message: `must be true or false (got ${show(input)})`, input });
    return z.NEVER as never;
  });
}

/** A list of ids matching `pattern`, with a length within `limit`. */
function idList(pattern: RegExp, example: string, limit: { min: number; max: number; unit?: string }) {
  const what = limit.unit ?? 'ids';
  const noun = what.replace(/s$/, '');
  const one = `${noun} id such as "${example}"`;
  return z.unknown().transform((input, ctx): string[] => {
    const fail = (message: string): never => {
      ctx.addIssue({ code: 'custom', message, input });
      return z.NEVER as never;
    };
    if (input === undefined) return fail(`is required: a list of ${limit.min} to ${limit.max} ${noun} ids`);
    if (!Array.isArray(input)) return fail(`must be a list of ${noun} ids (got ${show(input)})`);
    if (input.length < limit.min || input.length > limit.max) {
      return fail(`must list between ${limit.min} and ${limit.max} ${what} (got ${input.length})`);
    }
    input.forEach((id, i) => {
      if (typeof id !== 'string' || !pattern.test(id)) {
        ctx.addIssue({ code: 'custom', path: [i], message: `must be a ${one} (got ${show(id)})`, input: id });
      }
    });
    if (new Set(input).size !== input.length) return fail(`must not list an id twice (got ${input.join(', ')})`);
    return input as string[];
  });
}

/** Attach the application to your VPC (to reach private endpoints); both lists are required together. */
export const flinkVpcSection = section({
  subnetIds: idList(SUBNET_ID, 'subnet-0123456789abcdef0', F.vpcSubnets),
  securityGroupIds: idList(SECURITY_GROUP_ID, 'sg-0123456789abcdef0', F.vpcSecurityGroups),
});

/**
 * The settings of a Managed Service for Apache Flink application; the defaults are filled in by
 * `resolveFlinkApplication`. In a Studio notebook only `logLevel` and `vpc` apply.
 */
export const flinkApplicationFields = {
  /** @default 'FLINK-2_2' */
  runtime: optionalChoice(F.runtime.values),
  /** @default 1 */
  parallelism: optionalRanged(F.parallelism),
  /** @default 1 */
  parallelismPerKpu: optionalRanged(F.parallelismPerKpu),
  /** @default true */
  autoScaling: optionalFlag(),
  /** @default true */
  checkpointing: optionalFlag(),
  /** Seconds, or a duration such as "30s". @default 60 */
  checkpointInterval: optionalRanged(F.checkpointInterval, { duration: 's' }),
  /** @default 5 */
  minPauseBetweenCheckpoints: optionalRanged(F.minPauseBetweenCheckpoints, { duration: 's' }),
  /** @default true */
  snapshots: optionalFlag(),
  /** @default 'INFO' */
  logLevel: oneOf(F.logLevel),
  /** @default 'APPLICATION' */
  metricsLevel: optionalChoice(F.metricsLevel.values),
  /** @default - not attached to a VPC */
  vpc: z.unknown().transform((input, ctx): FlinkVpcSettings | undefined => {
    if (input === undefined) return undefined;
    const result = flinkVpcSection.safeParse(input, { reportInput: true });
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message, input });
    }
    return z.NEVER as never;
  }),
};

type RawFlink = z.output<ReturnType<typeof section<typeof flinkApplicationFields>>>;

/** The application settings that a Studio notebook does not take, by name. */
export const APPLICATION_ONLY_SETTINGS = [
  'runtime',
  'parallelism',
  'parallelismPerKpu',
  'autoScaling',
  'checkpointing',
  'checkpointInterval',
  'minPauseBetweenCheckpoints',
  'snapshots',
  'metricsLevel',
] as const;

/** Checks what ties the application settings together; `path` is where the section sits (`['flink']`). */
export function checkFlinkApplication(flink: RawFlink, ctx: z.RefinementCtx, path: readonly string[]): void {
  const issue = (field: string, message: string) =>
    ctx.addIssue({ code: 'custom', path: [...path, ...field.split('.')], message });
  const parallelism = flink.parallelism ?? F.parallelism.default;
  const perKpu = flink.parallelismPerKpu ?? F.parallelismPerKpu.default;
  const kpus = Math.ceil(parallelism / perKpu);
  if (kpus > F.kpusPerApplication.value) {
    issue(
      'parallelism',
      `needs ${kpus} KPUs at ${perKpu} per KPU, over the quota of ${F.kpusPerApplication.value} KPUs per application; raise parallelismPerKpu or lower parallelism (got ${parallelism})`,
    );
  }
  if (flink.checkpointing === false) {
    for (const field of ['checkpointInterval', 'minPauseBetweenCheckpoints'] as const) {
      if (flink[field] !== undefined) issue(field, 'applies only when checkpointing is true (got false)');
    }
  }
  if (
    flink.checkpointInterval !== undefined &&
    flink.minPauseBetweenCheckpoints !== undefined &&
    flink.minPauseBetweenCheckpoints > flink.checkpointInterval
  ) {
    issue(
      'minPauseBetweenCheckpoints',
      `must be at most checkpointInterval (${flink.checkpointInterval} seconds) (got ${flink.minPauseBetweenCheckpoints})`,
    );
  }
}

/** Reports every application-only setting given for a Studio notebook. */
export function checkNotebookSettings(flink: RawFlink, ctx: z.RefinementCtx, path: readonly string[]): void {
  for (const field of APPLICATION_ONLY_SETTINGS) {
    if (flink[field] === undefined) continue;
    ctx.addIssue({
      code: 'custom',
      path: [...path, field],
      message: `applies only when flink.mode is application; a Studio notebook sets it in its own paragraphs (got ${show(flink[field])})`,
    });
  }
}

/** The application settings with every default filled in, and the VPC section parsed. */
export function resolveFlinkApplication(flink: RawFlink) {
  return {
    runtime: flink.runtime ?? F.runtime.default,
    parallelism: flink.parallelism ?? F.parallelism.default,
    parallelismPerKpu: flink.parallelismPerKpu ?? F.parallelismPerKpu.default,
    autoScaling: flink.autoScaling ?? F.autoScaling.default,
    checkpointing: flink.checkpointing ?? F.checkpointing.default,
    checkpointInterval: flink.checkpointInterval ?? F.checkpointInterval.default,
    minPauseBetweenCheckpoints: flink.minPauseBetweenCheckpoints ?? F.minPauseBetweenCheckpoints.default,
    snapshots: flink.snapshots ?? F.snapshots.default,
    logLevel: flink.logLevel,
    metricsLevel: flink.metricsLevel ?? F.metricsLevel.default,
    vpc: flink.vpc,
  };
}

export const producerInstanceSection = section({
  /** EC2 instance type; Graviton types (t4g, m7g…) get an arm64 image. @default 't3.small' */
  instanceType: text({
    pattern: INSTANCE_TYPE,
    rule: 'an EC2 instance type such as t3.small or t4g.small',
    min: 3,
    max: 64,
  }).transform((t) => t ?? F.producerInstanceType.default),
  /** Records per second `streamkit produce` sends from the instance. @default 100 */
  rate: ranged(F.producerRate),
  /** Start producing when the instance boots. @default true */
  autoStart: flag({ default: true }),
});

export const enrichmentSection = section({
  /** Seconds the async I/O operator waits for one request, retries included. @default 30 */
  timeout: ranged(F.enrichmentTimeout, { duration: 's' }),
  /** Requests in flight per parallel task. @default 20 */
  capacity: ranged(F.enrichmentCapacity),
  /** Retries of a failed request. @default 3 */
  retries: ranged(F.enrichmentRetries),
  /** Keep input order (orderedWait). @default false */
  ordered: flag(F.enrichmentOrdered),
  throttling: section({
    /** @default 20 */
    rateLimit: ranged(F.enrichmentRateLimit),
    /** @default 100 */
    burstLimit: ranged(F.enrichmentBurstLimit),
  }),
  /** Days between rotations of the API key (AWS only: the Secrets Manager secret's rotation schedule). @default 30 */
  apiKeyRotationDays: ranged(F.enrichmentApiKeyRotation, { duration: 'd' }),
});

export type FlinkVpcSettings = z.output<typeof flinkVpcSection>;
export type FlinkApplicationSettings = ReturnType<typeof resolveFlinkApplication>;
export type ProducerInstanceSettings = z.output<typeof producerInstanceSection>;
export type EnrichmentSettings = z.output<typeof enrichmentSection>;
