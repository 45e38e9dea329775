import { type ProduceOptions, type ProduceResult, produce } from '@streamkit/producer';
import { output } from './output.ts';

/** The last lines of a `streamkit dev` run: what was produced, the pipeline's counts, how long it ran. */
export function printRunSummary(produced: ProduceResult | undefined, counts: string, startedAt: number): void {
  const producedText = produced ? `produced ${produced.sent} (${produced.failed} refused)  ` : '';
  output.line(`${producedText}${counts}  in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  output.line('stopped everything this run started');
}

/** The demo producer of a `streamkit dev` run (`--produce`), and what it has sent so far. */
export interface DemoProducing {
  /** Resolves with the producer's result; undefined when the run produces nothing. */
  readonly done: Promise<ProduceResult> | undefined;
  /** Records sent so far. */
  sent(): number;
  /** The producer's result, once it is done. */
  result(): ProduceResult | undefined;
}

/** Starts `produce()` with `options` when `rate` (the `--produce` flag) and a client are given, counting what it sends. */
export function startDemoProducing(
  options: Omit<ProduceOptions, 'client' | 'rate' | 'onProgress'> & {
    readonly client: ProduceOptions['client'] | undefined;
    readonly rate: number | undefined;
  },
): DemoProducing {
  let sent = 0;
  let result: ProduceResult | undefined;
  const { client, rate } = options;
  const done =
    rate === undefined || client === undefined
      ? undefined
      : produce({
          ...options,
          client,
          rate,
          onProgress: (p) => {
            sent = p.sent;
          },
        }).then((r) => {
          result = r;
          sent = r.sent;
          return r;
        });
  return { done, sent: () => sent, result: () => result };
}

/** The status line of a `streamkit dev` run: elapsed time, what the demo producer sent, the pipeline's counts. */
export function runStatus(startedAt: number, producing: DemoProducing, counts: string): string {
  const elapsed = new Date(Date.now() - startedAt).toISOString().slice(14, 19);
  return `[${elapsed}] ${producing.done ? `produced ${producing.sent()}  ` : ''}${counts}`;
}
