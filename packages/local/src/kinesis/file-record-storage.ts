/**
 * The durable record storage: each shard's log is a directory of append-only segment files (format in
 * `segment-file.ts`) under `<root>/<stream>-<createdAt>/<shardId>/`.
 *
 * **Writing.** `append` encodes a batch as frames and writes it with one pwrite into the active segment (the page
 * cache), fixing the records' positions at once. `flushed()` then makes them durable with group commit: one
 * `fdatasync` is in flight per shard at a time, and it covers every record appended before it started, so concurrent
 * writers share it; writers that arrive while it runs share the next one. Records become readable when their fsync
 * completes — never before — so no reader sees a record a crash could take back.
 *
 * **Segments.** A segment rolls when it reaches `segmentBytes` or its first record is older than `segmentMaxAgeMs`.
 * Before a new segment is created the old one is fsynced whole, so a crash can only ever damage the tail of the
 * newest segment. A new segment file (and a new shard directory) is durable only once its directory is fsynced; the
 * fsync that acknowledges its first records does that too.
 *
 * **Recovery.** Opening a shard reads every segment once, checks every frame's checksum and builds a sparse index
 * (position, file offset, arrival) every `INDEX_INTERVAL_BYTES`. In the newest segment the first invalid frame —
 * torn, short or with a bad checksum — and everything after it was never acknowledged, and is cut off. Anywhere else
 * an invalid frame is damage to acknowledged data: the engine refuses to open rather than silently lose records.
 *
 * **Reading.** The most recent records are kept in memory (`cacheBytesPerShard`), so consumers near the tip never
 * touch the disk. Older reads find the segment by position (or arrival), the nearest index entry before it, and scan
 * at most one index interval of frames to reach it; returned frames have their checksum checked.
 *
 * **Retention.** `trim` moves the first readable position; whole segments whose records are all trimmed are deleted.
 */
import {
  closeSync,
  existsSync,
  fdatasync,
  fdatasyncSync,
  ftruncateSync,
  openSync,
  readdirSync,
  rmSync,
  unlinkSync,
} from 'node:fs';
import path from 'node:path';
import { StreamkitError } from '@streamkit/core';
import { fsyncDirectoryAsync, makeDirectoryDurably, writeFully } from './durable-files.ts';
import type {
  RecordStorage,
  RecordToAppend,
  ShardRecordLog,
  StoredRecord,
  StreamIncarnation,
} from './record-storage.ts';
import {
  encodeFrames,
  encodeSegmentHeader,
  type Frame,
  FrameCursor,
  hasSegmentHeader,
  parseSegmentFileName,
  SEGMENT_HEADER_BYTES,
  segmentFileName,
} from './segment-file.ts';

const MiB = 1024 * 1024;
/** Distance in bytes between two entries of a segment's sparse index: the most a read scans to find its start. */
const INDEX_INTERVAL_BYTES = 16 * 1024;
/** Memory a cached record costs beyond its size (the object and its strings). */
const CACHED_RECORD_OVERHEAD = 64;
/** Evicted cache entries are cut from the array once this many have piled up (and they are half of it). */
const COMPACT_AFTER = 4096;

export interface FileRecordStorageOptions {
  /** A segment rolls once it holds this many bytes. @default 64 MiB */
  readonly segmentBytes?: number;
  /**
   * A segment also rolls once its first record is this old (ms), so that retention can delete it while it is small.
   * @default 1 hour
   */
  readonly segmentMaxAgeMs?: number;
  /** Bytes of the newest records each shard keeps in memory for reads near the tip. @default 8 MiB */
  readonly cacheBytesPerShard?: number;
}

interface ResolvedOptions {
  readonly segmentBytes: number;
  readonly segmentMaxAgeMs: number;
  readonly cacheBytesPerShard: number;
}

export class FileRecordStorage implements RecordStorage {
  /** The directory name of a stream incarnation: `<stream>-<createdAt>`. */
  static streamDirectoryName(stream: StreamIncarnation): string {
    return `${stream.streamName}-${stream.createdAt}`;
  }

  readonly directory: string;
  readonly #options: ResolvedOptions;
  readonly #logs = new Map<string, FileShardLog>();
  readonly #closing = new Set<Promise<void>>();

  /** @param directory where the stream directories live (created on the first write) */
  constructor(directory: string, options: FileRecordStorageOptions = {}) {
    this.directory = path.resolve(directory);
    this.#options = {
      segmentBytes: options.segmentBytes ?? 64 * MiB,
      segmentMaxAgeMs: options.segmentMaxAgeMs ?? 60 * 60 * 1000,
      cacheBytesPerShard: options.cacheBytesPerShard ?? 8 * MiB,
    };
  }

  openShard(stream: StreamIncarnation, shardId: string): FileShardLog {
    const directory = path.join(this.directory, FileRecordStorage.streamDirectoryName(stream), shardId);
    let log = this.#logs.get(directory);
    if (!log) {
      log = new FileShardLog(directory, this.#options);
      this.#logs.set(directory, log);
    }
    return log;
  }

  dropStream(stream: StreamIncarnation): void {
    const directory = path.join(this.directory, FileRecordStorage.streamDirectoryName(stream));
    for (const [shardDirectory, log] of this.#logs) {
      if (path.dirname(shardDirectory) !== directory) continue;
      this.#logs.delete(shardDirectory);
      const closed = log.close({ dropped: true }).finally(() => this.#closing.delete(closed));
      this.#closing.add(closed);
    }
    // Open files may still be written and fsynced: Linux keeps unlinked files alive until they are closed.
    rmSync(directory, { recursive: true, force: true });
  }

  async close(): Promise<void> {
    const logs = [...this.#logs.values()];
    this.#logs.clear();
    await Promise.all([...logs.map((log) => log.close()), ...this.#closing]);
  }
}

interface Segment {
  /** Position of its first record. */
  readonly first: number;
  readonly file: string;
  /** Open (read/write) while the segment is the active one. */
  fd: number | undefined;
  /** Bytes in the file: header and frames. */
  size: number;
  count: number;
  /** The sparse index: positions, file offsets and arrivals of some frames, the first frame always among them. */
  readonly indexPositions: number[];
  readonly indexOffsets: number[];
  readonly indexArrivals: number[];
}

interface Waiters {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

export class FileShardLog implements ShardRecordLog {
  readonly directory: string;
  readonly #options: ResolvedOptions;
  readonly #segments: Segment[] = [];
  #first = 0;
  /** One past the newest appended record. */
  #appended = 0;
  /** One past the newest durable record: the readable tip. */
  #durable = 0;
  #lastArrival = Number.NEGATIVE_INFINITY;
  #trimmedBefore = Number.NEGATIVE_INFINITY;
  /** Arrival of the record at `#first`, once looked up. */
  #firstArrival: number | undefined;

  /** The newest records, `#cache[#cacheHead]` at position `#cacheStart`, up to `#appended`. */
  #cache: StoredRecord[] = [];
  #cacheHead = 0;
  #cacheStart = 0;
  #cacheBytes = 0;

  /** The fsync in flight, the writers waiting for the next one, and what the next one must also fsync. */
  #syncing: Promise<void> | undefined;
  #waiters: Waiters | undefined;
  readonly #directoriesToSync = new Set<string>();
  /** Descriptors of rolled segments, closed once no fsync uses them. */
  readonly #retired: number[] = [];
  #failure: Error | undefined;
  #closed = false;
  #dropped = false;

  constructor(directory: string, options: ResolvedOptions) {
    this.directory = directory;
    this.#options = options;
    if (existsSync(directory)) this.#recover();
    this.#cacheStart = this.#appended;
  }

  get firstPosition(): number {
    return this.#first;
  }

  get nextPosition(): number {
    return this.#durable;
  }

  get appendedPosition(): number {
    return this.#appended;
  }

  append(records: readonly RecordToAppend[], arrival: number): number {
    if (this.#failure) throw this.#failure;
    if (this.#closed) throw new Error(`the log of ${this.directory} is closed`);
    const first = this.#appended;
    if (records.length === 0) return first;
    const stamped = Math.max(arrival, this.#lastArrival);
    const segment = this.#writableSegment(stamped);
    const { bytes, offsets } = encodeFrames(records, stamped);
    try {
      writeFully(segment.fd!, bytes, segment.size);
    } catch (error) {
      try {
        ftruncateSync(segment.fd!, segment.size);
      } catch {
        // The write failed already; a partial frame left behind fails its checksum and is cut off on recovery.
      }
      throw error;
    }
    let lastIndexed = segment.indexOffsets.at(-1) ?? Number.NEGATIVE_INFINITY;
    for (let i = 0; i < records.length; i++) {
      const offset = segment.size + offsets[i]!;
      if (offset - lastIndexed >= INDEX_INTERVAL_BYTES) {
        segment.indexPositions.push(first + i);
        segment.indexOffsets.push(offset);
        segment.indexArrivals.push(stamped);
        lastIndexed = offset;
      }
      const record = records[i]!;
      this.#cache.push({ data: record.data, partitionKey: record.partitionKey, size: record.size, arrival: stamped });
      this.#cacheBytes += record.size + CACHED_RECORD_OVERHEAD;
    }
    segment.size += bytes.length;
    segment.count += records.length;
    this.#appended = first + records.length;
    this.#lastArrival = stamped;
    this.#evictCache();
    return first;
  }

  flushed(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#durable >= this.#appended) return Promise.resolve();
    if (!this.#waiters) {
      this.#waiters = waiters();
      // Start on the next turn of the event loop, so that the requests that arrived together share one fsync.
      if (!this.#syncing) setImmediate(() => this.#startSync());
    }
    return this.#waiters.promise;
  }

  read(from: number, maxRecords: number, maxBytes: number): readonly StoredRecord[] {
    const start = Math.max(from, this.#first);
    const end = Math.min(this.#durable, start + maxRecords);
    if (start >= end) return [];
    const records: StoredRecord[] = [];
    let bytes = 0;
    let position = start;
    // From disk, up to where the cache takes over.
    if (position < this.#cacheStart) {
      let segmentIndex = this.#segmentIndexOf(position);
      while (position < end && position < this.#cacheStart && segmentIndex < this.#segments.length) {
        const segment = this.#segments[segmentIndex]!;
        const done = this.#withDescriptor(segment, (fd) => {
          const cursor = this.#cursorAt(segment, fd, position);
          while (position < end && position < this.#cacheStart && position < segment.first + segment.count) {
            const frame = this.#nextFrame(cursor, segment, true);
            if (records.length > 0 && bytes + frame.size > maxBytes) return true;
            records.push(cursor.record());
            bytes += frame.size;
            position++;
          }
          return false;
        });
        if (done) return records;
        segmentIndex++;
      }
    }
    // From the cache.
    while (position < end) {
      const record = this.#cache[this.#cacheHead + position - this.#cacheStart]!;
      if (records.length > 0 && bytes + record.size > maxBytes) break;
      records.push(record);
      bytes += record.size;
      position++;
    }
    return records;
  }

  arrivalAt(position: number): number | undefined {
    if (position < this.#first || position >= this.#durable) return undefined;
    if (position >= this.#cacheStart) return this.#cache[this.#cacheHead + position - this.#cacheStart]!.arrival;
    const segment = this.#segments[this.#segmentIndexOf(position)]!;
    return this.#withDescriptor(segment, (fd) => {
      const cursor = this.#cursorAt(segment, fd, position);
      return this.#nextFrame(cursor, segment, false).arrival;
    });
  }

  positionAt(timestamp: number): number {
    return Math.min(this.#durable, Math.max(this.#first, this.#positionAt(timestamp)));
  }

  trim(before: number): void {
    if (before <= this.#trimmedBefore) return;
    this.#trimmedBefore = before;
    if (this.#first >= this.#durable) return;
    this.#firstArrival ??= this.arrivalAt(this.#first);
    if (this.#firstArrival === undefined || this.#firstArrival >= before) return;
    const first = this.positionAt(before);
    if (first <= this.#first) return;
    this.#first = first;
    this.#firstArrival = undefined;
    if (first > this.#cacheStart) {
      const evicted = Math.min(first, this.#appended) - this.#cacheStart;
      for (let i = 0; i < evicted; i++) {
        this.#cacheBytes -= this.#cache[this.#cacheHead + i]!.size + CACHED_RECORD_OVERHEAD;
      }
      this.#cacheHead += evicted;
      this.#cacheStart += evicted;
      this.#compactCache();
    }
    // Whole segments before the one holding `first` go; the active segment always stays (it carries the tip).
    while (this.#segments.length > 1 && this.#segments[1]!.first <= first) {
      const segment = this.#segments.shift()!;
      try {
        unlinkSync(segment.file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }

  /**
   * Stops accepting appends, waits for the fsyncs in flight and closes the files. A dropped log (its stream was
   * deleted) resolves its waiting writers even if their fsync fails on the removed files.
   */
  async close(options: { readonly dropped?: boolean } = {}): Promise<void> {
    this.#closed = true;
    if (options.dropped) this.#dropped = true;
    while (this.#syncing || this.#waiters) {
      await (this.#syncing ?? this.#waiters?.promise)?.catch(() => {});
      if (!this.#syncing && this.#waiters) this.#startSync();
    }
    const active = this.#segments.at(-1);
    if (active?.fd !== undefined) {
      closeSync(active.fd);
      active.fd = undefined;
    }
    this.#closeRetired();
  }

  // --- writing ---------------------------------------------------------------------------------------------------

  /** The segment the next batch goes to: the active one, or a new one when there is none or it is due to roll. */
  #writableSegment(arrival: number): Segment {
    const active = this.#segments.at(-1);
    if (active?.fd !== undefined) {
      const full = active.size >= this.#options.segmentBytes;
      const old = active.count > 0 && arrival - active.indexArrivals[0]! >= this.#options.segmentMaxAgeMs;
      if (!full && !old) return active;
      // The old segment is made durable whole before the next one exists: only the newest one can have a torn tail.
      fdatasyncSync(active.fd);
      this.#retired.push(active.fd);
      active.fd = undefined;
      if (!this.#syncing) this.#closeRetired();
    } else {
      // The shard's first segment: its directory's parents are fsynced now, the directory itself with the records.
      makeDirectoryDurably(this.directory);
    }
    const first = this.#appended;
    const file = path.join(this.directory, segmentFileName(first));
    const fd = openSync(file, 'wx+');
    writeFully(fd, encodeSegmentHeader(first), 0);
    this.#directoriesToSync.add(this.directory);
    const segment: Segment = {
      first,
      file,
      fd,
      size: SEGMENT_HEADER_BYTES,
      count: 0,
      indexPositions: [],
      indexOffsets: [],
      indexArrivals: [],
    };
    this.#segments.push(segment);
    return segment;
  }

  #startSync(): void {
    const round = this.#waiters;
    if (!round || this.#syncing) return;
    this.#waiters = undefined;
    const target = this.#appended;
    const fd = this.#segments.at(-1)?.fd;
    const directories = [...this.#directoriesToSync];
    this.#directoriesToSync.clear();
    this.#syncing = (async () => {
      if (fd !== undefined)
        await new Promise<void>((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve())));
      for (const directory of directories) await fsyncDirectoryAsync(directory);
    })().then(
      () => {
        this.#durable = Math.max(this.#durable, target);
        this.#syncing = undefined;
        this.#closeRetired();
        round.resolve();
        if (this.#waiters) this.#startSync();
      },
      (error: unknown) => {
        this.#syncing = undefined;
        this.#closeRetired();
        if (this.#dropped) {
          round.resolve();
          if (this.#waiters) this.#startSync();
          return;
        }
        this.#failure = new Error(
          `The local Kinesis engine could not make records durable in ${this.directory} (${String(error)}); ` +
            'restart the engine: records that were not acknowledged may be lost, acknowledged ones are not',
          { cause: error },
        );
        round.reject(this.#failure);
        this.#waiters?.reject(this.#failure);
        this.#waiters = undefined;
      },
    );
  }

  #closeRetired(): void {
    for (const fd of this.#retired.splice(0)) closeSync(fd);
  }

  #evictCache(): void {
    const budget = this.#options.cacheBytesPerShard;
    // Records not yet durable stay, so that the cache always covers everything beyond what is readable from disk.
    while (this.#cacheBytes > budget && this.#cacheStart < this.#durable) {
      this.#cacheBytes -= this.#cache[this.#cacheHead]!.size + CACHED_RECORD_OVERHEAD;
      this.#cacheHead++;
      this.#cacheStart++;
    }
    this.#compactCache();
  }

  #compactCache(): void {
    if (this.#cacheHead >= COMPACT_AFTER && this.#cacheHead * 2 >= this.#cache.length) {
      this.#cache = this.#cache.slice(this.#cacheHead);
      this.#cacheHead = 0;
    }
  }

  // --- reading ---------------------------------------------------------------------------------------------------

  /** Index in `#segments` of the segment holding `position` (which must be in the log). */
  #segmentIndexOf(position: number): number {
    let low = 0;
    let high = this.#segments.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (this.#segments[middle]!.first <= position) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** Runs `use` with a descriptor of the segment: the active one's, or one opened for the occasion. */
  #withDescriptor<T>(segment: Segment, use: (fd: number) => T): T {
    if (segment.fd !== undefined) return use(segment.fd);
    const fd = openSync(segment.file, 'r');
    try {
      return use(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** A cursor whose next frame is the record at `position`, from the nearest index entry before it. */
  #cursorAt(segment: Segment, fd: number, position: number): FrameCursor {
    const entry = lastAtOrBefore(segment.indexPositions, position);
    const cursor = new FrameCursor(fd, segment.indexOffsets[entry]!, segment.size);
    for (let skip = position - segment.indexPositions[entry]!; skip > 0; skip--)
      this.#nextFrame(cursor, segment, false);
    return cursor;
  }

  #nextFrame(cursor: FrameCursor, segment: Segment, verify: boolean): Frame {
    const offset = cursor.offset;
    const frame = cursor.next(verify);
    if (typeof frame === 'object') return frame;
    throw new Error(
      `Record data in ${segment.file} is damaged at byte ${offset} (${frame ?? 'unexpected end of data'}); ` +
        'it was intact when written',
    );
  }

  /** The first position whose arrival is at or after `timestamp`, from the cache or the segments' indexes. */
  #positionAt(timestamp: number): number {
    if (this.#cacheStart < this.#appended && this.#cache[this.#cacheHead]!.arrival < timestamp) {
      let low = this.#cacheHead;
      let high = this.#cache.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (this.#cache[middle]!.arrival < timestamp) low = middle + 1;
        else high = middle;
      }
      return this.#cacheStart + low - this.#cacheHead;
    }
    // The last segment whose first record is older than `timestamp` (only the newest segment can be empty, so the
    // segments that qualify come first); the answer lies in it or at the start of the next.
    let low = 0;
    let high = this.#segments.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const segment = this.#segments[middle]!;
      if (segment.count > 0 && segment.indexArrivals[0]! < timestamp) low = middle + 1;
      else high = middle;
    }
    if (low === 0) return this.#segments[0]?.first ?? this.#appended;
    const segment = this.#segments[low - 1]!;
    const entry = lastBefore(segment.indexArrivals, timestamp);
    return this.#withDescriptor(segment, (fd) => {
      const cursor = new FrameCursor(fd, segment.indexOffsets[entry]!, segment.size);
      let position = segment.indexPositions[entry]!;
      const end = segment.first + segment.count;
      while (position < end && this.#nextFrame(cursor, segment, false).arrival < timestamp) position++;
      return position;
    });
  }

  // --- recovery --------------------------------------------------------------------------------------------------

  #recover(): void {
    const files = readdirSync(this.directory)
      .map((name) => ({ name, first: parseSegmentFileName(name) }))
      .filter((entry): entry is { name: string; first: number } => entry.first !== undefined)
      .sort((a, b) => a.first - b.first);
    files.forEach(({ name, first }, index) => {
      const newest = index === files.length - 1;
      const file = path.join(this.directory, name);
      if (index > 0 && first !== this.#appended) {
        throw damaged(file, `it should start at position ${this.#appended} but its name says ${first}`);
      }
      const fd = openSync(file, newest ? 'r+' : 'r');
      try {
        const segment = this.#scanSegment(file, fd, first, newest);
        if (newest) segment.fd = fd;
        this.#segments.push(segment);
        this.#appended = first + segment.count;
        if (segment.count > 0) this.#lastArrival = segment.indexArrivals.at(-1)!;
      } finally {
        if (!newest) closeSync(fd);
      }
    });
    this.#first = this.#segments[0]?.first ?? 0;
    this.#durable = this.#appended;
  }

  /** Reads a segment whole, checking every frame; in the newest segment, cuts off a torn tail. */
  #scanSegment(file: string, fd: number, first: number, newest: boolean): Segment {
    const segment: Segment = {
      first,
      file,
      fd: undefined,
      size: SEGMENT_HEADER_BYTES,
      count: 0,
      indexPositions: [],
      indexOffsets: [],
      indexArrivals: [],
    };
    const fileSize = FrameCursor.fileSize(fd);
    if (!hasSegmentHeader(fd, first)) {
      if (!newest) throw damaged(file, 'its header is missing or wrong');
      // Created just before a crash: nothing in it was ever acknowledged.
      ftruncateSync(fd, 0);
      writeFully(fd, encodeSegmentHeader(first), 0);
      fdatasyncSync(fd);
      return segment;
    }
    const cursor = new FrameCursor(fd, SEGMENT_HEADER_BYTES, fileSize);
    let lastIndexed = Number.NEGATIVE_INFINITY;
    let lastArrival = Number.NEGATIVE_INFINITY;
    for (;;) {
      const offset = cursor.offset;
      const frame = cursor.next(true);
      if (frame === undefined) break;
      if (typeof frame === 'string' || frame.arrival < lastArrival) {
        const problem = typeof frame === 'string' ? frame : 'arrival goes back in time';
        if (!newest) throw damaged(file, `${problem} at byte ${offset}`);
        // The torn tail of the last write before a crash: never fsynced, so never acknowledged.
        ftruncateSync(fd, offset);
        fdatasyncSync(fd);
        break;
      }
      if (offset - lastIndexed >= INDEX_INTERVAL_BYTES) {
        segment.indexPositions.push(first + segment.count);
        segment.indexOffsets.push(offset);
        segment.indexArrivals.push(frame.arrival);
        lastIndexed = offset;
      }
      lastArrival = frame.arrival;
      segment.count++;
      segment.size = offset + frame.bytes;
    }
    return segment;
  }
}

function waiters(): Waiters {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Rejections reach every writer through `flushed()`; this keeps one nobody awaits from crashing the process.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** Index of the last element of a non-decreasing array that is <= `value` (0 when none is). */
function lastAtOrBefore(values: readonly number[], value: number): number {
  let low = 0;
  let high = values.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (values[middle]! <= value) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Index of the last element of a non-decreasing array that is < `value` (0 when none is). */
function lastBefore(values: readonly number[], value: number): number {
  let low = 0;
  let high = values.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (values[middle]! < value) low = middle;
    else high = middle - 1;
  }
  return low;
}

function damaged(file: string, problem: string): StreamkitError {
  return new StreamkitError(
    'SK_CONFLICT',
    `The Kinesis data in ${file} is damaged: ${problem}. The records in it were acknowledged, so the engine will ` +
      'not start on it and silently lose them; move the data directory away to start afresh',
    { path: file },
  );
}
