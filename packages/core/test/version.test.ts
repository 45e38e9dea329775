import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { STREAMKIT_VERSION } from '../src/index.ts';

test('STREAMKIT_VERSION (user agent, stack tags) is the version of every streamkit package', () => {
  const packages = new URL('../../', import.meta.url);
  const versions = readdirSync(packages).map((name) => {
    const manifest = JSON.parse(readFileSync(new URL(`${name}/package.json`, packages), 'utf8')) as { version: string };
    return [name, manifest.version];
  });
  assert.ok(versions.length >= 6);
  assert.deepEqual(
    versions.filter(([, version]) => version !== STREAMKIT_VERSION),
    [],
  );
});
