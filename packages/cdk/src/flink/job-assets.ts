/**
 * Where the cloud stack finds what it uploads for the Flink presets: the two job jars `mvn package` builds in
 * `flink/target/` (core's `FLINK_JARS`), and this repository's packages for the producer instance.
 *
 * The jars are assets as built — Managed Flink runs a jar, it cannot build one — so synthesizing a Flink preset
 * needs them built first, and says so when they are not. Tests point `PipelineStack` at a small file instead.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FLINK_BUILD_COMMAND, FLINK_JARS, StreamkitError } from '@streamkit/core';

/** The repository root: the directory of the root `package.json`, `package-lock.json` and `packages/`. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export type FlinkJob = keyof typeof FLINK_JARS;

/** The jar of `job`: `override` when given, else the one `mvn package` built; SK_NOT_FOUND when it is not there. */
export function flinkJobJar(job: FlinkJob, override?: string): string {
  const path = override ?? join(REPOSITORY_ROOT, FLINK_JARS[job]);
  if (!existsSync(path)) {
    throw new StreamkitError(
      'SK_NOT_FOUND',
      `the Flink job jar ${path} does not exist: build the jobs first with \`${FLINK_BUILD_COMMAND}\``,
      { path: FLINK_JARS[job] },
    );
  }
  return path;
}
