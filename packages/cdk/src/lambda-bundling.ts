/** What every function of a pipeline shares: the pinned runtime and where its bundle's dependencies are locked. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LAMBDA_RUNTIME, StreamkitError } from '@streamkit/core';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/** core's `LAMBDA_RUNTIME` as a CDK runtime: the pinned one, not NODEJS_LATEST (which shares its name today). */
export function lambdaRuntime(): lambda.Runtime {
  const runtime = lambda.Runtime.ALL.find((r) => r.name === LAMBDA_RUNTIME && !r.isVariable);
  if (!runtime) {
    throw new StreamkitError('SK_INTERNAL', `aws-cdk-lib does not know the Lambda runtime ${LAMBDA_RUNTIME}`);
  }
  return runtime;
}

const LOCK_FILES = ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock'];

/**
 * The lock file of the project the entry belongs to (the nearest one above it): the project root handler bundles
 * resolve from, and part of their cache key (handler-bundle.ts).
 */
export function findLockFile(entry: string): string | undefined {
  let dir = dirname(entry);
  for (;;) {
    for (const name of LOCK_FILES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
