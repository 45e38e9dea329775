/**
 * A local stand-in for S3 buckets: objects are files under `<root>/<bucket>/<key>` (root is `<dataDir>/s3`), so any
 * tool reads them. Each `/` of a key is a directory level.
 *
 * Writes are atomic: the body goes to `<root>/.tmp/<uuid>`, is fsynced, then renamed over `<bucket>/<key>` (one
 * rename within one file system), and the directory is fsynced. A crash leaves either the whole object or none — a
 * stray temporary file at worst, never a partial object. Failures (permission denied, disk full…) are thrown as
 * retriable `SK_UNAVAILABLE` errors; the caller keeps its data and retries.
 *
 * Keys map to paths one to one: `%` is written `%25`, a NUL `%00`, and segments that are not file names are escaped
 * (`.` → `%2E`, `..` → `%2E%2E`, an empty segment → `%`). A key cannot be stored where another key needs a directory
 * of the same name (S3 allows `a` and `a/b` side by side; a file system does not).
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { StreamkitError } from '@streamkit/core';

/** The file operations the store needs; tests inject one that fails (EACCES, ENOSPC) to prove retries lose nothing. */
export interface ObjectFileSystem {
  /** Writes `data` to `path` and flushes it to disk before resolving. */
  writeFile(path: string, data: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  mkdir(path: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Flushes a directory entry (after a rename) where the platform allows it. */
  syncDirectory(path: string): Promise<void>;
}

export const nodeObjectFileSystem: ObjectFileSystem = {
  async writeFile(path, data) {
    const file = await open(path, 'w');
    try {
      await file.writeFile(data);
      await file.datasync();
    } finally {
      await file.close();
    }
  },
  rename: (from, to) => rename(from, to),
  mkdir: async (path) => {
    await mkdir(path, { recursive: true });
  },
  unlink: (path) => unlink(path),
  async syncDirectory(path) {
    try {
      const dir = await open(path, 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch {
      // Some platforms cannot open or sync a directory; the rename itself is still atomic.
    }
  },
};

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const MAX_KEY_BYTES = 1024;

export class LocalObjectStore {
  readonly root: string;
  private readonly fs: ObjectFileSystem;

  constructor(options: { readonly root: string; readonly fileSystem?: ObjectFileSystem }) {
    this.root = options.root;
    this.fs = options.fileSystem ?? nodeObjectFileSystem;
  }

  /** The folder of `bucket`. */
  bucketPath(bucket: string): string {
    checkBucket(bucket);
    return join(this.root, bucket);
  }

  /** Where the object `bucket`/`key` lives on disk. */
  pathOf(bucket: string, key: string): string {
    checkBucket(bucket);
    return join(this.root, bucket, ...key.split('/').map(encodeSegment));
  }

  /** Stores the object atomically; resolves once it is on disk. */
  async putObject(bucket: string, key: string, body: Uint8Array): Promise<{ readonly path: string }> {
    const bytes = Buffer.byteLength(key, 'utf8');
    if (bytes === 0 || bytes > MAX_KEY_BYTES) {
      throw new StreamkitError('SK_VALIDATION', `an object key must be 1 to ${MAX_KEY_BYTES} bytes (got ${bytes})`, {
        path: 'key',
      });
    }
    const path = this.pathOf(bucket, key);
    const temporary = join(this.root, '.tmp', randomUUID());
    try {
      await this.fs.mkdir(dirname(temporary));
      await this.fs.writeFile(temporary, body);
      await this.fs.mkdir(dirname(path));
      await this.fs.rename(temporary, path);
      await this.fs.syncDirectory(dirname(path));
      return { path };
    } catch (error) {
      await this.fs.unlink(temporary).catch(() => {});
      const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
      throw new StreamkitError(
        'SK_UNAVAILABLE',
        `cannot write s3://${bucket}/${key} to ${path} (${code}): ${(error as Error).message}`,
        { retriable: true, cause: error, details: { code, bucket, key } },
      );
    }
  }

  async getObject(bucket: string, key: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(this.pathOf(bucket, key)));
    } catch (error) {
      throw new StreamkitError('SK_NOT_FOUND', `no object s3://${bucket}/${key}`, { cause: error });
    }
  }

  /** Every key in `bucket` that starts with `prefix`, sorted. */
  async listObjects(bucket: string, prefix = ''): Promise<string[]> {
    const dir = join(this.root, bucket);
    if (!existsSync(dir)) return [];
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).map(decodeSegment).join('/'))
      .filter((key) => key.startsWith(prefix))
      .sort();
  }
}

function checkBucket(bucket: string): void {
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) {
    throw new StreamkitError(
      'SK_VALIDATION',
      `bucket must be 3 to 63 lower-case letters, digits, dots and hyphens (got ${JSON.stringify(bucket)})`,
      { path: 'bucket' },
    );
  }
}

function encodeSegment(segment: string): string {
  if (segment === '') return '%';
  if (segment === '.') return '%2E';
  if (segment === '..') return '%2E%2E';
  return segment.replaceAll('%', '%25').replaceAll('\0', '%00');
}

function decodeSegment(segment: string): string {
  if (segment === '%') return '';
  return segment.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}
