/**
 * A whole pipeline on 127.0.0.1, from a resolved spec: the Kinesis engine, the stream, the handler bundles and their
 * functions, dead-letter queues, event source mappings and the ingest API. `streamkit dev` and the end-to-end tests
 * both start pipelines through here; `stop()` ends everything it started.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  arn,
  type KinesisBatchFailureRecord,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localNames,
  type PipelineSpec,
  requirePreset,
  StreamkitError,
} from '@streamkit/core';
import { handlerEntry } from '@streamkit/functions';
import { KinesisEventSourceMapping } from '../esm/kinesis-event-source-mapping.ts';
import { startIngestApi } from '../ingest-api/index.ts';
import { startKinesisEngine } from '../kinesis/index.ts';
import { bundleHandler } from '../lambda/bundle.ts';
import { LocalFunction } from '../lambda/local-function.ts';
import { DeadLetterQueue } from '../sqs/dead-letter-queue.ts';

export interface LocalPipelineOptions {
  /** Overrides `spec.local.kinesisPort`; 0 picks a free port. */
  readonly kinesisPort?: number;
  /** Overrides `spec.local.ingestPort`; 0 picks a free port. */
  readonly ingestPort?: number;
  /** Overrides `spec.local.dataDir`. */
  readonly dataDir?: string;
  /** Delete the data directory's dead-letter queues and bundles first. @default false */
  readonly reset?: boolean;
  /** Ingest API stage throttling, as in the cloud. @default true */
  readonly throttle?: boolean;
  /** @default LIMITS.local.esmIdlePollMs */
  readonly idlePollMs?: number;
  /** @default LIMITS.local.esmRetryBaseDelayMs */
  readonly retryBaseDelayMs?: number;
  /** Told about each start-up step, for progress output. */
  readonly onProgress?: (step: string) => void;
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
}

export interface LocalPipeline {
  readonly spec: PipelineSpec;
  readonly streamName: string;
  readonly streamArn: string;
  readonly kinesisEndpoint: string;
  readonly ingestUrl: string;
  readonly dataDir: string;
  readonly functions: ReadonlyMap<string, LocalFunction>;
  readonly deadLetterQueues: ReadonlyMap<string, DeadLetterQueue<KinesisBatchFailureRecord>>;
  /** Live counters, summed over the consumers. */
  readonly counts: Readonly<PipelineCounts>;
  /** Live counters of each consumer, by consumer name. */
  readonly consumerCounts: ReadonlyMap<string, Readonly<PipelineCounts>>;
  /**
   * Resolves true once every consumer has settled every record ingested so far (processed or dead-lettered), false
   * if `timeoutMs` passes first.
   */
  drain(timeoutMs?: number): Promise<boolean>;
  /** A Kinesis client pointed at the local engine. */
  readonly kinesis: KinesisClient;
  stop(): Promise<void>;
}

export async function startLocalPipeline(
  pipelineSpec: PipelineSpec,
  options: LocalPipelineOptions = {},
): Promise<LocalPipeline> {
  const spec = requirePreset(pipelineSpec, 'apigw-kinesis-lambda', 'the local target');
  const progress = options.onProgress ?? (() => {});
  const dataDir = options.dataDir ?? spec.local.dataDir;
  if (options.reset) rmSync(dataDir, { recursive: true, force: true });
  const streamName = localNames.stream(spec.name);
  const streamArn = arn.stream(streamName);
  const cleanup: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  };

  try {
    progress('starting the Kinesis engine');
    const engine = await startKinesisEngine({ port: options.kinesisPort ?? spec.local.kinesisPort });
    cleanup.push(() => engine.close());
    const kinesis = new KinesisClient({
      endpoint: engine.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    cleanup.push(() => kinesis.destroy());

    progress(`creating stream ${streamName} (${spec.stream.mode}, ${spec.stream.shardCount} shards)`);
    await engine.dispatch('CreateStream', {
      StreamName: streamName,
      ...(spec.stream.mode === 'ON_DEMAND'
        ? { StreamModeDetails: { StreamMode: 'ON_DEMAND' } }
        : { ShardCount: spec.stream.shardCount }),
    });
    await waitForActive(engine.dispatch, streamName);

    const zero = (): PipelineCounts => ({
      ingested: 0,
      processed: 0,
      deadLettered: 0,
      filteredOut: 0,
      invocations: 0,
      functionErrors: 0,
    });
    const counts = zero();
    const consumerCounts = new Map<string, PipelineCounts>();
    const functions = new Map<string, LocalFunction>();
    const deadLetterQueues = new Map<string, DeadLetterQueue<KinesisBatchFailureRecord>>();
    const byFunction = new Map<string, PipelineCounts>();

    // Counting starts before any consumer reads, so no record goes uncounted.
    const listeners = countingListeners(counts, streamName, byFunction);
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
      functions.set(consumer.name, fn);

      let destination: DeadLetterQueue<KinesisBatchFailureRecord> | undefined;
      if (consumer.onFailure === 'sqs') {
        destination = new DeadLetterQueue({
          queueName: localNames.deadLetterQueue(spec.name, consumer.name),
          dir: join(dataDir, 'queues'),
        });
        cleanup.push(() => destination?.close());
        deadLetterQueues.set(consumer.name, destination);
      }

      progress(`starting the event source mapping of ${functionName}`);
      const mapping = new KinesisEventSourceMapping({
        kinesis,
        streamName,
        streamArn,
        target: fn,
        settings: consumer,
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
      spec,
      streamName,
      streamArn,
      kinesisEndpoint: engine.endpoint,
      ingestUrl: ingest.url,
      dataDir,
      functions,
      deadLetterQueues,
      counts,
      consumerCounts,
      kinesis,
      stop,
      async drain(timeoutMs = 30_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const settled = [...consumerCounts.values()].every(
            (c) => c.processed + c.deadLettered + c.filteredOut >= counts.ingested,
          );
          if (settled) return true;
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

async function waitForActive(dispatch: (action: string, input: object) => Promise<object>, streamName: string) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const summary = (await dispatch('DescribeStreamSummary', { StreamName: streamName })) as {
      StreamDescriptionSummary: { StreamStatus: string };
    };
    if (summary.StreamDescriptionSummary.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new StreamkitError('SK_TIMEOUT', `stream ${streamName} did not become ACTIVE`);
}

function countingListeners(
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
