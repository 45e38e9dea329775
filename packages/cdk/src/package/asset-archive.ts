/**
 * The regional assets of a packaged template: each directory asset (a bundled function, the producer's sources)
 * zipped as `<hash>.zip`, each file asset (a Flink job jar, a SQL file) copied as `<hash><extension>` — the object keys
 * the template's `Code` and asset references name under `AssetsKeyPrefix`. Zips are reproducible: entries sorted,
 * one fixed timestamp, Unix modes kept (Lambda needs the files readable, scripts executable).
 */
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { type Zippable, zipSync } from 'fflate';

/** 1980-01-01, the earliest time a zip entry can carry: the archive does not change with the build's clock. */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
const UNIX = 3;

/** Writes `source` (a directory) as a zip at `target`; returns the number of files in it. */
export function zipDirectory(source: string, target: string): number {
  const files = listFiles(source);
  const entries: Zippable = {};
  for (const file of files) {
    const mode = statSync(file).mode & 0o777;
    entries[relative(source, file).split(sep).join('/')] = [
      readFileSync(file),
      { mtime: FIXED_MTIME, os: UNIX, attrs: ((0o100000 | (mode & 0o111 ? 0o755 : 0o644)) << 16) >>> 0 },
    ];
  }
  writeFileSync(target, zipSync(entries, { level: 9 }));
  return files.length;
}

/** Copies a file asset as it is. */
export function copyFileAsset(source: string, target: string): void {
  copyFileSync(source, target);
}

/** Every file under `dir`, sorted, following no symbolic links. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return listFiles(path);
      return entry.isFile() ? [path] : [];
    });
}
