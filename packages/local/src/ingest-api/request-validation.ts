/**
 * Validates a parsed ingest request body against the very models API Gateway validates with in the cloud
 * (`PUT_RECORD_MODEL`, `PUT_RECORDS_MODEL` from core), then against the Kinesis limits a model cannot express
 * (record and batch sizes in bytes, the hash key range). Every problem is reported, each naming the field path,
 * the rule and the value received: `records[3].partitionKey must be at most 256 characters (got 300)`.
 */
import { closest, LIMITS, PUT_RECORD_MODEL, PUT_RECORDS_MODEL, recordBytes } from '@streamkit/core';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

export type IngestAction = 'PutRecord' | 'PutRecords';

/** A record that passed validation, with its data already turned into the bytes Kinesis stores. */
export interface ValidRecord {
  readonly data: Buffer;
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
}

export type ValidationResult =
  | { readonly ok: true; readonly records: readonly ValidRecord[] }
  | { readonly ok: false; readonly message: string; readonly problems: readonly string[]; readonly records: number };

/** At most this many problems are spelled out in one answer; the rest are counted. */
export const MAX_REPORTED_PROBLEMS = 100;

const MAX_HASH_KEY = (1n << 128n) - 1n;

const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true });
const validators: Record<IngestAction, ValidateFunction> = {
  PutRecord: ajv.compile(PUT_RECORD_MODEL),
  PutRecords: ajv.compile(PUT_RECORDS_MODEL),
};

interface RawRecord {
  readonly data: unknown;
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
}

export function validateIngestBody(action: IngestAction, body: unknown): ValidationResult {
  const validate = validators[action];
  const recordCount = countRecords(action, body);
  if (!validate(body)) {
    return failure((validate.errors ?? []).map(describeError), recordCount);
  }
  const raw: readonly RawRecord[] =
    action === 'PutRecord' ? [body as RawRecord] : (body as { records: RawRecord[] }).records;
  const problems: string[] = [];
  const records: ValidRecord[] = [];
  let batchBytes = 0;
  raw.forEach((record, index) => {
    const where = action === 'PutRecord' ? '' : `records[${index}]`;
    const data = recordBytes(record.data);
    const keyBytes = Buffer.byteLength(record.partitionKey, 'utf8');
    const size = data.length + keyBytes;
    batchBytes += size;
    if (size > LIMITS.kinesis.recordMaxBytes.value) {
      problems.push(
        `${where || 'The record'} is ${size} bytes (data ${data.length} + partition key ${keyBytes}), ` +
          `over the Kinesis limit of ${LIMITS.kinesis.recordMaxBytes.value} bytes per record`,
      );
    }
    if (record.explicitHashKey !== undefined && BigInt(record.explicitHashKey) > MAX_HASH_KEY) {
      problems.push(
        `${join(where, 'explicitHashKey')} must be at most ${MAX_HASH_KEY} (2^128 - 1) (got ${show(record.explicitHashKey)})`,
      );
    }
    records.push(
      record.explicitHashKey === undefined
        ? { data, partitionKey: record.partitionKey }
        : { data, partitionKey: record.partitionKey, explicitHashKey: record.explicitHashKey },
    );
  });
  if (action === 'PutRecords' && batchBytes > LIMITS.kinesis.putRecordsMaxBytes.value) {
    problems.push(
      `The batch is ${batchBytes} bytes (data and partition keys of ${raw.length} records), ` +
        `over the Kinesis limit of ${LIMITS.kinesis.putRecordsMaxBytes.value} bytes per PutRecords request`,
    );
  }
  return problems.length > 0 ? failure(problems, recordCount) : { ok: true, records };
}

function failure(problems: readonly string[], records: number): ValidationResult {
  const [first] = problems;
  if (problems.length === 1 && first !== undefined) return { ok: false, message: first, problems, records };
  const shown = problems.slice(0, MAX_REPORTED_PROBLEMS);
  const more = problems.length - shown.length;
  const tail = more > 0 ? `; … and ${more} more` : '';
  return { ok: false, message: `${problems.length} problems: ${shown.join('; ')}${tail}`, problems, records };
}

function countRecords(action: IngestAction, body: unknown): number {
  if (action === 'PutRecord') return 1;
  const records = (body as { records?: unknown } | null)?.records;
  return Array.isArray(records) ? records.length : 0;
}

function describeError(error: ErrorObject): string {
  const path = formatPath(error.instancePath);
  const subject = path || 'The request body';
  const params = error.params as Record<string, unknown>;
  const limit = Number(params.limit);
  switch (error.keyword) {
    case 'required':
      return `${join(path, String(params.missingProperty))} is required`;
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
      const hint = closest(field, allowed);
      const suggestion = hint ? `, did you mean "${hint}"?` : '';
      return `${join(path, field)} is not allowed (allowed fields: ${allowed.join(', ')})${suggestion}`;
    }
    case 'type':
      return `${subject} must be ${typeWords(params.type)} (got ${show(error.data)})`;
    case 'minLength':
      return `${subject} must be at least ${limit} ${plural(limit, 'character')} (got ${textLength(error.data)})`;
    case 'maxLength':
      return `${subject} must be at most ${limit} ${plural(limit, 'character')} (got ${textLength(error.data)})`;
    case 'minItems':
      return `${subject} must have at least ${limit} ${plural(limit, itemNoun(path))} (got ${arrayLength(error.data)})`;
    case 'maxItems':
      return `${subject} must have at most ${limit} ${plural(limit, itemNoun(path))} (got ${arrayLength(error.data)})`;
    case 'pattern':
      if (path.endsWith('explicitHashKey')) {
        return `${subject} must be a whole number from 0 to 2^128 - 1 written in decimal without leading zeros (got ${show(error.data)})`;
      }
      return `${subject} must match the pattern ${String(params.pattern)} (got ${show(error.data)})`;
    default:
      return `${subject} ${error.message ?? 'is not valid'} (got ${show(error.data)})`;
  }
}

/** `/records/3/partitionKey` → `records[3].partitionKey`. */
function formatPath(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : join(path, segment)), '');
}

function join(path: string, field: string): string {
  const key = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(field) ? field : JSON.stringify(field);
  if (key.startsWith('"')) return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

function typeWords(type: unknown): string {
  const types = Array.isArray(type) ? type.map(String) : [String(type)];
  const article = (t: string) => (/^[aeiou]/.test(t) ? 'an' : 'a');
  if (types.length === 1) return `${article(types[0]!)} ${types[0]}`;
  return `${article(types[0]!)} ${types.slice(0, -1).join(', ')} or ${types.at(-1)}`;
}

function itemNoun(path: string): string {
  return path === 'records' ? 'record' : 'item';
}

function plural(n: number, noun: string): string {
  return n === 1 ? noun : `${noun}s`;
}

/** Characters as JSON Schema counts them (code points). */
function textLength(value: unknown): string {
  return typeof value === 'string' ? String([...value].length) : show(value);
}

function arrayLength(value: unknown): string {
  return Array.isArray(value) ? String(value.length) : show(value);
}

/** How a received value is shown in a message: short, and never the whole of a large value. */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    const chars = [...value];
    return chars.length > 40
      ? `${JSON.stringify(chars.slice(0, 40).join(''))}… (${chars.length} characters)`
      : JSON.stringify(value);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
