/**
 * The KPL aggregated record: many user records in the data of one Kinesis record, as the Kinesis Producer Library
 * writes it and the Kinesis Client Library reads it
 * (https://github.com/awslabs/amazon-kinesis-producer/blob/master/aggregation-format.md):
 *
 * ```
 * 0xF3 0x89 0x9A 0xC2                    magic
 * AggregatedRecord (protobuf, proto2)    message AggregatedRecord {
 *                                          repeated string partition_key_table = 1;
 *                                          repeated string explicit_hash_key_table = 2;
 *                                          repeated Record records = 3;
 *                                        }
 *                                        message Record {
 *                                          required uint64 partition_key_index = 1;
 *                                          optional uint64 explicit_hash_key_index = 2;
 *                                          required bytes data = 3;
 *                                          repeated Tag tags = 4;   // Tag { required string key = 1; optional string value = 2; }
 *                                        }
 * MD5 of the protobuf bytes              16 bytes
 * ```
 *
 * Fields are written in field-number order, as protobuf serializers do, so the bytes equal what the KPL, the KCL's
 * test aggregator and aws-kinesis-agg produce for the same user records. Tags are never written and are skipped when
 * read (no KPL version writes them).
 */
import { hash } from 'node:crypto';
import {
  fieldKey,
  ProtobufError,
  ProtobufReader,
  varintSize,
  WIRE_LENGTH_DELIMITED,
  WIRE_VARINT,
  writeVarint,
} from './protobuf.ts';

/** The first four bytes of every aggregated record. */
export const AGGREGATED_RECORD_MAGIC: Uint8Array = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2);
const MAGIC_0 = 0xf3;
const MAGIC_1 = 0x89;
const MAGIC_2 = 0x9a;
const MAGIC_3 = 0xc2;
/** Length of the MD5 trailer. */
export const AGGREGATED_RECORD_DIGEST_BYTES = 16;
/** Magic plus trailer: what an aggregated record adds to its protobuf message. */
export const AGGREGATED_RECORD_OVERHEAD = AGGREGATED_RECORD_MAGIC.length + AGGREGATED_RECORD_DIGEST_BYTES;

// Field keys (one byte each).
const AGGREGATED_PARTITION_KEY_TABLE = fieldKey(1, WIRE_LENGTH_DELIMITED); // 0x0a
const AGGREGATED_EXPLICIT_HASH_KEY_TABLE = fieldKey(2, WIRE_LENGTH_DELIMITED); // 0x12
const AGGREGATED_RECORDS = fieldKey(3, WIRE_LENGTH_DELIMITED); // 0x1a
const RECORD_PARTITION_KEY_INDEX = fieldKey(1, WIRE_VARINT); // 0x08
const RECORD_EXPLICIT_HASH_KEY_INDEX = fieldKey(2, WIRE_VARINT); // 0x10
const RECORD_DATA = fieldKey(3, WIRE_LENGTH_DELIMITED); // 0x1a
const RECORD_TAGS = fieldKey(4, WIRE_LENGTH_DELIMITED); // 0x22
const TAG_KEY = fieldKey(1, WIRE_LENGTH_DELIMITED);

/** A user record inside an aggregated record. */
export interface AggregatedUserRecord {
  readonly partitionKey: string;
  /** A 128-bit hash key in decimal. @default - none: the partition key's MD5 decides the shard */
  readonly explicitHashKey?: string;
  readonly data: Uint8Array;
}

/**
 * Builds one aggregated record a user record at a time, knowing its exact size before each addition — what a
 * producer needs to fill records up to a size limit. `build()` writes the record into one buffer.
 */
export class AggregatedRecordBuilder {
  private readonly partitionKeys = new Map<string, number>();
  private readonly partitionKeyTable: string[] = [];
  private readonly partitionKeyBytes: number[] = [];
  private readonly explicitHashKeys = new Map<string, number>();
  private readonly explicitHashKeyTable: string[] = [];
  private readonly data: Uint8Array[] = [];
  private readonly partitionKeyIndexes: number[] = [];
  /** -1 for a record without an explicit hash key. */
  private readonly explicitHashKeyIndexes: number[] = [];
  private messageBytes = 0;

  /** User records added. */
  get count(): number {
    return this.data.length;
  }

  /** Bytes of the aggregated record as `build()` would write it: magic, protobuf message and trailer. */
  get size(): number {
    return AGGREGATED_RECORD_OVERHEAD + this.messageBytes;
  }

  /** Adds a user record; returns its position (its sub-sequence number once stored). */
  add(partitionKey: string, data: Uint8Array, explicitHashKey?: string): number {
    return this.addIfFits(Number.POSITIVE_INFINITY, partitionKey, data, explicitHashKey);
  }

  /**
   * Adds a user record if the aggregated record stays within `maxSize` bytes, or if it is the first record; returns
   * its position, or -1 (and changes nothing) when it does not fit.
   */
  addIfFits(maxSize: number, partitionKey: string, data: Uint8Array, explicitHashKey?: string): number {
    let growth = 0;
    let partitionKeyIndex = this.partitionKeys.get(partitionKey);
    let partitionKeyBytes = -1;
    if (partitionKeyIndex === undefined) {
      partitionKeyIndex = this.partitionKeyTable.length;
      partitionKeyBytes = Buffer.byteLength(partitionKey, 'utf8');
      growth += stringFieldSize(partitionKeyBytes);
    }
    let explicitHashKeyIndex = -1;
    let newExplicitHashKey = false;
    if (explicitHashKey !== undefined) {
      const known = this.explicitHashKeys.get(explicitHashKey);
      if (known === undefined) {
        explicitHashKeyIndex = this.explicitHashKeyTable.length;
        newExplicitHashKey = true;
        // Hash keys are decimal digits: one byte per character.
        growth += stringFieldSize(explicitHashKey.length);
      } else explicitHashKeyIndex = known;
    }
    growth += recordFieldSize(partitionKeyIndex, explicitHashKeyIndex, data.length);
    if (this.data.length > 0 && AGGREGATED_RECORD_OVERHEAD + this.messageBytes + growth > maxSize) return -1;

    if (partitionKeyBytes >= 0) {
      this.partitionKeys.set(partitionKey, partitionKeyIndex);
      this.partitionKeyTable.push(partitionKey);
      this.partitionKeyBytes.push(partitionKeyBytes);
    }
    if (newExplicitHashKey) {
      this.explicitHashKeys.set(explicitHashKey!, explicitHashKeyIndex);
      this.explicitHashKeyTable.push(explicitHashKey!);
    }
    this.data.push(data);
    this.partitionKeyIndexes.push(partitionKeyIndex);
    this.explicitHashKeyIndexes.push(explicitHashKeyIndex);
    this.messageBytes += growth;
    return this.data.length - 1;
  }

  /** Writes the aggregated record: magic, message, MD5 of the message. */
  build(): Buffer {
    const out = Buffer.allocUnsafe(this.size);
    out[0] = MAGIC_0;
    out[1] = MAGIC_1;
    out[2] = MAGIC_2;
    out[3] = MAGIC_3;
    let offset = AGGREGATED_RECORD_MAGIC.length;
    const partitionKeyTable = this.partitionKeyTable;
    for (let i = 0; i < partitionKeyTable.length; i++) {
      const bytes = this.partitionKeyBytes[i]!;
      out[offset++] = AGGREGATED_PARTITION_KEY_TABLE;
      offset = writeVarint(out, offset, bytes);
      offset += out.write(partitionKeyTable[i]!, offset, bytes, 'utf8');
    }
    for (const explicitHashKey of this.explicitHashKeyTable) {
      out[offset++] = AGGREGATED_EXPLICIT_HASH_KEY_TABLE;
      offset = writeVarint(out, offset, explicitHashKey.length);
      offset += out.write(explicitHashKey, offset, explicitHashKey.length, 'latin1');
    }
    const data = this.data;
    for (let i = 0; i < data.length; i++) {
      const bytes = data[i]!;
      const partitionKeyIndex = this.partitionKeyIndexes[i]!;
      const explicitHashKeyIndex = this.explicitHashKeyIndexes[i]!;
      out[offset++] = AGGREGATED_RECORDS;
      offset = writeVarint(out, offset, recordMessageSize(partitionKeyIndex, explicitHashKeyIndex, bytes.length));
      out[offset++] = RECORD_PARTITION_KEY_INDEX;
      offset = writeVarint(out, offset, partitionKeyIndex);
      if (explicitHashKeyIndex >= 0) {
        out[offset++] = RECORD_EXPLICIT_HASH_KEY_INDEX;
        offset = writeVarint(out, offset, explicitHashKeyIndex);
      }
      out[offset++] = RECORD_DATA;
      offset = writeVarint(out, offset, bytes.length);
      out.set(bytes, offset);
      offset += bytes.length;
    }
    const digest = hash('md5', out.subarray(AGGREGATED_RECORD_MAGIC.length, offset), 'buffer');
    out.set(digest, offset);
    return out;
  }
}

/** One aggregated record holding `records`, in order. */
export function encodeAggregatedRecord(records: readonly AggregatedUserRecord[]): Buffer {
  const builder = new AggregatedRecordBuilder();
  for (const record of records) builder.add(record.partitionKey, record.data, record.explicitHashKey);
  return builder.build();
}

/** Why bytes were not read as an aggregated record (the KCL then hands the record over as it is). */
export type NotAggregatedReason =
  /** Shorter than magic plus trailer, or not starting with the magic. */
  | 'no-magic'
  /** The MD5 trailer does not match the message. */
  | 'checksum-mismatch'
  /** The message is not a valid AggregatedRecord (or refers to a table entry that does not exist). */
  | 'malformed';

export type AggregatedRecordContents =
  | { readonly aggregated: true; readonly records: AggregatedUserRecord[] }
  | { readonly aggregated: false; readonly reason: NotAggregatedReason };

/** True when `data` starts with the magic and is long enough to hold a message and trailer (the KCL's first test). */
export function hasAggregatedRecordMagic(data: Uint8Array): boolean {
  return (
    data.length > AGGREGATED_RECORD_OVERHEAD &&
    data[0] === MAGIC_0 &&
    data[1] === MAGIC_1 &&
    data[2] === MAGIC_2 &&
    data[3] === MAGIC_3
  );
}

/**
 * Reads the user records of an aggregated record, deciding like the KCL's `AggregatorUtil.deaggregate` whether the
 * bytes are one: the magic, more than 16 bytes after it, a matching MD5 and a message that parses. The data of each
 * user record is a view into `data`, not a copy.
 *
 * One difference: a message whose checksum matches but which points at a missing table entry makes the KCL log an
 * error and keep only the user records before it; here the whole record counts as not aggregated, so nothing is lost.
 */
export function decodeAggregatedRecord(data: Uint8Array): AggregatedRecordContents {
  if (!hasAggregatedRecordMagic(data)) return { aggregated: false, reason: 'no-magic' };
  const messageStart = AGGREGATED_RECORD_MAGIC.length;
  const messageEnd = data.length - AGGREGATED_RECORD_DIGEST_BYTES;
  const message = data.subarray(messageStart, messageEnd);
  const digest = hash('md5', message, 'buffer');
  for (let i = 0; i < AGGREGATED_RECORD_DIGEST_BYTES; i++) {
    if (digest[i] !== data[messageEnd + i]) return { aggregated: false, reason: 'checksum-mismatch' };
  }
  try {
    return { aggregated: true, records: parseAggregatedRecord(data, messageStart, messageEnd) };
  } catch (error) {
    if (error instanceof ProtobufError) return { aggregated: false, reason: 'malformed' };
    throw error;
  }
}

function parseAggregatedRecord(bytes: Uint8Array, start: number, end: number): AggregatedUserRecord[] {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = new ProtobufReader(view, start, end);
  const partitionKeys: string[] = [];
  const explicitHashKeys: string[] = [];
  const records: { partitionKeyIndex: number; explicitHashKeyIndex: number; start: number; end: number }[] = [];
  while (!reader.done) {
    const key = reader.varint();
    switch (key) {
      case AGGREGATED_PARTITION_KEY_TABLE: {
        const field = reader.lengthDelimited();
        partitionKeys.push(view.toString('utf8', field.start, field.end));
        break;
      }
      case AGGREGATED_EXPLICIT_HASH_KEY_TABLE: {
        const field = reader.lengthDelimited();
        explicitHashKeys.push(view.toString('utf8', field.start, field.end));
        break;
      }
      case AGGREGATED_RECORDS: {
        const field = reader.lengthDelimited();
        records.push(parseRecord(view, field.start, field.end));
        break;
      }
      default:
        skipUnknown(reader, key);
    }
  }
  return records.map((record) => {
    const partitionKey = partitionKeys[record.partitionKeyIndex];
    if (partitionKey === undefined) {
      throw new ProtobufError(`partition_key_index ${record.partitionKeyIndex} is not in the table`);
    }
    const data = view.subarray(record.start, record.end);
    if (record.explicitHashKeyIndex < 0) return { partitionKey, data };
    const explicitHashKey = explicitHashKeys[record.explicitHashKeyIndex];
    if (explicitHashKey === undefined) {
      throw new ProtobufError(`explicit_hash_key_index ${record.explicitHashKeyIndex} is not in the table`);
    }
    return { partitionKey, explicitHashKey, data };
  });
}

function parseRecord(view: Buffer, start: number, end: number) {
  const reader = new ProtobufReader(view, start, end);
  let partitionKeyIndex: number | undefined;
  let explicitHashKeyIndex = -1;
  let data: { start: number; end: number } | undefined;
  while (!reader.done) {
    const key = reader.varint();
    switch (key) {
      case RECORD_PARTITION_KEY_INDEX:
        partitionKeyIndex = reader.varint();
        break;
      case RECORD_EXPLICIT_HASH_KEY_INDEX:
        explicitHashKeyIndex = reader.varint();
        break;
      case RECORD_DATA:
        data = reader.lengthDelimited();
        break;
      case RECORD_TAGS: {
        const tag = reader.lengthDelimited();
        checkTag(view, tag.start, tag.end);
        break;
      }
      default:
        skipUnknown(reader, key);
    }
  }
  // proto2 `required` fields: a message without them does not parse.
  if (partitionKeyIndex === undefined) throw new ProtobufError('Record without partition_key_index');
  if (data === undefined) throw new ProtobufError('Record without data');
  return { partitionKeyIndex, explicitHashKeyIndex, start: data.start, end: data.end };
}

/** A Tag must parse and carry its required key; its contents are not used. */
function checkTag(view: Buffer, start: number, end: number): void {
  const reader = new ProtobufReader(view, start, end);
  let hasKey = false;
  while (!reader.done) {
    const key = reader.varint();
    if (key === TAG_KEY) {
      reader.lengthDelimited();
      hasKey = true;
    } else skipUnknown(reader, key);
  }
  if (!hasKey) throw new ProtobufError('Tag without key');
}

function skipUnknown(reader: ProtobufReader, key: number): void {
  if (key >>> 3 === 0) throw new ProtobufError('field number 0');
  reader.skip(key & 7);
}

/** Bytes of a length-delimited string field holding `bytes` bytes (one-byte key). */
function stringFieldSize(bytes: number): number {
  return 1 + varintSize(bytes) + bytes;
}

/** Bytes of one Record message (without its own key and length). */
function recordMessageSize(partitionKeyIndex: number, explicitHashKeyIndex: number, dataLength: number): number {
  let size = 1 + varintSize(partitionKeyIndex) + 1 + varintSize(dataLength) + dataLength;
  if (explicitHashKeyIndex >= 0) size += 1 + varintSize(explicitHashKeyIndex);
  return size;
}

/** Bytes of one `records` field: key, length, Record message. */
function recordFieldSize(partitionKeyIndex: number, explicitHashKeyIndex: number, dataLength: number): number {
  const size = recordMessageSize(partitionKeyIndex, explicitHashKeyIndex, dataLength);
  return 1 + varintSize(size) + size;
}
