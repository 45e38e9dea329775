import { PRESETS } from '@streamkit/core';
import { output } from '../output.ts';

export function presets(args: { json?: boolean }): number {
  const all = Object.values(PRESETS).map((p) => ({
    name: p.name,
    title: p.title,
    original: p.original,
    description: p.description,
  }));
  if (args.json) {
    output.line(JSON.stringify(all, null, 2));
    return 0;
  }
  for (const p of all) {
    output.line(`${p.name.padEnd(24)} ${p.title}${p.original ? ` (original ${p.original})` : ''}`);
    output.line(`${''.padEnd(24)} ${p.description}`);
  }
  return 0;
}
