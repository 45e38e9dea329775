/**
 * The local parts of the two Flink presets, started by `startLocalPipeline`:
 * - kpl-kinesis-flink-s3: the SQL runner on the spec's SQL (the preset's stock-ticks example by default — also in
 *   notebook mode, where the cloud leaves it to you in Zeppelin), writing to the object store's output bucket;
 * - kinesis-flink-apigw: the fare-estimate handler behind a local REST API (Lambda proxy, API key), and the
 *   enrichment job calling it, its enriched rides written to the output bucket under `enriched/` (on AWS they go
 *   to the application log).
 * The jobs are built once (cached by source hash) and run in local JVMs with core's job contract as their properties.
 * The engine runs in memory, so each run starts the jobs afresh (no restore); a JVM that dies during the run is
 * restarted from its last checkpoint.
 */

import { randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  enrichmentJobProperties,
  FARE_ESTIMATE_ROUTE,
  type KinesisFlinkApigwSpec,
  type KplKinesisFlinkS3Spec,
  LIMITS,
  LOCAL_REGION,
  localNames,
  sqlRunnerProperties,
} from '@streamkit/core';
import { BUILTIN_HANDLERS } from '@streamkit/functions';
import { startLambdaProxyApi } from '../api-gateway/lambda-proxy-api.ts';
import { FLINK_CHANNELS, type FlinkBuildMessage } from '../flink/channels.ts';
import { latestRetainedCheckpoint } from '../flink/checkpoints.ts';
import { FlinkJobMetrics } from '../flink/flink-job-metrics.ts';
import { buildFlinkJobs } from '../flink/job-build.ts';
import { LocalFlinkJob } from '../flink/local-flink-job.ts';
import { localEnrichmentProperties } from '../flink/runtime-properties.ts';
import { KINESIS_CHANNELS, type KinesisGetMessage } from '../kinesis/channels.ts';
import { bundleHandler } from '../lambda/bundle.ts';
import { LocalFunction } from '../lambda/local-function.ts';
import { fareApiName } from '../metrics/pipeline-resources.ts';
import type { Common, PresetParts } from './local-pipeline.ts';

/** How often the output bucket is counted for `counts.delivered`. */
const OUTPUT_SCAN_MS = 2_000;

/** K2 locally: the SQL runner reading the stream, writing to `<dataDir>/s3/<pipeline>-output/`. */
export async function startFlinkSql(spec: KplKinesisFlinkS3Spec, common: Common): Promise<PresetParts> {
  const bucket = localNames.bucket(spec.name);
  const output = path.join(common.dataDir, 's3', bucket);
  const job = await startJob(common, 'sql', 'sqlRunner', {
    ...sqlRunnerPropertiesFor(spec, common, output),
  });
  return flinkParts(common, job, bucket, output);
}

/** K4 locally: the fare API (the same handler, behind a local Lambda proxy API with a key) and the enrichment job. */
export async function startEnrichment(spec: KinesisFlinkApigwSpec, common: Common): Promise<PresetParts> {
  const { dataDir, cleanup, progress } = common;
  const functionName = localNames.function(spec.name, 'fare-estimate');
  progress('bundling the fare-estimate handler');
  const bundle = await bundleHandler({
    entry: BUILTIN_HANDLERS.fareEstimate,
    outdir: path.join(dataDir, 'build', functionName),
  });
  const fare = new LocalFunction({ functionName, bundle });
  cleanup.push(() => fare.close());
  common.functions.set('fare-estimate', fare);

  // A key as API Gateway generates one; the job reads it from a file (there is no API Gateway to ask by id).
  const apiKey = randomBytes(20).toString('base64url');
  const keyFile = path.join(dataDir, 'flink', 'enrichment', 'api-key');
  await mkdir(path.dirname(keyFile), { recursive: true });
  await writeFile(keyFile, apiKey, { mode: 0o600 });
  const api = await startLambdaProxyApi({
    routes: [{ method: 'POST', path: `/${FARE_ESTIMATE_ROUTE}`, function: fare }],
    apiKey,
    apiName: fareApiName(spec.name),
  });
  cleanup.push(() => api.close());
  progress(`fare API on ${api.url}${FARE_ESTIMATE_ROUTE}`);

  const bucket = localNames.bucket(spec.name);
  const output = path.join(dataDir, 's3', bucket, 'enriched');
  const properties = localEnrichmentProperties(
    enrichmentJobProperties({
      streamName: common.streamName,
      region: LOCAL_REGION,
      endpointUrl: api.url,
      timeoutMs: spec.enrichment.timeout * 1000,
      capacity: spec.enrichment.capacity,
      retries: spec.enrichment.retries,
      ordered: spec.enrichment.ordered,
      kinesisEndpoint: common.engine.endpoint,
    }),
    { apiKeyFile: keyFile, outputPath: pathToFileURL(output).href, initialPosition: 'TRIM_HORIZON' },
  );
  const job = await startJob(common, 'enrichment', 'enrichment', properties);
  return { ...flinkParts(common, job, bucket, output), fareApiUrl: api.url };
}

function sqlRunnerPropertiesFor(spec: KplKinesisFlinkS3Spec, common: Common, output: string) {
  const properties = sqlRunnerProperties({
    sqlUri: pathToFileURL(spec.flink.sql).href,
    streamName: common.streamName,
    region: LOCAL_REGION,
    outputPath: pathToFileURL(output).href,
    kinesisEndpoint: common.engine.endpoint,
  });
  // Part files roll at the checkpoint interval locally (for SQL that reads ${ROLLOVER_INTERVAL:-…}).
  const variables = 'streamkit.sql.variables';
  return {
    ...properties,
    [variables]: {
      ...properties[variables],
      ROLLOVER_INTERVAL: `${checkpointInterval(common)} ms`,
    },
  };
}

async function startJob(
  common: Common,
  name: string,
  kind: 'sqlRunner' | 'enrichment',
  properties: Record<string, Record<string, string>>,
): Promise<LocalFlinkJob> {
  const { dataDir, cleanup, progress } = common;
  // Maven's first run can take minutes: its progress messages reach the CLI's progress output.
  const onBuild = (message: unknown) => progress((message as FlinkBuildMessage).message);
  subscribe(FLINK_CHANNELS.build, onBuild);
  const build = await buildFlinkJobs().finally(() => unsubscribe(FLINK_CHANNELS.build, onBuild));
  const job = new LocalFlinkJob({
    name,
    kind,
    build,
    jobDir: path.join(dataDir, 'flink', name),
    properties,
    checkpointIntervalMs: checkpointInterval(common),
    restore: false,
  });
  progress(`starting the Flink ${name} job in a local JVM (log: ${path.relative(process.cwd(), job.logFile)})`);
  await job.start();
  cleanup.push(() => job.stop());
  const metrics = new FlinkJobMetrics({ job, application: localNames.flinkApplication(common.spec.name) });
  metrics.start();
  cleanup.push(() => metrics.stop());
  common.flinkJobs.set(name, job);
  return job;
}

/**
 * Counting for a Flink preset: `ingested` from the engine's puts, `processed` from the job's reads (GetRecords),
 * `delivered` from the lines of finished part files in the output (counted every few seconds). Settled once the job
 * has read everything ingested and a checkpoint has completed a full interval later (part files roll and are
 * finished at checkpoints).
 */
function flinkParts(common: Common, job: LocalFlinkJob, bucket: string, output: string): PresetParts {
  const { streamName, counts, cleanup } = common;
  const onPut = (message: unknown) => {
    const put = message as { streamName: string; records: number };
    if (put.streamName === streamName) counts.ingested += put.records;
  };
  const onGet = (message: unknown) => {
    const get = message as KinesisGetMessage;
    if (get.streamName === streamName) counts.processed += get.records;
  };
  subscribe(KINESIS_CHANNELS.put, onPut);
  subscribe(KINESIS_CHANNELS.get, onGet);
  let scanning = false;
  const scan = setInterval(() => {
    if (scanning) return;
    scanning = true;
    countOutputLines(output)
      .then((lines) => {
        counts.delivered = lines;
      })
      .finally(() => {
        scanning = false;
      });
  }, OUTPUT_SCAN_MS);
  cleanup.push(() => {
    clearInterval(scan);
    unsubscribe(KINESIS_CHANNELS.put, onPut);
    unsubscribe(KINESIS_CHANNELS.get, onGet);
  });

  let caughtUpAt: number | undefined;
  let latestCheckpointAt = 0;
  const interval = checkpointInterval(common);
  return {
    bucket,
    settled: () => {
      if (counts.processed < counts.ingested) {
        caughtUpAt = undefined;
        return false;
      }
      caughtUpAt ??= Date.now();
      // drain() polls this: the newest checkpoint's time is refreshed in the background.
      void latestRetainedCheckpoint(job.checkpointsDir).then((checkpoint) => {
        latestCheckpointAt = Math.max(latestCheckpointAt, checkpoint?.completedAt ?? 0);
      });
      return latestCheckpointAt > caughtUpAt + interval;
    },
  };
}

function checkpointInterval(common: Common): number {
  return common.options.flinkCheckpointIntervalMs ?? LIMITS.local.flinkCheckpointIntervalMs.value;
}

/** Lines in finished part files under `root` (in-progress ones are hidden: `.part-…`). */
export async function countOutputLines(root: string): Promise<number> {
  if (!existsSync(root)) return 0;
  let lines = 0;
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
    const text = await readFile(path.join(entry.parentPath, entry.name), 'utf8').catch(() => '');
    for (const line of text.split('\n')) if (line.trim() !== '') lines++;
  }
  return lines;
}
