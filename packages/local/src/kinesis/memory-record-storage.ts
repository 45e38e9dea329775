/**
 * The in-memory record storage: one array per shard. Appends are amortised O(1) pushes, a read by position is an
 * array slice, and a read at a timestamp is a binary search over the (non-decreasing) arrival times.
 */
import type {
  RecordStorage,
  RecordToAppend,
  ShardRecordLog,
  StoredRecord,
  StreamIncarnation,
} from './record-storage.ts';

export class MemoryShardLog implements ShardRecordLog {
  readonly #records: StoredRecord[] = [];

  get firstPosition(): number {
    return 0;
  }

  get nextPosition(): number {
    return this.#records.length;
  }

  append(records: readonly RecordToAppend[], arrival: number): number {
    const first = this.#records.length;
    const last = this.#records[first - 1];
    const stamped = last !== undefined && last.arrival > arrival ? last.arrival : arrival;
    for (const record of records) {
      this.#records.push({ data: record.data, partitionKey: record.partitionKey, size: record.size, arrival: stamped });
    }
    return first;
  }

  read(from: number, maxRecords: number, maxBytes: number): readonly StoredRecord[] {
    const start = Math.max(from, 0);
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
    return this.#records[position]?.arrival;
  }

  positionAt(timestamp: number): number {
    let low = 0;
    let high = this.#records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#records[middle]!.arrival < timestamp) low = middle + 1;
      else high = middle;
    }
    return low;
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
}

function incarnationKey(stream: StreamIncarnation): string {
  return `${stream.streamName}@${stream.createdAt}`;
}
