/**
 * Where the records of each shard live. The engine only appends to a shard's log and reads it by position, so a log
 * is all a storage has to provide: the in-memory one (`memory-record-storage.ts`) is the default, and the durable,
 * on-disk one (`file-record-storage.ts`) takes its place without the actions changing.
 *
 * Positions are dense per shard: the first record ever appended is at 0, the next at 1, and so on. Retention trims
 * the head of a log, which moves `firstPosition` but never renumbers a record.
 *
 * Appending is synchronous (it fixes the records' positions), making them durable is not: a writer awaits
 * `flushed()` before it acknowledges anything, and readers see a record only once it is durable — so no reader ever
 * sees a record that a crash could take back.
 */

/** A record as the engine keeps it. */
export interface StoredRecord {
  /** The data blob, base64-encoded exactly as it came in over the wire (and as GetRecords sends it back). */
  readonly data: string;
  readonly partitionKey: string;
  /** ApproximateArrivalTimestamp, in ms since the epoch. Never decreases along a log. */
  readonly arrival: number;
  /** Bytes the record counts for: its decoded data plus its partition key's UTF-8 bytes. */
  readonly size: number;
}

/** The data of a record to append; the log stamps its arrival time. */
export type RecordToAppend = Omit<StoredRecord, 'arrival'>;

export interface ShardRecordLog {
  /** Position of the oldest record still readable (the trim horizon). */
  readonly firstPosition: number;
  /**
   * One past the newest readable (durable) record: the tip. Records appended but not yet flushed lie beyond it, so
   * it is also the position the next record gets whenever no write is in flight.
   */
  readonly nextPosition: number;
  /**
   * One past the newest appended record, durable yet or not: where a shard that closes now ends, and from where a
   * change applies to records written after it (`nextPosition` once no write is in flight).
   */
  readonly appendedPosition: number;
  /**
   * Appends records in order, all stamped with `arrival` (raised to the previous record's arrival if the clock went
   * back, so arrivals never decrease). Returns the position of the first one; the others follow it. The records are
   * readable, and may be acknowledged, once `flushed()` resolves.
   */
  append(records: readonly RecordToAppend[], arrival: number): number;
  /**
   * Resolves once every record appended so far is durable and readable. Concurrent writers share the work (group
   * commit: one fsync covers every record appended before it started). Rejects when the storage could not make them
   * durable; the log then refuses further appends.
   */
  flushed(): Promise<void>;
  /**
   * Retention: makes every record that arrived before `before` (ms) unreadable, moving `firstPosition` past them.
   * Never moves backwards; the storage frees their space when it likes.
   */
  trim(before: number): void;
  /**
   * Records from `from` on: at most `maxRecords`, and no more than `maxBytes` of record sizes — except that the first
   * available record is always returned, whatever its size.
   */
  read(from: number, maxRecords: number, maxBytes: number): readonly StoredRecord[];
  /** Arrival time (ms) of the record at `position`, or undefined when there is none (trimmed or not yet written). */
  arrivalAt(position: number): number | undefined;
  /** Position of the first record that arrived at or after `timestamp` (ms), or `nextPosition` if none has. */
  positionAt(timestamp: number): number;
}

/** Identifies one incarnation of a stream (a stream deleted and created again is another one). */
export interface StreamIncarnation {
  readonly streamName: string;
  readonly createdAt: number;
}

export interface RecordStorage {
  /** The log of a shard, created empty if the storage has none yet. */
  openShard(stream: StreamIncarnation, shardId: string): ShardRecordLog;
  /** Forgets every record of a deleted stream. */
  dropStream(stream: StreamIncarnation): void;
  /** Waits for writes in flight and releases files; the storage is not used afterwards. */
  close(): Promise<void>;
}
