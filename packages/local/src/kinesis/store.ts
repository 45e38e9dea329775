/**
 * The engine's state: streams, their shards, and (through a `RecordStorage`) the shards' records.
 *
 * Status transitions happen lazily against the engine's clock: a stream created with `createStreamDelayMs` is
 * CREATING until the clock passes its activation time, and a deleted one is DELETING until `deleteStreamDelayMs` has
 * passed, then gone. Every read of the store first applies the transitions that are due, so an injected clock
 * drives them deterministically and no timer outlives the engine. Retention works the same way: each shard's log
 * trims the records older than the stream's retention period when it is read (`retained-shard-log.ts`).
 *
 * With a `dataDir` the store is durable: every change to a stream is saved (`stream-snapshot.ts`) before the call
 * that made it returns, records go to the on-disk storage, and a store opened on the same directory later finds
 * every stream and every acknowledged record again. Whatever changes a `StreamEntry` calls `#persist()` after.
 */
import { arn as arns, LIMITS, LOCAL_ACCOUNT, LOCAL_REGION, StreamkitError, type StreamMode } from '@streamkit/core';
import { KinesisServiceError } from './errors.ts';
import { type HashKeyRange, hashKeyHex, splitHashKeySpace } from './hash-key.ts';
import { KinesisDataDirectory } from './kinesis-data-directory.ts';
import { MemoryRecordStorage } from './memory-record-storage.ts';
import type { RecordStorage, ShardRecordLog, StreamIncarnation } from './record-storage.ts';
import { RetainedShardLog } from './retained-shard-log.ts';
import { formatSequenceNumber, MAX_SHARD_INDEX, sequenceNumberPrefix } from './sequence-number.ts';
import { parseSnapshot, type SavedStream, serializeSnapshot } from './stream-snapshot.ts';

const HOUR_MS = 60 * 60 * 1000;

/** `shardId-000000000003` for index 3. */
export function shardIdOf(index: number): string {
  return `shardId-${String(index).padStart(12, '0')}`;
}

export type StreamStatus = 'CREATING' | 'ACTIVE' | 'DELETING' | 'UPDATING';

export interface KinesisShard {
  readonly shardId: string;
  /** Its number: `shardId-000000000003` has index 3, and is `stream.shards[3]`. */
  readonly index: number;
  readonly hashKeyRange: HashKeyRange;
  /** `hashKeyRange.start` as a 32-digit hex string (see `hash-key.ts`). */
  readonly startingHashKeyHex: string;
  /** The first 21 digits of every sequence number of this shard. */
  readonly sequenceNumberPrefix: string;
  readonly startingSequenceNumber: string;
  readonly log: ShardRecordLog;
}

export interface KinesisStream {
  readonly name: string;
  readonly arn: string;
  /** Creation time (ms since the epoch), unique per store, which identifies this incarnation of the name. */
  readonly createdAt: number;
  readonly status: StreamStatus;
  readonly mode: StreamMode;
  readonly retentionHours: number;
  /** Every shard, `shards[i].index === i`, in hash key order. */
  readonly shards: readonly KinesisShard[];
  readonly tags: Readonly<Record<string, string>>;
}

export interface KinesisStoreOptions {
  /** @default Date.now */
  readonly clock?: () => number;
  /** How long a new stream stays CREATING. @default 0 */
  readonly createStreamDelayMs?: number;
  /** How long a deleted stream stays DELETING. @default 0 */
  readonly deleteStreamDelayMs?: number;
  /**
   * Makes the engine durable: streams and records are kept under `<dataDir>/kinesis/` and found again by an engine
   * started later on the same directory (see docs/kinesis-engine.md).
   * @default - in memory: everything is gone when the engine stops
   */
  readonly dataDir?: string;
  /** Where records live; not together with `dataDir`, which brings its own. @default a new MemoryRecordStorage */
  readonly storage?: RecordStorage;
  /** @default LOCAL_REGION */
  readonly region?: string;
  /** @default LOCAL_ACCOUNT */
  readonly account?: string;
}

export interface CreateStreamParams {
  readonly name: string;
  readonly mode: StreamMode;
  readonly shardCount: number;
  readonly tags?: Readonly<Record<string, string>>;
}

/** A stream as the store keeps it: what it shows, plus its bookkeeping. Saved with `STREAM_FIELDS`. */
export interface StreamEntry extends KinesisStream {
  status: StreamStatus;
  /** When a CREATING stream becomes ACTIVE or a DELETING one disappears. */
  transitionAt: number;
  retentionHours: number;
  /**
   * Records that arrived before this time (ms) stay expired whatever the retention period: raised when the period
   * grows, because a longer period does not bring expired records back (as on AWS).
   */
  expiredBefore: number;
}

export class KinesisStore {
  readonly region: string;
  readonly account: string;
  readonly #clock: () => number;
  readonly #createDelay: number;
  readonly #deleteDelay: number;
  readonly #storage: RecordStorage;
  /** The durable engine's directory, or undefined in memory. */
  readonly dataDirectory: KinesisDataDirectory | undefined;
  readonly #streams = new Map<string, StreamEntry>();
  /** Streams waiting for a status transition. */
  readonly #pending = new Set<StreamEntry>();
  #lastCreatedAt = 0;

  constructor(options: KinesisStoreOptions = {}) {
    this.region = options.region ?? LOCAL_REGION;
    this.account = options.account ?? LOCAL_ACCOUNT;
    this.#clock = options.clock ?? Date.now;
    this.#createDelay = options.createStreamDelayMs ?? 0;
    this.#deleteDelay = options.deleteStreamDelayMs ?? 0;
    if (options.dataDir !== undefined && options.storage !== undefined) {
      throw new StreamkitError('SK_VALIDATION', 'Give the Kinesis store either a dataDir or a storage, not both', {
        path: 'storage',
      });
    }
    this.dataDirectory = options.dataDir === undefined ? undefined : KinesisDataDirectory.open(options.dataDir);
    this.#storage = this.dataDirectory?.storage ?? options.storage ?? new MemoryRecordStorage();
    if (this.dataDirectory) {
      try {
        this.#restore(this.dataDirectory);
      } catch (error) {
        this.dataDirectory.abandon();
        throw error;
      }
    }
  }

  stream(name: string): KinesisStream | undefined {
    this.#settle();
    return this.#streams.get(name);
  }

  /** Every stream, by name. */
  streams(): KinesisStream[] {
    this.#settle();
    return [...this.#streams.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Open shards of every stream of the account, which the account's shard quota counts. */
  openShardCount(): number {
    this.#settle();
    let count = 0;
    for (const stream of this.#streams.values()) count += stream.shards.length;
    return count;
  }

  createStream(params: CreateStreamParams): KinesisStream {
    this.#settle();
    if (this.#streams.has(params.name)) {
      throw new KinesisServiceError(
        'ResourceInUseException',
        `Stream ${params.name} under account ${this.account} already exists.`,
      );
    }
    const quota = LIMITS.kinesis.shardCount.max;
    const open = this.openShardCount();
    if (open + params.shardCount > quota) {
      throw new KinesisServiceError(
        'LimitExceededException',
        `This request would exceed the shard limit for the account ${this.account} in ${this.region}. ` +
          `Current limit of shards is ${quota}, ${open} are open. ` +
          `Number of additional shards that would have resulted from this request: ${params.shardCount}.`,
      );
    }
    if (params.shardCount - 1 > MAX_SHARD_INDEX) {
      throw new RangeError(`a stream holds at most ${MAX_SHARD_INDEX + 1} shards (asked for ${params.shardCount})`);
    }

    const now = this.#clock();
    // Unique, increasing creation times tell incarnations of a name apart even within one millisecond.
    const createdAt = Math.max(now, this.#lastCreatedAt + 1);
    this.#lastCreatedAt = createdAt;
    const incarnation = { streamName: params.name, createdAt };
    const shards = splitHashKeySpace(params.shardCount).map((range, index) =>
      this.#shard(incarnation, { index, hashKeyRange: range }),
    );
    const entry: StreamEntry = {
      name: params.name,
      arn: arns.stream(params.name, this.region, this.account),
      createdAt,
      status: this.#createDelay > 0 ? 'CREATING' : 'ACTIVE',
      transitionAt: now + this.#createDelay,
      mode: params.mode,
      retentionHours: LIMITS.kinesis.retentionHours.default,
      expiredBefore: 0,
      shards,
      tags: { ...params.tags },
    };
    this.#streams.set(entry.name, entry);
    try {
      this.#persist();
    } catch (error) {
      this.#streams.delete(entry.name);
      throw error;
    }
    if (entry.status === 'CREATING') this.#pending.add(entry);
    return entry;
  }

  /**
   * Sets a stream's retention period (the action has checked the value). Records that expired under the old period
   * stay expired when it grows.
   */
  setRetentionPeriod(name: string, hours: number): void {
    this.#settle();
    const entry = this.#streams.get(name);
    if (!entry) return;
    if (hours > entry.retentionHours) entry.expiredBefore = Math.max(entry.expiredBefore, this.#expiryHorizon(entry));
    entry.retentionHours = hours;
    this.#persist();
  }

  /** Finishes the writes in flight and closes the durable engine's files (nothing to do in memory). */
  async close(): Promise<void> {
    await (this.dataDirectory ?? this.#storage).close();
  }

  /** Starts deleting a stream (it must exist; the action checks its status). */
  deleteStream(name: string): void {
    this.#settle();
    const entry = this.#streams.get(name);
    if (!entry) return;
    this.#pending.delete(entry);
    if (this.#deleteDelay > 0) {
      entry.status = 'DELETING';
      entry.transitionAt = this.#clock() + this.#deleteDelay;
      this.#pending.add(entry);
      this.#persist();
    } else {
      this.#remove(entry);
    }
  }

  /** The shard whose hash key range contains `hashKeyHex` (a 32-digit hex hash key). */
  shardForHashKey(stream: KinesisStream, hashKeyHex: string): KinesisShard {
    const { shards } = stream;
    let low = 0;
    let high = shards.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (shards[middle]!.startingHashKeyHex <= hashKeyHex) low = middle;
      else high = middle - 1;
    }
    return shards[low]!;
  }

  #settle(): void {
    if (this.#pending.size === 0) return;
    const now = this.#clock();
    for (const entry of this.#pending) {
      if (now < entry.transitionAt) continue;
      this.#pending.delete(entry);
      if (entry.status === 'CREATING') entry.status = 'ACTIVE';
      else if (entry.status === 'DELETING') this.#remove(entry);
    }
  }

  #remove(entry: StreamEntry): void {
    this.#streams.delete(entry.name);
    // Saved first: a crash in between leaves record files that the next start removes, never a stream without them.
    this.#persist();
    this.#storage.dropStream({ streamName: entry.name, createdAt: entry.createdAt });
  }

  /** A shard of a stream incarnation from its saved fields (and any others a caller adds). */
  #shard<S extends { readonly index: number; readonly hashKeyRange: HashKeyRange }>(
    incarnation: StreamIncarnation,
    saved: S,
  ): KinesisShard & S {
    const shardId = shardIdOf(saved.index);
    const prefix = sequenceNumberPrefix(incarnation.createdAt, saved.index);
    const entry = () => this.#streams.get(incarnation.streamName);
    return {
      shardId,
      startingHashKeyHex: hashKeyHex(saved.hashKeyRange.start),
      sequenceNumberPrefix: prefix,
      startingSequenceNumber: formatSequenceNumber(prefix, 0),
      ...saved,
      log: new RetainedShardLog(this.#storage.openShard(incarnation, shardId), () => {
        const stream = entry();
        return stream?.createdAt === incarnation.createdAt ? this.#expiryHorizon(stream) : Number.NEGATIVE_INFINITY;
      }),
    };
  }

  /** The arrival time before which a stream's records have expired, now. */
  #expiryHorizon(entry: StreamEntry): number {
    return Math.max(this.#clock() - entry.retentionHours * HOUR_MS, entry.expiredBefore);
  }

  /** Saves every stream, durably, when the store has a data directory. */
  #persist(): void {
    this.dataDirectory?.writeStreams(serializeSnapshot(this.#lastCreatedAt, this.#streams.values()));
  }

  /** Loads the saved streams and removes the records of streams the metadata does not know. */
  #restore(directory: KinesisDataDirectory): void {
    const text = directory.readStreams();
    const snapshot = text === undefined ? undefined : parseSnapshot(text, directory.streamsFile);
    this.#lastCreatedAt = snapshot?.lastCreatedAt ?? 0;
    for (const saved of snapshot?.streams ?? []) {
      const entry = this.#restoreStream(saved);
      this.#streams.set(entry.name, entry);
      this.#lastCreatedAt = Math.max(this.#lastCreatedAt, entry.createdAt);
      if (entry.status === 'CREATING' || entry.status === 'DELETING') this.#pending.add(entry);
    }
    directory.removeUnknownStreams(
      [...this.#streams.values()].map((entry) => ({ streamName: entry.name, createdAt: entry.createdAt })),
    );
  }

  #restoreStream(saved: SavedStream): StreamEntry {
    const incarnation = { streamName: saved.stream.name, createdAt: saved.stream.createdAt };
    return {
      ...saved.stream,
      arn: arns.stream(saved.stream.name, this.region, this.account),
      shards: saved.shards.map((shard) => this.#shard(incarnation, shard)).sort((a, b) => a.index - b.index),
    };
  }
}
