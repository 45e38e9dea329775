/**
 * The `delivery` section (a Firehose delivery stream to S3) and the `bucket` section (its output bucket), in AWS's
 * words: `bufferingHints.sizeInMBs`, `compression`, `prefix`, `errorOutputPrefix`, `dynamicPartitioning`… Field
 * checks live here; the rules that tie fields together live with the preset that uses them.
 *
 * Settings whose default depends on another setting (the buffer size with dynamic partitioning, the compression with
 * Parquet) are left undefined here when absent, and resolved by the preset.
 */
import { z } from 'zod';
import { parsePrefix } from '../firehose/prefix.ts';
import { type ColumnType, type CompressionFormat, LIMITS } from '../limits.ts';
import { environmentVariables } from './components.ts';
import { checkChoice, flag, oneOf, optionalRanged, ranged, section, show, text } from './fields.ts';

const F = LIMITS.firehose;
const L = LIMITS.lambda;
const S = LIMITS.s3;

const JS_IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Hive and Glue keep column names in lower case, and OpenX JSON reads keys lowercased by default. */
const COLUMN_NAME = /^[a-z_][a-z0-9_]*$/;

/** An S3 prefix with `!{namespace:value}` expressions; `''` means none. */
function prefixField(fallback: string) {
  return z.unknown().transform((input, ctx): string => {
    if (input === undefined) return fallback;
    const fail = (message: string): never => {
      ctx.addIssue({ code: 'custom', message, input });
      return z.NEVER as never;
    };
    if (typeof input !== 'string') return fail(`must be text (got ${show(input)})`);
    if (input.length > F.prefixLength.max) {
      return fail(`must be at most ${F.prefixLength.max} characters long (got ${input.length})`);
    }
    const parsed = parsePrefix(input);
    if (!parsed.ok) return fail(`is not a valid prefix: ${parsed.problem} (got ${show(input)})`);
    return input;
  });
}

/** One of `values`, or undefined when absent (the preset resolves the default). */
function optionalChoice<T extends string>(values: readonly T[]) {
  return z
    .unknown()
    .transform((input, ctx): T | undefined => (input === undefined ? undefined : checkChoice(values, input, ctx)));
}

const column = section({
  /** Lower-case letters, digits and underscores: the JSON key (matched case-insensitively) and the Glue column. */
  name: text({ pattern: COLUMN_NAME, rule: 'lower-case letters, digits and underscores', min: 1, max: 255 }),
  type: z.unknown().transform((input, ctx): ColumnType => {
    if (input === undefined) {
      ctx.addIssue({ code: 'custom', message: `is required: one of ${F.columnTypes.values.join(', ')}`, input });
      return z.NEVER as never;
    }
    return checkChoice(F.columnTypes.values, input, ctx);
  }),
});

const columns = z
  .array(column, { error: (i) => `must be a list of columns, each {name, type} (got ${show(i.input)})` })
  .optional()
  .superRefine((list, ctx) => {
    if (!list) return;
    if (list.length > F.columns.max) {
      ctx.addIssue({ code: 'custom', message: `must have at most ${F.columns.max} columns (got ${list.length})` });
    }
    const seen = new Map<string, number>();
    list.forEach((c, i) => {
      if (c.name === undefined) {
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: 'is required' });
        return;
      }
      const first = seen.get(c.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `"${c.name}" is already the name of columns[${first}]; column names must be unique`,
        });
      } else seen.set(c.name, i);
    });
  })
  .transform((list) => (list ?? []).map((c) => ({ name: c.name!, type: c.type })));

/** A Lambda function Firehose invokes to transform records before delivery (a `Lambda` processor). */
export const processorSection = section({
  /** Your handler's file, relative to the spec file (required). */
  handler: text({ min: 1, max: 1024 }),
  /** Name of the exported handler function. @default 'handler' */
  export: text({ pattern: JS_IDENTIFIER, rule: 'a JavaScript identifier' }).transform((e) => e ?? 'handler'),
  memorySize: ranged(L.memorySize),
  timeout: ranged(L.timeout, { duration: 's' }),
  environment: environmentVariables,
  /** @default 1 */
  bufferSizeInMBs: ranged(F.processorBufferSize),
  /** @default 60 */
  bufferIntervalInSeconds: ranged(F.processorBufferInterval, { duration: 's' }),
  /** @default 3 */
  numberOfRetries: ranged(F.processorRetries),
});

export const deliverySection = section({
  bufferingHints: section({
    /** @default 5, or 128 with dynamic partitioning or record format conversion */
    sizeInMBs: optionalRanged(F.bufferingSize),
    /** @default 300 */
    intervalInSeconds: optionalRanged(F.bufferingInterval, { duration: 's' }),
  }),
  /** @default 'GZIP', or 'UNCOMPRESSED' with record format conversion (Parquet compresses inside the file) */
  compression: optionalChoice<CompressionFormat>(F.compression.values),
  prefix: prefixField(F.prefix.default),
  errorOutputPrefix: prefixField(F.errorOutputPrefix.default),
  dynamicPartitioning: section({
    /** @default false */
    enabled: flag({ default: false }),
    /** A jq 1.6 object construction whose keys the prefix uses as `!{partitionKeyFromQuery:<key>}`. */
    metadataExtractionQuery: text({
      min: F.metadataExtractionQueryLength.min,
      max: F.metadataExtractionQueryLength.max,
    }),
    /** @default 300 */
    retryDuration: optionalRanged(F.retryDuration, { duration: 's' }),
  }),
  /** A new line after each record (only with dynamic partitioning). @default false */
  appendDelimiterToRecord: flag({ default: false }),
  /** Record format conversion: JSON records to Apache Parquet with a Glue table schema. */
  dataFormatConversion: section({
    /** @default false */
    enabled: flag({ default: false }),
    /** Compression inside the Parquet files. @default 'SNAPPY' */
    compression: oneOf(F.parquetCompression),
    columns,
  }),
  /** A Lambda record transformation. @default - none */
  processor: processorSection.optional(),
});

export const bucketSection = section({
  /** @default 7 */
  abortIncompleteMultipartUploadDays: ranged(S.abortIncompleteMultipartUploadDays, { duration: 'd' }),
  /** @default 1 */
  intelligentTieringDays: ranged(S.intelligentTieringDays, { duration: 'd' }),
});

export type ProcessorSettings = z.output<typeof processorSection>;
export type BucketSettings = z.output<typeof bucketSection>;
