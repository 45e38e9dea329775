/**
 * The durable engine's directory, `<dataDir>/kinesis/`:
 *
 * ```
 * LOCK                          the process ID of the engine using the directory
 * token-secret                  32 random bytes: the HMAC key of shard iterators and NextTokens
 * streams.json                  the streams and their shards (`stream-snapshot.ts`), replaced atomically
 * <stream>-<createdAt>/<shardId>/<first position>.log    record segments (`file-record-storage.ts`)
 * ```
 *
 * One engine at a time: a second one on the same directory is refused while the first one's process lives (a lock
 * left by a killed engine is taken over).
 */

import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { StreamkitError } from '@streamkit/core';
import { makeDirectoryDurably, replaceFileDurably } from './durable-files.ts';
import { FileRecordStorage, type FileRecordStorageOptions } from './file-record-storage.ts';
import type { StreamIncarnation } from './record-storage.ts';

const TOKEN_SECRET_BYTES = 32;
const STREAM_DIRECTORY = /^.+-\d+$/;

export class KinesisDataDirectory {
  /** Opens (creating it if needed) the engine's directory under `dataDir` and takes its lock. */
  static open(dataDir: string, storageOptions: FileRecordStorageOptions = {}): KinesisDataDirectory {
    const root = path.resolve(dataDir, 'kinesis');
    makeDirectoryDurably(root);
    lock(path.join(root, 'LOCK'));
    return new KinesisDataDirectory(root, storageOptions);
  }

  /** `<dataDir>/kinesis`. */
  readonly root: string;
  readonly storage: FileRecordStorage;
  readonly #streamsFile: string;
  #closed: Promise<void> | undefined;

  private constructor(root: string, storageOptions: FileRecordStorageOptions) {
    this.root = root;
    this.storage = new FileRecordStorage(root, storageOptions);
    this.#streamsFile = path.join(root, 'streams.json');
  }

  /** Where the stream metadata lives, for messages. */
  get streamsFile(): string {
    return this.#streamsFile;
  }

  /** The saved stream metadata, or undefined before the first stream was ever created. */
  readStreams(): string | undefined {
    return existsSync(this.#streamsFile) ? readFileSync(this.#streamsFile, 'utf8') : undefined;
  }

  /** Replaces the saved stream metadata, durably, before returning. */
  writeStreams(text: string): void {
    replaceFileDurably(this.#streamsFile, text);
  }

  /** The key that seals shard iterators, made on first use and kept, so iterators outlive a restart. */
  tokenSecret(): Buffer {
    const file = path.join(this.root, 'token-secret');
    if (existsSync(file)) {
      const secret = readFileSync(file);
      if (secret.length === TOKEN_SECRET_BYTES) return secret;
    }
    const secret = randomBytes(TOKEN_SECRET_BYTES);
    replaceFileDurably(file, secret);
    return secret;
  }

  /**
   * Deletes the record directories of stream incarnations the metadata does not know: streams deleted, or created,
   * just before a crash.
   */
  removeUnknownStreams(known: Iterable<StreamIncarnation>): void {
    const keep = new Set([...known].map((stream) => FileRecordStorage.streamDirectoryName(stream)));
    for (const entry of readdirSync(this.root, { withFileTypes: true })) {
      if (entry.isDirectory() && STREAM_DIRECTORY.test(entry.name) && !keep.has(entry.name)) {
        rmSync(path.join(this.root, entry.name), { recursive: true, force: true });
      }
    }
  }

  /** Finishes the writes in flight, closes the files and releases the lock. */
  close(): Promise<void> {
    this.#closed ??= this.storage.close().finally(() => this.release());
    return this.#closed;
  }

  /** Gives the directory up after a failed start: the lock at once, the files opened so far in the background. */
  abandon(): void {
    this.storage.close().catch(() => {});
    this.release();
  }

  /** Releases the lock. */
  release(): void {
    try {
      unlinkSync(path.join(this.root, 'LOCK'));
    } catch {
      // Already gone: nothing to release.
    }
  }
}

/** Takes the lock file, or throws SK_CONFLICT naming the live process that holds it. */
function lock(file: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isSafeInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new StreamkitError(
          'SK_CONFLICT',
          `The data directory ${path.dirname(path.dirname(file))} is in use by the local Kinesis engine of process ` +
            `${holder}; stop that engine or choose another data directory`,
          { path: 'dataDir', details: { pid: holder } },
        );
      }
      // Left behind by an engine that was killed: take it over.
      unlinkSync(file);
      continue;
    }
    try {
      writeSync(fd, String(process.pid));
    } finally {
      closeSync(fd);
    }
    return;
  }
  throw new StreamkitError('SK_CONFLICT', `Could not take the lock ${file}: another engine is starting on it`, {
    path: 'dataDir',
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
