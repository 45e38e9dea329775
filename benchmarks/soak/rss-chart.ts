/**
 * The soak report's RSS curve: a small self-contained SVG (a polyline per process over time, axes with a few ticks),
 * written by hand so the report needs no charting library and renders on GitHub as an image.
 */

export interface RssSeries {
  readonly label: string;
  readonly colour: string;
  /** [seconds since start, MiB] */
  readonly points: readonly (readonly [number, number])[];
}

const WIDTH = 720;
const HEIGHT = 300;
const PAD = { left: 56, right: 16, top: 28, bottom: 40 };

/** A "nice" step (1, 2 or 5 × 10^n) giving about `count` ticks over `span`. */
function tickStep(span: number, count: number): number {
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw);
  return step ?? 10 * magnitude;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function rssChartSvg(title: string, series: readonly RssSeries[]): string {
  const all = series.flatMap((s) => s.points);
  const maxT = Math.max(1, ...all.map(([t]) => t));
  const maxY = Math.max(1, ...all.map(([, y]) => y)) * 1.1;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (t: number) => PAD.left + (t / maxT) * plotW;
  const y = (v: number) => PAD.top + plotH - (v / maxY) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${PAD.left}" y="16" font-size="13" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  const yStep = tickStep(maxY, 5);
  for (let v = 0; v <= maxY; v += yStep) {
    parts.push(
      `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e5e5"/>`,
      `<text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v}</text>`,
    );
  }
  const tStep = tickStep(maxT, 8);
  for (let t = 0; t <= maxT; t += tStep) {
    parts.push(
      `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH + 4}" stroke="#555"/>`,
      `<text x="${x(t).toFixed(1)}" y="${PAD.top + plotH + 16}" text-anchor="middle">${t}</text>`,
    );
  }
  parts.push(
    `<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#555"/>`,
    `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}" stroke="#555"/>`,
    `<text x="${PAD.left + plotW / 2}" y="${HEIGHT - 8}" text-anchor="middle">seconds since the start</text>`,
    `<text transform="translate(14 ${PAD.top + plotH / 2}) rotate(-90)" text-anchor="middle">RSS (MiB)</text>`,
  );
  const legendTop = PAD.top + plotH - 8 - series.length * 16;
  series.forEach((s, i) => {
    const points = s.points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(
      `<polyline fill="none" stroke="${s.colour}" stroke-width="1.5" points="${points}"/>`,
      // The legend sits at the bottom right, below the curves (RSS never nears zero).
      `<rect x="${WIDTH - PAD.right - 230}" y="${legendTop + i * 16}" width="10" height="10" fill="${s.colour}"/>`,
      `<text x="${WIDTH - PAD.right - 214}" y="${legendTop + 9 + i * 16}">${escapeXml(s.label)}</text>`,
    );
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}
