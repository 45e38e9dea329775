/** Handler bundles: built once, reused while every source is unchanged, rebuilt when one changes. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StreamkitError } from '@streamkit/core';
import { CUSTOM_RESOURCE_HANDLERS } from '@streamkit/functions';
import { handlerBundleDirectory } from '../src/handler-bundle.ts';
import { tempDir } from './support/stacks.ts';

describe('handlerBundleDirectory', () => {
  const saved = process.env.STREAMKIT_BUNDLE_CACHE;
  const project = tempDir('streamkit-bundle-project-');
  const entry = join(project, 'handler.ts');
  const helper = join(project, 'greeting.ts');

  before(() => {
    process.env.STREAMKIT_BUNDLE_CACHE = tempDir('streamkit-bundle-cache-');
    writeFileSync(helper, 'export const greeting = (name: string): string => "hello " + name;\n');
    writeFileSync(
      entry,
      "import { greeting } from './greeting.ts';\nexport const handler = async () => greeting('first');\n",
    );
  });
  after(() => {
    if (saved === undefined) delete process.env.STREAMKIT_BUNDLE_CACHE;
    else process.env.STREAMKIT_BUNDLE_CACHE = saved;
  });

  test('bundles the entry and what it imports into index.js with its source map, sources relative to the project', () => {
    const dir = handlerBundleDirectory(entry);
    const code = readFileSync(join(dir, 'index.js'), 'utf8');
    assert.match(code, /hello/);
    assert.match(code, /first/);
    assert.match(code, /sourceMappingURL=index\.js\.map/);
    const map = JSON.parse(readFileSync(join(dir, 'index.js.map'), 'utf8')) as { sources: string[] };
    assert.deepEqual(map.sources.sort(), ['greeting.ts', 'handler.ts']);
  });

  test('reuses the bundle while no source changed', () => {
    const dir = handlerBundleDirectory(entry);
    const built = statSync(join(dir, 'index.js')).mtimeMs;
    assert.equal(handlerBundleDirectory(entry), dir);
    assert.equal(statSync(join(dir, 'index.js')).mtimeMs, built);
  });

  test('rebuilds when a file the entry imports changes', () => {
    writeFileSync(helper, 'export const greeting = (name: string): string => "good morning " + name;\n');
    const code = readFileSync(join(handlerBundleDirectory(entry), 'index.js'), 'utf8');
    assert.match(code, /good morning/);
    assert.doesNotMatch(code, /hello/);
  });

  test('a handler that does not build fails with SK_SYNTH_FAILED naming the file and line', () => {
    const broken = join(project, 'broken.ts');
    writeFileSync(broken, "import { nothing } from './missing.ts';\nexport const handler = nothing;\n");
    assert.throws(
      () => handlerBundleDirectory(broken),
      (error: unknown) =>
        error instanceof StreamkitError &&
        error.code === 'SK_SYNTH_FAILED' &&
        /cannot bundle handler .*broken\.ts:\n {2}.*broken\.ts:1: Could not resolve "\.\/missing\.ts"/.test(
          error.message,
        ),
    );
  });
});

describe('bundles of handlers built on ES-module-only packages', () => {
  test('the MSK Serverless topics function (@platformatic/kafka: createRequire(import.meta.url), WebAssembly) loads as CommonJS', () => {
    const dir = handlerBundleDirectory(CUSTOM_RESOURCE_HANDLERS.mskServerlessTopics);
    const copy = tempDir('streamkit-bundle-load-');
    writeFileSync(join(copy, 'package.json'), '{ "type": "commonjs" }\n');
    writeFileSync(join(copy, 'index.js'), readFileSync(join(dir, 'index.js')));
    // @aws-sdk/* is left out of bundles (the Lambda runtime provides it): this repository's node_modules stand in.
    const sdk = fileURLToPath(import.meta.resolve('@aws-sdk/client-kafka'));
    const nodeModules = sdk.slice(0, sdk.lastIndexOf('/node_modules/') + '/node_modules'.length);
    const run = spawnSync(
      process.execPath,
      ['-e', "const m = require('./index.js'); process.stdout.write(typeof m.handler)"],
      { cwd: copy, encoding: 'utf8', env: { ...process.env, NODE_PATH: nodeModules } },
    );
    assert.equal(run.stderr.split('\n')[0] ?? '', '');
    assert.equal(run.stdout, 'function');
  });
});
