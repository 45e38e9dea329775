/**
 * Draws a preset's components as an SVG pipeline diagram: the picture on each preset's docs page
 * (`docs/presets/<preset>.svg`, written by `npm run docs`) and the one the local dashboard shows and colours by
 * alarm state. One drawing for both, so the docs and the running pipeline never disagree.
 *
 * Layout: each component sits in the column of its longest path from a source, in the order the preset lists it;
 * arrows run from a box's right edge to the next box's left edge. Every box is a `<g class="component">` with
 * `data-id` and `data-kind`, so the dashboard can find and annotate it.
 */
import type { PipelineComponent, PresetDefinition } from '../presets/preset.ts';

const BOX_WIDTH = 200;
const BOX_HEIGHT = 72;
const COLUMN_GAP = 64;
const ROW_GAP = 34;
const MARGIN = 16;
const LINE_CHARS = 26;
const LINE_HEIGHT = 15;

/** Fill colours by component kind (AWS's service-category colours, lightened). */
const FILL: Record<PipelineComponent['kind'], string> = {
  producer: '#eef1f5',
  'ingest-api': '#f7e6f0',
  'kinesis-stream': '#ede7f6',
  'lambda-consumer': '#fdf0e3',
  'lambda-processor': '#fdf0e3',
  'dead-letter-queue': '#f7e6f0',
  firehose: '#ede7f6',
  s3: '#e8f5e9',
  kafka: '#ede7f6',
  'kafka-connect': '#ede7f6',
  flink: '#ede7f6',
};

export interface DiagramLayout {
  readonly width: number;
  readonly height: number;
  /** Top-left corner of each component's box, by id. */
  readonly boxes: ReadonlyMap<string, { readonly x: number; readonly y: number }>;
}

/** Column = longest path from a source; rows in the order the preset lists the components. */
export function layoutDiagram(components: readonly PipelineComponent[]): DiagramLayout {
  const column = new Map<string, number>(components.map((c) => [c.id, 0]));
  // Longest-path layering; the component graph is a DAG, so |components| rounds settle it.
  for (let round = 0; round < components.length; round++) {
    for (const c of components) {
      for (const next of c.next) column.set(next, Math.max(column.get(next) ?? 0, column.get(c.id)! + 1));
    }
  }
  const rows = new Map<number, number>();
  const boxes = new Map<string, { x: number; y: number }>();
  for (const c of components) {
    const col = column.get(c.id)!;
    const row = rows.get(col) ?? 0;
    rows.set(col, row + 1);
    boxes.set(c.id, { x: MARGIN + col * (BOX_WIDTH + COLUMN_GAP), y: MARGIN + row * (BOX_HEIGHT + ROW_GAP) });
  }
  const columns = Math.max(...column.values()) + 1;
  const maxRows = Math.max(...rows.values());
  return {
    width: 2 * MARGIN + columns * BOX_WIDTH + (columns - 1) * COLUMN_GAP,
    height: 2 * MARGIN + maxRows * BOX_HEIGHT + (maxRows - 1) * ROW_GAP,
    boxes,
  };
}

export function renderSvg(preset: Pick<PresetDefinition, 'name' | 'title' | 'components'>): string {
  const { width, height, boxes } = layoutDiagram(preset.components);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(preset.title)}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="13">`,
    `  <title>${escapeXml(preset.title)}</title>`,
    '  <defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
  ];
  for (const c of preset.components) {
    const from = boxes.get(c.id)!;
    for (const next of c.next) {
      const to = boxes.get(next)!;
      const x1 = from.x + BOX_WIDTH;
      const y1 = from.y + BOX_HEIGHT / 2;
      const x2 = to.x;
      const y2 = to.y + BOX_HEIGHT / 2;
      const mid = (x1 + x2) / 2;
      out.push(
        `  <path class="edge" data-from="${c.id}" data-to="${next}" d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}" fill="none" stroke="#555" stroke-width="1.5" marker-end="url(#arrow)"/>`,
      );
    }
  }
  for (const c of preset.components) {
    const { x, y } = boxes.get(c.id)!;
    const lines = wrap(c.label, LINE_CHARS);
    const firstY = y + BOX_HEIGHT / 2 - ((lines.length - 1) * LINE_HEIGHT) / 2 + 4;
    out.push(
      `  <g class="component" data-id="${c.id}" data-kind="${c.kind}">`,
      `    <rect x="${x}" y="${y}" width="${BOX_WIDTH}" height="${BOX_HEIGHT}" rx="8" fill="${FILL[c.kind]}" stroke="#444" stroke-width="1.2"/>`,
      `    <text x="${x + BOX_WIDTH / 2}" text-anchor="middle" fill="#111">${lines
        .map((line, i) => `<tspan x="${x + BOX_WIDTH / 2}" y="${firstY + i * LINE_HEIGHT}">${escapeXml(line)}</tspan>`)
        .join('')}</text>`,
      '  </g>',
    );
  }
  out.push('</svg>', '');
  return out.join('\n');
}

/** Greedy word wrap; a word longer than a line (an S3 prefix) is cut into line-long pieces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  const words = text.split(/\s+/).flatMap((w) => w.match(new RegExp(`.{1,${width}}`, 'g')) ?? []);
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
