/**
 * How Lambda handlers are built and run — shared by the cloud stack (which bundles with esbuild in process, cached)
 * and the local runtime (which builds the very same bundle with esbuild and runs it in a worker thread).
 */

/** The Lambda runtime the cloud stack deploys. */
export const LAMBDA_RUNTIME = 'nodejs24.x';

/**
 * esbuild options for handler bundles, in NodejsFunction's vocabulary. The target is the oldest Node.js the local
 * runtime supports, so one bundle runs on Lambda and on this machine alike.
 */
export const HANDLER_BUNDLING = {
  format: 'cjs',
  target: 'node20',
  minify: true,
  sourceMap: true,
  /**
   * The Lambda runtime provides AWS SDK v3; locally it resolves from the project's node_modules. avro-js and
   * protobufjs are the optional peers of Powertools' Kafka consumer, imported only for Avro or Protobuf schemas (the
   * built-in handlers read JSON and text); a handler that uses those schemas must bring them in a Lambda layer.
   */
  externalModules: ['@aws-sdk/*', 'avro-js', 'protobufjs'],
  /**
   * Packages swapped for the build of themselves meant for bundles: @platformatic/kafka's compression and CRC use
   * @platformatic/wasm-utils, which reads `native.wasm` beside its own file at load time — a file a bundle does not
   * have — while its `bundled` build carries the WebAssembly inline.
   */
  alias: { '@platformatic/wasm-utils': '@platformatic/wasm-utils/bundled' },
  /**
   * CommonJS output has no `import.meta`, which esbuild leaves empty: ES modules that call
   * `createRequire(import.meta.url)` at load time (@platformatic/kafka does) would throw. They get the bundle's own
   * file URL instead, from the banner.
   */
  define: { 'import.meta.url': '__streamkitImportMetaUrl' },
  banner: "const __streamkitImportMetaUrl = require('node:url').pathToFileURL(__filename).href;",
} as const;

/** `HANDLER_BUNDLING` as esbuild's build options: what both targets pass to esbuild, besides where the bundle goes. */
export function handlerBuildOptions() {
  return {
    bundle: true as const,
    platform: 'node' as const,
    format: HANDLER_BUNDLING.format,
    target: HANDLER_BUNDLING.target,
    minify: HANDLER_BUNDLING.minify,
    sourcemap: HANDLER_BUNDLING.sourceMap,
    external: [...HANDLER_BUNDLING.externalModules] as string[],
    alias: { ...HANDLER_BUNDLING.alias } as Record<string, string>,
    define: { ...HANDLER_BUNDLING.define } as Record<string, string>,
    banner: { js: HANDLER_BUNDLING.banner },
    metafile: true as const,
  };
}
