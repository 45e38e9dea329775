/** `streamkit cost`: prints core's monthly estimate of a spec at a given load as a table, or as JSON. */
import { type CostEstimate, type CostLine, estimateCost } from '@streamkit/core';
import { output } from '../output.ts';
import { type PipelineArgs, resolvePipeline } from '../resolve-spec.ts';

export interface CostArgs extends PipelineArgs {
  readonly throughput: number;
  readonly recordSize: number;
  readonly region?: string;
  readonly recordsPerRequest?: number;
  readonly json?: boolean;
}

export function cost(args: CostArgs): number {
  const { spec, source } = resolvePipeline(args);
  const estimate = estimateCost(spec, {
    throughput: args.throughput,
    recordSize: args.recordSize,
    ...(args.region && { region: args.region }),
    ...(args.recordsPerRequest && { recordsPerRequest: args.recordsPerRequest }),
  });
  if (args.json) {
    output.line(JSON.stringify({ source, ...estimate }, null, 2));
    return 0;
  }
  for (const line of renderTable(estimate, source)) output.line(line);
  return 0;
}

const count = (n: number) =>
  n.toLocaleString('en-US', { maximumFractionDigits: n >= 100 ? 0 : n >= 1 ? 2 : 4, minimumFractionDigits: 0 });
const usd = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const unitPrice = (line: CostLine) =>
  line.price ? `$${line.price.usd.toLocaleString('en-US', { maximumFractionDigits: 10 })} / ${line.price.per}` : '–';

/** The estimate as aligned text: one row per line, the component named once, then the total and the warnings. */
export function renderTable(estimate: CostEstimate, source: string): string[] {
  const rows = estimate.lines.map((line, i) => [
    i > 0 && estimate.lines[i - 1]?.component === line.component ? '' : line.component,
    line.item,
    count(line.quantity),
    unitPrice(line),
    line.monthlyUsd === undefined ? 'not priced' : usd(line.monthlyUsd),
  ]);
  const header = ['Component', 'Item', 'Quantity', 'Unit price', 'Monthly'];
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => row[c]!.length)));
  const right = new Set([2, 4]);
  const format = (row: string[]) =>
    row
      .map((cell, c) => (right.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  const width = rule.length;
  const total = `Total ${usd(estimate.totalUsd)} a month`;
  return [
    `Monthly estimate of ${estimate.pipeline} (${source}) at ${count(estimate.throughput)} records/s of ${count(estimate.recordSize)} bytes`,
    `${estimate.region} list prices as of ${estimate.pricesReadOn}; ${estimate.hoursPerMonth} hours a month; no free tier, taxes or data transfer (docs/cost.md)`,
    '',
    format(header),
    rule,
    ...rows.map(format),
    rule,
    total.padStart(width),
    ...(estimate.warnings.length > 0 ? ['', ...estimate.warnings.map((w) => `warning: ${w}`)] : []),
    ...notes(estimate),
  ];
}

function notes(estimate: CostEstimate): string[] {
  const withNotes = estimate.lines.filter((line) => line.note);
  if (withNotes.length === 0) return [];
  return ['', 'Notes:', ...withNotes.map((line) => `  ${line.component}, ${line.item}: ${line.note}`)];
}
