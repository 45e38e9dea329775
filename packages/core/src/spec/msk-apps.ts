/**
 * The sections of the MSK presets that read topics with something other than Lambda: the Flink SQL application of
 * msk-flink-s3 and the MSK Connect S3 sink connector of msk-connect-s3. Settings use AWS's words
 * (`parallelismPerKpu`, `checkpointInterval`, `mcuCount`, `workerConfiguration`).
 *
 * msk-flink-s3's `flink` section is the Flink presets' application section (`spec/flink.ts`: runtime, parallelism,
 * checkpoints, snapshots, log and metrics levels) plus the SQL file and the topic it reads; the application always
 * runs in the cluster's VPC, so `vpc` is not one of its settings. The section was called `application` before; that
 * name gets an error saying where its settings went.
 */
import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import { oneOf, ranged, section, show, text } from './fields.ts';
import { flinkApplicationFields } from './flink.ts';
import { TOPIC_NAME } from './kafka.ts';

const C = LIMITS.mskConnect;

const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+$/;
const JAVA_CLASS = /^[a-zA-Z_$][a-zA-Z0-9_$]*(\.[a-zA-Z_$][a-zA-Z0-9_$]*)+$/;
const PROPERTY_KEY = /^[a-zA-Z][a-zA-Z0-9._-]*$/;

/** A mapping of Java properties (worker or connector configuration), values as text. */
function properties(what: string) {
  return z
    .record(z.string(), z.unknown(), { error: (i) => `must be a mapping of ${what} to values (got ${show(i.input)})` })
    .optional()
    .superRefine((props, ctx) => {
      for (const [key, value] of Object.entries(props ?? {})) {
        if (!PROPERTY_KEY.test(key)) {
          ctx.addIssue({ code: 'custom', path: [key], message: `is not a property name (such as key.converter)` });
        } else if (!['string', 'number', 'boolean'].includes(typeof value)) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `must be text, a number or a boolean (got ${show(value)})`,
          });
        }
      }
    })
    .transform((props) => Object.fromEntries(Object.entries(props ?? {}).map(([k, v]) => [k, String(v)])));
}

const { vpc: _vpc, ...mskFlinkApplicationFields } = flinkApplicationFields;

/** msk-flink-s3's `flink` section: the Flink presets' application settings, the SQL file and the topic. */
export const mskFlinkSection = section({
  /** The Flink SQL file the application runs, relative to the spec. @default - the preset's stock-ticks example over the topic */
  sql: text({ min: 1, max: 1024 }),
  /** The topic the SQL's `kafka_source` table reads. @default - the first of `topics` */
  topic: text({ pattern: TOPIC_NAME, rule: 'a Kafka topic name', min: 1, max: 249 }),
  ...mskFlinkApplicationFields,
});

/** The section's old name: an error that says where its settings went, instead of "not a known setting". */
export const renamedToFlink = z.unknown().superRefine((input, ctx) => {
  if (input === undefined) return;
  ctx.addIssue({
    code: 'custom',
    message:
      'was renamed flink, the section the Flink presets use: move its settings (sql, topic, runtime, parallelism, parallelismPerKpu, autoScaling, checkpointInterval) under flink',
    input,
  });
});

export const connectorSection = section({
  /** The topics the sink reads. @default - every topic of `topics` */
  topics: z.unknown().transform((input, ctx): string[] | undefined => {
    if (input === undefined) return undefined;
    if (!Array.isArray(input) || input.length === 0) {
      ctx.addIssue({ code: 'custom', message: `must be a non-empty list of topic names (got ${show(input)})`, input });
      return z.NEVER as never;
    }
    input.forEach((name, i) => {
      if (typeof name !== 'string' || !TOPIC_NAME.test(name)) {
        ctx.addIssue({ code: 'custom', path: [i], message: `must be a Kafka topic name (got ${show(name)})` });
      }
    });
    return input as string[];
  }),
  /**
   * The S3 URI of the connector plugin's ZIP or JAR (required), such as Confluent's S3 sink from Confluent Hub, whose
   * licence lets you use it but not streamkit ship it.
   */
  plugin: z.unknown().transform((input, ctx): string | undefined => {
    if (input === undefined) return undefined;
    if (typeof input === 'string' && S3_URI.test(input) && /\.(zip|jar)$/i.test(input)) return input;
    ctx.addIssue({
      code: 'custom',
      message: `must be the S3 URI of a plugin ZIP or JAR, such as s3://my-bucket/plugins/kafka-connect-s3.zip (got ${show(input)})`,
      input,
    });
    return z.NEVER as never;
  }),
  /** The plugin's connector.class. @default 'io.confluent.connect.s3.S3SinkConnector' */
  connectorClass: text({ pattern: JAVA_CLASS, rule: 'a fully qualified Java class name' }).transform(
    (c) => c ?? C.connectorClass.default,
  ),
  /** @default '3.7.x' */
  kafkaConnectVersion: oneOf(C.connectVersion),
  capacity: section({
    /** 'autoScaling' between min and max workers, or 'provisioned' with a fixed count. @default 'autoScaling' */
    mode: oneOf({
      kind: 'choice',
      values: ['autoScaling', 'provisioned'] as const,
      default: 'autoScaling',
      description: '',
    }),
    /** @default '1' */
    mcuCount: oneOf(C.mcuCount),
    /** @default 1 */
    minWorkerCount: ranged(C.minWorkerCount),
    /** @default 2 */
    maxWorkerCount: ranged(C.maxWorkerCount),
    /** Only with provisioned capacity. @default 1 */
    workerCount: ranged({ ...C.minWorkerCount, description: 'Workers of a provisioned connector' }),
    /** @default 20 */
    scaleInPercentage: ranged(C.scaleInPercentage),
    /** @default 80 */
    scaleOutPercentage: ranged(C.scaleOutPercentage),
  }),
  /** @default 2 */
  tasksMax: ranged(C.tasksMax),
  /** @default 1000 */
  flushSize: ranged(C.flushSize),
  /** @default 60000 */
  rotateIntervalMs: ranged(C.rotateIntervalMs),
  /** Worker properties (a worker configuration revision). @default - converters for JSON values without schemas */
  workerConfiguration: properties('worker properties'),
  /** Connector properties added to (and overriding) the ones streamkit sets. @default - none */
  connectorConfiguration: properties('connector properties'),
});

export type ConnectorInput = z.output<typeof connectorSection>;
