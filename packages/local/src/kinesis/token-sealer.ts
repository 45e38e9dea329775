/**
 * Opaque tokens the engine hands out and later has to trust: shard iterators and `NextToken`s.
 *
 * A token is base64 of a small JSON array (its kind first, then its fields) followed by a 16-byte HMAC-SHA256 tag
 * keyed with the engine's secret, so a forged or altered token — or one issued by another engine, which has another
 * secret — is recognised and refused instead of being read as a position.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const TAG_BYTES = 16;

export const TOKEN_KINDS = {
  shardIterator: 1,
  listShardsNextToken: 2,
  listStreamsNextToken: 3,
  listStreamConsumersNextToken: 4,
} as const;
export type TokenKind = (typeof TOKEN_KINDS)[keyof typeof TOKEN_KINDS];

export type TokenField = string | number;

export class TokenSealer {
  readonly #secret: Buffer;

  /** @param secret keys the tokens' HMAC. @default 32 random bytes, so tokens die with the engine */
  constructor(secret: Uint8Array = randomBytes(32)) {
    this.#secret = Buffer.from(secret);
  }

  seal(kind: TokenKind, fields: readonly TokenField[]): string {
    const payload = Buffer.from(JSON.stringify([kind, ...fields]), 'utf8');
    return Buffer.concat([payload, this.#tag(payload)]).toString('base64');
  }

  /** The fields of a token of `kind` this engine sealed, or undefined for anything else. */
  open(kind: TokenKind, token: string): readonly unknown[] | undefined {
    const raw = Buffer.from(token, 'base64');
    if (raw.length <= TAG_BYTES || raw.toString('base64') !== token) return undefined;
    const payload = raw.subarray(0, raw.length - TAG_BYTES);
    if (!timingSafeEqual(raw.subarray(raw.length - TAG_BYTES), this.#tag(payload))) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload.toString('utf8'));
    } catch {
      return undefined;
    }
    if (!Array.isArray(parsed) || parsed[0] !== kind) return undefined;
    return parsed.slice(1);
  }

  #tag(payload: Buffer): Buffer {
    return createHmac('sha256', this.#secret).update(payload).digest().subarray(0, TAG_BYTES);
  }
}

/** Reads a non-negative safe integer field of an opened token. */
export function tokenInteger(fields: readonly unknown[], index: number): number | undefined {
  const value = fields[index];
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** Reads a string field of an opened token. */
export function tokenString(fields: readonly unknown[], index: number): string | undefined {
  const value = fields[index];
  return typeof value === 'string' ? value : undefined;
}
