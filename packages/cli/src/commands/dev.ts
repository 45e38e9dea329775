import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { relative } from 'node:path';
import { LOCAL_CREDENTIALS, LOCAL_REGION, requirePreset } from '@streamkit/core';
import { type LocalPipeline, startLocalPipeline } from '@streamkit/local';
import { IngestClient, type ProduceResult, produce, stockTicker } from '@streamkit/producer';
import { curlExample, localIngestAuth } from '../local-auth.ts';
import { output } from '../output.ts';
import { type PipelineArgs, resolvePipeline } from '../resolve-spec.ts';

export interface DevArgs extends PipelineArgs {
  readonly kinesisPort?: number;
  readonly ingestPort?: number;
  readonly dataDir?: string;
  readonly reset?: boolean;
  /** Records/s of demo stock ticks to send through the ingest API. */
  readonly produce?: number;
  /** Stop producing after this long, wait for the pipeline to settle, and exit. */
  readonly durationMs?: number;
  readonly logs?: boolean;
  readonly throttle?: boolean;
}

export async function dev(args: DevArgs): Promise<number> {
  const { spec, source } = resolvePipeline(args);
  output.progress(`starting ${spec.name} (${source}) on 127.0.0.1`);
  const pipeline = await startLocalPipeline(spec, {
    ...(args.kinesisPort !== undefined && { kinesisPort: args.kinesisPort }),
    ...(args.ingestPort !== undefined && { ingestPort: args.ingestPort }),
    ...(args.dataDir !== undefined && { dataDir: args.dataDir }),
    ...(args.reset !== undefined && { reset: args.reset }),
    ...(args.throttle !== undefined && { throttle: args.throttle }),
    onProgress: output.progress,
  });
  printBanner(pipeline);
  const stopListening = listen(pipeline, args.logs ?? false);

  const stopping = new AbortController();
  const onSignal = () => {
    if (stopping.signal.aborted) process.exit(130);
    output.line('\nstopping (Ctrl-C again to force)…');
    stopping.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const started = Date.now();
  let produced: ProduceResult | undefined;
  let sent = 0;
  const producing =
    args.produce === undefined
      ? undefined
      : produce({
          client: new IngestClient({
            url: pipeline.ingestUrl,
            auth: localIngestAuth(requirePreset(spec, 'apigw-kinesis-lambda')),
          }),
          generator: stockTicker(),
          rate: args.produce,
          signal: stopping.signal,
          ...(args.durationMs !== undefined && { durationMs: args.durationMs }),
          onProgress: (p) => {
            sent = p.sent;
          },
        }).then((result) => {
          produced = result;
          sent = result.sent;
          return result;
        });

  const status = new StatusLine(() => {
    const c = pipeline.counts;
    const elapsed = new Date(Date.now() - started).toISOString().slice(14, 19);
    const producedText = args.produce === undefined ? '' : `produced ${sent}  `;
    return `[${elapsed}] ${producedText}ingested ${c.ingested}  processed ${c.processed}  ${c.filteredOut ? `filtered out ${c.filteredOut}  ` : ''}dead-lettered ${c.deadLettered}  invocations ${c.invocations}  errors ${c.functionErrors}`;
  });

  let exitCode = 0;
  try {
    if (args.durationMs !== undefined) {
      const timer = setTimeout(() => stopping.abort(), args.durationMs);
      if (producing) await producing;
      else
        await new Promise<void>((resolve) =>
          stopping.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
      clearTimeout(timer);
      if (!(await pipeline.drain(30_000))) {
        output.line('the pipeline did not settle every record within 30 s of the producer stopping');
        exitCode = 7;
      }
    } else {
      await new Promise<void>((resolve) => stopping.signal.addEventListener('abort', () => resolve(), { once: true }));
      await producing?.catch(() => undefined);
    }
  } finally {
    status.stop();
    stopListening();
    await pipeline.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const c = pipeline.counts;
  output.line(
    `${produced ? `produced ${produced.sent} (${produced.failed} refused)  ` : ''}ingested ${c.ingested}  processed ${c.processed}  dead-lettered ${c.deadLettered}  in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  output.line('stopped everything this run started');
  return exitCode;
}

function printBanner(p: LocalPipeline): void {
  const spec = requirePreset(p.spec, 'apigw-kinesis-lambda');
  const rel = (path: string) => relative(process.cwd(), path) || '.';
  output.line('');
  output.line(`  ${spec.name} is running locally (preset ${spec.preset})`);
  output.line('');
  output.line(`  Ingest API   ${p.ingestUrl}   POST /record, POST /records   auth: ${spec.ingest.auth}`);
  output.line(`  Kinesis      ${p.kinesisEndpoint}   stream ${p.streamName} (${spec.stream.shardCount} shards)`);
  for (const consumer of spec.consumers) {
    const fn = p.functions.get(consumer.name)!;
    const dlq = p.deadLetterQueues.get(consumer.name);
    output.line(
      `  Consumer     ${fn.functionName}   ${consumer.handler ? rel(consumer.handler) : 'built-in Kinesis consumer'}`,
    );
    output.line(`  DLQ          ${dlq ? rel(dlq.file) : 'none (onFailure: none)'}`);
  }
  output.line(
    `  Credentials  ${LOCAL_CREDENTIALS.accessKeyId} / ${LOCAL_CREDENTIALS.secretAccessKey} (region ${LOCAL_REGION})`,
  );
  output.line('');
  output.line(`  Try:  ${curlExample(spec, p.ingestUrl)}`);
  output.line('  Stop: Ctrl-C');
  output.line('');
}

/** A line about something that happened; on a terminal it first clears the live status line. */
function event(text: string): void {
  if (process.stdout.isTTY) process.stdout.write('\r\x1b[2K');
  output.line(text);
}

/** Prints what happens in the pipeline that a developer must see: handler errors, dead letters, optionally logs. */
function listen(p: LocalPipeline, logs: boolean): () => void {
  const names = new Set([...p.functions.values()].map((f) => f.functionName));
  const ours = (m: unknown) => names.has((m as { functionName: string }).functionName);
  const subscriptions: [string, (m: unknown) => void][] = [
    [
      'streamkit:lambda:invoke',
      (m) => {
        const invoke = m as { functionName: string; error?: { errorType: string; errorMessage: string } };
        if (ours(m) && invoke.error)
          event(`  ✗ ${invoke.functionName}: ${invoke.error.errorType}: ${invoke.error.errorMessage.split('\n')[0]}`);
      },
    ],
    [
      'streamkit:esm:dead-letter',
      (m) => {
        const d = m as {
          functionName: string;
          records: number;
          shardId: string;
          condition: string;
          delivered: boolean;
        };
        if (ours(m)) {
          const where = d.delivered ? 'sent to the DLQ' : 'discarded (no DLQ)';
          event(`  → ${d.records} record(s) of ${d.shardId} ${where}: ${d.condition}`);
        }
      },
    ],
  ];
  if (logs) {
    subscriptions.push([
      'streamkit:lambda:log',
      (m) => {
        const line = m as { functionName: string; line: string };
        if (ours(m)) event(`  ${line.functionName} | ${line.line}`);
      },
    ]);
  }
  for (const [name, fn] of subscriptions) subscribe(name, fn);
  return () => {
    for (const [name, fn] of subscriptions) unsubscribe(name, fn);
  };
}

/** One status line: rewritten in place on a terminal, printed every 5 s otherwise. */
class StatusLine {
  private readonly timer: NodeJS.Timeout;
  private readonly render: () => string;
  private readonly tty = Boolean(process.stdout.isTTY);
  private ticks = 0;

  constructor(render: () => string) {
    this.render = render;
    this.timer = setInterval(() => this.tick(), 1000);
  }

  private tick(): void {
    this.ticks++;
    if (this.tty) process.stdout.write(`\r\x1b[2K${this.render()}`);
    else if (this.ticks % 5 === 0) output.line(this.render());
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.tty) process.stdout.write('\r\x1b[2K');
  }
}
