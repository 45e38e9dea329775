/**
 * What `streamkit dev` starts for the MSK presets, on 127.0.0.1:
 *
 * - msk-cluster: a local Apache Kafka (`<dataDir>/kafka`) with the spec's topics;
 * - msk-lambda: that, and per consumer a local function (the same handler the stack deploys, the built-in Kafka
 *   consumer unless the spec names one) behind a Kafka event source mapping with the consumer's settings, its
 *   on-failure destination an S3 bucket of the object store or an SQS queue;
 * - msk-lambda-firehose-s3: the forwarder (the built-in Firehose forwarder) behind a mapping, writing through the
 *   local Firehose API (Direct PUT) to a delivery stream that buffers and writes to the object store;
 * - msk-connect-s3 and msk-flink-s3: a Kafka Connect worker with streamkit's S3 sink, or the Flink SQL runner, writing
 *   to the object store's output bucket (`kafka-apps.ts`).
 *
 * A consumer's group id is `consumerGroupId` or `<pipeline>-<consumer>`, so a restart of `dev` on the same data dir
 * resumes from the offsets it committed.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  arn,
  isMskSpec,
  type KafkaConsumerSettings,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localNames,
  type MskPipelineSpec,
  type PipelineSpec,
  StreamkitError,
} from '@streamkit/core';
import { type BUILTIN_HANDLERS, handlerEntry } from '@streamkit/functions';
import type { LocalConnectWorker } from '../connect/local-connect-worker.ts';
import { type Dashboard, startDashboard } from '../dashboard/server.ts';
import type { KafkaFailureDestination } from '../esm/kafka-batch-processor.ts';
import type { KafkaBatchFailureRecord } from '../esm/kafka-event.ts';
import { KafkaEventSourceMapping } from '../esm/kafka-event-source-mapping.ts';
import { s3KafkaFailureDestination, sqsKafkaFailureDestination } from '../esm/kafka-failure-destinations.ts';
import type { Timer } from '../esm/types.ts';
import { startFirehoseApi } from '../firehose/api/server.ts';
import { LocalDeliveryStream } from '../firehose/delivery-stream.ts';
import type { LocalFlinkJob } from '../flink/local-flink-job.ts';
import { consumerLag, type GroupTopic } from '../kafka/consumer-lag.ts';
import { LocalKafkaCluster } from '../kafka/local-kafka-cluster.ts';
import { bundleHandler } from '../lambda/bundle.ts';
import { LocalFunction } from '../lambda/local-function.ts';
import { LocalMonitoring } from '../metrics/local-monitoring.ts';
import { consumerGroupIdOf } from '../metrics/pipeline-resources.ts';
import { LocalObjectStore } from '../s3/object-store.ts';
import { DeadLetterQueue } from '../sqs/dead-letter-queue.ts';
import { type KafkaAppPart, startConnectS3, startFlinkSqlOverKafka } from './kafka-apps.ts';

export type LocalKafkaPresetSpec = Extract<
  MskPipelineSpec,
  { preset: 'msk-cluster' | 'msk-lambda' | 'msk-lambda-firehose-s3' | 'msk-connect-s3' | 'msk-flink-s3' }
>;

const LOCAL_KAFKA_PRESETS = [
  'msk-cluster',
  'msk-lambda',
  'msk-lambda-firehose-s3',
  'msk-connect-s3',
  'msk-flink-s3',
] as const;

/** True for the MSK presets the local target runs. */
export function isLocalKafkaSpec(spec: PipelineSpec): spec is LocalKafkaPresetSpec {
  return isMskSpec(spec) && (LOCAL_KAFKA_PRESETS as readonly string[]).includes(spec.preset);
}

export interface LocalKafkaPipelineOptions {
  /** Overrides `spec.local.dataDir`. */
  readonly dataDir?: string;
  /** Delete the data directory (Kafka's data, queues, bundles, objects) first. @default false */
  readonly reset?: boolean;
  /** Client port of the first broker. @default - a free port (or the one the data dir used last) */
  readonly kafkaPort?: number;
  /** @default 1 */
  readonly brokers?: 1 | 3;
  /** Overrides `spec.local.firehosePort`; 0 picks a free port. */
  readonly firehosePort?: number;
  /** @default LIMITS.local.esmRetryBaseDelayMs */
  readonly retryBaseDelayMs?: number;
  /** The delivery stream's clock. @default the real clock */
  readonly timer?: Timer;
  /** Checkpoint interval of msk-flink-s3's job. @default LIMITS.local.flinkCheckpointIntervalMs */
  readonly flinkCheckpointIntervalMs?: number;
  readonly onProgress?: (step: string) => void;
  /**
   * Where the pipeline's metrics, alarms and activity are recorded (started before anything runs). Give it
   * `kafkaBrokers` equal to `brokers`, so that each broker's alarms are evaluated.
   * @default a LocalMonitoring of the spec (with `kafkaBrokers: brokers`), with core's alarms
   */
  readonly monitoring?: LocalMonitoring;
  /** Serve the web dashboard on this port of 127.0.0.1 (0 = a free port). @default - no dashboard */
  readonly dashboardPort?: number;
}

export interface KafkaPipelineCounts {
  /** Records of consumed topics settled for good by the consumers' handlers. */
  processed: number;
  /** Records sent to an on-failure destination (or discarded without one). */
  deadLettered: number;
  invocations: number;
  functionErrors: number;
  /** Records in objects the delivery stream, the Connect sink or the Flink job wrote. */
  delivered: number;
}

export interface LocalKafkaPipeline {
  readonly spec: LocalKafkaPresetSpec;
  readonly cluster: LocalKafkaCluster;
  readonly bootstrapServers: readonly string[];
  /** The first topic: where the demo producer writes. */
  readonly topic: string;
  readonly dataDir: string;
  readonly functions: ReadonlyMap<string, LocalFunction>;
  readonly mappings: ReadonlyMap<string, KafkaEventSourceMapping>;
  /** SQS on-failure destinations, by consumer name. */
  readonly failureQueues: ReadonlyMap<string, DeadLetterQueue<KafkaBatchFailureRecord>>;
  readonly objectStore: LocalObjectStore;
  /** The output bucket (msk-lambda-firehose-s3, msk-connect-s3, msk-flink-s3). */
  readonly bucket: string | undefined;
  /** msk-connect-s3's worker. */
  readonly connectWorker: LocalConnectWorker | undefined;
  /** msk-flink-s3's job. */
  readonly flinkJob: LocalFlinkJob | undefined;
  readonly deliveryStream: LocalDeliveryStream | undefined;
  readonly firehoseEndpoint: string | undefined;
  readonly counts: Readonly<KafkaPipelineCounts>;
  /** Metrics (CloudWatch names and dimensions), alarms evaluated locally, and the activity the dashboard shows. */
  readonly monitoring: LocalMonitoring;
  /** The web dashboard, when `dashboardPort` was given. */
  readonly dashboardUrl: string | undefined;
  /**
   * Resolves true once every consumer group committed up to the end of its topic (and, for msk-flink-s3, the part
   * files holding those records are finished), false after `timeoutMs`.
   */
  drain(timeoutMs?: number): Promise<boolean>;
  /** Writes the delivery stream's buffers now (msk-lambda-firehose-s3); counts the output bucket's lines now. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/** A consumer of the spec, whichever preset it comes from. */
interface ConsumerPart {
  readonly settings: KafkaConsumerSettings;
  readonly builtin: keyof typeof BUILTIN_HANDLERS;
  readonly environment: Readonly<Record<string, string>>;
}

export async function startLocalKafkaPipeline(
  spec: LocalKafkaPresetSpec,
  options: LocalKafkaPipelineOptions = {},
): Promise<LocalKafkaPipeline> {
  if (!isLocalKafkaSpec(spec)) {
    throw new StreamkitError(
      'SK_VALIDATION',
      `the local Kafka target does not run preset ${(spec as PipelineSpec).preset}`,
    );
  }
  if (spec.existingCluster) {
    throw new StreamkitError(
      'SK_VALIDATION',
      'the local target runs its own Kafka: remove existingCluster (or use a spec without it) to run the pipeline locally',
      { path: 'existingCluster' },
    );
  }
  const progress = options.onProgress ?? (() => {});
  const dataDir = options.dataDir ?? spec.local.dataDir;
  if (options.reset) rmSync(dataDir, { recursive: true, force: true });
  const cleanup: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  };
  const brokers = options.brokers ?? 1;
  // Recording starts before anything runs, so no invocation goes uncounted.
  const monitoring = options.monitoring ?? new LocalMonitoring(spec, { kafkaBrokers: brokers });
  monitoring.start();
  cleanup.push(() => monitoring.stop());
  try {
    const cluster = new LocalKafkaCluster({
      dataDir: join(dataDir, 'kafka'),
      brokers,
      ...(options.kafkaPort !== undefined && { port: options.kafkaPort }),
      // MSK's replication factor of 3 is kept when there are 3 brokers; one local broker holds one replica.
      topics: spec.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions,
        replicationFactor: Math.min(t.replicationFactor, brokers),
      })),
      onProgress: progress,
    });
    cleanup.push(() => cluster.stop());
    await cluster.start();

    const objectStore = new LocalObjectStore({ root: join(dataDir, 's3') });
    const counts: KafkaPipelineCounts = {
      processed: 0,
      deadLettered: 0,
      invocations: 0,
      functionErrors: 0,
      delivered: 0,
    };
    const functions = new Map<string, LocalFunction>();
    const mappings = new Map<string, KafkaEventSourceMapping>();
    const failureQueues = new Map<string, DeadLetterQueue<KafkaBatchFailureRecord>>();
    const ours = new Set<string>();
    const listeners = new Map<string, (message: unknown) => void>([
      [
        'streamkit:esm:invoke',
        (m) => {
          const invoke = m as { functionName: string; succeeded: number; outcome: string };
          if (!ours.has(invoke.functionName)) return;
          counts.invocations += 1;
          counts.processed += invoke.succeeded;
          if (invoke.outcome === 'error') counts.functionErrors += 1;
        },
      ],
      [
        'streamkit:esm:dead-letter',
        (m) => {
          const failure = m as { functionName: string; records: number };
          if (ours.has(failure.functionName)) counts.deadLettered += failure.records;
        },
      ],
    ]);
    for (const [name, listener] of listeners) subscribe(name, listener);
    cleanup.push(() => {
      for (const [name, listener] of listeners) unsubscribe(name, listener);
    });

    let app: KafkaAppPart | undefined;
    const appContext = {
      dataDir,
      bootstrapServers: cluster.bootstrapServers,
      cleanup,
      progress,
      ...(options.flinkCheckpointIntervalMs !== undefined && {
        flinkCheckpointIntervalMs: options.flinkCheckpointIntervalMs,
      }),
    };
    if (spec.preset === 'msk-connect-s3') app = await startConnectS3(spec, appContext);
    if (spec.preset === 'msk-flink-s3') app = await startFlinkSqlOverKafka(spec, appContext);
    if (app) {
      const part = app;
      Object.defineProperty(counts, 'delivered', { get: () => part.delivered(), enumerable: true });
    }

    let deliveryStream: LocalDeliveryStream | undefined;
    let firehoseEndpoint: string | undefined;
    let bucket: string | undefined = app?.bucket;
    const consumers: ConsumerPart[] = [];
    if (spec.preset === 'msk-lambda') {
      for (const c of spec.consumers) consumers.push({ settings: c, builtin: 'kafkaConsumer', environment: {} });
    } else if (spec.preset === 'msk-lambda-firehose-s3') {
      const deliveryStreamName = localNames.deliveryStream(spec.name);
      bucket = localNames.bucket(spec.name);
      progress(`starting delivery stream ${deliveryStreamName} (Direct PUT) → ${join(dataDir, 's3', bucket)}`);
      const stream = new LocalDeliveryStream({
        deliveryStreamName,
        deliveryStreamArn: arn.deliveryStream(deliveryStreamName),
        type: 'DirectPut',
        bucket,
        settings: spec.delivery,
        store: objectStore,
        ...(options.timer && { timer: options.timer }),
        ...(options.retryBaseDelayMs !== undefined && { retryBaseDelayMs: options.retryBaseDelayMs }),
      });
      deliveryStream = stream;
      stream.start();
      cleanup.push(() => stream.stop());
      Object.defineProperty(counts, 'delivered', { get: () => stream.counts.delivered, enumerable: true });
      progress('starting the Firehose API');
      const api = await startFirehoseApi({
        port: options.firehosePort ?? spec.local.firehosePort,
        deliveryStreams: [stream],
      });
      cleanup.push(() => api.close());
      firehoseEndpoint = api.endpoint;
      consumers.push({
        settings: spec.forwarder,
        builtin: 'firehoseForwarder',
        environment: {
          DELIVERY_STREAM_NAME: deliveryStreamName,
          AWS_ENDPOINT_URL_FIREHOSE: api.endpoint,
          AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        },
      });
    }

    for (const { settings, builtin, environment } of consumers) {
      const functionName = localNames.function(spec.name, settings.name);
      ours.add(functionName);
      progress(
        `bundling ${settings.handler ?? `the built-in ${builtin === 'kafkaConsumer' ? 'Kafka consumer' : 'Firehose forwarder'}`}`,
      );
      const bundle = await bundleHandler({
        entry: handlerEntry(settings, builtin),
        outdir: join(dataDir, 'build', functionName),
      });
      if (!bundle.exports.includes(settings.export)) {
        throw new StreamkitError(
          'SK_VALIDATION',
          `the export must name a function exported by ${bundle.entry} (got "${settings.export}"; it exports: ${bundle.exports.join(', ') || 'nothing'})`,
        );
      }
      const fn = new LocalFunction({
        functionName,
        bundle,
        exportName: settings.export,
        memorySize: settings.memorySize,
        timeoutSeconds: settings.timeout,
        environment: { ...settings.environment, ...environment },
        region: LOCAL_REGION,
      });
      cleanup.push(() => fn.close());
      functions.set(settings.name, fn);

      const destination = failureDestination(spec, settings, dataDir, objectStore, failureQueues, cleanup);
      const groupId = consumerGroupIdOf(spec, settings);
      progress(
        `starting the Kafka event source mapping of ${functionName} (topic ${settings.topic}, group ${groupId})`,
      );
      const mapping = new KafkaEventSourceMapping({
        bootstrapServers: cluster.bootstrapServers,
        topic: settings.topic,
        target: fn,
        settings,
        uuid: groupId,
        consumerGroupId: groupId,
        eventSourceArn: `arn:aws:kafka:${LOCAL_REGION}:000000000000:cluster/${localNames.cluster(spec.name)}/local`,
        ...(destination && { destination }),
        ...(options.retryBaseDelayMs !== undefined && { retryBaseDelayMs: options.retryBaseDelayMs }),
      });
      // Stopped before the functions close (cleanup runs in reverse): no batch is cut short by a dying worker.
      cleanup.push(() => mapping.stop());
      await mapping.start();
      mappings.set(settings.name, mapping);
    }

    monitoring.watch({
      deadLetterQueues: failureQueues,
      ...(deliveryStream && { deliveryStream }),
      kafka: { bootstrapServers: cluster.bootstrapServers, brokers: () => cluster.brokers },
    });
    // The measurements stop before the brokers they read do (cleanup runs in reverse); stopping twice is harmless.
    cleanup.push(() => monitoring.stop());
    let dashboard: Dashboard | undefined;
    if (options.dashboardPort !== undefined) {
      progress('starting the dashboard');
      const started = await startDashboard({ monitoring, port: options.dashboardPort });
      dashboard = started;
      cleanup.push(() => started.close());
    }
    /** Every consumer group of the pipeline and the topic it reads. */
    const groups = (): GroupTopic[] => [
      ...consumers.map(({ settings }) => ({
        groupId: mappings.get(settings.name)!.consumerGroupId,
        topic: settings.topic,
      })),
      ...(app?.groups ?? []),
    ];

    const topic = spec.topics[0]!.name;
    return {
      spec,
      cluster,
      bootstrapServers: cluster.bootstrapServers,
      topic,
      dataDir,
      functions,
      mappings,
      failureQueues,
      objectStore,
      bucket,
      deliveryStream,
      firehoseEndpoint,
      connectWorker: app?.connectWorker,
      flinkJob: app?.flinkJob,
      counts,
      monitoring,
      dashboardUrl: dashboard?.url,
      stop,
      async flush() {
        await app?.refreshDelivered();
        if (!deliveryStream) return;
        await deliveryStream.whenIdle();
        await deliveryStream.flushAll('shutdown');
      },
      async drain(timeoutMs = 30_000) {
        const deadline = Date.now() + timeoutMs;
        let caughtUpAt: number | undefined;
        for (;;) {
          const lags = await Promise.all(groups().map((target) => consumerLag(cluster.bootstrapServers, target)));
          if (!lags.every((lag) => lag?.sum === 0)) caughtUpAt = undefined;
          else {
            caughtUpAt ??= Date.now();
            if (!app || (await app.settledAfterCaughtUp(caughtUpAt))) {
              await app?.refreshDelivered();
              return true;
            }
          }
          if (Date.now() >= deadline) return false;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The consumer's on-failure destination: a bucket of the object store (records included), an SQS queue, or none. */
function failureDestination(
  spec: LocalKafkaPresetSpec,
  settings: KafkaConsumerSettings,
  dataDir: string,
  store: LocalObjectStore,
  queues: Map<string, DeadLetterQueue<KafkaBatchFailureRecord>>,
  cleanup: (() => Promise<void> | void)[],
): KafkaFailureDestination | undefined {
  if (settings.onFailure === 'sqs') {
    const queue = new DeadLetterQueue<KafkaBatchFailureRecord>({
      queueName: localNames.deadLetterQueue(spec.name, settings.name),
      dir: join(dataDir, 'queues'),
    });
    cleanup.push(() => queue.close());
    queues.set(settings.name, queue);
    return sqsKafkaFailureDestination(queue);
  }
  if (settings.onFailure === 's3') {
    return s3KafkaFailureDestination({
      store,
      bucket: localNames.failureBucket(spec.name, settings.name),
      mappingUuid: consumerGroupIdOf(spec, settings),
    });
  }
  return undefined;
}
