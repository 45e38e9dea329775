/**
 * A whole pipeline on 127.0.0.1, from a resolved spec. Every preset gets the Kinesis engine and its stream; then
 * - apigw-kinesis-lambda: the handler bundles and their functions, dead-letter queues, event source mappings and the
 *   ingest API;
 * - kinesis-firehose-s3: the delivery stream reading the stream (with its processor function and jq), the object
 *   store it writes to, and the Firehose API;
 * - kpl-kinesis-flink-s3 and kinesis-flink-apigw: the Flink jobs in local JVMs (and the fare API), see
 *   `flink-presets.ts`.
 * `streamkit dev` and the end-to-end tests both start pipelines through here; `stop()` ends everything it started.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  type ApigwKinesisLambdaSpec,
  arn,
  type KinesisBatchFailureRecord,
  type KinesisFirehoseS3Spec,
  type KinesisPipelineSpec,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localNames,
  type PipelineSpec,
  requireKinesisSpec,
  requirePreset,
  StreamkitError,
} from '@streamkit/core';
import { handlerEntry } from '@streamkit/functions';
import { checkSpec } from '../check-spec.ts';
import { type Dashboard, startDashboard } from '../dashboard/server.ts';
import { KinesisEventSourceMapping } from '../esm/kinesis-event-source-mapping.ts';
import type { Timer } from '../esm/types.ts';
import { startFirehoseApi } from '../firehose/api/server.ts';
import { LocalDeliveryStream } from '../firehose/delivery-stream.ts';
import { findJq } from '../firehose/jq/find-jq.ts';
import type { JqEngine } from '../firehose/jq/jq-engine.ts';
import { KinesisStreamSource } from '../firehose/kinesis-stream-source.ts';
import type { LocalFlinkJob } from '../flink/local-flink-job.ts';
import { startIngestApi } from '../ingest-api/index.ts';
import { startKinesisEngine } from '../kinesis/index.ts';
import { bundleHandler } from '../lambda/bundle.ts';
import { LocalFunction } from '../lambda/local-function.ts';
import { LocalMonitoring } from '../metrics/local-monitoring.ts';
import { LocalObjectStore, type ObjectFileSystem } from '../s3/object-store.ts';
import { DeadLetterQueue } from '../sqs/dead-letter-queue.ts';
import { startEnrichment, startFlinkSql } from './flink-presets.ts';

export interface LocalPipelineOptions {
  /** Overrides `spec.local.kinesisPort`; 0 picks a free port. */
  readonly kinesisPort?: number;
  /** Overrides `spec.local.ingestPort`; 0 picks a free port. */
  readonly ingestPort?: number;
  /** Overrides `spec.local.firehosePort`; 0 picks a free port. */
  readonly firehosePort?: number;
  /** Overrides `spec.local.dataDir`. */
  readonly dataDir?: string;
  /** Delete the data directory (queues, bundles, objects, checkpoints) first. @default false */
  readonly reset?: boolean;
  /** Ingest API stage throttling, as in the cloud. @default true */
  readonly throttle?: boolean;
  /** The Kinesis shard limits model (1 MiB/s or 1,000 records/s in, 2 MiB/s and 5 reads/s out per shard). @default true */
  readonly shardLimits?: boolean;
  /** @default LIMITS.local.esmIdlePollMs */
  readonly idlePollMs?: number;
  /** @default LIMITS.local.esmRetryBaseDelayMs */
  readonly retryBaseDelayMs?: number;
  /** The delivery stream's clock (buffer intervals, retries). @default the real clock */
  readonly timer?: Timer;
  /** How the object store writes files; tests inject failures. @default the real file system */
  readonly objectFileSystem?: ObjectFileSystem;
  /** Checkpoint interval of the Flink jobs (their output appears at checkpoints). @default LIMITS.local.flinkCheckpointIntervalMs */
  readonly flinkCheckpointIntervalMs?: number;
  /** Told about each start-up step, for progress output. */
  readonly onProgress?: (step: string) => void;
  /**
   * Where the pipeline's metrics, alarms and activity are recorded (it is started and stopped with the pipeline).
   * @default a LocalMonitoring of the spec, with core's alarms
   */
  readonly monitoring?: LocalMonitoring;
  /** Serve the web dashboard on this port of 127.0.0.1 (0 = a free port). @default - no dashboard */
  readonly dashboardPort?: number;
}

export interface PipelineCounts {
  /** Records accepted by the stream. */
  ingested: number;
  /** Records checkpointed by a consumer (processed for good). */
  processed: number;
  /** Records in batches sent to a dead-letter queue (or discarded without one). */
  deadLettered: number;
  /** Records skipped because they matched none of the consumer's filters. */
  filteredOut: number;
  invocations: number;
  /** Invocations that threw, timed out or crashed. */
  functionErrors: number;
  /** Records in objects under the delivery stream's prefix. */
  delivered: number;
  /** Records in objects under the delivery stream's error prefix. */
  deliveryErrors: number;
  /** Records the delivery stream's processor dropped on purpose. */
  dropped: number;
}

export interface LocalPipeline {
  readonly spec: KinesisPipelineSpec;
  readonly streamName: string;
  readonly streamArn: string;
  readonly kinesisEndpoint: string;
  /** The ingest API, for presets that have one. */
  readonly ingestUrl: string | undefined;
  /** The Firehose API (Direct PUT, AWS JSON 1.1), for presets with a delivery stream. */
  readonly firehoseEndpoint: string | undefined;
  readonly dataDir: string;
  /** Functions by consumer name; a delivery stream's processor is `processor`. */
  readonly functions: ReadonlyMap<string, LocalFunction>;
  readonly deadLetterQueues: ReadonlyMap<string, DeadLetterQueue<KinesisBatchFailureRecord>>;
  readonly deliveryStream: LocalDeliveryStream | undefined;
  /** What the delivery stream reads its stream with (checkpoints per shard). */
  readonly deliverySource: KinesisStreamSource | undefined;
  /** `<dataDir>/s3`: buckets are folders, keys are paths. */
  readonly objectStore: LocalObjectStore;
  /** The delivery stream's bucket. */
  readonly bucket: string | undefined;
  /** The jq dynamic partitioning runs with, when it does. */
  readonly jq: JqEngine | undefined;
  /** The Flink jobs in local JVMs (Flink presets), by name: `sql`, `enrichment`. */
  readonly flinkJobs: ReadonlyMap<string, LocalFlinkJob>;
  /** The local fare API's stage URL (kinesis-flink-apigw). */
  readonly fareApiUrl: string | undefined;
  /** Live counters, summed over the consumers. */
  readonly counts: Readonly<PipelineCounts>;
  /** Live counters of each consumer, by consumer name. */
  readonly consumerCounts: ReadonlyMap<string, Readonly<PipelineCounts>>;
  /**
   * Resolves true once every record ingested so far is settled — processed or dead-lettered by every consumer, or
   * written by the delivery stream (delivered, under the error prefix, or dropped by its processor) — false if
   * `timeoutMs` passes first.
   */
  drain(timeoutMs?: number): Promise<boolean>;
  /**
   * Writes the delivery stream's buffers now instead of when their interval ends — once it has read every record
   * ingested so far (or `timeoutMs` passed). Does nothing for presets without a delivery stream.
   */
  flush(timeoutMs?: number): Promise<void>;
  /** A Kinesis client pointed at the local engine. */
  readonly kinesis: KinesisClient;
  /** Metrics (CloudWatch names and dimensions), alarms evaluated locally, and the activity the dashboard shows. */
  readonly monitoring: LocalMonitoring;
  /** The web dashboard, when `dashboardPort` was given. */
  readonly dashboardUrl: string | undefined;
  stop(): Promise<void>;
}

const zero = (): PipelineCounts => ({
  ingested: 0,
  processed: 0,
  deadLettered: 0,
  filteredOut: 0,
  invocations: 0,
  functionErrors: 0,
  delivered: 0,
  deliveryErrors: 0,
  dropped: 0,
});

/** What starting a preset's own parts adds to the pipeline. */
export interface PresetParts {
  readonly ingestUrl?: string;
  readonly firehoseEndpoint?: string;
  readonly deliveryStream?: LocalDeliveryStream;
  readonly deliverySource?: KinesisStreamSource;
  readonly bucket?: string;
  readonly jq?: JqEngine;
  /** The local fare API's stage URL (kinesis-flink-apigw). */
  readonly fareApiUrl?: string;
  /** True once everything ingested is settled. */
  readonly settled: () => boolean;
  /** True once the delivery stream has taken in everything ingested. */
  readonly readAll?: () => boolean;
}

export interface Common {
  readonly spec: KinesisPipelineSpec;
  readonly options: LocalPipelineOptions;
  readonly dataDir: string;
  readonly streamName: string;
  readonly streamArn: string;
  readonly kinesis: KinesisClient;
  readonly engine: Awaited<ReturnType<typeof startKinesisEngine>>;
  readonly counts: PipelineCounts;
  readonly consumerCounts: Map<string, PipelineCounts>;
  readonly functions: Map<string, LocalFunction>;
  readonly deadLetterQueues: Map<string, DeadLetterQueue<KinesisBatchFailureRecord>>;
  readonly objectStore: LocalObjectStore;
  readonly flinkJobs: Map<string, LocalFlinkJob>;
  readonly cleanup: (() => Promise<void> | void)[];
  readonly progress: (step: string) => void;
}

export async function startLocalPipeline(
  input: PipelineSpec,
  options: LocalPipelineOptions = {},
): Promise<LocalPipeline> {
  const spec = requireKinesisSpec(input, 'the local target');
  const progress = options.onProgress ?? (() => {});
  const dataDir = options.dataDir ?? spec.local.dataDir;
  // What only an engine can check (a jq program compiles) is checked before anything starts.
  await checkSpec(spec, { source: spec.name });
  if (options.reset) rmSync(dataDir, { recursive: true, force: true });
  const streamName = localNames.stream(spec.name);
  const streamArn = arn.stream(streamName);
  const cleanup: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  };

  // Recording starts before anything runs, so no record goes uncounted.
  const monitoring = options.monitoring ?? new LocalMonitoring(spec);
  monitoring.start();
  cleanup.push(() => monitoring.stop());

  try {
    progress('starting the Kinesis engine');
    // Durable: the stream, the mappings' checkpoints and the queues outlive a restart (or a kill -9) of `dev`.
    const engine = await startKinesisEngine({
      port: options.kinesisPort ?? spec.local.kinesisPort,
      shardLimits: options.shardLimits ?? true,
      dataDir,
    });
    cleanup.push(() => engine.close());
    const kinesis = new KinesisClient({
      endpoint: engine.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    cleanup.push(() => kinesis.destroy());
    await createOrKeepStream(engine.dispatch, spec, streamName, dataDir, progress);

    const counts = zero();
    const common: Common = {
      spec,
      options,
      dataDir,
      streamName,
      streamArn,
      kinesis,
      engine,
      counts,
      consumerCounts: new Map(),
      functions: new Map(),
      deadLetterQueues: new Map(),
      flinkJobs: new Map(),
      objectStore: new LocalObjectStore({
        root: join(dataDir, 's3'),
        ...(options.objectFileSystem && { fileSystem: options.objectFileSystem }),
      }),
      cleanup,
      progress,
    };
    const parts =
      spec.preset === 'apigw-kinesis-lambda'
        ? await startConsumersAndIngest(spec, common)
        : spec.preset === 'kpl-kinesis-flink-s3'
          ? await startFlinkSql(spec, common)
          : spec.preset === 'kinesis-flink-apigw'
            ? await startEnrichment(spec, common)
            : await startDeliveryStream(
                requirePreset(spec, 'kinesis-firehose-s3', 'the local target (so far)'),
                common,
              );

    monitoring.watch({
      deadLetterQueues: common.deadLetterQueues,
      ...(parts.deliveryStream && { deliveryStream: parts.deliveryStream }),
    });
    let dashboard: Dashboard | undefined;
    if (options.dashboardPort !== undefined) {
      progress('starting the dashboard');
      dashboard = await startDashboard({ monitoring, port: options.dashboardPort });
      const started = dashboard;
      cleanup.push(() => started.close());
    }

    return {
      spec,
      streamName,
      streamArn,
      kinesisEndpoint: engine.endpoint,
      ingestUrl: parts.ingestUrl,
      firehoseEndpoint: parts.firehoseEndpoint,
      dataDir,
      functions: common.functions,
      deadLetterQueues: common.deadLetterQueues,
      deliveryStream: parts.deliveryStream,
      deliverySource: parts.deliverySource,
      objectStore: common.objectStore,
      bucket: parts.bucket,
      jq: parts.jq,
      flinkJobs: common.flinkJobs,
      fareApiUrl: parts.fareApiUrl,
      counts,
      consumerCounts: common.consumerCounts,
      kinesis,
      monitoring,
      dashboardUrl: dashboard?.url,
      stop,
      async flush(timeoutMs = 30_000) {
        const stream = parts.deliveryStream;
        if (!stream) return;
        const deadline = Date.now() + timeoutMs;
        while (!parts.readAll?.() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        await stream.whenIdle();
        await stream.flushAll('shutdown');
      },
      async drain(timeoutMs = 30_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          if (parts.settled()) return true;
          if (Date.now() >= deadline) return false;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** K1: a function, dead-letter queue and event source mapping per consumer, and the ingest API. */
async function startConsumersAndIngest(spec: ApigwKinesisLambdaSpec, common: Common): Promise<PresetParts> {
  const { options, dataDir, streamName, streamArn, kinesis, engine, counts, consumerCounts, cleanup, progress } =
    common;
  const byFunction = new Map<string, PipelineCounts>();

  // Counting starts before any consumer reads, so no record goes uncounted.
  const listeners = consumerListeners(counts, streamName, byFunction);
  for (const [name, listener] of listeners) subscribe(name, listener);
  cleanup.push(() => {
    for (const [name, listener] of listeners) unsubscribe(name, listener);
  });

  for (const consumer of spec.consumers) {
    const functionName = localNames.function(spec.name, consumer.name);
    const own = zero();
    consumerCounts.set(consumer.name, own);
    byFunction.set(functionName, own);
    progress(`bundling ${consumer.handler ?? 'the built-in Kinesis consumer'}`);
    const bundle = await bundleHandler({
      entry: handlerEntry(consumer),
      outdir: join(dataDir, 'build', functionName),
    });
    if (!bundle.exports.includes(consumer.export)) {
      const index = spec.consumers.indexOf(consumer);
      throw new StreamkitError(
        'SK_VALIDATION',
        `consumers[${index}].export must name a function exported by ${bundle.entry} (got "${consumer.export}"; it exports: ${bundle.exports.join(', ') || 'nothing'})`,
        { path: `consumers[${index}].export` },
      );
    }
    const fn = new LocalFunction({
      functionName,
      bundle,
      exportName: consumer.export,
      memorySize: consumer.memorySize,
      timeoutSeconds: consumer.timeout,
      environment: consumer.environment,
    });
    cleanup.push(() => fn.close());
    common.functions.set(consumer.name, fn);

    let destination: DeadLetterQueue<KinesisBatchFailureRecord> | undefined;
    if (consumer.onFailure === 'sqs') {
      destination = new DeadLetterQueue({
        queueName: localNames.deadLetterQueue(spec.name, consumer.name),
        dir: join(dataDir, 'queues'),
      });
      cleanup.push(() => destination?.close());
      common.deadLetterQueues.set(consumer.name, destination);
    }

    progress(`starting the event source mapping of ${functionName}`);
    const mapping = new KinesisEventSourceMapping({
      kinesis,
      streamName,
      streamArn,
      target: fn,
      settings: consumer,
      checkpointFile: join(dataDir, 'esm', `${functionName}.json`),
      ...(destination && { destination }),
      ...(options.idlePollMs !== undefined && { idlePollMs: options.idlePollMs }),
      ...(options.retryBaseDelayMs !== undefined && { retryBaseDelayMs: options.retryBaseDelayMs }),
    });
    // Stopped before the functions close (cleanup runs in reverse), so no batch is cut short by a dying worker.
    cleanup.push(() => mapping.stop());
    await mapping.start();
  }

  progress('starting the ingest API');
  const ingest = await startIngestApi({
    port: options.ingestPort ?? spec.local.ingestPort,
    streamName,
    writer: engine,
    auth: spec.ingest.auth,
    throttling: spec.ingest.throttling,
    throttle: options.throttle ?? true,
  });
  cleanup.push(() => ingest.close());

  return {
    ingestUrl: ingest.url,
    settled: () =>
      [...consumerCounts.values()].every((c) => c.processed + c.deadLettered + c.filteredOut >= counts.ingested),
  };
}

/** K3: the delivery stream (with its processor function and jq), reading the stream, and the Firehose API. */
async function startDeliveryStream(spec: KinesisFirehoseS3Spec, common: Common): Promise<PresetParts> {
  const { options, dataDir, streamName, streamArn, kinesis, counts, cleanup, progress } = common;
  const { delivery } = spec;
  const deliveryStreamName = localNames.deliveryStream(spec.name);
  const bucket = localNames.bucket(spec.name);

  const ingested = (message: unknown) => {
    const put = message as { streamName: string; records: number };
    if (put.streamName === streamName) counts.ingested += put.records;
  };
  subscribe('streamkit:kinesis:put', ingested);
  cleanup.push(() => {
    unsubscribe('streamkit:kinesis:put', ingested);
  });

  let processor: LocalFunction | undefined;
  if (delivery.processor) {
    const functionName = localNames.function(spec.name, 'processor');
    progress(`bundling ${delivery.processor.handler}`);
    const bundle = await bundleHandler({
      entry: delivery.processor.handler,
      outdir: join(dataDir, 'build', functionName),
    });
    if (!bundle.exports.includes(delivery.processor.export)) {
      throw new StreamkitError(
        'SK_VALIDATION',
        `delivery.processor.export must name a function exported by ${bundle.entry} (got "${delivery.processor.export}"; it exports: ${bundle.exports.join(', ') || 'nothing'})`,
        { path: 'delivery.processor.export' },
      );
    }
    processor = new LocalFunction({
      functionName,
      bundle,
      exportName: delivery.processor.export,
      memorySize: delivery.processor.memorySize,
      timeoutSeconds: delivery.processor.timeout,
      environment: delivery.processor.environment,
    });
    const fn = processor;
    cleanup.push(() => fn.close());
    common.functions.set('processor', fn);
    const invoked = (message: unknown) => {
      const invoke = message as { functionName: string; error?: unknown };
      if (invoke.functionName !== functionName) return;
      counts.invocations += 1;
      if (invoke.error) counts.functionErrors += 1;
    };
    subscribe('streamkit:lambda:invoke', invoked);
    cleanup.push(() => {
      unsubscribe('streamkit:lambda:invoke', invoked);
    });
  }

  const jq = delivery.dynamicPartitioning.enabled ? await findJq() : undefined;
  if (jq) {
    progress(`dynamic partitioning with ${jq.description}`);
    // Ends the jq kept running for the query (it starts again if another pipeline uses it).
    cleanup.push(() => jq.close());
  }

  progress(`starting delivery stream ${deliveryStreamName} → ${join(dataDir, 's3', bucket)}`);
  const deliveryStream = new LocalDeliveryStream({
    deliveryStreamName,
    deliveryStreamArn: arn.deliveryStream(deliveryStreamName),
    type: 'KinesisStreamAsSource',
    sourceStreamArn: streamArn,
    bucket,
    settings: delivery,
    store: common.objectStore,
    ...(jq && { jq }),
    ...(processor && { processor }),
    ...(options.timer && { timer: options.timer }),
    ...(options.retryBaseDelayMs !== undefined && { retryBaseDelayMs: options.retryBaseDelayMs }),
  });
  deliveryStream.start();
  // Stopped after the source (cleanup runs in reverse): what was read is written before the pipeline ends.
  cleanup.push(() => deliveryStream.stop());
  const live = deliveryStream.counts;
  Object.defineProperties(counts, {
    delivered: { get: () => live.delivered, enumerable: true },
    deliveryErrors: { get: () => live.errored, enumerable: true },
    dropped: { get: () => live.dropped, enumerable: true },
  });

  const source = new KinesisStreamSource({
    kinesis,
    streamName,
    streamArn,
    deliveryStream,
    dataDir,
    ...(options.idlePollMs !== undefined && { idlePollMs: options.idlePollMs }),
  });
  cleanup.push(() => source.stop());
  await source.start();

  progress('starting the Firehose API');
  const api = await startFirehoseApi({
    port: options.firehosePort ?? spec.local.firehosePort,
    deliveryStreams: [deliveryStream],
  });
  cleanup.push(() => api.close());

  return {
    firehoseEndpoint: api.endpoint,
    deliveryStream,
    deliverySource: source,
    bucket,
    ...(jq && { jq }),
    settled: () => live.delivered + live.errored + live.dropped >= counts.ingested,
    readAll: () => live.incoming >= counts.ingested,
  };
}

/**
 * Creates the pipeline's stream, or keeps the one a previous run left in the data directory — brought to the spec's
 * mode and shard count, as a deployment would update it.
 */
async function createOrKeepStream(
  dispatch: Dispatch,
  spec: KinesisPipelineSpec,
  streamName: string,
  dataDir: string,
  progress: (step: string) => void,
): Promise<void> {
  const { mode, shardCount } = spec.stream;
  const existing = await describeStream(dispatch, streamName);
  if (!existing) {
    progress(`creating stream ${streamName} (${mode}, ${shardCount} shards)`);
    await dispatch('CreateStream', {
      StreamName: streamName,
      ...(mode === 'ON_DEMAND' ? { StreamModeDetails: { StreamMode: 'ON_DEMAND' } } : { ShardCount: shardCount }),
    });
    return waitForActive(dispatch, streamName);
  }
  progress(`keeping stream ${streamName} from ${dataDir} (--reset starts from an empty one)`);
  await waitForActive(dispatch, streamName);
  if (existing.StreamModeDetails.StreamMode !== mode) {
    progress(`switching stream ${streamName} to ${mode}`);
    await dispatch('UpdateStreamMode', { StreamARN: existing.StreamARN, StreamModeDetails: { StreamMode: mode } });
    await waitForActive(dispatch, streamName);
  }
  if (mode === 'PROVISIONED' && existing.OpenShardCount !== shardCount) {
    progress(`resharding stream ${streamName} from ${existing.OpenShardCount} to ${shardCount} shards`);
    try {
      await dispatch('UpdateShardCount', {
        StreamName: streamName,
        TargetShardCount: shardCount,
        ScalingType: 'UNIFORM_SCALING',
      });
    } catch (error) {
      throw new StreamkitError(
        'SK_CONFLICT',
        `stream ${streamName} kept in ${dataDir} has ${existing.OpenShardCount} open shards and cannot be resharded to stream.shardCount ${shardCount}: ${(error as Error).message} — run with --reset to start from an empty stream`,
        { path: 'stream.shardCount' },
      );
    }
    await waitForActive(dispatch, streamName);
  }
}

type Dispatch = (action: string, input: object) => Promise<object>;

interface StreamSummary {
  readonly StreamARN: string;
  readonly StreamStatus: string;
  readonly OpenShardCount: number;
  readonly StreamModeDetails: { readonly StreamMode: 'PROVISIONED' | 'ON_DEMAND' };
}

async function describeStream(dispatch: Dispatch, streamName: string): Promise<StreamSummary | undefined> {
  try {
    const out = (await dispatch('DescribeStreamSummary', { StreamName: streamName })) as {
      StreamDescriptionSummary: StreamSummary;
    };
    return out.StreamDescriptionSummary;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

async function waitForActive(dispatch: Dispatch, streamName: string) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const summary = (await dispatch('DescribeStreamSummary', { StreamName: streamName })) as {
      StreamDescriptionSummary: { StreamStatus: string };
    };
    if (summary.StreamDescriptionSummary.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new StreamkitError('SK_TIMEOUT', `stream ${streamName} did not become ACTIVE`);
}

function consumerListeners(
  counts: PipelineCounts,
  streamName: string,
  byFunction: ReadonlyMap<string, PipelineCounts>,
) {
  const own = (message: unknown) => byFunction.get((message as { functionName: string }).functionName);
  return new Map<string, (message: unknown) => void>([
    [
      'streamkit:kinesis:put',
      (m) => {
        const put = m as { streamName: string; records: number };
        if (put.streamName !== streamName) return;
        counts.ingested += put.records;
        for (const c of byFunction.values()) c.ingested += put.records;
      },
    ],
    [
      'streamkit:esm:invoke',
      (m) => {
        const consumer = own(m);
        if (!consumer) return;
        const invoke = m as { succeeded: number; outcome: string };
        for (const c of [counts, consumer]) {
          c.invocations += 1;
          c.processed += invoke.succeeded;
          if (invoke.outcome === 'error') c.functionErrors += 1;
        }
      },
    ],
    [
      'streamkit:esm:poll',
      (m) => {
        const consumer = own(m);
        const filtered = (m as { filteredOut?: number }).filteredOut ?? 0;
        if (!consumer || filtered === 0) return;
        counts.filteredOut += filtered;
        consumer.filteredOut += filtered;
      },
    ],
    [
      'streamkit:esm:dead-letter',
      (m) => {
        const consumer = own(m);
        if (!consumer) return;
        counts.deadLettered += (m as { records: number }).records;
        consumer.deadLettered += (m as { records: number }).records;
      },
    ],
  ]);
}
