/**
 * Retention, applied lazily: the log every shard of the store reads through. Before it answers anything about the
 * head of the log it trims the records that arrived before the stream's retention horizon, so TRIM_HORIZON moves
 * forward, `firstPosition` advances and expired records are never returned — without a timer, against whatever
 * clock the engine runs on. The storage underneath frees the space of trimmed records when it likes.
 */
import type { RecordToAppend, ShardRecordLog, StoredRecord } from './record-storage.ts';

export class RetainedShardLog implements ShardRecordLog {
  readonly #log: ShardRecordLog;
  readonly #horizon: () => number;
  #trimmedBefore = Number.NEGATIVE_INFINITY;

  /** @param horizon the arrival time (ms) before which records have expired, now */
  constructor(log: ShardRecordLog, horizon: () => number) {
    this.#log = log;
    this.#horizon = horizon;
  }

  get firstPosition(): number {
    this.#applyRetention();
    return this.#log.firstPosition;
  }

  get nextPosition(): number {
    return this.#log.nextPosition;
  }

  get appendedPosition(): number {
    return this.#log.appendedPosition;
  }

  append(records: readonly RecordToAppend[], arrival: number): number {
    return this.#log.append(records, arrival);
  }

  flushed(): Promise<void> {
    return this.#log.flushed();
  }

  read(from: number, maxRecords: number, maxBytes: number): readonly StoredRecord[] {
    this.#applyRetention();
    return this.#log.read(Math.max(from, this.#log.firstPosition), maxRecords, maxBytes);
  }

  arrivalAt(position: number): number | undefined {
    this.#applyRetention();
    return position < this.#log.firstPosition ? undefined : this.#log.arrivalAt(position);
  }

  positionAt(timestamp: number): number {
    this.#applyRetention();
    return Math.max(this.#log.positionAt(timestamp), this.#log.firstPosition);
  }

  trim(before: number): void {
    this.#log.trim(before);
  }

  #applyRetention(): void {
    const horizon = this.#horizon();
    if (horizon <= this.#trimmedBefore) return;
    this.#trimmedBefore = horizon;
    this.#log.trim(horizon);
  }
}
