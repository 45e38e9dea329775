/**
 * Builds the Flink jobs' jars with Maven once per version of the `flink/` sources: the jars and the Flink runtime
 * classpath (the `provided` dependencies, in `~/.m2`) are kept under `<cacheDir>/<source hash>/`, so later runs start
 * at once. A build runs in its own directory and is moved into place whole, so two builds at once (two terminals, CI
 * and a developer) never see half a cache entry.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StreamkitError } from '@streamkit/core';
import { userCacheDirectory } from '../user-cache-directory.ts';
import { buildChannel } from './channels.ts';

/** The Maven project of the jobs, in the repository. */
export const FLINK_PROJECT_DIR = fileURLToPath(new URL('../../../../flink/', import.meta.url));

/** The jobs' entry points (the `Main-Class` of their jars). */
export const FLINK_JOBS = {
  sqlRunner: { jar: 'streamkit-sql-runner.jar', mainClass: 'dev.streamkit.flink.sql.SqlRunner' },
  enrichment: { jar: 'streamkit-enrichment.jar', mainClass: 'dev.streamkit.flink.enrichment.EnrichmentJob' },
} as const;

export type FlinkJobKind = keyof typeof FLINK_JOBS;

export interface FlinkJobsBuild {
  readonly sourceHash: string;
  /** Absolute paths of the shaded jars. */
  readonly jars: Readonly<Record<FlinkJobKind, string>>;
  /** The Flink runtime's jars (`provided` scope), in classpath order. */
  readonly runtimeClasspath: readonly string[];
}

export interface BuildFlinkJobsOptions {
  /** @default FLINK_PROJECT_DIR */
  readonly projectDir?: string;
  /** @default - `streamkit/flink-jobs/` in the user's cache directory */
  readonly cacheDir?: string;
  /** Maven's time limit; a cold `~/.m2` downloads Flink (about 150 MB) first. @default 900000 */
  readonly timeoutMs?: number;
}

const PROGRESS_EVERY_MS = 10_000;

export async function buildFlinkJobs(options: BuildFlinkJobsOptions = {}): Promise<FlinkJobsBuild> {
  const projectDir = options.projectDir ?? FLINK_PROJECT_DIR;
  const cacheDir = options.cacheDir ?? path.join(userCacheDirectory(), 'streamkit', 'flink-jobs');
  const sourceHash = await hashSources(projectDir);
  const entry = path.join(cacheDir, sourceHash);
  const cached = await readBuild(entry, sourceHash);
  if (cached) {
    buildChannel.publish({ phase: 'cached', sourceHash, message: `Flink jobs ${sourceHash} are built` });
    return cached;
  }

  const started = Date.now();
  const work = path.join(cacheDir, `.build-${sourceHash}-${process.pid}-${Date.now()}`);
  buildChannel.publish({
    phase: 'building',
    sourceHash,
    message: 'building the Flink jobs with Maven (once per change of flink/; the first run downloads Flink into ~/.m2)',
  });
  const ticker = setInterval(() => {
    const elapsedSeconds = Math.round((Date.now() - started) / 1000);
    buildChannel.publish({
      phase: 'progress',
      sourceHash,
      elapsedSeconds,
      message: `still building (${elapsedSeconds} s)`,
    });
  }, PROGRESS_EVERY_MS);
  try {
    await mkdir(work, { recursive: true });
    await runMaven(
      [
        '-q',
        '-B',
        '-f',
        path.join(projectDir, 'pom.xml'),
        'package',
        '-DskipTests',
        `-Dstreamkit.buildDirectory=${path.join(work, 'target')}`,
      ],
      options.timeoutMs ?? 900_000,
    );
    const out = path.join(work, 'out');
    await mkdir(out);
    for (const job of Object.values(FLINK_JOBS)) {
      await copyFile(path.join(work, 'target', job.jar), path.join(out, job.jar));
    }
    await copyFile(path.join(work, 'target', 'flink-runtime.classpath'), path.join(out, 'flink-runtime.classpath'));
    await rename(out, entry).catch(async (error: NodeJS.ErrnoException) => {
      // Another build of the same sources finished first: theirs is as good as ours.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } catch (error) {
    const elapsedSeconds = Math.round((Date.now() - started) / 1000);
    buildChannel.publish({ phase: 'failed', sourceHash, elapsedSeconds, message: (error as Error).message });
    throw error;
  } finally {
    clearInterval(ticker);
    await rm(work, { recursive: true, force: true });
  }
  const built = await readBuild(entry, sourceHash);
  if (!built) {
    throw new StreamkitError('SK_INTERNAL', `the Flink jobs were built but ${entry} is incomplete`);
  }
  const elapsedSeconds = Math.round((Date.now() - started) / 1000);
  buildChannel.publish({ phase: 'built', sourceHash, elapsedSeconds, message: `built in ${elapsedSeconds} s` });
  return built;
}

/** A complete cache entry, or undefined — also when a runtime jar has gone from `~/.m2` since. */
async function readBuild(entry: string, sourceHash: string): Promise<FlinkJobsBuild | undefined> {
  const classpathFile = path.join(entry, 'flink-runtime.classpath');
  if (!existsSync(classpathFile)) return undefined;
  const runtimeClasspath = (await readFile(classpathFile, 'utf8')).trim().split(path.delimiter).filter(Boolean);
  const jars = {
    sqlRunner: path.join(entry, FLINK_JOBS.sqlRunner.jar),
    enrichment: path.join(entry, FLINK_JOBS.enrichment.jar),
  };
  const complete = [...Object.values(jars), ...runtimeClasspath].every((file) => existsSync(file));
  if (!complete) {
    await rm(entry, { recursive: true, force: true });
    return undefined;
  }
  return { sourceHash, jars, runtimeClasspath };
}

/** SHA-256 over `pom.xml` and `src/main/**` (names and contents): tests do not change the jars. */
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

function runMaven(args: readonly string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('mvn', args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve();
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        new StreamkitError(
          missing ? 'SK_VALIDATION' : 'SK_UNAVAILABLE',
          missing
            ? 'building the Flink jobs needs Maven (mvn) and a JDK 17+ on the PATH'
            : `Maven could not build the Flink jobs: ${error.message}\n${tail(stdout)}\n${tail(stderr)}`,
          { cause: error },
        ),
      );
    });
  });
}

function tail(text: string): string {
  return text.split('\n').slice(-40).join('\n');
}
