/**
 * The few file-system moves the durable engine builds on, each with the fsyncs that make it survive a crash:
 *
 * - a new file or directory is durable only once the directory that names it is fsynced, so every creation is
 *   followed by an fsync of its parent (`makeDirectoryDurably`, and the storage for its segment files);
 * - a file is replaced atomically by writing a temporary file, fsyncing it, renaming it over the old one and fsyncing
 *   the directory (`replaceFileDurably`): after a crash the file holds either the old or the new content, whole.
 */
import {
  closeSync,
  existsSync,
  promises as fsPromises,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

/** fsyncs a directory, so that the entries created, renamed or removed in it survive a crash. */
export function fsyncDirectory(directory: string): void {
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `fsyncDirectory`, off the event loop. */
export async function fsyncDirectoryAsync(directory: string): Promise<void> {
  const handle = await fsPromises.open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Creates `directory` and any missing parents, fsyncing the parent of each directory it creates. Returns whether it
 * created anything.
 */
export function makeDirectoryDurably(directory: string): boolean {
  const missing: string[] = [];
  let current = path.resolve(directory);
  while (!existsSync(current)) {
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const dir of missing) {
    mkdirSync(dir);
    fsyncDirectory(path.dirname(dir));
  }
  return missing.length > 0;
}

/** Writes the whole of `bytes` at `position` (pwrite), looping over short writes. */
export function writeFully(fd: number, bytes: Uint8Array, position: number): void {
  let written = 0;
  while (written < bytes.length) {
    written += writeSync(fd, bytes, written, bytes.length - written, position + written);
  }
}

/** Replaces `file` with `content` atomically and durably (temporary file, fsync, rename, fsync of the directory). */
export function replaceFileDurably(file: string, content: string | Uint8Array): void {
  const temporary = `${file}.tmp`;
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const fd = openSync(temporary, 'w');
  try {
    writeFully(fd, bytes, 0);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  fsyncDirectory(path.dirname(file));
}
