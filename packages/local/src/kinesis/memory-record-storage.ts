/**
 * The in-memory record storage: one array per shard. Appends are amortised O(1) pushes, a read by position is an
 * array slice, and a read at a timestamp is a binary search over the (non-decreasing) arrival times. Records are
 * readable as soon as they are appended (`flushed()` resolves at once), and retention drops them from the array.
 */
import type {
  RecordStorage,
  RecordToAppend,
  ShardRecordLog,
  StoredRecord,
  StreamIncarnation,
} from './record-storage.ts';

/** Trimmed records are cut from the array once this many have piled up (and they are half of it). */
const COMPACT_AFTER = 4096;

export class MemoryShardLog implements ShardRecordLog {
  #records: StoredRecord[] = [];
  /** Position of `#records[0]`. */
  #base = 0;
  /** Position of the first readable record (`#base` plus the trimmed records still in the array). */
  #first = 0;

  get firstPosition(): number {
    return this.#first;
  }

  get nextPosition(): number {
    return this.#base + this.#records.length;
  }

  /** In memory every appended record is readable at once. */
  get appendedPosition(): number {
    return this.nextPosition;
  }

  append(records: readonly RecordToAppend[], arrival: number): number {
    const first = this.nextPosition;
    const last = this.#records.at(-1);
    const stamped = last !== undefined && last.arrival > arrival ? last.arrival : arrival;
    for (const record of records) {
      this.#records.push({ data: record.data, partitionKey: record.partitionKey, size: record.size, arrival: stamped });
    }
    return first;
  }

  flushed(): Promise<void> {
    return Promise.resolve();
  }

  read(from: number, maxRecords: number, maxBytes: number): readonly StoredRecord[] {
    const start = Math.max(from, this.#first) - this.#base;
    const end = Math.min(this.#records.length, start + maxRecords);
    let bytes = 0;
    let stop = start;
    while (stop < end) {
      const size = this.#records[stop]!.size;
      if (stop > start && bytes + size > maxBytes) break;
      bytes += size;
      stop++;
    }
    return this.#records.slice(start, stop);
  }

  arrivalAt(position: number): number | undefined {
    return position < this.#first ? undefined : this.#records[position - this.#base]?.arrival;
  }

  positionAt(timestamp: number): number {
    let low = this.#first - this.#base;
    let high = this.#records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#records[middle]!.arrival < timestamp) low = middle + 1;
      else high = middle;
    }
    return this.#base + low;
  }

  trim(before: number): void {
    const first = this.positionAt(before);
    if (first <= this.#first) return;
    this.#first = first;
    const trimmed = first - this.#base;
    if (trimmed >= COMPACT_AFTER && trimmed * 2 >= this.#records.length) {
      this.#records = this.#records.slice(trimmed);
      this.#base = first;
    }
  }
}

export class MemoryRecordStorage implements RecordStorage {
  readonly #logs = new Map<string, MemoryShardLog>();

  openShard(stream: StreamIncarnation, shardId: string): ShardRecordLog {
    const key = `${incarnationKey(stream)}/${shardId}`;
    let log = this.#logs.get(key);
    if (!log) {
      log = new MemoryShardLog();
      this.#logs.set(key, log);
    }
    return log;
  }

  dropStream(stream: StreamIncarnation): void {
    const prefix = `${incarnationKey(stream)}/`;
    for (const key of this.#logs.keys()) {
      if (key.startsWith(prefix)) this.#logs.delete(key);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function incarnationKey(stream: StreamIncarnation): string {
  return `${stream.streamName}@${stream.createdAt}`;
}
