/**
 * AWS CBOR 1.1 (`application/x-amz-cbor-1.1`): the JSON 1.1 protocol with CBOR (RFC 8949) bodies, which the AWS SDK
 * for Java speaks to Kinesis unless `aws.cborEnabled=false` / `AWS_CBOR_DISABLE` is set. The differences from JSON:
 *
 * - blobs (`Data`) are CBOR byte strings, not base64 text;
 * - timestamps are tag 1 enclosing epoch **milliseconds** as an integer — the SDK's convention (its
 *   `SdkCborGenerator` writes `instant.toEpochMilli()` under tag 1, and `AwsCborProtocolFactory` reads payload
 *   timestamps as `UNIX_TIMESTAMP_MILLIS`), not RFC 8949's seconds. An untagged number in a timestamp member is read
 *   as milliseconds too;
 * - errors are a CBOR map `{__type, message}` with the same `x-amzn-ErrorType` header as JSON.
 *
 * Requests are read with the strict `cbor-reader.ts` and turned into the JSON shapes the actions take (byte strings
 * → base64, timestamps → epoch seconds); responses go the other way and are written with cbor-x.
 */
import { Encoder, Tag } from 'cbor-x';
import { KinesisServiceError } from '../errors.ts';
import { listMemberPath, memberPath } from '../validation.ts';
import { CborSyntaxError, CborTimestamp, type CborValue, readCbor } from './cbor-reader.ts';
import type { WireCodec } from './wire-codec.ts';

export const CBOR_CONTENT_TYPE = 'application/x-amz-cbor-1.1';

/** Members of blob type in the Kinesis API model: the record data, in requests and responses. */
export const BLOB_MEMBERS: ReadonlySet<string> = new Set(['Data']);

/**
 * Members of timestamp type in the Kinesis API model (request and response shapes of every operation: GetShardIterator
 * and ShardFilter/StartingPosition `Timestamp`, `StreamCreationTimestamp`, `ApproximateArrivalTimestamp`,
 * `ConsumerCreationTimestamp`).
 */
export const TIMESTAMP_MEMBERS: ReadonlySet<string> = new Set([
  'ApproximateArrivalTimestamp',
  'ConsumerCreationTimestamp',
  'StreamCreationTimestamp',
  'Timestamp',
]);

const encoder = new Encoder({ useRecords: false, tagUint8Array: false, useFloat32: 0, pack: false });

export const CBOR_CODEC: WireCodec = {
  protocol: 'cbor',
  contentType: CBOR_CONTENT_TYPE,
  decodeRequest(body) {
    if (body.length === 0) {
      throw new KinesisServiceError(
        'SerializationException',
        'The request body is empty; send a CBOR map (0xa0, the empty map, at least)',
      );
    }
    let value: CborValue;
    try {
      value = readCbor(body);
    } catch (error) {
      if (error instanceof CborSyntaxError) {
        throw new KinesisServiceError('SerializationException', `The request body is not valid CBOR: ${error.message}`);
      }
      throw error;
    }
    return toJsonShape(value, undefined, undefined);
  },
  encodeResponse(output) {
    return encoder.encode(toCborShape(output, undefined));
  },
  encodeError(error) {
    return encoder.encode(error.toJSON());
  },
};

/** A request value as JSON 1.1 would have carried it; `key` is the member it is the value of. */
function toJsonShape(value: CborValue, key: string | undefined, path: string | undefined): unknown {
  if (value === undefined) return null;
  if (Buffer.isBuffer(value)) {
    if (key !== undefined && BLOB_MEMBERS.has(key)) return value.toString('base64');
    throw new KinesisServiceError(
      'SerializationException',
      `Value at '${path ?? 'the request'}' must not be a byte string: only ${[...BLOB_MEMBERS].join(', ')} are blobs`,
    );
  }
  if (
    value instanceof CborTimestamp ||
    (typeof value === 'number' && key !== undefined && TIMESTAMP_MEMBERS.has(key))
  ) {
    const millis = value instanceof CborTimestamp ? value.value : value;
    if (key === undefined || !TIMESTAMP_MEMBERS.has(key)) {
      throw new KinesisServiceError(
        'SerializationException',
        `Value at '${path ?? 'the request'}' must not be a timestamp (tag 1): it is not a timestamp member`,
      );
    }
    return millis / 1000;
  }
  if (Array.isArray(value)) {
    const listPath = path ?? 'the request';
    return value.map((item: CborValue, index) => toJsonShape(item, undefined, listMemberPath(listPath, index)));
  }
  if (typeof value === 'object' && value !== null) {
    const object: Record<string, unknown> = {};
    for (const [member, item] of Object.entries(value as Record<string, CborValue>)) {
      Object.defineProperty(object, member, {
        value: toJsonShape(item, member, memberPath(path, member)),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return object;
  }
  return value;
}

/** An action's JSON-shaped output with blobs as bytes and timestamps as tag 1 epoch milliseconds. */
function toCborShape(value: unknown, key: string | undefined): unknown {
  if (key !== undefined) {
    if (typeof value === 'string' && BLOB_MEMBERS.has(key)) return Buffer.from(value, 'base64');
    if (typeof value === 'number' && TIMESTAMP_MEMBERS.has(key)) return new Tag(BigInt(Math.round(value * 1000)), 1);
  }
  if (Array.isArray(value)) return value.map((item) => toCborShape(item, undefined));
  if (typeof value === 'object' && value !== null) {
    const object: Record<string, unknown> = {};
    for (const [member, item] of Object.entries(value)) {
      if (item !== undefined) object[member] = toCborShape(item, member);
    }
    return object;
  }
  return value;
}
