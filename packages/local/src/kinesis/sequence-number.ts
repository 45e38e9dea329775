/**
 * Sequence numbers of the local engine.
 *
 * AWS documents sequence numbers only as decimal strings (`0|([1-9]\d{0,128})`) that increase over time within a
 * shard; the ones it hands out are 56 digits long and start with 49. The engine's are 56 decimal digits too, and
 * readable:
 *
 * ```
 * 49 | 1732581239123 | 000003 | 00000000000000000000000000000000042
 * ── | ───────────── | ────── | ───────────────────────────────────
 *  2 | 13 digits     | 6      | 35 digits
 *    | stream created| shard  | position of the record in the shard (0, 1, 2, …)
 *    | (ms since the | index  |
 *    | epoch)        |        |
 * ```
 *
 * All numbers of one shard share the first 21 digits, and the position is dense and starts at 0, so they increase
 * strictly per shard; being of fixed length, they compare as strings exactly as they compare as numbers. The stream's
 * creation time ties a number to one incarnation of a stream name (a number from a deleted stream is rejected by its
 * successor), and the shard index lets GetShardIterator refuse a number from another shard as AWS does.
 */

export const SEQUENCE_NUMBER_DIGITS = 56;
const MARKER = '49';
const CREATED_DIGITS = 13;
const SHARD_DIGITS = 6;
const POSITION_DIGITS = SEQUENCE_NUMBER_DIGITS - MARKER.length - CREATED_DIGITS - SHARD_DIGITS;

/** Shard indexes must fit the shard field. */
export const MAX_SHARD_INDEX = 10 ** SHARD_DIGITS - 1;

/** The first 21 digits, shared by every sequence number of one shard. */
export function sequenceNumberPrefix(streamCreatedAt: number, shardIndex: number): string {
  if (shardIndex < 0 || shardIndex > MAX_SHARD_INDEX) {
    throw new RangeError(`shard index must be between 0 and ${MAX_SHARD_INDEX} (got ${shardIndex})`);
  }
  return (
    MARKER + String(streamCreatedAt).padStart(CREATED_DIGITS, '0') + String(shardIndex).padStart(SHARD_DIGITS, '0')
  );
}

export function formatSequenceNumber(prefix: string, position: number): string {
  return prefix + String(position).padStart(POSITION_DIGITS, '0');
}

export interface DecodedSequenceNumber {
  readonly streamCreatedAt: number;
  readonly shardIndex: number;
  readonly position: number;
}

const FORMAT = new RegExp(`^${MARKER}(\\d{${CREATED_DIGITS}})(\\d{${SHARD_DIGITS}})(\\d{${POSITION_DIGITS}})$`);

/** The parts of a sequence number of this engine, or undefined when it is not one. */
export function parseSequenceNumber(sequenceNumber: string): DecodedSequenceNumber | undefined {
  const match = FORMAT.exec(sequenceNumber);
  if (!match) return undefined;
  const position = Number(match[3]);
  if (!Number.isSafeInteger(position)) return undefined;
  return { streamCreatedAt: Number(match[1]), shardIndex: Number(match[2]), position };
}
