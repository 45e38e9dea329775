/**
 * The local parts of the two MSK presets that read topics with something other than Lambda, started by
 * `startLocalKafkaPipeline` after the local Kafka:
 *
 * - msk-connect-s3: a Kafka Connect worker (standalone) on the local JVM running streamkit's S3 sink with the
 *   configuration the cloud stack gives MSK Connect, writing `topics/<topic>/partition=<p>/…` objects into the output
 *   bucket of the object store; its consumer group is `connect-<connector name>`;
 * - msk-flink-s3: the SQL runner (`flink/`) on the spec's SQL with the Kafka variables of the cloud application
 *   (bootstrap servers, topic, group, output path `…/<bucket>/<topic>/`), in a local JVM with checkpoints.
 *
 * Each says when it has settled: its group committed the end of each topic it reads — for Connect that is after the
 * objects are written; for Flink after a checkpoint, and then a checkpoint a full interval later finishes the part
 * files. `delivered` counts the lines of finished objects in the bucket every few seconds.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  kafkaSqlRunnerProperties,
  LIMITS,
  LOCAL_REGION,
  localNames,
  type MskConnectS3Spec,
  type MskFlinkS3Spec,
  sinkConsumerGroup,
} from '@streamkit/core';
import { CONNECT_CHANNELS } from '../connect/channels.ts';
import { LocalConnectWorker } from '../connect/local-connect-worker.ts';
import { buildConnectSink } from '../connect/sink-build.ts';
import { localSinkConnectorProperties, localWorkerProperties } from '../connect/worker-properties.ts';
import { FLINK_CHANNELS, type FlinkBuildMessage } from '../flink/channels.ts';
import { latestRetainedCheckpoint } from '../flink/checkpoints.ts';
import { buildFlinkJobs } from '../flink/job-build.ts';
import { LocalFlinkJob } from '../flink/local-flink-job.ts';
import { countOutputLines } from './flink-presets.ts';

/** How often the output bucket is counted for `delivered`. */
const OUTPUT_SCAN_MS = 2_000;

export interface KafkaAppContext {
  readonly dataDir: string;
  readonly bootstrapServers: readonly string[];
  readonly cleanup: (() => Promise<void> | void)[];
  readonly progress: (step: string) => void;
  /** Checkpoint interval of the Flink job. @default LIMITS.local.flinkCheckpointIntervalMs */
  readonly flinkCheckpointIntervalMs?: number;
}

export interface KafkaAppPart {
  readonly bucket: string;
  /** The consumer groups that must reach the end of their topics. */
  readonly groups: readonly { readonly groupId: string; readonly topic: string }[];
  /** Lines in finished objects of the bucket (refreshed every few seconds; `refresh()` reads them now). */
  delivered(): number;
  refreshDelivered(): Promise<number>;
  /** Once the groups are caught up: whether what they read is in finished objects. */
  settledAfterCaughtUp(caughtUpAt: number): Promise<boolean>;
  readonly connectWorker?: LocalConnectWorker;
  readonly flinkJob?: LocalFlinkJob;
}

/** M5 locally: the Connect worker and streamkit's sink, into `<dataDir>/s3/<pipeline>-output/topics/…`. */
export async function startConnectS3(spec: MskConnectS3Spec, context: KafkaAppContext): Promise<KafkaAppPart> {
  const { dataDir, cleanup, progress } = context;
  const onBuild = (message: unknown) => progress((message as FlinkBuildMessage).message);
  subscribe(CONNECT_CHANNELS.build, onBuild);
  const build = await buildConnectSink().finally(() => unsubscribe(CONNECT_CHANNELS.build, onBuild));
  const bucket = localNames.bucket(spec.name);
  const connectorName = localNames.connector(spec.name);
  const dir = path.join(dataDir, 'connect');
  const worker = new LocalConnectWorker({
    build,
    dir,
    workerProperties: localWorkerProperties({
      bootstrapServers: context.bootstrapServers,
      offsetsFile: path.join(dir, 'connect.offsets'),
      workerConfiguration: spec.connector.workerConfiguration,
    }),
    connectorProperties: localSinkConnectorProperties(spec, {
      connectorName,
      storeRoot: path.join(dataDir, 's3'),
      bucket,
    }),
  });
  progress(
    `starting Kafka Connect (standalone) with the S3 sink ${connectorName} (log: ${path.relative(process.cwd(), worker.logFile)})`,
  );
  cleanup.push(() => worker.stop());
  await worker.start();
  const output = path.join(dataDir, 's3', bucket);
  return {
    ...outputCounter(output, cleanup),
    bucket,
    groups: spec.connector.topics.map((topic) => ({ groupId: sinkConsumerGroup(connectorName), topic })),
    // The sink lets Connect commit only offsets of records in written objects: caught up is settled.
    settledAfterCaughtUp: async () => true,
    connectWorker: worker,
  };
}

/** M4 locally: the SQL runner over the topic, into `<dataDir>/s3/<pipeline>-output/<topic>/`. */
export async function startFlinkSqlOverKafka(spec: MskFlinkS3Spec, context: KafkaAppContext): Promise<KafkaAppPart> {
  const { dataDir, cleanup, progress } = context;
  const bucket = localNames.bucket(spec.name);
  const topic = spec.flink.topic;
  const output = path.join(dataDir, 's3', bucket, topic);
  const groupId = localNames.flinkSqlGroup(spec.name);
  const interval = context.flinkCheckpointIntervalMs ?? LIMITS.local.flinkCheckpointIntervalMs.value;
  const properties = kafkaSqlRunnerProperties({
    sqlUri: pathToFileURL(spec.flink.sql).href,
    bootstrapServers: context.bootstrapServers.join(','),
    topic,
    groupId,
    auth: 'unauthenticated',
    region: LOCAL_REGION,
    outputPath: pathToFileURL(output).href,
  });
  const variables = 'streamkit.sql.variables';
  const onBuild = (message: unknown) => progress((message as FlinkBuildMessage).message);
  subscribe(FLINK_CHANNELS.build, onBuild);
  const build = await buildFlinkJobs().finally(() => unsubscribe(FLINK_CHANNELS.build, onBuild));
  const job = new LocalFlinkJob({
    name: 'sql',
    kind: 'sqlRunner',
    build,
    jobDir: path.join(dataDir, 'flink', 'sql'),
    // Part files roll at the checkpoint interval locally (for SQL that reads ${ROLLOVER_INTERVAL:-…}).
    properties: { ...properties, [variables]: { ...properties[variables], ROLLOVER_INTERVAL: `${interval} ms` } },
    checkpointIntervalMs: interval,
    parallelism: Math.min(spec.flink.parallelism, LIMITS.local.flinkParallelism.value),
    // The topic and the group's offsets outlive a run of `dev`: a restart resumes from the last checkpoint.
    restore: true,
  });
  progress(
    `starting the Flink SQL job over ${topic} in a local JVM (log: ${path.relative(process.cwd(), job.logFile)})`,
  );
  cleanup.push(() => job.stop());
  await job.start();
  return {
    ...outputCounter(output, cleanup),
    bucket,
    groups: [{ groupId, topic }],
    // Offsets are committed at a checkpoint; the part files holding those records finish at the first checkpoint a
    // rollover interval after they opened.
    settledAfterCaughtUp: async (caughtUpAt) =>
      ((await latestRetainedCheckpoint(job.checkpointsDir))?.completedAt ?? 0) > caughtUpAt + interval,
    flinkJob: job,
  };
}

function outputCounter(output: string, cleanup: (() => Promise<void> | void)[]) {
  let lines = 0;
  let scanning = false;
  const refreshDelivered = async () => {
    lines = await countOutputLines(output);
    return lines;
  };
  const scan = setInterval(() => {
    if (scanning) return;
    scanning = true;
    refreshDelivered().finally(() => {
      scanning = false;
    });
  }, OUTPUT_SCAN_MS);
  scan.unref();
  cleanup.push(() => clearInterval(scan));
  return { delivered: () => lines, refreshDelivered };
}
