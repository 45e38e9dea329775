import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { withLimitsTable } from '../../core/src/docs/limits-doc.ts';

test('docs/producer.md shows the current producer settings (run `npm run docs` after changing limits.ts)', () => {
  const page = readFileSync(new URL('../../../docs/producer.md', import.meta.url), 'utf8');
  assert.equal(page, withLimitsTable(page, 'producer'));
  assert.match(page, /\| `producer.recordMaxBufferedTime` \|.*\| 100 \|/);
});
