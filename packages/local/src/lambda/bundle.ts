/**
 * Builds a handler bundle the way the cloud stack does (same esbuild options from core; `packages/cdk/src/handler-bundle.ts`),
 * so the local runtime runs the very code Lambda will run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HANDLER_BUNDLING, StreamkitError } from '@streamkit/core';
import { build } from 'esbuild';

export interface HandlerBundle {
  /** The bundled file (CommonJS), next to its source map. */
  readonly file: string;
  readonly entry: string;
  /** Names the entry file exports (what `export` in the spec may name). */
  readonly exports: readonly string[];
  readonly bytes: number;
  readonly buildMs: number;
}

/** The export names of an entry file (esbuild reports them for ES module output). */
async function entryExports(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [entry],
    bundle: false,
    write: false,
    format: 'esm',
    metafile: true,
    logLevel: 'silent',
    outdir: '/',
  });
  return Object.values(result.metafile.outputs).flatMap((o) => o.exports);
}

export async function bundleHandler(options: { entry: string; outdir: string }): Promise<HandlerBundle> {
  mkdirSync(options.outdir, { recursive: true });
  // A Lambda asset is its own root; without this, a `"type": "module"` package.json above the data directory would
  // make Node read the CommonJS bundle as an ES module.
  writeFileSync(join(options.outdir, 'package.json'), '{ "type": "commonjs" }\n');
  const file = join(options.outdir, 'index.js');
  const started = performance.now();
  try {
    const result = await build({
      entryPoints: [options.entry],
      outfile: file,
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
      metafile: true,
      logLevel: 'silent',
    });
    const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
    return {
      file,
      entry: options.entry,
      exports: await entryExports(options.entry),
      bytes,
      buildMs: performance.now() - started,
    };
  } catch (error) {
    const detail = (error as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors
      ?.map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text))
      .join('\n  ');
    throw new StreamkitError('SK_VALIDATION', `cannot bundle handler ${options.entry}:\n  ${detail ?? String(error)}`, {
      cause: error,
    });
  }
}
