import type { ProduceResult } from '@streamkit/producer';
import { output } from './output.ts';

/** The last lines of a `streamkit dev` run: what was produced, the pipeline's counts, how long it ran. */
export function printRunSummary(produced: ProduceResult | undefined, counts: string, startedAt: number): void {
  const producedText = produced ? `produced ${produced.sent} (${produced.failed} refused)  ` : '';
  output.line(`${producedText}${counts}  in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  output.line('stopped everything this run started');
}
