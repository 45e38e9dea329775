/**
 * Records a local pipeline's metrics under the names, namespaces and dimensions CloudWatch gives them, from what the
 * local services publish on `node:diagnostics_channel`. Counting starts with `start()` — before the pipeline starts,
 * so no record goes uncounted — and gauges (dead-letter queue depth, delivery freshness) are sampled by `sample()`.
 *
 * Which AWS metric each one stands for, and how its local value is measured, is in docs/dashboard.md.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { KinesisBatchFailureRecord } from '@streamkit/core';
import { PROXY_API_REQUEST_CHANNEL, type ProxyApiRequestMessage } from '../api-gateway/lambda-proxy-api.ts';
import type { KafkaBatchFailureRecord } from '../esm/kafka-event.ts';
import type { FirehoseErrorMessage, FirehoseFlushMessage } from '../firehose/channels.ts';
import type { LocalDeliveryStream } from '../firehose/delivery-stream.ts';
import type { IngestRequestMessage } from '../ingest-api/server.ts';
import type { LocalBroker } from '../kafka/local-kafka-cluster.ts';
import type { KinesisGetMessage, KinesisPutMessage, KinesisThrottleMessage } from '../kinesis/channels.ts';
import type { DeadLetterQueue } from '../sqs/dead-letter-queue.ts';
import type { MetricMessage } from './metric-channel.ts';
import type { Dimensions, MetricId, MetricStore } from './metric-store.ts';
import { dimensionsOf, type PipelineResources } from './pipeline-resources.ts';

/** What a gauge is sampled from, once the pipeline has started. */
export interface GaugeSources {
  readonly deadLetterQueues?: ReadonlyMap<string, DeadLetterQueue<KinesisBatchFailureRecord | KafkaBatchFailureRecord>>;
  readonly deliveryStream?: LocalDeliveryStream;
  /** The local Kafka of an MSK preset: its lag, partitions and brokers are measured (`KafkaMetrics`). */
  readonly kafka?: {
    readonly bootstrapServers: readonly string[];
    /** The brokers as they are now. */
    readonly brokers: () => readonly LocalBroker[];
  };
}

export class PipelineMetrics {
  readonly store: MetricStore;
  readonly resources: PipelineResources;
  private readonly listeners: [string, (message: unknown) => void][];
  private gauges: GaugeSources = {};
  /** Messages in each dead-letter queue: read once from its file, then counted as they are sent. */
  private readonly queueDepths = new Map<string, number>();
  private started = false;

  constructor(store: MetricStore, resources: PipelineResources) {
    this.store = store;
    this.resources = resources;
    this.listeners = this.channelListeners();
  }

  /** Subscribes to the local services' channels. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const [name, listener] of this.listeners) subscribe(name, listener);
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    for (const [name, listener] of this.listeners) unsubscribe(name, listener);
  }

  /** Where gauges are read from, once the pipeline's parts exist. */
  watch(sources: GaugeSources): void {
    this.gauges = sources;
    for (const queue of sources.deadLetterQueues?.values() ?? []) {
      this.queueDepths.set(queue.queueName, queue.depth);
    }
  }

  /** Records the gauges' current values: SQS queue depth, Firehose data freshness. */
  sample(): void {
    for (const [consumer, queueName] of this.resources.queues) {
      if (!this.gauges.deadLetterQueues?.has(consumer)) continue;
      // The local queue is never received from: every message sent is still visible.
      const depth = this.queueDepths.get(queueName) ?? 0;
      this.put('AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: queueName }, depth);
    }
    const delivery = this.gauges.deliveryStream;
    if (delivery && this.resources.deliveryStreamName) {
      const oldest = delivery.oldestBufferedArrival;
      const freshness = oldest === undefined ? 0 : Math.max(0, (this.store.now() - oldest) / 1000);
      this.put('AWS/Firehose', 'DeliveryToS3.DataFreshness', this.deliveryDimensions(), freshness);
    }
  }

  /** The metric id of a metric this recorder writes. */
  id(namespace: string, metricName: string, dimensions: Dimensions): MetricId {
    return { namespace, metricName, dimensions };
  }

  private put(namespace: string, metricName: string, dimensions: Dimensions, value: number, count = 1): void {
    this.store.put({ namespace, metricName, dimensions }, value, count);
  }

  private deliveryDimensions(): Dimensions {
    return { DeliveryStreamName: this.resources.deliveryStreamName! };
  }

  private channelListeners(): [string, (message: unknown) => void][] {
    const r = this.resources;
    const stream = { StreamName: r.streamName ?? '' };
    const functionNames = new Set(r.functions.values());
    const queueNames = new Set(r.queues.values());
    const ours = (m: unknown) => (m as { streamName: string }).streamName === r.streamName;
    const kinesis = (metricName: string, value: number, count = 1) =>
      this.put('AWS/Kinesis', metricName, stream, value, count);
    const flinkSource = r.flinkApplication ? dimensionsOf(r, { kind: 'flinkSource' }) : undefined;
    const listeners: [string, (message: unknown) => void][] = [
      [
        'streamkit:kinesis:put',
        (m) => {
          if (!ours(m)) return;
          const put = m as KinesisPutMessage;
          kinesis('IncomingRecords', put.records);
          kinesis('IncomingBytes', put.bytes);
          // One sample per record written: Average is then the share of records throttled.
          kinesis('WriteProvisionedThroughputExceeded', 0, put.records);
          // One sample per call and shard written (a call throttled on a shard adds a 0 below).
          kinesis(`${put.operation}.Success`, 1);
        },
      ],
      [
        'streamkit:kinesis:get',
        (m) => {
          if (!ours(m)) return;
          const get = m as KinesisGetMessage;
          kinesis('GetRecords.Records', get.records);
          kinesis('GetRecords.IteratorAgeMilliseconds', get.millisBehindLatest);
          kinesis('GetRecords.Success', 1);
          kinesis('ReadProvisionedThroughputExceeded', 0);
          // In the Flink presets the job is the stream's one reader: how far behind its reads are is its source's lag.
          if (flinkSource) {
            this.put('AWS/KinesisAnalytics', 'millisBehindLatest', flinkSource, get.millisBehindLatest);
          }
        },
      ],
      [
        'streamkit:kinesis:throttle',
        (m) => {
          if (!ours(m)) return;
          const throttle = m as KinesisThrottleMessage;
          if (throttle.operation === 'GetRecords') {
            kinesis('ReadProvisionedThroughputExceeded', 1);
            kinesis('GetRecords.Success', 0);
          } else {
            kinesis('WriteProvisionedThroughputExceeded', 1, throttle.records);
            kinesis(`${throttle.operation}.Success`, 0);
          }
        },
      ],
      [
        'streamkit:lambda:invoke',
        (m) => {
          const invoke = m as { functionName: string; durationMs: number; error?: unknown };
          if (!functionNames.has(invoke.functionName)) return;
          const fn = { FunctionName: invoke.functionName };
          this.put('AWS/Lambda', 'Invocations', fn, 1);
          this.put('AWS/Lambda', 'Errors', fn, invoke.error ? 1 : 0);
          this.put('AWS/Lambda', 'Duration', fn, invoke.durationMs);
          // The local runtime queues invocations past its concurrency instead of refusing them.
          this.put('AWS/Lambda', 'Throttles', fn, 0);
          if (invoke.functionName === r.functions.get('processor') && r.deliveryStreamName) {
            this.put('AWS/Firehose', 'ExecuteProcessing.Success', this.deliveryDimensions(), invoke.error ? 0 : 1);
          }
        },
      ],
      [
        'streamkit:esm:poll',
        (m) => {
          const poll = m as { functionName: string; records: number; millisBehindLatest: number };
          if (!functionNames.has(poll.functionName) || poll.records === 0) return;
          this.put('AWS/Lambda', 'IteratorAge', { FunctionName: poll.functionName }, poll.millisBehindLatest);
        },
      ],
      [
        'streamkit:metric',
        (m) => {
          const metric = m as MetricMessage;
          this.store.put(metric, metric.value, metric.count ?? 1);
        },
      ],
      [
        'streamkit:sqs:send',
        (m) => {
          const send = m as { queueName: string };
          if (!queueNames.has(send.queueName)) return;
          this.put('AWS/SQS', 'NumberOfMessagesSent', { QueueName: send.queueName }, 1);
          // Before `watch` read the queue's file, this message is in what it will read.
          const depth = this.queueDepths.get(send.queueName);
          if (depth !== undefined) this.queueDepths.set(send.queueName, depth + 1);
        },
      ],
    ];
    if (r.api) {
      const api = { ApiName: r.api.apiName, Stage: r.api.stage };
      const request = ({ status, durationMs }: { status: number; durationMs: number }) => {
        this.put('AWS/ApiGateway', 'Count', api, 1);
        this.put('AWS/ApiGateway', '4XXError', api, status >= 400 && status < 500 ? 1 : 0);
        this.put('AWS/ApiGateway', '5XXError', api, status >= 500 ? 1 : 0);
        this.put('AWS/ApiGateway', 'Latency', api, durationMs);
      };
      listeners.push(
        ['streamkit:ingest:request', (m) => request(m as IngestRequestMessage)],
        [
          PROXY_API_REQUEST_CHANNEL,
          (m) => {
            if ((m as ProxyApiRequestMessage).apiName === r.api?.apiName) request(m as ProxyApiRequestMessage);
          },
        ],
      );
    }
    if (r.deliveryStreamName) {
      const name = r.deliveryStreamName;
      const firehose = (metricName: string, value: number) =>
        this.put('AWS/Firehose', metricName, this.deliveryDimensions(), value);
      listeners.push(
        [
          'streamkit:firehose:read',
          (m) => {
            const read = m as { deliveryStreamName: string; records: number; millisBehindLatest: number };
            if (read.deliveryStreamName !== name) return;
            firehose('DataReadFromKinesisStream.Records', read.records);
          },
        ],
        [
          'streamkit:firehose:flush',
          (m) => {
            const flush = m as FirehoseFlushMessage;
            if (flush.deliveryStreamName !== name) return;
            firehose('DeliveryToS3.Success', 1);
            if (flush.kind === 'data') {
              firehose('DeliveryToS3.Records', flush.records);
              firehose('DeliveryToS3.Bytes', flush.objectBytes);
            }
          },
        ],
        [
          'streamkit:firehose:error',
          (m) => {
            if ((m as FirehoseErrorMessage).deliveryStreamName === name) firehose('DeliveryToS3.Success', 0);
          },
        ],
      );
    }
    return listeners;
  }
}
