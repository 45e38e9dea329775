/**
 * The 128-bit hash key space of a stream: partition key → MD5 → hash key → the shard whose range contains it.
 *
 * Hash keys travel on the wire as decimal strings. Inside the engine they are 32-digit lowercase hex strings, whose
 * string order is their numeric order, so routing a record is one MD5 and a binary search of string comparisons.
 */
import { hash } from 'node:crypto';

export const HASH_KEY_BITS = 128;
export const MAX_HASH_KEY = (1n << BigInt(HASH_KEY_BITS)) - 1n;
const HEX_DIGITS = HASH_KEY_BITS / 4;

/** The hash key of a partition key: the MD5 of its UTF-8 bytes read as an unsigned 128-bit integer, as AWS does. */
export function partitionKeyHashKey(partitionKey: string): string {
  return hash('md5', partitionKey, 'hex');
}

/** A hash key as the engine's 32-digit hex string. */
export function hashKeyHex(value: bigint): string {
  return value.toString(16).padStart(HEX_DIGITS, '0');
}

/**
 * An `ExplicitHashKey` (a decimal string that already matched `0|([1-9]\d{0,38})`) as a hex hash key, or undefined
 * when it lies outside [0, 2^128 - 1].
 */
export function explicitHashKeyHex(decimal: string): string | undefined {
  const value = BigInt(decimal);
  return value > MAX_HASH_KEY ? undefined : hashKeyHex(value);
}

export interface HashKeyRange {
  readonly start: bigint;
  readonly end: bigint;
}

/**
 * Splits the hash key space into `count` contiguous ranges like AWS does for a new stream: each range is
 * floor(2^128 / count) keys wide and the last one runs to 2^128 - 1.
 */
export function splitHashKeySpace(count: number): HashKeyRange[] {
  const width = (MAX_HASH_KEY + 1n) / BigInt(count);
  return Array.from({ length: count }, (_, i) => ({
    start: width * BigInt(i),
    end: i === count - 1 ? MAX_HASH_KEY : width * BigInt(i + 1) - 1n,
  }));
}
