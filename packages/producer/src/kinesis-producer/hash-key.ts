/**
 * Hash keys as the producer handles them: 32-digit lowercase hex strings, whose string order is their numeric order,
 * so predicting a shard is one MD5 and a binary search of string comparisons. On the wire (ListShards, PutRecords)
 * hash keys are decimal strings.
 */
import { hash } from 'node:crypto';

const HEX_DIGITS = 32;
export const MAX_HASH_KEY = (1n << 128n) - 1n;
const EXPLICIT_HASH_KEY_PATTERN = /^(0|[1-9]\d{0,38})$/;

/** The hash key of a partition key: the MD5 of its UTF-8 bytes, as Kinesis computes it. */
export function partitionKeyHashKey(partitionKey: string): string {
  return hash('md5', partitionKey, 'hex');
}

/** True for a decimal string Kinesis accepts as an ExplicitHashKey (0 to 2^128 − 1). */
export function isExplicitHashKey(value: unknown): value is string {
  return typeof value === 'string' && EXPLICIT_HASH_KEY_PATTERN.test(value) && BigInt(value) <= MAX_HASH_KEY;
}

/** A decimal hash key (already checked by `isExplicitHashKey`) as hex. */
export function decimalToHashKey(decimal: string): string {
  return BigInt(decimal).toString(16).padStart(HEX_DIGITS, '0');
}

/** A hex hash key as the decimal string of the wire. */
export function hashKeyToDecimal(hex: string): string {
  return BigInt(`0x${hex}`).toString(10);
}
