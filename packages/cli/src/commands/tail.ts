/**
 * `streamkit tail`: follows a running `streamkit dev` — the records written to its stream and its runtime events
 * (handler errors, dead letters, objects written, alarm state changes) — through its dashboard's event stream.
 */
import { resolve } from 'node:path';
import { LIMITS, StreamkitError } from '@streamkit/core';
import type { RuntimeEvent, SampledRecord } from '@streamkit/local';
import { dashboardFilePath, readDashboardFile } from '../dashboard-file.ts';
import { output } from '../output.ts';
import { type PipelineArgs, resolvePipeline } from '../resolve-spec.ts';

export interface TailArgs extends PipelineArgs {
  /** The dashboard of the running pipeline; default: the one its data directory names. */
  readonly url?: string;
  readonly dataDir?: string;
  /** False with --no-records. */
  readonly records?: boolean;
  /** False with --no-events. */
  readonly events?: boolean;
  /** Stop after this many lines. */
  readonly count?: number;
  readonly durationMs?: number;
  readonly json?: boolean;
}

export async function tail(args: TailArgs): Promise<number> {
  const url = args.url ?? findDashboard(args);
  const stopping = new AbortController();
  const onSignal = () => stopping.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const timer = args.durationMs === undefined ? undefined : setTimeout(() => stopping.abort(), args.durationMs);
  let printed = 0;
  const print = (type: 'record' | 'event', data: SampledRecord | RuntimeEvent) => {
    if (type === 'record' && args.records === false) return;
    if (type === 'event' && args.events === false) return;
    if (args.json) output.line(JSON.stringify({ type, ...data }));
    else if (type === 'record') {
      const r = data as SampledRecord;
      output.line(`${time(r.arrival)}  record  ${r.shardId}  ${r.partitionKey}  ${r.data}`);
    } else {
      const e = data as RuntimeEvent;
      output.line(`${time(e.timestamp)}  ${e.level.padEnd(5)}  [${e.source}] ${e.text}`);
    }
    printed++;
    if (args.count !== undefined && printed >= args.count) stopping.abort();
  };

  try {
    const response = await fetch(new URL('/events?snapshots=0&records=1', url), { signal: stopping.signal }).catch(
      (error: Error) => {
        if (stopping.signal.aborted) return undefined;
        throw new StreamkitError('SK_UNAVAILABLE', `cannot reach the dashboard at ${url}: ${error.message}`, {
          cause: error,
        });
      },
    );
    if (!response) return 0;
    if (!response.ok || !response.body) {
      throw new StreamkitError('SK_UNAVAILABLE', `the dashboard at ${url} answered ${response.status}`);
    }
    if (!args.json) output.progress(`following ${url} (Ctrl-C to stop)`);
    await readEvents(response.body, stopping.signal, print);
    if (!stopping.signal.aborted) {
      throw new StreamkitError('SK_UNAVAILABLE', `the pipeline behind ${url} stopped`);
    }
    return 0;
  } finally {
    if (timer) clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The dashboard of the `streamkit dev` running the same pipeline (its data directory holds dashboard.json). */
function findDashboard(args: TailArgs): string {
  const dataDir = args.dataDir ?? resolvePipeline(args).spec.local.dataDir;
  const file = readDashboardFile(resolve(dataDir));
  if (!file) {
    throw new StreamkitError(
      'SK_NOT_FOUND',
      `no running streamkit dev found: ${dashboardFilePath(dataDir)} is missing or names a stopped process. Start \`streamkit dev\` (with its dashboard) first, or pass --url`,
    );
  }
  return file.url;
}

/** Reads Server-Sent Events until the stream ends or the signal aborts. */
async function readEvents(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  on: (type: 'record' | 'event', data: SampledRecord | RuntimeEvent) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let type = 'message';
        let data = '';
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) type = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        if ((type === 'record' || type === 'event') && data) on(type, JSON.parse(data));
        if (signal.aborted) return;
      }
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

const time = (ms: number) => new Date(ms).toISOString().slice(11, 23);

/** How many records the dashboard keeps, for the help text. */
export const TAIL_SAMPLE_NOTE = `records are sampled: up to ${LIMITS.dashboard.recordSample.value} per shard and call (on the MSK presets, each record the consumers read once; the dashboard keeps the last ${LIMITS.dashboard.recentRecords.value})`;
