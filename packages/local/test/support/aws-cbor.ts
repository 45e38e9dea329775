/**
 * AWS CBOR 1.1 bodies for tests, written and read with cbor-x — an implementation independent of the engine's own
 * reader — set up the way the AWS SDK for Java writes them: byte strings for blobs, tag 1 around epoch milliseconds
 * for timestamps (`EpochMillis` here), 64-bit integers as plain numbers.
 */
import { addExtension, Decoder, Encoder } from 'cbor-x';

/** A timestamp as AWS's CBOR protocol carries it: tag 1 enclosing milliseconds since the epoch. */
export class EpochMillis {
  constructor(readonly millis: number) {}
}

addExtension({
  Class: EpochMillis,
  tag: 1,
  encode(value: EpochMillis, encode: (value: unknown) => Uint8Array) {
    return encode(value.millis);
  },
  decode(value: unknown) {
    return new EpochMillis(Number(value));
  },
});

const encoder = new Encoder({ useRecords: false, tagUint8Array: false, mapsAsObjects: true });
const decoder = new Decoder({ useRecords: false, mapsAsObjects: true, int64AsNumber: true } as never);

export function encodeAwsCbor(value: unknown): Buffer {
  return Buffer.from(encoder.encode(value));
}

export function decodeAwsCbor(bytes: Uint8Array): unknown {
  return decoder.decode(bytes);
}

export const CBOR_CONTENT_TYPE = 'application/x-amz-cbor-1.1';
