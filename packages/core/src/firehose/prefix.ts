/**
 * Firehose S3 prefixes: `!{namespace:value}` expressions in `Prefix` and `ErrorOutputPrefix`, parsed once here and
 * evaluated by the local delivery stream exactly as parsed (so validation and delivery never disagree).
 *
 * Namespaces (AWS, "Custom prefixes for Amazon S3 objects"): `timestamp` (a Java date-time pattern, evaluated at the
 * approximate arrival time of the oldest record in the object, UTC), `firehose` (`random-string`: 11 random
 * characters, new for each use; `error-output-type`: why the records failed), `partitionKeyFromQuery` and
 * `partitionKeyFromLambda` (dynamic partitioning keys). The sequence `!{` may appear only in such expressions.
 */
import { formatTimestamp, parseTimestampPattern, type TimestampToken } from './timestamp-pattern.ts';

export const PREFIX_NAMESPACES = ['timestamp', 'firehose', 'partitionKeyFromQuery', 'partitionKeyFromLambda'] as const;
export type PrefixNamespace = (typeof PREFIX_NAMESPACES)[number];

export const FIREHOSE_NAMESPACE_VALUES = ['random-string', 'error-output-type'] as const;

/** Why records went to the error prefix: the values `!{firehose:error-output-type}` takes for an S3 destination. */
export type ErrorOutputType = 'processing-failed' | 'format-conversion-failed';

export type PrefixPart =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'timestamp'; readonly pattern: string; readonly tokens: readonly TimestampToken[] }
  | { readonly kind: 'firehose'; readonly value: (typeof FIREHOSE_NAMESPACE_VALUES)[number] }
  | { readonly kind: 'partitionKeyFromQuery' | 'partitionKeyFromLambda'; readonly key: string };

export type PrefixParseResult =
  | { readonly ok: true; readonly parts: readonly PrefixPart[] }
  | { readonly ok: false; readonly problem: string };

/** Parses a prefix into literal text and expressions, or says which expression is wrong and why. */
export function parsePrefix(prefix: string): PrefixParseResult {
  const parts: PrefixPart[] = [];
  let i = 0;
  while (i < prefix.length) {
    const start = prefix.indexOf('!{', i);
    if (start === -1) {
      parts.push({ kind: 'literal', text: prefix.slice(i) });
      break;
    }
    if (start > i) parts.push({ kind: 'literal', text: prefix.slice(i, start) });
    const end = prefix.indexOf('}', start);
    const nested = prefix.indexOf('{', start + 2);
    if (end === -1 || (nested !== -1 && nested < end)) {
      return { ok: false, problem: `"!{" at position ${start + 1} does not start a !{namespace:value} expression` };
    }
    const expression = prefix.slice(start, end + 1);
    const body = prefix.slice(start + 2, end);
    const colon = body.indexOf(':');
    const namespace = colon === -1 ? body : body.slice(0, colon);
    const value = colon === -1 ? '' : body.slice(colon + 1);
    if (!(PREFIX_NAMESPACES as readonly string[]).includes(namespace)) {
      return {
        ok: false,
        problem: `${expression} has an unknown namespace "${namespace}" (allowed: ${PREFIX_NAMESPACES.join(', ')})`,
      };
    }
    if (value === '') return { ok: false, problem: `${expression} needs a value after "${namespace}:"` };
    switch (namespace as PrefixNamespace) {
      case 'timestamp': {
        const parsed = parseTimestampPattern(value);
        if (!parsed.ok) return { ok: false, problem: `${expression}: ${parsed.problem}` };
        parts.push({ kind: 'timestamp', pattern: value, tokens: parsed.tokens });
        break;
      }
      case 'firehose':
        if (!(FIREHOSE_NAMESPACE_VALUES as readonly string[]).includes(value)) {
          return {
            ok: false,
            problem: `${expression} has an unknown value "${value}" (allowed: ${FIREHOSE_NAMESPACE_VALUES.join(', ')})`,
          };
        }
        parts.push({ kind: 'firehose', value: value as (typeof FIREHOSE_NAMESPACE_VALUES)[number] });
        break;
      case 'partitionKeyFromQuery':
      case 'partitionKeyFromLambda':
        parts.push({ kind: namespace as 'partitionKeyFromQuery', key: value });
        break;
    }
    i = end + 1;
  }
  return { ok: true, parts };
}

export const hasExpressions = (parts: readonly PrefixPart[]) => parts.some((p) => p.kind !== 'literal');

/** The partition keys a prefix uses, by namespace, in order of first use. */
export function prefixPartitionKeys(
  parts: readonly PrefixPart[],
  kind: 'partitionKeyFromQuery' | 'partitionKeyFromLambda',
) {
  const keys: string[] = [];
  for (const part of parts) if (part.kind === kind && !keys.includes(part.key)) keys.push(part.key);
  return keys;
}

export const uses = (parts: readonly PrefixPart[], value: (typeof FIREHOSE_NAMESPACE_VALUES)[number]) =>
  parts.some((p) => p.kind === 'firehose' && p.value === value);

const DEFAULT_TIME_PREFIX = 'yyyy/MM/dd/HH/';
const timeParts = (): PrefixPart[] => {
  const parsed = parseTimestampPattern(DEFAULT_TIME_PREFIX);
  if (!parsed.ok) throw new Error(parsed.problem);
  return [{ kind: 'timestamp', pattern: DEFAULT_TIME_PREFIX, tokens: parsed.tokens }];
};

/** Both prefixes of a delivery stream, ready to evaluate. */
export interface DeliveryPrefixes {
  /** Where delivered objects go. */
  readonly data: readonly PrefixPart[];
  /** Where records that failed processing, jq extraction or format conversion go. */
  readonly error: readonly PrefixPart[];
}

/**
 * The prefixes Firehose actually uses, from the two settings as written (both already validated):
 * - a prefix without expressions gets `yyyy/MM/dd/HH/` appended, by plain concatenation (AWS inserts no slash);
 * - an empty error prefix (allowed only when the prefix has no expressions) is the prefix as written followed by
 *   `<error-output-type>/yyyy/MM/dd/HH/`, and so is an error prefix without expressions.
 */
export function deliveryPrefixes(prefix: string, errorOutputPrefix: string | undefined): DeliveryPrefixes {
  const data = parseOrThrow(prefix);
  const error = errorOutputPrefix ? parseOrThrow(errorOutputPrefix) : [];
  const errorType: PrefixPart[] = [
    { kind: 'firehose', value: 'error-output-type' },
    { kind: 'literal', text: '/' },
  ];
  return {
    data: hasExpressions(data) ? data : [...data, ...timeParts()],
    error: !errorOutputPrefix
      ? [...data, ...errorType, ...timeParts()]
      : hasExpressions(error)
        ? error
        : [...error, ...errorType, ...timeParts()],
  };
}

function parseOrThrow(prefix: string): readonly PrefixPart[] {
  const parsed = parsePrefix(prefix);
  if (!parsed.ok) throw new Error(`invalid prefix ${JSON.stringify(prefix)}: ${parsed.problem}`);
  return parsed.parts;
}

export interface PrefixValues {
  /** Approximate arrival time (epoch ms) of the oldest record in the object. */
  readonly arrival: number;
  readonly errorOutputType?: ErrorOutputType;
  readonly partitionKeyFromQuery?: Readonly<Record<string, string>>;
  readonly partitionKeyFromLambda?: Readonly<Record<string, string>>;
  /** A new 11-character random string for each use of `!{firehose:random-string}`. */
  readonly randomString: () => string;
}

/** Evaluates a parsed prefix. Throws when a partition key or the error output type has no value. */
export function evaluatePrefix(parts: readonly PrefixPart[], values: PrefixValues): string {
  let out = '';
  for (const part of parts) {
    switch (part.kind) {
      case 'literal':
        out += part.text;
        break;
      case 'timestamp':
        out += formatTimestamp(part.tokens, values.arrival);
        break;
      case 'firehose':
        if (part.value === 'random-string') out += values.randomString();
        else if (values.errorOutputType) out += values.errorOutputType;
        else throw new Error('!{firehose:error-output-type} has no value outside the error prefix');
        break;
      case 'partitionKeyFromQuery':
      case 'partitionKeyFromLambda': {
        const value = values[part.kind]?.[part.key];
        if (value === undefined) throw new Error(`partition key "${part.key}" (${part.kind}) has no value`);
        out += value;
        break;
      }
    }
  }
  return out;
}

/** The file extension Firehose gives an object: from the record format, else from the compression. */
export function objectExtension(compression: string, recordFormat?: 'PARQUET'): string {
  if (recordFormat === 'PARQUET') return '.parquet';
  switch (compression) {
    case 'GZIP':
      return '.gz';
    case 'ZIP':
      return '.zip';
    // The service names Hadoop-Snappy objects .snappy too (its object-name page tables .hsnappy).
    case 'Snappy':
    case 'HADOOP_SNAPPY':
      return '.snappy';
    default:
      return '';
  }
}

/** `<deliveryStreamName>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid><extension>`: the part of a key after the prefix. */
export function objectSuffix(options: {
  readonly deliveryStreamName: string;
  readonly version: number;
  readonly time: number;
  readonly uuid: string;
  readonly extension: string;
}): string {
  const stamp = new Date(options.time).toISOString().slice(0, 19).replace('T', '-').replaceAll(':', '-');
  return `${options.deliveryStreamName}-${options.version}-${stamp}-${options.uuid}${options.extension}`;
}
