/**
 * The on-disk format of a shard's record log: a directory of append-only segment files, each named after the position
 * of its first record (`00000000000000001000.log` holds records 1000, 1001, …), each made of a header and then one
 * frame per record:
 *
 * ```
 * segment header (16 bytes)         frame (8 + body bytes)
 *   0  "SKKS"      magic              0  u32 LE  body length
 *   4  u32 LE      format version     4  u32 LE  CRC-32C of the body
 *   8  u64 LE      first position     8  body:   f64 LE  arrival (ms since the epoch)
 *                                                u16 LE  partition key length k (bytes)
 *                                                k bytes partition key (UTF-8)
 *                                                the data blob (raw bytes, the rest of the body)
 * ```
 *
 * A frame is valid when its length is plausible, it lies wholly inside the file and its checksum matches; the first
 * invalid frame marks the end of what was written whole (see `file-record-storage.ts` for what recovery does then).
 */
import { fstatSync, readSync } from 'node:fs';
import { LIMITS } from '@streamkit/core';
import { crc32c } from './crc32c.ts';
import type { RecordToAppend, StoredRecord } from './record-storage.ts';

export const SEGMENT_FORMAT_VERSION = 1;
export const SEGMENT_HEADER_BYTES = 16;
export const FRAME_HEADER_BYTES = 8;
/** Arrival (8) and partition key length (2). */
const BODY_FIXED_BYTES = 10;
const MAGIC = Buffer.from('SKKS', 'latin1');
/** No valid body is longer: the fixed part, the longest partition key in UTF-8, the largest record. */
const MAX_BODY_BYTES =
  BODY_FIXED_BYTES + LIMITS.kinesis.partitionKeyLength.max * 3 + LIMITS.kinesis.recordMaxBytes.value;
const POSITION_DIGITS = 20;
const SEGMENT_NAME = /^(\d{20})\.log$/;

export function segmentFileName(firstPosition: number): string {
  return `${String(firstPosition).padStart(POSITION_DIGITS, '0')}.log`;
}

/** The first position a segment file name stands for, or undefined for any other file. */
export function parseSegmentFileName(name: string): number | undefined {
  const match = SEGMENT_NAME.exec(name);
  if (!match) return undefined;
  const position = Number(match[1]);
  return Number.isSafeInteger(position) ? position : undefined;
}

export function encodeSegmentHeader(firstPosition: number): Buffer {
  const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(SEGMENT_FORMAT_VERSION, 4);
  header.writeBigUInt64LE(BigInt(firstPosition), 8);
  return header;
}

/** Whether the file starts with the header of a segment whose first record is at `firstPosition`. */
export function hasSegmentHeader(fd: number, firstPosition: number): boolean {
  const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
  if (readSync(fd, header, 0, SEGMENT_HEADER_BYTES, 0) < SEGMENT_HEADER_BYTES) return false;
  return (
    header.subarray(0, 4).equals(MAGIC) &&
    header.readUInt32LE(4) === SEGMENT_FORMAT_VERSION &&
    header.readBigUInt64LE(8) === BigInt(firstPosition)
  );
}

/** Frames of a batch of records, ready to be written in one go. */
export interface EncodedFrames {
  readonly bytes: Buffer;
  /** Offset in `bytes` of each record's frame. */
  readonly offsets: readonly number[];
}

/** Encodes records (their `data` in base64, as they came over the wire) as frames, all stamped with `arrival`. */
export function encodeFrames(records: readonly RecordToAppend[], arrival: number): EncodedFrames {
  const keyBytes = records.map((record) => Buffer.byteLength(record.partitionKey, 'utf8'));
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    total += FRAME_HEADER_BYTES + BODY_FIXED_BYTES + records[i]!.size;
  }
  const bytes = Buffer.allocUnsafe(total);
  const offsets = new Array<number>(records.length);
  let offset = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const bodyStart = offset + FRAME_HEADER_BYTES;
    bytes.writeDoubleLE(arrival, bodyStart);
    bytes.writeUInt16LE(keyBytes[i]!, bodyStart + 8);
    const keyStart = bodyStart + BODY_FIXED_BYTES;
    const dataStart = keyStart + bytes.write(record.partitionKey, keyStart, 'utf8');
    const dataBytes = record.size - keyBytes[i]!;
    if (bytes.write(record.data, dataStart, dataBytes, 'base64') !== dataBytes) {
      throw new RangeError(`record ${i}: its data does not decode to the ${dataBytes} bytes its size says`);
    }
    const bodyEnd = dataStart + dataBytes;
    bytes.writeUInt32LE(bodyEnd - bodyStart, offset);
    bytes.writeUInt32LE(crc32c(bytes, bodyStart, bodyEnd), offset + 4);
    offsets[i] = offset;
    offset = bodyEnd;
  }
  return { bytes, offsets };
}

/** Why a frame is not valid. */
export type FrameDamage = 'truncated frame' | 'implausible length' | 'checksum mismatch';

/** A frame the cursor stopped on; its fields are valid until the cursor moves. */
export interface Frame {
  /** Offset of the frame in the file. */
  readonly offset: number;
  /** Bytes of the whole frame, header included. */
  readonly bytes: number;
  readonly arrival: number;
  /** The record's size as the engine counts it: data plus partition key bytes. */
  readonly size: number;
}

/**
 * One read buffer shared by every cursor (reads are synchronous), and the cursor whose bytes it holds: a cursor whose
 * bytes were replaced by another's reads them again.
 */
let shared = Buffer.allocUnsafe(1024 * 1024);
let sharedOwner: FrameCursor | undefined;

/**
 * Walks the frames of a segment file forwards from an offset, reading it in large chunks through one shared buffer.
 * `next()` returns the frame at the cursor and moves past it.
 */
export class FrameCursor {
  readonly #fd: number;
  readonly #end: number;
  /** File offset of `shared[0]`, and how many bytes of `shared` hold file data. */
  #bufferStart = 0;
  #bufferLength = 0;
  #offset: number;
  /** Bytes the next read from the file asks for: small at first (one record), doubling as the cursor moves on. */
  #chunk = 64 * 1024;
  #body = 0;
  #bodyLength = 0;

  /** @param end the file offset where the segment's data ends (its size) */
  constructor(fd: number, offset: number, end: number) {
    this.#fd = fd;
    this.#offset = offset;
    this.#end = end;
  }

  static fileSize(fd: number): number {
    return fstatSync(fd).size;
  }

  /** File offset of the next frame. */
  get offset(): number {
    return this.#offset;
  }

  /**
   * The next frame, checked against its checksum when `verify` is set; undefined at the end of the data; a
   * `FrameDamage` when the bytes at the cursor are not a whole, valid frame (the cursor then stays where it is).
   */
  next(verify: boolean): Frame | FrameDamage | undefined {
    const offset = this.#offset;
    if (offset >= this.#end) return undefined;
    if (offset + FRAME_HEADER_BYTES > this.#end || !this.#load(offset, FRAME_HEADER_BYTES)) return 'truncated frame';
    const at = offset - this.#bufferStart;
    const bodyLength = shared.readUInt32LE(at);
    if (bodyLength < BODY_FIXED_BYTES || bodyLength > MAX_BODY_BYTES) return 'implausible length';
    const frameBytes = FRAME_HEADER_BYTES + bodyLength;
    if (offset + frameBytes > this.#end || !this.#load(offset, frameBytes)) return 'truncated frame';
    const frameAt = offset - this.#bufferStart;
    const body = frameAt + FRAME_HEADER_BYTES;
    if (verify && crc32c(shared, body, body + bodyLength) !== shared.readUInt32LE(frameAt + 4)) {
      return 'checksum mismatch';
    }
    const keyBytes = shared.readUInt16LE(body + 8);
    if (BODY_FIXED_BYTES + keyBytes > bodyLength) return 'implausible length';
    this.#body = body;
    this.#bodyLength = bodyLength;
    this.#offset = offset + frameBytes;
    return { offset, bytes: frameBytes, arrival: shared.readDoubleLE(body), size: bodyLength - BODY_FIXED_BYTES };
  }

  /** The record of the frame `next()` returned last. */
  record(): StoredRecord {
    const body = this.#body;
    const keyStart = body + BODY_FIXED_BYTES;
    const dataStart = keyStart + shared.readUInt16LE(body + 8);
    const end = body + this.#bodyLength;
    return {
      data: shared.toString('base64', dataStart, end),
      partitionKey: shared.toString('utf8', keyStart, dataStart),
      arrival: shared.readDoubleLE(body),
      size: this.#bodyLength - BODY_FIXED_BYTES,
    };
  }

  /** Makes `shared` hold the file bytes [offset, offset + length); false when the file is shorter. */
  #load(offset: number, length: number): boolean {
    if (
      sharedOwner === this &&
      offset >= this.#bufferStart &&
      offset + length <= this.#bufferStart + this.#bufferLength
    ) {
      return true;
    }
    if (shared.length < length) shared = Buffer.allocUnsafe(Math.max(length, shared.length * 2));
    sharedOwner = this;
    const wanted = Math.min(shared.length, this.#end - offset, Math.max(length, this.#chunk));
    this.#chunk *= 2;
    let read = 0;
    while (read < wanted) {
      const n = readSync(this.#fd, shared, read, wanted - read, offset + read);
      if (n === 0) break;
      read += n;
    }
    this.#bufferStart = offset;
    this.#bufferLength = read;
    return read >= length;
  }
}
