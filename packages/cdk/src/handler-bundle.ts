/**
 * Handler bundles for the cloud stack, built in this process with esbuild's API and kept in a cache keyed by their
 * sources, so that synthesizing a pipeline whose handlers did not change bundles nothing.
 *
 * Why not NodejsFunction's own bundling: it spawns `npx --no-install esbuild` once per function (about 0.3–0.6 s each
 * on these machines, most of it npx starting) and rebuilds every bundle on every synthesis — most of the time a
 * synthesis of every preset took (decision 0018). The bundle is the same: core's `HANDLER_BUNDLING` options (as
 * NodejsFunction passed them, and as the local runtime uses them), `index.js` and its source map in a directory that
 * becomes the function's asset.
 *
 * The cache: `<project>/node_modules/.cache/streamkit/lambda-bundles/<key>/` (the project is where the entry's lock
 * file is; `STREAMKIT_BUNDLE_CACHE` names another directory). The key hashes the entry, the bundling options, the
 * esbuild version and the lock file; inside, `inputs.json` lists every file esbuild read with the SHA-256 of its
 * contents, and the bundle is reused only while every one of them is unchanged. A new file that esbuild would now
 * resolve instead of an old one (a new `index.ts` next to an `index.js`) is the one change it cannot see: delete the
 * cache directory after such a move.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { HANDLER_BUNDLING, StreamkitError } from '@streamkit/core';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync, version as esbuildVersion } from 'esbuild';
import { findLockFile } from './lambda-bundling.ts';

interface BundleInputs {
  /** Absolute path → SHA-256 of the file's contents. */
  readonly inputs: Readonly<Record<string, string>>;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

function cacheRoot(projectRoot: string): string {
  const configured = process.env.STREAMKIT_BUNDLE_CACHE;
  if (configured) return resolve(configured);
  const modules = join(projectRoot, 'node_modules');
  return existsSync(modules)
    ? join(modules, '.cache', 'streamkit', 'lambda-bundles')
    : join(tmpdir(), 'streamkit-lambda-bundles');
}

function unchanged(manifest: string): boolean {
  if (!existsSync(manifest)) return false;
  try {
    const { inputs } = JSON.parse(readFileSync(manifest, 'utf8')) as BundleInputs;
    return Object.entries(inputs).every(([file, hash]) => existsSync(file) && sha256(readFileSync(file)) === hash);
  } catch {
    return false;
  }
}

/**
 * The directory holding the bundle of `entry` (`index.js`, `index.js.map`): from the cache when every input is
 * unchanged, else built now. Throws `SK_SYNTH_FAILED` naming the file and line when esbuild cannot bundle it.
 */
export function handlerBundleDirectory(entry: string): string {
  const lockFile = findLockFile(entry);
  const projectRoot = lockFile ? dirname(lockFile) : dirname(entry);
  const key = sha256(
    JSON.stringify({
      entry: resolve(entry),
      bundling: HANDLER_BUNDLING,
      esbuild: esbuildVersion,
      lock: lockFile ? sha256(readFileSync(lockFile)) : null,
    }),
  ).slice(0, 32);
  const root = cacheRoot(projectRoot);
  const cached = join(root, key);
  const bundleDir = join(cached, 'bundle');
  if (unchanged(join(cached, 'inputs.json'))) return bundleDir;

  let result: ReturnType<typeof buildSync>;
  try {
    result = buildSync({
      entryPoints: [resolve(entry)],
      absWorkingDir: projectRoot,
      // Output paths are relative to the project, so the bundle and its source map do not depend on the cache's place.
      outfile: join(projectRoot, 'index.js'),
      write: false,
      metafile: true,
      bundle: true,
      platform: 'node',
      format: HANDLER_BUNDLING.format,
      target: HANDLER_BUNDLING.target,
      minify: HANDLER_BUNDLING.minify,
      sourcemap: HANDLER_BUNDLING.sourceMap,
      external: [...HANDLER_BUNDLING.externalModules],
      alias: { ...HANDLER_BUNDLING.alias },
      define: { ...HANDLER_BUNDLING.define },
      banner: { js: HANDLER_BUNDLING.banner },
      // esbuild's own warnings still show, as they did from NodejsFunction.
      logLevel: 'warning',
    });
  } catch (error) {
    const detail = (error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors
      ?.map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text))
      .join('\n  ');
    throw new StreamkitError('SK_SYNTH_FAILED', `cannot bundle handler ${entry}:\n  ${detail ?? String(error)}`, {
      cause: error,
    });
  }

  const inputs: Record<string, string> = {};
  for (const input of Object.keys(result.metafile?.inputs ?? {})) {
    const file = isAbsolute(input) ? input : join(projectRoot, input);
    if (existsSync(file)) inputs[file] = sha256(readFileSync(file));
  }
  // Written beside the cache entry and renamed into place, so a reader never sees half a bundle.
  mkdirSync(root, { recursive: true });
  const staging = mkdtempSync(join(root, `.${key}-`));
  mkdirSync(join(staging, 'bundle'));
  for (const file of result.outputFiles ?? []) {
    writeFileSync(join(staging, 'bundle', relative(projectRoot, file.path)), file.contents);
  }
  writeFileSync(join(staging, 'inputs.json'), `${JSON.stringify({ inputs } satisfies BundleInputs, null, 2)}\n`);
  rmSync(cached, { recursive: true, force: true });
  try {
    renameSync(staging, cached);
  } catch {
    // Another synthesis put the same bundle in place first: theirs is as good as ours.
    rmSync(staging, { recursive: true, force: true });
  }
  return bundleDir;
}

/** The function code of the handler exported as `exportName` from `entry`: the bundle as an asset, and its handler. */
export function handlerCode(entry: string, exportName = 'handler'): { code: lambda.Code; handler: string } {
  return { code: lambda.Code.fromAsset(handlerBundleDirectory(entry)), handler: `index.${exportName}` };
}
