/**
 * Builds the Flink jobs' jars with Maven once per version of the `flink/` sources (`cachedMavenBuild`): the jars and
 * the Flink runtime classpath (the `provided` dependencies, in `~/.m2`) are kept under `<cacheDir>/<source hash>/`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedMavenBuild } from '../maven/cached-build.ts';
import { userCacheDirectory } from '../user-cache-directory.ts';
import { buildChannel } from './channels.ts';

export { hashSources } from '../maven/cached-build.ts';

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

const RUNTIME_CLASSPATH = 'flink-runtime.classpath';

export async function buildFlinkJobs(options: BuildFlinkJobsOptions = {}): Promise<FlinkJobsBuild> {
  const build = await cachedMavenBuild({
    what: 'the Flink jobs',
    projectDir: options.projectDir ?? FLINK_PROJECT_DIR,
    cacheDir: options.cacheDir ?? path.join(userCacheDirectory(), 'streamkit', 'flink-jobs'),
    outputs: [FLINK_JOBS.sqlRunner.jar, FLINK_JOBS.enrichment.jar, RUNTIME_CLASSPATH],
    classpathFile: RUNTIME_CLASSPATH,
    timeoutMs: options.timeoutMs ?? 900_000,
    publish: (message) => buildChannel.publish(message),
  });
  return {
    sourceHash: build.sourceHash,
    jars: {
      sqlRunner: build.outputs[FLINK_JOBS.sqlRunner.jar]!,
      enrichment: build.outputs[FLINK_JOBS.enrichment.jar]!,
    },
    runtimeClasspath: build.classpath,
  };
}
