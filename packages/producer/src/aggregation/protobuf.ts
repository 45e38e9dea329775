/**
 * The few protocol buffers primitives the KPL aggregation format needs: base-128 varints and field keys. Written here
 * rather than taken from protobufjs because the format has two small messages, the hot path needs sizes computed
 * before encoding (to decide when an aggregated record is full), and encoding straight into one preallocated buffer
 * avoids the intermediate objects a general library builds (see docs/decisions/0005-kpl-aggregation.md).
 */

/** Wire types of the protobuf encoding. */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

/** The key byte of a field: `(field number << 3) | wire type` (one byte for the field numbers used here). */
export function fieldKey(field: number, wireType: number): number {
  return (field << 3) | wireType;
}

/** Bytes of `value` as a varint; `value` is a whole number from 0 to 2^53 − 1. */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  let size = 4;
  let rest = Math.floor(value / 0x10000000);
  while (rest > 0) {
    size++;
    rest = Math.floor(rest / 0x80);
  }
  return size;
}

/** Writes `value` as a varint at `offset`; returns the offset after it. */
export function writeVarint(buffer: Uint8Array, offset: number, value: number): number {
  while (value >= 0x80) {
    buffer[offset++] = (value & 0x7f) | 0x80;
    value = value >= 0x80000000 ? Math.floor(value / 0x80) : value >>> 7;
  }
  buffer[offset++] = value;
  return offset;
}

/** A cursor over protobuf bytes. Every read throws `ProtobufError` on malformed input instead of reading past it. */
export class ProtobufReader {
  offset: number;

  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.offset = start;
  }

  get done(): boolean {
    return this.offset >= this.end;
  }

  /** A varint as a number; values above 2^53 − 1 are refused (no index or length here can be that large). */
  varint(): number {
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < 10; i++) {
      if (this.offset >= this.end) throw new ProtobufError('truncated varint');
      const byte = this.bytes[this.offset++]!;
      result += (byte & 0x7f) * multiplier;
      if (byte < 0x80) {
        if (result > Number.MAX_SAFE_INTEGER) throw new ProtobufError('varint beyond 2^53 − 1');
        return result;
      }
      multiplier *= 0x80;
    }
    throw new ProtobufError('varint longer than 10 bytes');
  }

  /** The bounds of a length-delimited field's value; the cursor moves past it. */
  lengthDelimited(): { start: number; end: number } {
    const length = this.varint();
    const start = this.offset;
    const end = start + length;
    if (end > this.end) throw new ProtobufError('length-delimited field runs past the end');
    this.offset = end;
    return { start, end };
  }

  /** Moves past the value of a field of `wireType` (an unknown field, as protobuf parsers do). */
  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.advance(8);
        return;
      case WIRE_LENGTH_DELIMITED:
        this.lengthDelimited();
        return;
      case WIRE_FIXED32:
        this.advance(4);
        return;
      default:
        throw new ProtobufError(`unsupported wire type ${wireType}`);
    }
  }

  private advance(bytes: number): void {
    if (this.offset + bytes > this.end) throw new ProtobufError('fixed-size field runs past the end');
    this.offset += bytes;
  }
}

/** Bytes that are not a valid message. */
export class ProtobufError extends Error {
  override readonly name = 'ProtobufError';
}
