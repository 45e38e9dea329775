/**
 * The engine's state: streams, their shards, and (through a `RecordStorage`) the shards' records.
 *
 * Status transitions happen lazily against the engine's clock: a stream created with `createStreamDelayMs` is
 * CREATING until the clock passes its activation time, and a deleted one is DELETING until `deleteStreamDelayMs` has
 * passed, then gone. An update (resharding, a capacity mode switch, encryption, enhanced monitoring) keeps a stream
 * UPDATING for `updateStreamDelayMs`; a reshard's splits and merges take effect when it ends, as on AWS, where the
 * parent shards take writes until then. Stream consumers go CREATING → ACTIVE and DELETING → gone the same way. Every
 * read of the store first applies the transitions that are due, so an injected clock drives them deterministically
 * and no timer outlives the engine. Retention works the same way: each shard's log trims the records older than the
 * stream's retention period when it is read (`retained-shard-log.ts`).
 *
 * Everything the store keeps about a stream besides its record logs is plain data (strings, numbers, arrays, plain
 * objects), so that it can be written to disk as it is. With a `dataDir` the store is durable: every change to a
 * stream is saved (`stream-snapshot.ts`) before the call that made it returns, records go to the on-disk storage, and
 * a store opened on the same directory later finds every stream and every acknowledged record again. Whatever
 * changes a `StreamEntry` calls `#persist()` after.
 */
import {
  arn as arns,
  LIMITS,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  type ShardLevelMetric,
  StreamkitError,
  type StreamMode,
} from '@streamkit/core';
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
export type ConsumerStatus = 'CREATING' | 'ACTIVE' | 'DELETING';
export type EncryptionType = 'NONE' | 'KMS';

export interface KinesisShard {
  readonly shardId: string;
  /**
   * Its number: `shardId-000000000003` has index 3, and is `stream.shards[3]`. Shards a reshard opens continue the
   * numbering, so a child always has a higher index than its parents (see `sequence-number.ts` for why that matters).
   */
  readonly index: number;
  readonly hashKeyRange: HashKeyRange;
  /** `hashKeyRange.start` as a 32-digit hex string (see `hash-key.ts`). */
  readonly startingHashKeyHex: string;
  /** The first 21 digits of every sequence number of this shard. */
  readonly sequenceNumberPrefix: string;
  readonly startingSequenceNumber: string;
  readonly log: ShardRecordLog;
  /** The shard it was split from, or the first of the two it was merged from; undefined for a stream's first shards. */
  readonly parentShardId?: string | undefined;
  /** The second shard of the merge that opened it. */
  readonly adjacentParentShardId?: string | undefined;
  /** When it opened (ms since the epoch): its stream's creation, or the end of the reshard that opened it. */
  readonly openedAt: number;
  /** When a reshard closed it (ms since the epoch); undefined while it is open. */
  readonly closedAt?: number | undefined;
  /** Once closed, the position one past its last record; its log takes no more records. Undefined while open. */
  readonly endingPosition?: number | undefined;
  /**
   * Positions at which server-side encryption was switched on, off, on… for this shard's records: a record is
   * encrypted when an odd number of them are at or before its position (see `encryption.ts`).
   */
  readonly encryptionSwitches: readonly number[];
}

/** An enhanced fan-out consumer registered with a stream. */
export interface StreamConsumer {
  readonly name: string;
  /** `arn:aws:kinesis:<region>:<account>:stream/<stream>/consumer/<name>:<creation, epoch seconds>`. */
  readonly arn: string;
  readonly status: ConsumerStatus;
  /** Registration time (ms since the epoch). */
  readonly createdAt: number;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * One step of a reshard, as plain data: a split of an open shard at `newStartingHashKey` (decimal) into two children,
 * or a merge of two adjacent open shards into one. Children take the next free shard indexes, in the order of the
 * steps: a split's lower child first. A step may act on a shard an earlier step opened (see `resharding.ts`).
 */
export type ReshardOperation =
  | { readonly kind: 'split'; readonly shardIndex: number; readonly newStartingHashKey: string }
  | { readonly kind: 'merge'; readonly shardIndex: number; readonly adjacentShardIndex: number };

export interface KinesisStream {
  readonly name: string;
  readonly arn: string;
  /** Creation time (ms since the epoch), unique per store, which identifies this incarnation of the name. */
  readonly createdAt: number;
  readonly status: StreamStatus;
  readonly mode: StreamMode;
  readonly retentionHours: number;
  /** Every shard, open or closed, `shards[i].index === i`. */
  readonly shards: readonly KinesisShard[];
  /** Indexes of the open shards, in hash key order: the shards that take writes. */
  readonly openShardIndexes: readonly number[];
  readonly tags: Readonly<Record<string, string>>;
  readonly encryptionType: EncryptionType;
  /** The KMS key of an encrypted stream. */
  readonly keyId: string | undefined;
  /** Enhanced (shard-level) metrics enabled, in the order AWS lists them. */
  readonly shardLevelMetrics: readonly ShardLevelMetric[];
  /** Registered consumers, in registration order. */
  readonly consumers: readonly StreamConsumer[];
  /** When UpdateShardCount changed this stream (ms since the epoch), oldest first, for its per-day limit. */
  readonly shardCountUpdates: readonly number[];
  /** When UpdateStreamMode switched this stream's capacity mode (ms since the epoch), oldest first. */
  readonly streamModeUpdates: readonly number[];
}

export interface KinesisStoreOptions {
  /** @default Date.now */
  readonly clock?: () => number;
  /** How long a new stream stays CREATING. @default 0 */
  readonly createStreamDelayMs?: number;
  /** How long a deleted stream stays DELETING. @default 0 */
  readonly deleteStreamDelayMs?: number;
  /**
   * How long a stream stays UPDATING after a reshard, a capacity mode switch, or an encryption or enhanced monitoring
   * change. A reshard's new shards open (and its parents close) when it ends.
   * @default 0
   */
  readonly updateStreamDelayMs?: number;
  /** How long a new stream consumer stays CREATING. @default 0 */
  readonly registerStreamConsumerDelayMs?: number;
  /** How long a deregistered stream consumer stays DELETING. @default 0 */
  readonly deregisterStreamConsumerDelayMs?: number;
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

/** A shard as the store keeps it. Saved with `SHARD_FIELDS`. */
export interface ShardEntry extends KinesisShard {
  closedAt?: number | undefined;
  endingPosition?: number | undefined;
  encryptionSwitches: number[];
}

export interface ConsumerEntry extends StreamConsumer {
  status: ConsumerStatus;
  /** When a CREATING consumer becomes ACTIVE or a DELETING one disappears. */
  transitionAt: number;
  tags: Record<string, string>;
}

/** A stream as the store keeps it: what it shows, plus its bookkeeping. Saved with `STREAM_FIELDS`. */
export interface StreamEntry extends KinesisStream {
  status: StreamStatus;
  /** When a CREATING or UPDATING stream becomes ACTIVE, or a DELETING one disappears. */
  transitionAt: number;
  mode: StreamMode;
  retentionHours: number;
  /**
   * Records that arrived before this time (ms) stay expired whatever the retention period: raised when the period
   * grows, because a longer period does not bring expired records back (as on AWS).
   */
  expiredBefore: number;
  shards: ShardEntry[];
  openShardIndexes: number[];
  tags: Record<string, string>;
  encryptionType: EncryptionType;
  keyId: string | undefined;
  shardLevelMetrics: ShardLevelMetric[];
  consumers: ConsumerEntry[];
  shardCountUpdates: number[];
  streamModeUpdates: number[];
  /** The splits and merges to apply when the current update ends. */
  pendingReshard: ReshardOperation[];
}

export class KinesisStore {
  readonly region: string;
  readonly account: string;
  readonly #clock: () => number;
  readonly #createDelay: number;
  readonly #deleteDelay: number;
  readonly #updateDelay: number;
  readonly #registerConsumerDelay: number;
  readonly #deregisterConsumerDelay: number;
  readonly #storage: RecordStorage;
  /** The durable engine's directory, or undefined in memory. */
  readonly dataDirectory: KinesisDataDirectory | undefined;
  readonly #streams = new Map<string, StreamEntry>();
  /** Streams waiting for a status transition of their own or of one of their consumers. */
  readonly #pending = new Set<StreamEntry>();
  #lastCreatedAt = 0;
  #lastConsumerEpochSeconds = 0;

  constructor(options: KinesisStoreOptions = {}) {
    this.region = options.region ?? LOCAL_REGION;
    this.account = options.account ?? LOCAL_ACCOUNT;
    this.#clock = options.clock ?? Date.now;
    this.#createDelay = options.createStreamDelayMs ?? 0;
    this.#deleteDelay = options.deleteStreamDelayMs ?? 0;
    this.#updateDelay = options.updateStreamDelayMs ?? 0;
    this.#registerConsumerDelay = options.registerStreamConsumerDelayMs ?? 0;
    this.#deregisterConsumerDelay = options.deregisterStreamConsumerDelayMs ?? 0;
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
    for (const stream of this.#streams.values()) count += stream.openShardIndexes.length;
    return count;
  }

  /** Throws LimitExceededException when `additional` more open shards would exceed the account's shard quota. */
  checkShardQuota(additional: number): void {
    const quota = LIMITS.kinesis.shardCount.max;
    const open = this.openShardCount();
    if (open + additional > quota) {
      throw new KinesisServiceError(
        'LimitExceededException',
        `This request would exceed the shard limit for the account ${this.account} in ${this.region}. ` +
          `Current limit of shards is ${quota}, ${open} are open. ` +
          `Number of additional shards that would have resulted from this request: ${additional}.`,
      );
    }
  }

  createStream(params: CreateStreamParams): KinesisStream {
    this.#settle();
    if (this.#streams.has(params.name)) {
      throw new KinesisServiceError(
        'ResourceInUseException',
        `Stream ${params.name} under account ${this.account} already exists.`,
      );
    }
    this.checkShardQuota(params.shardCount);
    if (params.shardCount - 1 > MAX_SHARD_INDEX) {
      throw new RangeError(`a stream holds at most ${MAX_SHARD_INDEX + 1} shards (asked for ${params.shardCount})`);
    }

    const now = this.#clock();
    // Unique, increasing creation times tell incarnations of a name apart even within one millisecond.
    const createdAt = Math.max(now, this.#lastCreatedAt + 1);
    this.#lastCreatedAt = createdAt;
    const incarnation = { streamName: params.name, createdAt };
    const shards = splitHashKeySpace(params.shardCount).map((range, index) =>
      this.#newShard(incarnation, index, range, createdAt),
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
      openShardIndexes: shards.map((shard) => shard.index),
      tags: { ...params.tags },
      encryptionType: 'NONE',
      keyId: undefined,
      shardLevelMetrics: [],
      consumers: [],
      shardCountUpdates: [],
      streamModeUpdates: [],
      pendingReshard: [],
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
    // Its consumers go with it (DeleteStream checks EnforceConsumerDeletion first).
    entry.consumers = [];
    if (this.#deleteDelay > 0) {
      entry.status = 'DELETING';
      entry.transitionAt = this.#clock() + this.#deleteDelay;
      this.#pending.add(entry);
      this.#persist();
    } else {
      this.#remove(entry);
    }
  }

  /** The open shard whose hash key range contains `hashKeyHex` (a 32-digit hex hash key): where a write goes. */
  shardForHashKey(stream: KinesisStream, hashKeyHex: string): KinesisShard {
    const { shards, openShardIndexes } = stream;
    let low = 0;
    let high = openShardIndexes.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (shards[openShardIndexes[middle]!]!.startingHashKeyHex <= hashKeyHex) low = middle;
      else high = middle - 1;
    }
    return shards[openShardIndexes[low]!]!;
  }

  // --- updates ---------------------------------------------------------------------------------------------------

  /**
   * Starts an update of an ACTIVE stream (the action checks the status): UPDATING for `updateStreamDelayMs`, then
   * ACTIVE again, when `reshard`'s splits and merges are applied in order. Without a delay they apply at once and the
   * stream stays ACTIVE.
   */
  beginUpdate(stream: KinesisStream, reshard: readonly ReshardOperation[] = []): void {
    const entry = this.#entry(stream);
    entry.pendingReshard = [...reshard];
    const now = this.#clock();
    if (this.#updateDelay > 0) {
      entry.status = 'UPDATING';
      entry.transitionAt = now + this.#updateDelay;
      this.#pending.add(entry);
    } else {
      this.#applyReshard(entry, now);
    }
    this.#persist();
  }

  /** Records a call of UpdateShardCount, for its per-day limit; forgets calls older than `since`. */
  recordShardCountUpdate(stream: KinesisStream, since: number): void {
    const entry = this.#entry(stream);
    entry.shardCountUpdates = [...entry.shardCountUpdates.filter((at) => at > since), this.#clock()];
    this.#persist();
  }

  /** Switches the capacity mode (and records the switch, for its per-day limit; forgets those older than `since`). */
  setStreamMode(stream: KinesisStream, mode: StreamMode, since: number): void {
    const entry = this.#entry(stream);
    entry.mode = mode;
    entry.streamModeUpdates = [...entry.streamModeUpdates.filter((at) => at > since), this.#clock()];
    this.#persist();
  }

  /**
   * Encrypts the records written from now on with `keyId`, or stops encrypting them (`keyId` undefined). Records
   * already written keep the encryption they were written with.
   */
  setEncryption(stream: KinesisStream, keyId: string | undefined): void {
    const entry = this.#entry(stream);
    const type: EncryptionType = keyId === undefined ? 'NONE' : 'KMS';
    if (type !== entry.encryptionType) {
      for (const index of entry.openShardIndexes) {
        const shard = entry.shards[index]!;
        // Past every record appended so far, durable yet or not: only records written from now on change.
        shard.encryptionSwitches.push(shard.log.appendedPosition);
      }
    }
    entry.encryptionType = type;
    entry.keyId = keyId;
    this.#persist();
  }

  setShardLevelMetrics(stream: KinesisStream, metrics: readonly ShardLevelMetric[]): void {
    this.#entry(stream).shardLevelMetrics = [...metrics];
    this.#persist();
  }

  /** Replaces the tags of a stream or of a stream consumer. */
  setTags(resource: KinesisStream | StreamConsumer, tags: Readonly<Record<string, string>>): void {
    const entry = 'consumers' in resource ? this.#entry(resource) : this.#consumerEntry(resource);
    entry.tags = { ...tags };
    this.#persist();
  }

  // --- consumers -------------------------------------------------------------------------------------------------

  /** Registers a consumer (the action checks names and limits): CREATING for `registerStreamConsumerDelayMs`. */
  registerConsumer(stream: KinesisStream, name: string, tags: Readonly<Record<string, string>> = {}): StreamConsumer {
    const entry = this.#entry(stream);
    const now = this.#clock();
    // The ARN ends with the creation time in seconds; unique, increasing values tell registrations of one name apart.
    const epochSeconds = Math.max(Math.floor(now / 1000), this.#lastConsumerEpochSeconds + 1);
    this.#lastConsumerEpochSeconds = epochSeconds;
    const consumer: ConsumerEntry = {
      name,
      arn: `${entry.arn}/consumer/${name}:${epochSeconds}`,
      status: this.#registerConsumerDelay > 0 ? 'CREATING' : 'ACTIVE',
      createdAt: now,
      transitionAt: now + this.#registerConsumerDelay,
      tags: { ...tags },
    };
    entry.consumers.push(consumer);
    if (consumer.status === 'CREATING') this.#pending.add(entry);
    this.#persist();
    return consumer;
  }

  /** Starts deregistering a consumer: DELETING for `deregisterStreamConsumerDelayMs`, then gone. */
  deregisterConsumer(stream: KinesisStream, consumer: StreamConsumer): void {
    const entry = this.#entry(stream);
    const consumerEntry = this.#consumerEntry(consumer);
    if (this.#deregisterConsumerDelay > 0) {
      consumerEntry.status = 'DELETING';
      consumerEntry.transitionAt = this.#clock() + this.#deregisterConsumerDelay;
      this.#pending.add(entry);
    } else {
      entry.consumers = entry.consumers.filter((c) => c !== consumerEntry);
    }
    this.#persist();
  }

  // --- internals -------------------------------------------------------------------------------------------------

  #entry(stream: KinesisStream): StreamEntry {
    const entry = this.#streams.get(stream.name);
    if (entry !== stream) throw new Error(`stream ${stream.name} (created at ${stream.createdAt}) no longer exists`);
    return entry;
  }

  #consumerEntry(consumer: StreamConsumer): ConsumerEntry {
    for (const stream of this.#streams.values()) {
      const entry = stream.consumers.find((c) => c === consumer);
      if (entry) return entry;
    }
    throw new Error(`consumer ${consumer.arn} no longer exists`);
  }

  #newShard(
    incarnation: StreamIncarnation,
    index: number,
    range: HashKeyRange,
    openedAt: number,
    lineage: Pick<KinesisShard, 'parentShardId' | 'adjacentParentShardId'> = {},
  ): ShardEntry {
    if (index > MAX_SHARD_INDEX) {
      throw new KinesisServiceError(
        'LimitExceededException',
        `Stream ${incarnation.streamName} under account ${this.account} has used every shard ID up to ${shardIdOf(MAX_SHARD_INDEX)}`,
      );
    }
    return this.#shard(incarnation, {
      index,
      hashKeyRange: range,
      ...(lineage.parentShardId === undefined ? {} : { parentShardId: lineage.parentShardId }),
      ...(lineage.adjacentParentShardId === undefined ? {} : { adjacentParentShardId: lineage.adjacentParentShardId }),
      openedAt,
      encryptionSwitches: [],
    });
  }

  /** A shard of a stream incarnation from its saved fields (a new one's, or those `stream-snapshot.ts` restores). */
  #shard<S extends { readonly index: number; readonly hashKeyRange: HashKeyRange; readonly openedAt: number }>(
    incarnation: StreamIncarnation,
    saved: S,
  ): ShardEntry & S {
    const shardId = shardIdOf(saved.index);
    const prefix = sequenceNumberPrefix(incarnation.createdAt, saved.index);
    const entry = () => this.#streams.get(incarnation.streamName);
    return {
      shardId,
      startingHashKeyHex: hashKeyHex(saved.hashKeyRange.start),
      sequenceNumberPrefix: prefix,
      startingSequenceNumber: formatSequenceNumber(prefix, 0),
      encryptionSwitches: [],
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

  /** Applies the pending splits and merges of a stream, as of `at`: parents close, children open. */
  #applyReshard(entry: StreamEntry, at: number): void {
    const operations = entry.pendingReshard;
    entry.pendingReshard = [];
    if (operations.length === 0) return;
    const close = (shard: ShardEntry) => {
      if (shard.endingPosition !== undefined) throw new Error(`${shard.shardId} is already closed`);
      shard.closedAt = at;
      // Past every record appended, durable yet or not: a write in flight when the shard closes still belongs to it.
      shard.endingPosition = shard.log.appendedPosition;
    };
    const open = (range: HashKeyRange, lineage: Pick<KinesisShard, 'parentShardId' | 'adjacentParentShardId'>) => {
      const incarnation = { streamName: entry.name, createdAt: entry.createdAt };
      const child = this.#newShard(incarnation, entry.shards.length, range, at, lineage);
      if (entry.encryptionType === 'KMS') child.encryptionSwitches.push(0);
      entry.shards.push(child);
    };
    for (const operation of operations) {
      const shard = entry.shards[operation.shardIndex]!;
      if (operation.kind === 'split') {
        const key = BigInt(operation.newStartingHashKey);
        close(shard);
        open({ start: shard.hashKeyRange.start, end: key - 1n }, { parentShardId: shard.shardId });
        open({ start: key, end: shard.hashKeyRange.end }, { parentShardId: shard.shardId });
      } else {
        const adjacent = entry.shards[operation.adjacentShardIndex]!;
        close(shard);
        close(adjacent);
        const [low, high] =
          shard.hashKeyRange.start < adjacent.hashKeyRange.start ? [shard, adjacent] : [adjacent, shard];
        open(
          { start: low.hashKeyRange.start, end: high.hashKeyRange.end },
          { parentShardId: shard.shardId, adjacentParentShardId: adjacent.shardId },
        );
      }
    }
    entry.openShardIndexes = openShardIndexesOf(entry.shards);
  }

  #settle(): void {
    if (this.#pending.size === 0) return;
    const now = this.#clock();
    let changed = false;
    for (const entry of this.#pending) {
      if (entry.status !== 'ACTIVE' && now >= entry.transitionAt) {
        if (entry.status === 'DELETING') {
          this.#pending.delete(entry);
          this.#remove(entry);
          continue;
        }
        if (entry.status === 'UPDATING') this.#applyReshard(entry, entry.transitionAt);
        entry.status = 'ACTIVE';
        changed = true;
      }
      for (const consumer of entry.consumers) {
        if (consumer.status === 'ACTIVE' || now < consumer.transitionAt) continue;
        if (consumer.status === 'CREATING') consumer.status = 'ACTIVE';
        changed = true;
      }
      const consumers = entry.consumers.filter((c) => c.status !== 'DELETING' || now < c.transitionAt);
      if (consumers.length !== entry.consumers.length) changed = true;
      entry.consumers = consumers;
      const waiting = entry.status !== 'ACTIVE' || entry.consumers.some((c) => c.status !== 'ACTIVE');
      if (!waiting) this.#pending.delete(entry);
    }
    // A reshard applied or a consumer changed while settling is saved like any other change.
    if (changed) this.#persist();
  }

  #remove(entry: StreamEntry): void {
    this.#streams.delete(entry.name);
    // Saved first: a crash in between leaves record files that the next start removes, never a stream without them.
    this.#persist();
    this.#storage.dropStream({ streamName: entry.name, createdAt: entry.createdAt });
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
      const waiting = entry.status !== 'ACTIVE' || entry.consumers.some((c) => c.status !== 'ACTIVE');
      if (waiting) this.#pending.add(entry);
    }
    directory.removeUnknownStreams(
      [...this.#streams.values()].map((entry) => ({ streamName: entry.name, createdAt: entry.createdAt })),
    );
  }

  #restoreStream(saved: SavedStream): StreamEntry {
    const incarnation = { streamName: saved.stream.name, createdAt: saved.stream.createdAt };
    const shards = saved.shards.map((shard) => this.#shard(incarnation, shard)).sort((a, b) => a.index - b.index);
    return {
      ...saved.stream,
      arn: arns.stream(saved.stream.name, this.region, this.account),
      shards,
      openShardIndexes: openShardIndexesOf(shards),
    };
  }
}

/** The indexes of a stream's open shards (those not closed by a reshard), in hash key order. */
function openShardIndexesOf(shards: readonly ShardEntry[]): number[] {
  return shards
    .filter((shard) => shard.endingPosition === undefined)
    .sort((a, b) => (a.startingHashKeyHex < b.startingHashKeyHex ? -1 : 1))
    .map((shard) => shard.index);
}
