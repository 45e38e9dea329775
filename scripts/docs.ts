/** Regenerates the generated parts of the docs: `npm run docs`. The tests fail when a committed page is stale. */
import { readFileSync, writeFileSync } from 'node:fs';
import { withCostTables } from '../packages/core/src/docs/cost-doc.ts';
import { withDiagram } from '../packages/core/src/docs/diagram.ts';
import { renderSvg } from '../packages/core/src/docs/diagram-svg.ts';
import { renderLimitsDoc, withLimitsTable } from '../packages/core/src/docs/limits-doc.ts';
import { PRESETS } from '../packages/core/src/index.ts';

const root = new URL('../', import.meta.url);
const write = (file: string, text: string) => {
  writeFileSync(new URL(file, root), text);
  console.log(`wrote ${file}`);
};

write('docs/limits.md', renderLimitsDoc());
write('docs/cost.md', withCostTables(withLimitsTable(readFileSync(new URL('docs/cost.md', root), 'utf8'), 'cost')));
write('docs/producer.md', withLimitsTable(readFileSync(new URL('docs/producer.md', root), 'utf8'), 'producer'));
for (const preset of Object.values(PRESETS)) {
  const file = `docs/presets/${preset.name}.md`;
  write(file, withDiagram(readFileSync(new URL(file, root), 'utf8'), preset));
  write(`docs/presets/${preset.name}.svg`, renderSvg(preset));
}
