/**
 * Request validation, in the order and the words AWS uses:
 *
 * 1. a member of the wrong JSON type → SerializationException (at once);
 * 2. every violated model constraint (missing member, length, pattern, range, enum) → one ValidationException listing
 *    them all: `2 validation errors detected: Value '' at 'streamName' failed to satisfy constraint: Member must …`;
 * 3. the rules an action checks itself → InvalidArgumentException and friends (in the action's file).
 *
 * Paths name members the way AWS does (`streamName`, `records.3.member.partitionKey`, list members counted from 1)
 * and every message carries the value received.
 */
import { LIMITS, type RangeLimit } from '@streamkit/core';
import { KINESIS_API_LIMITS } from './api-limits.ts';
import { KinesisServiceError } from './errors.ts';

export type JsonObject = Readonly<Record<string, unknown>>;

/** AWS lists at most this many problems in one ValidationException message. */
const MAX_LISTED_PROBLEMS = 10;
const MAX_QUOTED_CHARACTERS = 64;

export const STREAM_NAME_PATTERN = { regex: /^[a-zA-Z0-9_.-]+$/, source: '[a-zA-Z0-9_.-]+' } as const;
export const STREAM_ARN_PATTERN = {
  regex: /^arn:aws.*:kinesis:.*:\d{12}:stream\/\S+$/,
  source: 'arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+',
} as const;
export const HASH_KEY_PATTERN = { regex: /^(0|[1-9]\d{0,38})$/, source: '0|([1-9]\\d{0,38})' } as const;
export const SEQUENCE_NUMBER_PATTERN = { regex: /^(0|[1-9]\d{0,128})$/, source: '0|([1-9]\\d{0,128})' } as const;
export const SHARD_ID_PATTERN = { regex: /^[a-zA-Z0-9_.-]+$/, source: '[a-zA-Z0-9_.-]+' } as const;

interface Pattern {
  readonly regex: RegExp;
  readonly source: string;
}

interface Length {
  readonly min: number;
  readonly max: number;
}

/** The path of a member: `streamName`, or `records.3.member.data` below a parent path. */
export function memberPath(parent: string | undefined, key: string): string {
  const name = key.charAt(0).toLowerCase() + key.slice(1);
  return parent === undefined ? name : `${parent}.${name}`;
}

/** The path of the i-th (0-based) member of a list, as AWS writes it (counting from 1). */
export function listMemberPath(listPath: string, index: number): string {
  return `${listPath}.${index + 1}.member`;
}

/** The request body as an object; anything else is a SerializationException. */
export function requestBody(input: unknown): JsonObject {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new KinesisServiceError(
      'SerializationException',
      `The request body must be a JSON object (got ${describeJsonType(input)})`,
    );
  }
  return input as JsonObject;
}

/**
 * Reads members of a request and collects constraint violations. Type readers throw a SerializationException at
 * once; constraint checks collect, and `throwIfInvalid()` throws them as one ValidationException.
 */
export class RequestValidation {
  readonly #problems: string[] = [];

  get valid(): boolean {
    return this.#problems.length === 0;
  }

  // --- type readers --------------------------------------------------------------------------------------------

  string(body: JsonObject, key: string, parent?: string): string | undefined {
    return this.#typed(body, key, parent, 'a string', (value) => typeof value === 'string') as string | undefined;
  }

  integer(body: JsonObject, key: string, parent?: string): number | undefined {
    return this.#typed(body, key, parent, 'an integer', (value) => Number.isSafeInteger(value)) as number | undefined;
  }

  boolean(body: JsonObject, key: string, parent?: string): boolean | undefined {
    return this.#typed(body, key, parent, 'a boolean', (value) => typeof value === 'boolean') as boolean | undefined;
  }

  /** A timestamp (epoch seconds, as the AWS SDKs send it in JSON 1.1), returned in whole ms. */
  timestamp(body: JsonObject, key: string, parent?: string): number | undefined {
    const seconds = this.#typed(
      body,
      key,
      parent,
      'a timestamp in seconds since the epoch',
      (value) => typeof value === 'number' && Number.isFinite(value),
    ) as number | undefined;
    return seconds === undefined ? undefined : Math.round(seconds * 1000);
  }

  object(body: JsonObject, key: string, parent?: string): JsonObject | undefined {
    return this.#typed(
      body,
      key,
      parent,
      'a JSON object',
      (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
    ) as JsonObject | undefined;
  }

  list(body: JsonObject, key: string, parent?: string): readonly unknown[] | undefined {
    return this.#typed(body, key, parent, 'a JSON array', (value) => Array.isArray(value)) as
      | readonly unknown[]
      | undefined;
  }

  /** A list of strings (such as `TagKeys`). */
  stringList(body: JsonObject, key: string, parent?: string): readonly string[] | undefined {
    const list = this.list(body, key, parent);
    if (list === undefined) return undefined;
    const path = memberPath(parent, key);
    list.forEach((item, index) => {
      if (typeof item !== 'string') throw serializationError(listMemberPath(path, index), 'a string', item);
    });
    return list as readonly string[];
  }

  /** A list member that must be an object. */
  listObject(value: unknown, path: string): JsonObject {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw serializationError(path, 'a JSON object', value);
    }
    return value as JsonObject;
  }

  /** A map of string to string (such as `Tags`). */
  stringMap(body: JsonObject, key: string, parent?: string): Readonly<Record<string, string>> | undefined {
    const map = this.object(body, key, parent);
    if (map === undefined) return undefined;
    const path = memberPath(parent, key);
    for (const [entryKey, value] of Object.entries(map)) {
      if (typeof value !== 'string') throw serializationError(`${path}.${entryKey}`, 'a string', value);
    }
    return map as Readonly<Record<string, string>>;
  }

  /**
   * A blob: a base64 string. Returns its decoded length in bytes, so that size limits can be checked without
   * decoding it. Anything but canonical, padded base64 is a SerializationException.
   */
  blobLength(value: unknown, path: string): number {
    if (typeof value !== 'string') throw serializationError(path, 'a base64 string', value);
    const length = base64DecodedLength(value);
    if (length === undefined) {
      throw new KinesisServiceError(
        'SerializationException',
        `Value at '${path}' is not valid base64 (${value.length} characters; expected the standard alphabet with = padding)`,
      );
    }
    return length;
  }

  #typed(
    body: JsonObject,
    key: string,
    parent: string | undefined,
    expected: string,
    accepts: (value: unknown) => boolean,
  ): unknown {
    const value = body[key];
    if (value === undefined || value === null) return undefined;
    if (!accepts(value)) throw serializationError(memberPath(parent, key), expected, value);
    return value;
  }

  // --- constraints (collected) ---------------------------------------------------------------------------------

  /** Records "Member must not be null" when the value is missing; returns whether it is present. */
  required<T>(value: T | undefined, path: string): value is T {
    if (value !== undefined) return true;
    this.#problems.push(`Value null at '${path}' failed to satisfy constraint: Member must not be null`);
    return false;
  }

  length(value: string | readonly unknown[] | undefined, path: string, limit: Length): void {
    if (value === undefined) return;
    if (value.length < limit.min) {
      this.#fail(value, path, `Member must have length greater than or equal to ${limit.min}`);
    } else if (value.length > limit.max) {
      this.#fail(value, path, `Member must have length less than or equal to ${limit.max}`);
    }
  }

  pattern(value: string | undefined, path: string, pattern: Pattern): void {
    if (value !== undefined && !pattern.regex.test(value)) {
      this.#fail(value, path, `Member must satisfy regular expression pattern: ${pattern.source}`);
    }
  }

  range(value: number | undefined, path: string, limit: Pick<RangeLimit, 'min' | 'max'>): void {
    if (value === undefined) return;
    if (value < limit.min) this.#fail(value, path, `Member must have value greater than or equal to ${limit.min}`);
    else if (value > limit.max) this.#fail(value, path, `Member must have value less than or equal to ${limit.max}`);
  }

  /** Checks that the value is one of `values`; returns it typed as one of them. */
  oneOf<T extends string>(value: string | undefined, path: string, values: readonly T[]): T | undefined {
    if (value === undefined) return undefined;
    if ((values as readonly string[]).includes(value)) return value as T;
    this.#fail(value, path, `Member must satisfy enum value set: [${values.join(', ')}]`);
    return undefined;
  }

  /** A blob (already measured with `blobLength`) must not be larger than `max` bytes. */
  blobSize(bytes: number, path: string, max: number): void {
    if (bytes > max) {
      this.#problems.push(
        `Value of ${bytes} bytes at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
      );
    }
  }

  /** Throws every collected problem as one ValidationException. */
  throwIfInvalid(): void {
    const count = this.#problems.length;
    if (count === 0) return;
    const listed = this.#problems.slice(0, MAX_LISTED_PROBLEMS).join('; ');
    const more = count > MAX_LISTED_PROBLEMS ? ` (and ${count - MAX_LISTED_PROBLEMS} more)` : '';
    throw new KinesisServiceError(
      'ValidationException',
      `${count} validation error${count === 1 ? '' : 's'} detected: ${listed}${more}`,
    );
  }

  #fail(value: unknown, path: string, constraint: string): void {
    this.#problems.push(`Value ${quote(value)} at '${path}' failed to satisfy constraint: ${constraint}`);
  }
}

// --- members shared by several actions ---------------------------------------------------------------------------

/** How a request names its stream: by name, by ARN, or both. */
export interface StreamRef {
  readonly name?: string | undefined;
  readonly arn?: string | undefined;
}

/** Reads and checks `StreamName` and `StreamARN` (whether at least one is given is the action's concern). */
export function readStreamRef(body: JsonObject, v: RequestValidation, options: { nameRequired?: boolean } = {}) {
  const name = v.string(body, 'StreamName');
  const arn = v.string(body, 'StreamARN');
  if (options.nameRequired) v.required(name, 'streamName');
  checkStreamName(name, 'streamName', v);
  v.length(arn, 'streamARN', KINESIS_API_LIMITS.streamArnLength);
  v.pattern(arn, 'streamARN', STREAM_ARN_PATTERN);
  return { name, arn } satisfies StreamRef;
}

export function checkStreamName(name: string | undefined, path: string, v: RequestValidation): void {
  v.length(name, path, LIMITS.kinesis.streamNameLength);
  v.pattern(name, path, STREAM_NAME_PATTERN);
}

/** A record entry of PutRecord (the request itself, `parent` undefined) or of PutRecords (`records.N.member`). */
export interface RecordEntry {
  readonly data: string;
  readonly partitionKey: string;
  readonly explicitHashKey: string | undefined;
  /** Decoded data bytes plus the partition key's UTF-8 bytes. */
  readonly size: number;
  readonly dataBytes: number;
}

/**
 * Reads and checks one record entry. Returns undefined when a constraint failed (the problem is collected in `v`).
 */
export function readRecordEntry(entry: JsonObject, v: RequestValidation, parent?: string): RecordEntry | undefined {
  const dataPath = memberPath(parent, 'data');
  const partitionKeyPath = memberPath(parent, 'partitionKey');
  const explicitHashKeyPath = memberPath(parent, 'explicitHashKey');
  const rawData = entry.Data;
  const dataBytes = rawData === undefined || rawData === null ? undefined : v.blobLength(rawData, dataPath);
  const partitionKey = v.string(entry, 'PartitionKey', parent);
  const explicitHashKey = v.string(entry, 'ExplicitHashKey', parent);

  const before = v.valid;
  if (v.required(dataBytes, dataPath)) v.blobSize(dataBytes, dataPath, LIMITS.kinesis.recordMaxBytes.value);
  if (v.required(partitionKey, partitionKeyPath)) {
    v.length(partitionKey, partitionKeyPath, LIMITS.kinesis.partitionKeyLength);
  }
  v.pattern(explicitHashKey, explicitHashKeyPath, HASH_KEY_PATTERN);
  if (!before || !v.valid || dataBytes === undefined || partitionKey === undefined) return undefined;

  const keyBytes = isAscii(partitionKey) ? partitionKey.length : Buffer.byteLength(partitionKey, 'utf8');
  return { data: rawData as string, partitionKey, explicitHashKey, dataBytes, size: dataBytes + keyBytes };
}

/** An error naming a member whose JSON type is wrong. */
function serializationError(path: string, expected: string, value: unknown): KinesisServiceError {
  return new KinesisServiceError(
    'SerializationException',
    `Value at '${path}' must be ${expected} (got ${describeJsonType(value)} ${quote(value)})`,
  );
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return `a ${typeof value}`;
}

/** A value as validation messages quote it; long strings are cut and their length given. */
function quote(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `'[${value.length} member${value.length === 1 ? '' : 's'}]'`;
  if (typeof value === 'object') return `'{…}'`;
  const text = String(value);
  if (text.length <= MAX_QUOTED_CHARACTERS) return `'${text}'`;
  return `'${text.slice(0, MAX_QUOTED_CHARACTERS / 2)}…' (${text.length} characters)`;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decoded length of canonical padded base64, or undefined when `text` is not that. */
export function base64DecodedLength(text: string): number | undefined {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
const NON_ASCII = /[^\x00-\x7f]/;

function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}
