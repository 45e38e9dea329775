/**
 * Request models of the ingest API — JSON Schema, written once: API Gateway validates request bodies against them
 * in the cloud and the local ingest API validates against the very same objects.
 *
 * Only keywords that mean the same in draft-04 (API Gateway) and later drafts (the local validator) are used.
 */
import { LIMITS } from '../limits.ts';

export const INGEST_ROUTES = {
  putRecord: '/record',
  putRecords: '/records',
} as const;

const recordProperties = {
  data: {
    description: 'The record: text is stored as its UTF-8 bytes, any other JSON value as its JSON text',
    type: ['string', 'object', 'array', 'number', 'boolean'],
  },
  partitionKey: {
    description: 'Decides the shard; records with the same key stay in order',
    type: 'string',
    minLength: LIMITS.kinesis.partitionKeyLength.min,
    maxLength: LIMITS.kinesis.partitionKeyLength.max,
  },
  explicitHashKey: {
    description: 'A 128-bit hash key as a decimal number, overriding the partition key’s hash',
    type: 'string',
    pattern: '^(0|[1-9][0-9]{0,38})$',
  },
} as const;

export const PUT_RECORD_MODEL = {
  title: 'PutRecordRequest',
  type: 'object',
  required: ['data', 'partitionKey'],
  additionalProperties: false,
  properties: recordProperties,
} as const;

export const PUT_RECORDS_MODEL = {
  title: 'PutRecordsRequest',
  type: 'object',
  required: ['records'],
  additionalProperties: false,
  properties: {
    records: {
      type: 'array',
      minItems: 1,
      maxItems: LIMITS.kinesis.putRecordsMaxRecords.value,
      items: {
        type: 'object',
        required: ['data', 'partitionKey'],
        additionalProperties: false,
        properties: recordProperties,
      },
    },
  },
} as const;

/** The bytes a record's `data` becomes: text as UTF-8, anything else as JSON. The cloud mapping template does the same. */
export function recordBytes(data: unknown): Buffer {
  return Buffer.from(typeof data === 'string' ? data : JSON.stringify(data), 'utf8');
}
