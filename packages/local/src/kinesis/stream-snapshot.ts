/**
 * The serialised form of the store's streams: what the durable engine keeps in `<dataDir>/kinesis/streams.json`
 * (replaced atomically after every change, see `kinesis-data-directory.ts`).
 *
 * It is driven by two tables, one for a stream's fields and one for a shard's. Each entry says how a field is saved
 * and read back, and what a file written before the field existed stands for. To persist a new field of
 * `StreamEntry` or `KinesisShard`, add one line here, e.g. `encryptionType: field.oneOf(['NONE', 'KMS'], 'NONE')`:
 * the store spreads whatever the tables load into the entries it restores. Fields derived from others (the ARN, a
 * shard's ID and sequence number prefix, its log) are not saved.
 *
 * Loading tolerates both directions of change: members the tables do not know are ignored, and members the file
 * lacks take their default. Only a field without a default that is missing or unreadable makes the file unreadable.
 */
import { LIMITS, StreamkitError } from '@streamkit/core';
import type { HashKeyRange } from './hash-key.ts';
import type { ConsumerEntry, ReshardOperation, ShardEntry, StreamEntry, StreamStatus } from './store.ts';

export interface Field<T> {
  save(value: T): unknown;
  /** The value of a saved form, or undefined when it is not one. */
  load(saved: unknown): T | undefined;
  /** What a file without the field stands for (a fresh value each time). @default - the field is required */
  readonly fallback?: () => T;
}

const isInteger = (value: unknown): value is number => Number.isSafeInteger(value);
const isDecimal = (value: unknown): value is string => typeof value === 'string' && /^\d+$/.test(value);

/** Field kinds, each with an optional default for files that lack the field. */
export const field = {
  string: (fallback?: string): Field<string> => ({
    save: (value) => value,
    load: (saved) => (typeof saved === 'string' ? saved : undefined),
    ...(fallback === undefined ? {} : { fallback: () => fallback }),
  }),
  integer: (fallback?: number): Field<number> => ({
    save: (value) => value,
    load: (saved) => (isInteger(saved) ? saved : undefined),
    ...(fallback === undefined ? {} : { fallback: () => fallback }),
  }),
  oneOf: <const T extends string>(values: readonly T[], fallback?: T): Field<T> => ({
    save: (value) => value,
    load: (saved) => ((values as readonly unknown[]).includes(saved) ? (saved as T) : undefined),
    ...(fallback === undefined ? {} : { fallback: () => fallback }),
  }),
  stringMap: (): Field<Readonly<Record<string, string>>> => ({
    save: (value) => ({ ...value }),
    load: (saved) =>
      typeof saved === 'object' &&
      saved !== null &&
      !Array.isArray(saved) &&
      Object.values(saved).every((v) => typeof v === 'string')
        ? { ...(saved as Record<string, string>) }
        : undefined,
    fallback: () => ({}),
  }),
  /** A hash key range, its 128-bit ends as decimal strings. */
  hashKeyRange: (): Field<HashKeyRange> => ({
    save: (value) => ({ start: value.start.toString(), end: value.end.toString() }),
    load: (saved) => {
      const { start, end } = (typeof saved === 'object' && saved !== null ? saved : {}) as Record<string, unknown>;
      return isDecimal(start) && isDecimal(end) ? { start: BigInt(start), end: BigInt(end) } : undefined;
    },
  }),
  /** A list of values of one kind; a list with one unreadable value is unreadable. */
  list: <T>(inner: Field<T>): Field<T[]> => ({
    save: (value) => value.map((item) => inner.save(item)),
    load: (saved) => {
      if (!Array.isArray(saved)) return undefined;
      const items = saved.map((item) => inner.load(item));
      return items.every((item) => item !== undefined) ? (items as T[]) : undefined;
    },
    fallback: () => [],
  }),
  /** A plain object saved with its own field table. */
  object: <T>(table: { readonly [K in keyof T]: Field<T[K]> }): Field<T> => ({
    save: (value) => saveFields(table, value),
    load: (saved) => {
      const members = asObject(saved);
      const loaded: Record<string, unknown> = {};
      for (const [key, kind] of Object.entries(table) as [string, Field<unknown>][]) {
        const value = members[key] === undefined || members[key] === null ? undefined : kind.load(members[key]);
        if (value !== undefined) loaded[key] = value;
        else if (kind.fallback) loaded[key] = kind.fallback();
        else return undefined;
      }
      return loaded as T;
    },
  }),
  /** A field that may be absent (saved as nothing). */
  optional: <T>(inner: Field<T>): Field<T | undefined> => ({
    save: (value) => (value === undefined ? undefined : inner.save(value)),
    load: (saved) => (saved === undefined ? undefined : inner.load(saved)),
    fallback: () => undefined,
  }),
};

const STREAM_STATUSES: readonly StreamStatus[] = ['CREATING', 'ACTIVE', 'DELETING', 'UPDATING'];

const CONSUMER_FIELDS = {
  name: field.string(),
  arn: field.string(),
  status: field.oneOf(['CREATING', 'ACTIVE', 'DELETING'] as const),
  createdAt: field.integer(),
  transitionAt: field.integer(0),
  tags: field.stringMap(),
} satisfies { readonly [K in keyof ConsumerEntry]: Field<ConsumerEntry[K]> };

/** A pending split or merge (a stream saved while UPDATING). */
const reshardOperation: Field<ReshardOperation> = {
  save: (value) => ({ ...value }),
  load: (saved) => {
    const o = asObject(saved);
    if (o.kind === 'split' && isInteger(o.shardIndex) && isDecimal(o.newStartingHashKey)) {
      return { kind: 'split', shardIndex: o.shardIndex, newStartingHashKey: o.newStartingHashKey };
    }
    if (o.kind === 'merge' && isInteger(o.shardIndex) && isInteger(o.adjacentShardIndex)) {
      return { kind: 'merge', shardIndex: o.shardIndex, adjacentShardIndex: o.adjacentShardIndex };
    }
    return undefined;
  },
};

/** The persisted fields of a stream (`StreamEntry`); its shards are saved with `SHARD_FIELDS`. */
export const STREAM_FIELDS = {
  name: field.string(),
  createdAt: field.integer(),
  status: field.oneOf(STREAM_STATUSES, 'ACTIVE'),
  transitionAt: field.integer(0),
  mode: field.oneOf(LIMITS.kinesis.streamMode.values, 'PROVISIONED'),
  retentionHours: field.integer(LIMITS.kinesis.retentionHours.default),
  expiredBefore: field.integer(0),
  tags: field.stringMap(),
  encryptionType: field.oneOf(['NONE', 'KMS'] as const, 'NONE'),
  keyId: field.optional(field.string()),
  shardLevelMetrics: field.list(field.oneOf(LIMITS.kinesis.shardLevelMetrics.values)),
  consumers: field.list(field.object(CONSUMER_FIELDS)),
  shardCountUpdates: field.list(field.integer()),
  streamModeUpdates: field.list(field.integer()),
  pendingReshard: field.list(reshardOperation),
} satisfies FieldTable<StreamEntry>;

/** The persisted fields of a shard (`ShardEntry`). The open shards of a stream are derived from `endingPosition`. */
export const SHARD_FIELDS = {
  index: field.integer(),
  hashKeyRange: field.hashKeyRange(),
  openedAt: field.integer(0),
  parentShardId: field.optional(field.string()),
  adjacentParentShardId: field.optional(field.string()),
  closedAt: field.optional(field.integer()),
  endingPosition: field.optional(field.integer()),
  encryptionSwitches: field.list(field.integer()),
} satisfies FieldTable<ShardEntry>;

type FieldTable<T> = { readonly [K in keyof T]?: Field<T[K]> };
type Loaded<Table> = { -readonly [K in keyof Table]: Table[K] extends Field<infer T> ? T : never };

export type SavedStreamFields = Loaded<typeof STREAM_FIELDS>;
export type SavedShardFields = Loaded<typeof SHARD_FIELDS>;

export interface SavedStream {
  readonly stream: SavedStreamFields;
  readonly shards: readonly SavedShardFields[];
}

export interface StreamSnapshot {
  /** The store's last stream creation time, so that creation times stay unique across restarts. */
  readonly lastCreatedAt: number;
  readonly streams: readonly SavedStream[];
}

/** Version of the file's layout (not of the fields, which come and go freely). */
const SNAPSHOT_FORMAT = 1;

export function serializeSnapshot(lastCreatedAt: number, streams: Iterable<StreamEntry>): string {
  return JSON.stringify({
    format: SNAPSHOT_FORMAT,
    lastCreatedAt,
    streams: [...streams].map((stream) => ({
      ...saveFields(STREAM_FIELDS, stream),
      shards: stream.shards.map((shard) => saveFields(SHARD_FIELDS, shard)),
    })),
  });
}

/** Reads a snapshot; `file` names it in errors. */
export function parseSnapshot(text: string, file: string): StreamSnapshot {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw unreadable(file, `it is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const { format, lastCreatedAt, streams } = asObject(document);
  if (format !== SNAPSHOT_FORMAT) {
    throw unreadable(file, `its format is ${JSON.stringify(format)}; this engine reads format ${SNAPSHOT_FORMAT}`);
  }
  if (!Array.isArray(streams)) throw unreadable(file, 'it has no list of streams');
  return {
    lastCreatedAt: isInteger(lastCreatedAt) ? lastCreatedAt : 0,
    streams: streams.map((saved, i) => {
      const where = `streams[${i}]`;
      const { shards } = asObject(saved);
      if (!Array.isArray(shards)) throw unreadable(file, `${where}.shards is missing`);
      return {
        stream: loadFields(STREAM_FIELDS, saved, file, where),
        shards: shards.map((shard, j) => loadFields(SHARD_FIELDS, shard, file, `${where}.shards[${j}]`)),
      };
    }),
  };
}

function saveFields<T>(table: FieldTable<T>, value: T): Record<string, unknown> {
  const saved: Record<string, unknown> = {};
  for (const key of Object.keys(table) as (keyof T & string)[]) {
    saved[key] = table[key]!.save(value[key]);
  }
  return saved;
}

function loadFields<Table extends Record<string, Field<unknown>>>(
  table: Table,
  saved: unknown,
  file: string,
  where: string,
): Loaded<Table> {
  const members = asObject(saved);
  const loaded: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(table)) {
    const value = members[key] === undefined || members[key] === null ? undefined : kind.load(members[key]);
    if (value !== undefined) loaded[key] = value;
    else if (kind.fallback) loaded[key] = kind.fallback();
    else throw unreadable(file, `${where}.${key} is ${key in members ? 'unreadable' : 'missing'}`);
  }
  return loaded as Loaded<Table>;
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function unreadable(file: string, problem: string): StreamkitError {
  return new StreamkitError(
    'SK_CONFLICT',
    `The Kinesis stream metadata in ${file} is unreadable: ${problem}. It is written atomically, so this is damage ` +
      'or a hand edit; move the data directory away to start afresh',
    { path: file },
  );
}
