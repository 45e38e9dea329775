import { type PipelineSpec, StreamkitError } from '@streamkit/core';
import { isLocalKafkaSpec, type LocalKafkaPipeline, startLocalKafkaPipeline } from '@streamkit/local';
import { KafkaProducer, stockTicker } from '@streamkit/producer';
import { functionEvents, printEvent, subscribeAll } from '../function-events.ts';
import {
  alarmChanges,
  alarmsText,
  announceDashboard,
  dashboardOption,
  printDashboardLine,
} from '../monitoring-output.ts';
import { output } from '../output.ts';
import { printRunSummary, runStatus, startDemoProducing } from '../run-summary.ts';
import { stopOnSignal } from '../stop-signal.ts';
import { type DevArgs, StatusLine } from './dev.ts';

/**
 * `streamkit dev` for the MSK presets: a real local Kafka, and the ESM and handlers (msk-lambda,
 * msk-lambda-firehose-s3), a Kafka Connect worker with the S3 sink (msk-connect-s3) or the Flink SQL job
 * (msk-flink-s3).
 */
export async function devKafka(spec: PipelineSpec, args: DevArgs): Promise<number> {
  if (!isLocalKafkaSpec(spec)) {
    throw new StreamkitError('SK_VALIDATION', `the local target does not run preset ${spec.preset} yet`, {
      path: 'preset',
    });
  }
  const pipeline = await startLocalKafkaPipeline(spec, {
    ...(args.kafkaPort !== undefined && { kafkaPort: args.kafkaPort }),
    ...(args.firehosePort !== undefined && { firehosePort: args.firehosePort }),
    ...(args.dataDir !== undefined && { dataDir: args.dataDir }),
    ...(args.reset !== undefined && { reset: args.reset }),
    ...dashboardOption(args),
    onProgress: output.progress,
  });
  const removeDashboardFile = announceDashboard(pipeline.dataDir, pipeline.dashboardUrl, spec.name);
  const servers = pipeline.bootstrapServers.join(',');
  output.line(`${spec.name} (${spec.preset}) is running on 127.0.0.1`);
  output.line(`  Kafka:      ${servers}  (topics: ${spec.topics.map((t) => `${t.name}:${t.partitions}`).join(', ')})`);
  for (const [name, mapping] of pipeline.mappings) {
    output.line(`  consumer:   ${name} ← ${mapping.consumerGroupId} (Kafka event source mapping)`);
  }
  if (pipeline.firehoseEndpoint) output.line(`  Firehose:   ${pipeline.firehoseEndpoint} → ${pipeline.bucket}`);
  const worker = pipeline.connectWorker;
  if (worker) {
    output.line(`  Connect:    ${worker.connectorName} (standalone worker, REST ${worker.restUrl}, pid ${worker.pid})`);
  }
  if (pipeline.flinkJob)
    output.line(`  Flink:      SQL job (pid ${pipeline.flinkJob.pid}, log ${pipeline.flinkJob.logFile})`);
  if (worker || pipeline.flinkJob) {
    output.line(`  output:     ${pipeline.objectStore.bucketPath(pipeline.bucket!)}`);
  }
  printDashboardLine(pipeline.dashboardUrl);
  output.line(`  try:        kcat -b ${servers} -t ${pipeline.topic} -P <<< '{"hello":"kafka"}'`);
  output.line('  Stop: Ctrl-C');
  const stopListening = listen(pipeline, args.logs ?? false);

  const stopping = stopOnSignal();

  const started = Date.now();
  const producer =
    args.produce === undefined
      ? undefined
      : new KafkaProducer({ bootstrapServers: pipeline.bootstrapServers, topic: pipeline.topic });
  const producing = startDemoProducing({
    client: producer,
    generator: stockTicker(),
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
      const drainMs = settleTimeoutMs(spec);
      if (!(await pipeline.drain(drainMs))) {
        output.line(`the pipeline did not settle every record within ${drainMs / 1000} s of the producer stopping`);
        exitCode = 7;
      }
      await pipeline.flush();
    } else {
      await stopping.stopped();
      await producing.done?.catch(() => undefined);
    }
  } finally {
    status.stop();
    stopListening();
    removeDashboardFile();
    await producer?.close();
    await pipeline.stop();
    stopping.dispose();
  }
  printRunSummary(producing.result(), countsText(pipeline), started);
  return exitCode;
}

/** How long `--duration` waits for the last records: a minute, plus the sink's rotation interval (its last objects). */
function settleTimeoutMs(spec: LocalKafkaPipeline['spec']): number {
  return 60_000 + (spec.preset === 'msk-connect-s3' ? spec.connector.rotateIntervalMs : 0);
}

function countsText(p: LocalKafkaPipeline): string {
  const c = p.counts;
  if (p.spec.preset === 'msk-cluster') return 'broker running';
  if (p.spec.preset === 'msk-connect-s3' || p.spec.preset === 'msk-flink-s3') {
    return `delivered ${c.delivered} to ${p.bucket}`;
  }
  const delivered = p.deliveryStream ? `  delivered ${c.delivered} in ${p.deliveryStream.counts.objects} objects` : '';
  return `processed ${c.processed}  on-failure ${c.deadLettered}  invocations ${c.invocations}  errors ${c.functionErrors}${delivered}`;
}

function listen(p: LocalKafkaPipeline, logs: boolean): () => void {
  const { ours, subscriptions } = functionEvents(
    [...p.functions.values()].map((f) => f.functionName),
    logs,
  );
  subscriptions.push([
    'streamkit:esm:dead-letter',
    (m) => {
      const d = m as { records: number; topicPartitions?: string[]; condition: string; delivered: boolean };
      if (ours(m)) {
        const where = d.delivered ? 'sent to the on-failure destination' : 'discarded (no destination)';
        printEvent(`  → ${d.records} record(s) of ${(d.topicPartitions ?? []).join(', ')} ${where}: ${d.condition}`);
      }
    },
  ]);
  subscriptions.push(alarmChanges());
  return subscribeAll(subscriptions);
}
