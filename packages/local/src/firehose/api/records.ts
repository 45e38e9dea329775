import { randomBytes } from 'node:crypto';
import { LIMITS } from '@streamkit/core';
import type { LocalDeliveryStream, SourceRecord } from '../delivery-stream.ts';
import { FirehoseServiceError, validationError } from './errors.ts';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes of a `Record` ({ Data: base64 }), checked as AWS checks them. */
export function recordData(record: unknown, field: string): Uint8Array {
  const data = (record as { Data?: unknown } | null)?.Data;
  if (data === undefined || data === null) throw validationError(`${field}.data`, 'Member must not be null');
  if (typeof data !== 'string') {
    const got = Array.isArray(data) ? 'an array' : typeof data === 'object' ? 'an object' : `a ${typeof data}`;
    throw new FirehoseServiceError('SerializationException', `${field}.Data must be a base64 string (got ${got})`);
  }
  if (data.length % 4 !== 0 || !BASE64.test(data)) {
    throw new FirehoseServiceError('SerializationException', `${field}.Data is not valid base64`);
  }
  const bytes = new Uint8Array(Buffer.from(data, 'base64'));
  const max = LIMITS.firehose.recordMaxBytes.value;
  if (bytes.byteLength > max) {
    throw validationError(`${field}.data`, `Member must have length less than or equal to ${max}`);
  }
  return bytes;
}

/** Direct PUT is for DirectPut delivery streams only; a stream-sourced one reads its stream. */
export function checkDirectPut(stream: LocalDeliveryStream): void {
  if (stream.type !== 'DirectPut') {
    throw new FirehoseServiceError(
      'InvalidArgumentException',
      `This operation is not permitted on ${stream.type} delivery stream type.`,
    );
  }
  if (stream.status !== 'ACTIVE') {
    throw new FirehoseServiceError(
      'ServiceUnavailableException',
      `Firehose ${stream.deliveryStreamName} is ${stream.status}.`,
    );
  }
}

/** Records stamped with their arrival time, as Direct PUT receives them. */
export function sourceRecords(stream: LocalDeliveryStream, data: readonly Uint8Array[]): SourceRecord[] {
  const arrival = stream.now();
  return data.map((bytes) => ({ data: bytes, arrival }));
}

/** An opaque record id, like AWS's. */
export const recordId = () => randomBytes(48).toString('base64');
