import { relative } from 'node:path';
import { isMskSpec, LOCAL_CREDENTIALS, LOCAL_REGION } from '@streamkit/core';
import { type LocalPipeline, startLocalPipeline } from '@streamkit/local';
import { IngestClient, KinesisStreamWriter, type RecordBatchWriter, stockTicker, taxiRides } from '@streamkit/producer';
import { functionEvents, printEvent, subscribeAll } from '../function-events.ts';
import { curlExample, localIngestAuth } from '../local-auth.ts';
import {
  alarmChanges,
  alarmsText,
  announceDashboard,
  dashboardOption,
  printDashboardLine,
} from '../monitoring-output.ts';
import { output } from '../output.ts';
import { type PipelineArgs, resolvePipeline } from '../resolve-spec.ts';
import { printRunSummary, runStatus, startDemoProducing } from '../run-summary.ts';
import { stopOnSignal } from '../stop-signal.ts';
import { devKafka } from './dev-kafka.ts';

export interface DevArgs extends PipelineArgs {
  readonly kinesisPort?: number;
  readonly ingestPort?: number;
  readonly firehosePort?: number;
  readonly dataDir?: string;
  readonly reset?: boolean;
  /** Records/s of demo stock ticks to send through the ingest API (or straight to the stream, without one). */
  readonly produce?: number;
  /** Stop producing after this long, wait for the pipeline to settle, and exit. */
  readonly durationMs?: number;
  readonly logs?: boolean;
  readonly throttle?: boolean;
  readonly shardLimits?: boolean;
  /** Port of the web dashboard (0 = a free port). */
  readonly dashboardPort?: number;
  /** False with --no-dashboard. */
  readonly dashboard?: boolean;
  /** Client port of the local Kafka's first broker (MSK presets). */
  readonly kafkaPort?: number;
}

export async function dev(args: DevArgs): Promise<number> {
  const { spec, source } = resolvePipeline(args);
  output.progress(`starting ${spec.name} (${source}) on 127.0.0.1`);
  if (isMskSpec(spec)) return devKafka(spec, args);
  const pipeline = await startLocalPipeline(spec, {
    ...(args.kinesisPort !== undefined && { kinesisPort: args.kinesisPort }),
    ...(args.ingestPort !== undefined && { ingestPort: args.ingestPort }),
    ...(args.firehosePort !== undefined && { firehosePort: args.firehosePort }),
    ...(args.dataDir !== undefined && { dataDir: args.dataDir }),
    ...(args.reset !== undefined && { reset: args.reset }),
    ...(args.throttle !== undefined && { throttle: args.throttle }),
    ...(args.shardLimits !== undefined && { shardLimits: args.shardLimits }),
    ...dashboardOption(args),
    onProgress: output.progress,
  });
  const removeDashboardFile = announceDashboard(pipeline.dataDir, pipeline.dashboardUrl, spec.name);
  printBanner(pipeline);
  const stopListening = listen(pipeline, args.logs ?? false);

  const stopping = stopOnSignal();

  const started = Date.now();
  const producing = startDemoProducing({
    client: demoWriter(pipeline),
    // The enrichment job asks the fare API about taxi rides; every other preset gets stock ticks.
    generator: pipeline.spec.preset === 'kinesis-flink-apigw' ? taxiRides() : stockTicker(),
    rate: args.produce,
    signal: stopping.signal,
    ...(args.durationMs !== undefined && { durationMs: args.durationMs }),
  });
  const status = new StatusLine(
    () => `${runStatus(started, producing, countsText(pipeline))}${alarmsText(pipeline.monitoring)}`,
  );

  let exitCode = 0;
  try {
    if (args.durationMs !== undefined) {
      const timer = setTimeout(stopping.stop, args.durationMs);
      if (producing.done) await producing.done;
      else await stopping.stopped();
      clearTimeout(timer);
      // Buffered records are written now rather than when their interval ends.
      await pipeline.flush(30_000);
      if (!(await pipeline.drain(30_000))) {
        output.line('the pipeline did not settle every record within 30 s of the producer stopping');
        exitCode = 7;
      }
    } else {
      await stopping.stopped();
      await producing.done?.catch(() => undefined);
    }
  } finally {
    status.stop();
    stopListening();
    removeDashboardFile();
    await pipeline.stop();
    stopping.dispose();
  }
  printRunSummary(producing.result(), countsText(pipeline), started);
  return exitCode;
}

/** Where demo records go: through the ingest API when the pipeline has one, else straight into its stream. */
function demoWriter(p: LocalPipeline): RecordBatchWriter {
  if (p.spec.preset === 'apigw-kinesis-lambda') {
    return new IngestClient({ url: p.ingestUrl!, auth: localIngestAuth(p.spec) });
  }
  return new KinesisStreamWriter({ kinesis: p.kinesis, streamName: p.streamName });
}

function countsText(p: LocalPipeline): string {
  const c = p.counts;
  if (p.flinkJobs.size > 0) {
    const restarts = [...p.flinkJobs.values()].reduce((n, job) => n + job.restartCount, 0);
    return `ingested ${c.ingested}  read by Flink ${c.processed}  written ${c.delivered}${restarts ? `  JVM restarts ${restarts}` : ''}`;
  }
  if (p.spec.preset === 'kinesis-firehose-s3') {
    const d = p.deliveryStream!.counts;
    return `ingested ${c.ingested}  delivered ${c.delivered} in ${d.objects} objects  errors ${c.deliveryErrors}${c.dropped ? `  dropped ${c.dropped}` : ''}  buffered ${p.deliveryStream!.bufferedRecords}${c.invocations ? `  invocations ${c.invocations}` : ''}`;
  }
  return `ingested ${c.ingested}  processed ${c.processed}  ${c.filteredOut ? `filtered out ${c.filteredOut}  ` : ''}dead-lettered ${c.deadLettered}  invocations ${c.invocations}  errors ${c.functionErrors}`;
}

function printBanner(p: LocalPipeline): void {
  const { spec } = p;
  const rel = (path: string) => relative(process.cwd(), path) || '.';
  output.line('');
  output.line(`  ${spec.name} is running locally (preset ${spec.preset})`);
  output.line('');
  if (spec.preset === 'apigw-kinesis-lambda') {
    output.line(`  Ingest API   ${p.ingestUrl}   POST /record, POST /records   auth: ${spec.ingest.auth}`);
  }
  output.line(`  Kinesis      ${p.kinesisEndpoint}   stream ${p.streamName} (${spec.stream.shardCount} shards)`);
  if (spec.preset === 'apigw-kinesis-lambda') {
    for (const consumer of spec.consumers) {
      const fn = p.functions.get(consumer.name)!;
      const dlq = p.deadLetterQueues.get(consumer.name);
      output.line(
        `  Consumer     ${fn.functionName}   ${consumer.handler ? rel(consumer.handler) : 'built-in Kinesis consumer'}`,
      );
      output.line(`  DLQ          ${dlq ? rel(dlq.file) : 'none (onFailure: none)'}`);
    }
  } else if (spec.preset === 'kinesis-firehose-s3') {
    const d = spec.delivery;
    const stream = p.deliveryStream!;
    output.line(
      `  Firehose     ${p.firehoseEndpoint}   delivery stream ${stream.deliveryStreamName}, buffer ${d.bufferingHints.sizeInMBs} MiB / ${d.bufferingHints.intervalInSeconds} s`,
    );
    if (d.processor)
      output.line(`  Processor    ${p.functions.get('processor')!.functionName}   ${rel(d.processor.handler)}`);
    if (p.jq) output.line(`  jq           ${p.jq.description}`);
    output.line(
      `  S3           ${rel(p.objectStore.bucketPath(p.bucket!))}/   (bucket ${p.bucket}, one file per object)`,
    );
  }
  if (p.fareApiUrl) output.line(`  Fare API     POST ${p.fareApiUrl}fare-estimate   (Lambda proxy, API key)`);
  for (const job of p.flinkJobs.values()) {
    output.line(
      `  Flink        ${job.name} job, JVM ${job.pid}   log ${rel(job.logFile)}   checkpoints ${rel(job.checkpointsDir)}`,
    );
  }
  if (p.flinkJobs.size > 0 && p.bucket) {
    output.line(
      `  S3           ${rel(p.objectStore.bucketPath(p.bucket))}/   (Flink's part files appear at checkpoints)`,
    );
  }
  printDashboardLine(p.dashboardUrl);
  output.line(
    `  Credentials  ${LOCAL_CREDENTIALS.accessKeyId} / ${LOCAL_CREDENTIALS.secretAccessKey} (region ${LOCAL_REGION})`,
  );
  output.line('');
  if (spec.preset === 'apigw-kinesis-lambda') output.line(`  Try:  ${curlExample(spec, p.ingestUrl!)}`);
  else {
    output.line(
      `  Try:  aws kinesis put-record --endpoint-url ${p.kinesisEndpoint} --region ${LOCAL_REGION} --stream-name ${p.streamName} --partition-key AMZN --cli-binary-format raw-in-base64-out --data '{"ticker":"AMZN","price":181.5}'`,
    );
  }
  output.line('  Stop: Ctrl-C');
  output.line('');
}

/** Prints what happens in the pipeline that a developer must see: handler errors, dead letters, optionally logs. */
function listen(p: LocalPipeline, logs: boolean): () => void {
  const deliveryStreamName = p.deliveryStream?.deliveryStreamName;
  const rel = (path: string) => relative(process.cwd(), path) || '.';
  const { ours, subscriptions } = functionEvents(
    [...p.functions.values()].map((f) => f.functionName),
    logs,
  );
  subscriptions.push([
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
        printEvent(`  → ${d.records} record(s) of ${d.shardId} ${where}: ${d.condition}`);
      }
    },
  ]);
  if (deliveryStreamName) {
    subscriptions.push(
      [
        'streamkit:firehose:flush',
        (m) => {
          const f = m as {
            deliveryStreamName: string;
            key: string;
            kind: string;
            records: number;
            objectBytes: number;
          };
          if (f.deliveryStreamName !== deliveryStreamName) return;
          const what = f.kind === 'error' ? 'error records' : 'records';
          printEvent(
            `  → ${f.records} ${what} in ${rel(p.objectStore.pathOf(p.bucket!, f.key))} (${f.objectBytes} bytes)`,
          );
        },
      ],
      [
        'streamkit:firehose:error',
        (m) => {
          const e = m as { deliveryStreamName: string; error: string; retryInMs?: number };
          if (e.deliveryStreamName !== deliveryStreamName) return;
          printEvent(`  ✗ ${e.error}${e.retryInMs === undefined ? '' : ` — retrying in ${e.retryInMs} ms`}`);
        },
      ],
    );
  }
  subscriptions.push(alarmChanges());
  return subscribeAll(subscriptions);
}

/** One status line: rewritten in place on a terminal, printed every 5 s otherwise. */
export class StatusLine {
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
