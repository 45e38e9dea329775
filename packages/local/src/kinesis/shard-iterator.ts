/**
 * Shard iterators: opaque tokens naming a stream incarnation, a shard and the position of the next record to read,
 * stamped with the time they were issued. GetRecords refuses one older than `LIMITS.kinesis.shardIteratorTtlSeconds`
 * with ExpiredIteratorException and one it did not issue with InvalidArgumentException, as AWS does.
 */
import { TOKEN_KINDS, type TokenSealer, tokenInteger, tokenString } from './token-sealer.ts';

export interface ShardIteratorState {
  readonly streamName: string;
  /** Creation time of the stream incarnation (ms), so an iterator does not outlive its stream's deletion. */
  readonly streamCreatedAt: number;
  readonly shardIndex: number;
  /** Position in the shard of the next record to return. */
  readonly position: number;
  /** When the iterator was issued (ms since the epoch). */
  readonly issuedAt: number;
}

export function encodeShardIterator(sealer: TokenSealer, state: ShardIteratorState): string {
  return sealer.seal(TOKEN_KINDS.shardIterator, [
    state.streamName,
    state.streamCreatedAt,
    state.shardIndex,
    state.position,
    state.issuedAt,
  ]);
}

/** The state of an iterator this engine issued, or undefined when it did not issue it (or it was altered). */
export function decodeShardIterator(sealer: TokenSealer, iterator: string): ShardIteratorState | undefined {
  const fields = sealer.open(TOKEN_KINDS.shardIterator, iterator);
  if (fields?.length !== 5) return undefined;
  const streamName = tokenString(fields, 0);
  const streamCreatedAt = tokenInteger(fields, 1);
  const shardIndex = tokenInteger(fields, 2);
  const position = tokenInteger(fields, 3);
  const issuedAt = tokenInteger(fields, 4);
  if (
    streamName === undefined ||
    streamCreatedAt === undefined ||
    shardIndex === undefined ||
    position === undefined ||
    issuedAt === undefined
  ) {
    return undefined;
  }
  return { streamName, streamCreatedAt, shardIndex, position, issuedAt };
}
