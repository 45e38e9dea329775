/**
 * A strict reader of CBOR (RFC 8949) request bodies, limited to the data model AWS's CBOR protocol uses: maps with
 * text keys, arrays, text and byte strings (definite or indefinite length, as Jackson writes them), integers, floats,
 * booleans, null/undefined, and tag 1 (a timestamp). Any other tag, a simple value it does not know, a reserved
 * additional-information value, invalid UTF-8, truncation, trailing bytes or nesting deeper than `MAX_DEPTH` is a
 * `CborSyntaxError` with the byte offset — so a hostile body cannot build cycles, shared references or
 * constructor calls (which general-purpose CBOR decoders offer through tags 27–29), nor exhaust the stack.
 *
 * Byte strings are returned as `Buffer`s and tag 1 as a `CborTimestamp` holding the tagged number, so that the codec
 * can tell them from text and plain numbers.
 */

/** A value read from a tag 1 item. AWS SDKs for Java put epoch **milliseconds** there (RFC 8949 says seconds). */
export class CborTimestamp {
  constructor(readonly value: number) {}
}

export type CborValue =
  | number
  | string
  | boolean
  | null
  | undefined
  | Buffer
  | CborTimestamp
  | readonly CborValue[]
  | { readonly [key: string]: CborValue };

export class CborSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
    this.name = 'CborSyntaxError';
  }
}

/** Deeper nesting than any Kinesis request needs (PutRecords is 3 levels deep). */
export const MAX_DEPTH = 32;

const BREAK = Symbol('break');
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function readCbor(bytes: Uint8Array): CborValue {
  const reader = new CborReader(bytes);
  const value = reader.item(0);
  if (value === BREAK) throw new CborSyntaxError('Unexpected break code', 0);
  if (reader.offset !== bytes.length) {
    throw new CborSyntaxError(
      `Unexpected data after the top-level item (${bytes.length - reader.offset} bytes)`,
      reader.offset,
    );
  }
  return value;
}

class CborReader {
  offset = 0;
  readonly #bytes: Buffer;

  constructor(bytes: Uint8Array) {
    this.#bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  item(depth: number): CborValue | typeof BREAK {
    if (depth > MAX_DEPTH) throw new CborSyntaxError(`Items nested deeper than ${MAX_DEPTH} levels`, this.offset);
    const start = this.offset;
    const initial = this.#byte();
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (initial === 0xff) return BREAK;
    switch (major) {
      case 0:
        return this.#argument(info, start);
      case 1:
        return -1 - this.#argument(info, start);
      case 2:
        return info === 31 ? this.#indefiniteString(2) : this.#take(this.#length(info, start));
      case 3:
        return info === 31 ? this.#indefiniteString(3) : this.#text(this.#length(info, start));
      case 4:
        return this.#array(info === 31 ? undefined : this.#length(info, start), depth);
      case 5:
        return this.#map(info === 31 ? undefined : this.#length(info, start), depth);
      case 6: {
        const tag = this.#argument(info, start);
        if (tag !== 1) throw new CborSyntaxError(`Unsupported tag ${tag}`, start);
        const value = this.item(depth + 1);
        if (typeof value !== 'number') throw new CborSyntaxError('Tag 1 (timestamp) must enclose a number', start);
        return new CborTimestamp(value);
      }
      default:
        return this.#simpleOrFloat(info, start);
    }
  }

  #simpleOrFloat(info: number, start: number): CborValue {
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return undefined;
      case 25:
        return halfToNumber(this.#need(2).readUInt16BE(this.#advance(2)));
      case 26:
        return this.#need(4).readFloatBE(this.#advance(4));
      case 27:
        return this.#need(8).readDoubleBE(this.#advance(8));
      default:
        throw new CborSyntaxError(`Unsupported simple value (additional information ${info})`, start);
    }
  }

  /** The argument of an item head; 64-bit values beyond 2^53 lose precision (validation refuses them). */
  #argument(info: number, start: number): number {
    if (info < 24) return info;
    switch (info) {
      case 24:
        return this.#need(1).readUInt8(this.#advance(1));
      case 25:
        return this.#need(2).readUInt16BE(this.#advance(2));
      case 26:
        return this.#need(4).readUInt32BE(this.#advance(4));
      case 27:
        return Number(this.#need(8).readBigUInt64BE(this.#advance(8)));
      default:
        throw new CborSyntaxError(`Reserved additional information ${info}`, start);
    }
  }

  /** A definite length, which must fit in what is left of the body. */
  #length(info: number, start: number): number {
    const length = this.#argument(info, start);
    if (length > this.#bytes.length - this.offset) {
      throw new CborSyntaxError(`Length ${length} exceeds the ${this.#bytes.length - this.offset} bytes left`, start);
    }
    return length;
  }

  #indefiniteString(major: 2 | 3): Buffer | string {
    const chunks: Buffer[] = [];
    for (;;) {
      const start = this.offset;
      const initial = this.#byte();
      if (initial === 0xff) break;
      if (initial >> 5 !== major || (initial & 0x1f) === 31) {
        throw new CborSyntaxError('Indefinite-length string chunk of another type', start);
      }
      chunks.push(this.#take(this.#length(initial & 0x1f, start)));
    }
    const joined = Buffer.concat(chunks);
    return major === 2 ? joined : this.#decodeUtf8(joined, this.offset);
  }

  #array(length: number | undefined, depth: number): CborValue[] {
    const items: CborValue[] = [];
    for (let i = 0; length === undefined || i < length; i++) {
      const item = this.item(depth + 1);
      if (item === BREAK) {
        if (length === undefined) return items;
        throw new CborSyntaxError('Unexpected break code in a definite-length array', this.offset - 1);
      }
      items.push(item);
    }
    return items;
  }

  #map(length: number | undefined, depth: number): Record<string, CborValue> {
    const map: Record<string, CborValue> = {};
    for (let i = 0; length === undefined || i < length; i++) {
      const keyOffset = this.offset;
      const key = this.item(depth + 1);
      if (key === BREAK) {
        if (length === undefined) return map;
        throw new CborSyntaxError('Unexpected break code in a definite-length map', keyOffset);
      }
      if (typeof key !== 'string') throw new CborSyntaxError('Map keys must be text strings', keyOffset);
      const value = this.item(depth + 1);
      if (value === BREAK) throw new CborSyntaxError(`Map key '${key}' has no value`, this.offset - 1);
      // defineProperty, so that a key such as __proto__ becomes a plain member as JSON.parse makes it.
      Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return map;
  }

  #text(length: number): string {
    const start = this.offset;
    return this.#decodeUtf8(this.#take(length), start);
  }

  #decodeUtf8(bytes: Buffer, offset: number): string {
    try {
      return utf8.decode(bytes);
    } catch {
      throw new CborSyntaxError('Text string is not valid UTF-8', offset);
    }
  }

  #take(length: number): Buffer {
    const start = this.#advance(length);
    return this.#bytes.subarray(start, start + length);
  }

  #byte(): number {
    return this.#need(1)[this.#advance(1)]!;
  }

  /** The body, once it is known to hold `count` more bytes. */
  #need(count: number): Buffer {
    if (this.offset + count > this.#bytes.length) {
      throw new CborSyntaxError(`Unexpected end of data (${count} more bytes needed)`, this.offset);
    }
    return this.#bytes;
  }

  /** Moves past `count` bytes (which must be there) and returns where they start. */
  #advance(count: number): number {
    this.#need(count);
    const start = this.offset;
    this.offset += count;
    return start;
  }
}

/** An IEEE 754 half-precision float (RFC 8949 appendix D). */
function halfToNumber(half: number): number {
  const exponent = (half >> 10) & 0x1f;
  const mantissa = half & 0x3ff;
  const sign = half & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * 2 ** -14 * (mantissa / 1024);
  if (exponent === 31) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
}
