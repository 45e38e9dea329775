/**
 * The compression Firehose applies to an S3 object (`CompressionFormat`), byte for byte as its readers expect:
 *
 * - `GZIP`: a gzip stream (`.gz`).
 * - `ZIP`: a zip archive with one deflated entry named by a UUID (`.zip`).
 * - `Snappy`: the snappy-java stream format (xerial): the 8-byte magic `0x82 SNAPPY 0x00`, version 1 and compatible
 *   version 1 as big-endian int32s, then blocks of at most 32 KiB, each a big-endian int32 length and a raw Snappy
 *   block. It is what the service writes for `Snappy` — not Google's framing format.
 * - `HADOOP_SNAPPY`: Hadoop's block framing (`BlockCompressorStream` with `SnappyCodec`): for each block, a big-endian
 *   int32 of its uncompressed length, then the compressed chunk as a big-endian int32 length and a raw Snappy block.
 *   Blocks hold at most what Hadoop's default 256 KiB buffer takes after its compression overhead.
 *
 * snappyjs provides the raw block codec; the framing is here.
 */
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { CompressionFormat } from '@streamkit/core';
import { zipSync } from 'fflate';
import { compress as snappyBlock } from 'snappyjs';

const gzipAsync = promisify(gzip);

/** `0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00`: the first bytes of a snappy-java stream. */
export const XERIAL_SNAPPY_MAGIC = Uint8Array.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
/** snappy-java's default block size. */
export const XERIAL_SNAPPY_BLOCK = 32 * 1024;
/** Hadoop's `io.compression.codec.snappy.buffersize` default, less `BlockCompressorStream`'s overhead (size / 6 + 32). */
export const HADOOP_SNAPPY_BLOCK = 256 * 1024 - (Math.floor((256 * 1024) / 6) + 32);

export async function compress(format: CompressionFormat, data: Uint8Array): Promise<Uint8Array> {
  switch (format) {
    case 'UNCOMPRESSED':
      return data;
    case 'GZIP':
      return new Uint8Array(await gzipAsync(data));
    case 'ZIP':
      return zipSync({ [randomUUID()]: data });
    case 'Snappy':
      return xerialSnappy(data);
    case 'HADOOP_SNAPPY':
      return hadoopSnappy(data);
  }
}

function int32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

export function xerialSnappy(data: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [XERIAL_SNAPPY_MAGIC, int32(1), int32(1)];
  for (let at = 0; at < data.byteLength; at += XERIAL_SNAPPY_BLOCK) {
    const block = snappyBlock(data.subarray(at, at + XERIAL_SNAPPY_BLOCK));
    parts.push(int32(block.byteLength), block);
  }
  return concat(parts);
}

export function hadoopSnappy(data: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < data.byteLength; at += HADOOP_SNAPPY_BLOCK) {
    const raw = data.subarray(at, at + HADOOP_SNAPPY_BLOCK);
    const block = snappyBlock(raw);
    parts.push(int32(raw.byteLength), int32(block.byteLength), block);
  }
  return concat(parts);
}
