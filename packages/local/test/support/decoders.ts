/**
 * Readers of what the delivery stream writes, written from the format descriptions rather than with the libraries that
 * wrote the objects: raw Snappy, the snappy-java (xerial) stream, Hadoop's block framing, and ZIP (via node:zlib).
 */
import { gunzipSync, inflateRawSync } from 'node:zlib';

/** Decodes one raw Snappy block (the format description: a varint length, then literal and copy elements). */
export function snappyDecode(input: Uint8Array): Uint8Array {
  let pos = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = input[pos++]!;
    length |= (byte & 0x7f) << shift;
    if (byte < 0x80) break;
  }
  const out = new Uint8Array(length);
  let at = 0;
  while (pos < input.length) {
    const tag = input[pos++]!;
    const type = tag & 3;
    if (type === 0) {
      let size = tag >>> 2;
      if (size >= 60) {
        const bytes = size - 59;
        size = 0;
        for (let i = 0; i < bytes; i++) size |= input[pos++]! << (8 * i);
      }
      size += 1;
      out.set(input.subarray(pos, pos + size), at);
      pos += size;
      at += size;
      continue;
    }
    let size: number;
    let offset: number;
    if (type === 1) {
      size = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | input[pos++]!;
    } else if (type === 2) {
      size = (tag >>> 2) + 1;
      offset = input[pos]! | (input[pos + 1]! << 8);
      pos += 2;
    } else {
      size = (tag >>> 2) + 1;
      offset = (input[pos]! | (input[pos + 1]! << 8) | (input[pos + 2]! << 16) | (input[pos + 3]! << 24)) >>> 0;
      pos += 4;
    }
    for (let i = 0; i < size; i++) out[at + i] = out[at - offset + i]!;
    at += size;
  }
  if (at !== length) throw new Error(`snappy block says ${length} bytes, decoded ${at}`);
  return out;
}

const int32 = (data: Uint8Array, at: number) => new DataView(data.buffer, data.byteOffset).getUint32(at);

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** snappy-java's stream: magic 0x82 SNAPPY 0x00, version, compatible version, then [length, block]… */
export function xerialDecode(data: Uint8Array): Uint8Array {
  const magic = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00];
  if (!magic.every((b, i) => data[i] === b)) throw new Error('not a snappy-java stream');
  if (int32(data, 8) !== 1 || int32(data, 12) !== 1) throw new Error('unexpected snappy-java version');
  const parts: Uint8Array[] = [];
  for (let pos = 16; pos < data.length; ) {
    const size = int32(data, pos);
    parts.push(snappyDecode(data.subarray(pos + 4, pos + 4 + size)));
    pos += 4 + size;
  }
  return concat(parts);
}

/** Hadoop's BlockDecompressorStream: [uncompressed length, then [length, chunk]… until that many bytes]… */
export function hadoopSnappyDecode(data: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let pos = 0; pos < data.length; ) {
    const blockLength = int32(data, pos);
    pos += 4;
    let decoded = 0;
    while (decoded < blockLength) {
      const size = int32(data, pos);
      const chunk = snappyDecode(data.subarray(pos + 4, pos + 4 + size));
      parts.push(chunk);
      decoded += chunk.length;
      pos += 4 + size;
    }
    if (decoded !== blockLength) throw new Error(`hadoop block says ${blockLength} bytes, decoded ${decoded}`);
  }
  return concat(parts);
}

/** The entries of a ZIP archive, read through its central directory (deflated or stored entries). */
export function unzipEntries(data: Uint8Array): { name: string; content: Uint8Array }[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let end = data.length - 22;
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end--;
  if (end < 0) throw new Error('no end of central directory');
  const count = view.getUint16(end + 10, true);
  let pos = view.getUint32(end + 16, true);
  const entries: { name: string; content: Uint8Array }[] = [];
  for (let i = 0; i < count; i++) {
    if (view.getUint32(pos, true) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = view.getUint16(pos + 10, true);
    const compressedSize = view.getUint32(pos + 20, true);
    const nameLength = view.getUint16(pos + 28, true);
    const extraLength = view.getUint16(pos + 30, true);
    const commentLength = view.getUint16(pos + 32, true);
    const local = view.getUint32(pos + 42, true);
    const name = Buffer.from(data.subarray(pos + 46, pos + 46 + nameLength)).toString('utf8');
    const localName = view.getUint16(local + 26, true);
    const localExtra = view.getUint16(local + 28, true);
    const start = local + 30 + localName + localExtra;
    const raw = data.subarray(start, start + compressedSize);
    entries.push({ name, content: method === 8 ? new Uint8Array(inflateRawSync(raw)) : raw });
    pos += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The content of an object as its extension says it is stored. */
export function decodeObject(key: string, body: Uint8Array, compression: string): Uint8Array {
  switch (compression) {
    case 'GZIP':
      if (!key.endsWith('.gz')) throw new Error(`${key} should end in .gz`);
      return new Uint8Array(gunzipSync(body));
    case 'ZIP': {
      if (!key.endsWith('.zip')) throw new Error(`${key} should end in .zip`);
      const entries = unzipEntries(body);
      if (entries.length !== 1) throw new Error(`${key} has ${entries.length} entries, not 1`);
      return entries[0]!.content;
    }
    case 'Snappy':
      if (!key.endsWith('.snappy')) throw new Error(`${key} should end in .snappy`);
      return xerialDecode(body);
    case 'HADOOP_SNAPPY':
      if (!key.endsWith('.snappy')) throw new Error(`${key} should end in .snappy`);
      return hadoopSnappyDecode(body);
    default:
      return body;
  }
}
