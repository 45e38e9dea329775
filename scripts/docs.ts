/** Regenerates the generated docs pages: `npm run docs`. The tests fail when a committed page is stale. */
import { writeFileSync } from 'node:fs';
import { renderLimitsDoc } from '../packages/core/src/docs/limits-doc.ts';

const pages: [string, string][] = [['docs/limits.md', renderLimitsDoc()]];
for (const [file, text] of pages) {
  writeFileSync(new URL(`../${file}`, import.meta.url), text);
  console.log(`wrote ${file}`);
}
