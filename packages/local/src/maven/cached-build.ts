/**
 * Builds a Maven project of the repository (`flink/`, `connect/`) once per version of its sources: the files the build
 * writes into `target/` (jars, a classpath file of the `provided` dependencies in `~/.m2`) are kept under
 * `<cacheDir>/<source hash>/`, so later runs start at once. A build runs in its own directory and is moved into place
 * whole, so two builds at once (two terminals, CI and a developer) never see half a cache entry.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { StreamkitError } from '@streamkit/core';

export interface MavenBuildMessage {
  readonly phase: 'cached' | 'building' | 'progress' | 'built' | 'failed';
  /** The hash of the project's sources the outputs are built from. */
  readonly sourceHash: string;
  /** Seconds since the build started (for `progress`, `built` and `failed`). */
  readonly elapsedSeconds?: number;
  readonly message: string;
}

export interface CachedMavenBuildOptions {
  /** What is built, for messages ("the Flink jobs"). */
  readonly what: string;
  readonly projectDir: string;
  readonly cacheDir: string;
  /** File names `mvn package` writes into `target/` that the cache keeps. */
  readonly outputs: readonly string[];
  /** A classpath file among the outputs: the entry is stale when one of its jars has gone from `~/.m2`. */
  readonly classpathFile: string;
  /** Maven's time limit. */
  readonly timeoutMs: number;
  /** Called with each step (cache hit, started, still building, done, failed). */
  readonly publish: (message: MavenBuildMessage) => void;
}

export interface CachedMavenBuild {
  readonly sourceHash: string;
  /** Absolute paths of the outputs, by file name. */
  readonly outputs: Readonly<Record<string, string>>;
  /** The jars of the classpath file, in classpath order. */
  readonly classpath: readonly string[];
}

const PROGRESS_EVERY_MS = 10_000;

export async function cachedMavenBuild(options: CachedMavenBuildOptions): Promise<CachedMavenBuild> {
  const { projectDir, cacheDir, publish, what } = options;
  const sourceHash = await hashSources(projectDir);
  const entry = path.join(cacheDir, sourceHash);
  const cached = await readEntry(entry, sourceHash, options);
  if (cached) {
    publish({ phase: 'cached', sourceHash, message: `${what} ${sourceHash} are built` });
    return cached;
  }

  const started = Date.now();
  const work = path.join(cacheDir, `.build-${sourceHash}-${process.pid}-${Date.now()}`);
  publish({
    phase: 'building',
    sourceHash,
    message: `building ${what} with Maven (once per change of ${path.basename(projectDir)}/; the first run downloads into ~/.m2)`,
  });
  const ticker = setInterval(() => {
    const elapsedSeconds = Math.round((Date.now() - started) / 1000);
    publish({ phase: 'progress', sourceHash, elapsedSeconds, message: `still building (${elapsedSeconds} s)` });
  }, PROGRESS_EVERY_MS);
  try {
    await mkdir(work, { recursive: true });
    await runMaven(
      what,
      [
        '-q',
        '-B',
        '-f',
        path.join(projectDir, 'pom.xml'),
        'package',
        '-DskipTests',
        `-Dstreamkit.buildDirectory=${path.join(work, 'target')}`,
      ],
      options.timeoutMs,
    );
    const out = path.join(work, 'out');
    await mkdir(out);
    for (const file of options.outputs) await copyFile(path.join(work, 'target', file), path.join(out, file));
    await rename(out, entry).catch(async (error: NodeJS.ErrnoException) => {
      // Another build of the same sources finished first: theirs is as good as ours.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } catch (error) {
    const elapsedSeconds = Math.round((Date.now() - started) / 1000);
    publish({ phase: 'failed', sourceHash, elapsedSeconds, message: (error as Error).message });
    throw error;
  } finally {
    clearInterval(ticker);
    await rm(work, { recursive: true, force: true });
  }
  const built = await readEntry(entry, sourceHash, options);
  if (!built) throw new StreamkitError('SK_INTERNAL', `${what} were built but ${entry} is incomplete`);
  const elapsedSeconds = Math.round((Date.now() - started) / 1000);
  publish({ phase: 'built', sourceHash, elapsedSeconds, message: `built in ${elapsedSeconds} s` });
  return built;
}

/** A complete cache entry, or undefined — also when a jar of its classpath has gone from `~/.m2` since. */
async function readEntry(
  entry: string,
  sourceHash: string,
  options: CachedMavenBuildOptions,
): Promise<CachedMavenBuild | undefined> {
  const classpathFile = path.join(entry, options.classpathFile);
  if (!existsSync(classpathFile)) return undefined;
  const classpath = (await readFile(classpathFile, 'utf8')).trim().split(path.delimiter).filter(Boolean);
  const outputs = Object.fromEntries(options.outputs.map((file) => [file, path.join(entry, file)]));
  const complete = [...Object.values(outputs), ...classpath].every((file) => existsSync(file));
  if (!complete) {
    await rm(entry, { recursive: true, force: true });
    return undefined;
  }
  return { sourceHash, outputs, classpath };
}

/** SHA-256 over `pom.xml` and `src/main/**` (names and contents): tests do not change the outputs. */
export async function hashSources(projectDir: string): Promise<string> {
  const files = ['pom.xml', ...(await listFiles(projectDir, 'src/main'))].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash
      .update(file)
      .update('\0')
      .update(await readFile(path.join(projectDir, file)))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

async function listFiles(root: string, relativeDir: string): Promise<string[]> {
  const entries = await readdir(path.join(root, relativeDir), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const relativePath = path.posix.join(relativeDir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(root, relativePath)));
    else if (entry.isFile()) files.push(relativePath);
  }
  return files;
}

function runMaven(what: string, args: readonly string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('mvn', args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve();
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        new StreamkitError(
          missing ? 'SK_VALIDATION' : 'SK_UNAVAILABLE',
          missing
            ? `building ${what} needs Maven (mvn) and a JDK 17+ on the PATH`
            : `Maven could not build ${what}: ${error.message}\n${tail(stdout)}\n${tail(stderr)}`,
          { cause: error },
        ),
      );
    });
  });
}

function tail(text: string): string {
  return text.split('\n').slice(-40).join('\n');
}
