import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/** Fails (never skips) when a tool the test runs is not on the PATH; `.ci/run` checks for them first. */
export function requireJavaAndMaven(): void {
  const missing = ['mvn', 'java'].filter((tool) => spawnSync(tool, ['-version'], { stdio: 'ignore' }).error);
  assert.deepEqual(missing, [], `${missing.join(' and ')} must be on the PATH: install a JDK 17+ and Maven`);
}
