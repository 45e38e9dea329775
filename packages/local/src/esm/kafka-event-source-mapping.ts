/**
 * A Lambda event source mapping for a Kafka topic (Amazon MSK or self-managed Apache Kafka), run locally against any
 * Kafka cluster — the local broker included. Like Lambda's, it is a consumer group of its own (the group id defaults
 * to the mapping's UUID), reads each partition in order, gathers batches (batch size, batching window, 6 MB payload),
 * invokes the function with an MSK-shaped event and commits a partition's offset only once every record before it is
 * settled: processed, or sent to the on-failure destination.
 *
 * Parts: the reader (a consumer of the group; a new one after any error, resuming from the committed offsets) →
 * the buffer (records in fetch order, deduplicated by offset, so records fetched again after a rejoin are not sent
 * twice) → batches → the processor (`KafkaBatchProcessor`: retries, bisect, partial responses, destination) → the commit.
 *
 * The starting position applies to partitions the group has no committed offset for, as on AWS: LATEST and
 * AT_TIMESTAMP commit those partitions' starting offsets before the group starts reading.
 */
import { randomUUID } from 'node:crypto';
import { channel } from 'node:diagnostics_channel';
import { Consumer, type Message, type MessagesStream } from '@platformatic/kafka';
import { LIMITS, StreamkitError } from '@streamkit/core';
import { describe } from '../kafka/topics.ts';
import {
  KafkaBatchProcessor,
  type KafkaEventSourceSettings,
  type KafkaFailureDestination,
} from './kafka-batch-processor.ts';
import { checkKafkaEventSourceMapping } from './kafka-esm-settings.ts';
import { type KafkaEventSource, type KafkaRecord, mskRecordEventBytes, topicPartition } from './kafka-event.ts';
import type { EventSourceMappingState } from './kinesis-event-source-mapping.ts';
import { type InvokeTarget, realTimer, type Timer } from './types.ts';

/** `streamkit:esm:kafka` — the reader's life: `{ functionName, event: 'joined' | 'error' | 'committed', … }`. */
export const esmKafkaChannel = channel('streamkit:esm:kafka');

/**
 * `streamkit:esm:kafka:record` — each record the mapping reads, as it is buffered (`KafkaRecordMessage`): the
 * dashboard's record sample and `streamkit tail` on the MSK presets. Built only while someone subscribes.
 */
export const esmKafkaRecordChannel = channel('streamkit:esm:kafka:record');

export interface KafkaRecordMessage {
  readonly functionName: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  /** Epoch ms (the record's CreateTime). */
  readonly timestamp: number;
  readonly key: Uint8Array | undefined;
  readonly value: Uint8Array | undefined;
}

export interface KafkaEventSourceMappingOptions {
  readonly bootstrapServers: readonly string[];
  /** The topic (a Kafka event source mapping reads exactly one). */
  readonly topic: string;
  readonly target: InvokeTarget;
  readonly settings: KafkaEventSourceSettings;
  /** @default - a random UUID, as AWS gives each mapping */
  readonly uuid?: string;
  /** @default - the mapping's UUID (AWS's default consumer group id) */
  readonly consumerGroupId?: string;
  /** @default 'aws:kafka' (Amazon MSK) */
  readonly eventSource?: KafkaEventSource;
  /** The cluster ARN the event names (Amazon MSK). */
  readonly eventSourceArn?: string;
  /** @default - none; discarded records are only reported */
  readonly destination?: KafkaFailureDestination;
  /** @default LIMITS.local.esmRetryBaseDelayMs */
  readonly retryBaseDelayMs?: number;
  readonly timer?: Timer;
}

/** How many records the buffer holds before the reader pauses fetching. */
const bufferHighWater = (batchSize: number) => Math.max(2 * batchSize, 1000);

export class KafkaEventSourceMapping {
  readonly uuid: string;
  readonly consumerGroupId: string;
  private stateValue: EventSourceMappingState = 'Creating';
  private readonly options: KafkaEventSourceMappingOptions;
  private readonly timer: Timer;
  private readonly abort = new AbortController();
  private readonly processor: KafkaBatchProcessor;
  private buffer: KafkaRecord[] = [];
  private bufferedSince = 0;
  /** Per `<topic>-<partition>`: the offset after the last record buffered. */
  private readonly nextOffset = new Map<string, bigint>();
  private wake: (() => void) | undefined;
  private consumer: Consumer | undefined;
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  private readTask: Promise<void> | undefined;
  private batchTask: Promise<void> | undefined;

  constructor(options: KafkaEventSourceMappingOptions) {
    checkKafkaEventSourceMapping(options);
    this.options = options;
    this.uuid = options.uuid ?? randomUUID();
    this.consumerGroupId = options.consumerGroupId ?? this.uuid;
    this.timer = options.timer ?? realTimer;
    this.processor = new KafkaBatchProcessor({
      target: options.target,
      settings: options.settings,
      event: {
        eventSource: options.eventSource ?? 'aws:kafka',
        bootstrapServers: options.bootstrapServers,
        ...(options.eventSourceArn !== undefined && { eventSourceArn: options.eventSourceArn }),
      },
      ...(options.destination && { destination: options.destination }),
      timer: this.timer,
      signal: this.abort.signal,
      retryBaseDelayMs: options.retryBaseDelayMs ?? LIMITS.local.esmRetryBaseDelayMs.value,
    });
  }

  get state(): EventSourceMappingState {
    return this.stateValue;
  }

  /** Positions the group (LATEST, AT_TIMESTAMP), then starts reading; resolves once records produced from now on will be read. */
  async start(): Promise<void> {
    if (this.stateValue !== 'Creating') {
      throw new StreamkitError('SK_CONFLICT', `event source mapping is ${this.stateValue}`);
    }
    await this.positionGroup();
    this.stateValue = 'Enabled';
    this.readTask = this.readLoop();
    this.batchTask = this.batchLoop();
  }

  /** Stops reading and retrying; an invocation in flight finishes first. Unsettled records are read again next time. */
  async stop(): Promise<void> {
    if (this.stateValue === 'Disabled' || this.stateValue === 'Creating') {
      this.stateValue = 'Disabled';
      return;
    }
    this.stateValue = 'Disabling';
    this.abort.abort();
    this.notify();
    // The batch in flight finishes and commits through the consumer first; then the consumer leaves the group.
    await this.batchTask?.catch(() => {});
    await this.closeConsumer();
    await this.readTask?.catch(() => {});
    this.stateValue = 'Disabled';
  }

  private newConsumer(): Consumer {
    return new Consumer({
      groupId: this.consumerGroupId,
      clientId: `streamkit-esm-${this.options.target.functionName}`,
      bootstrapBrokers: [...this.options.bootstrapServers],
      autocommit: false,
      maxWaitTime: 500,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      retries: 3,
    });
  }

  /** For each partition without a committed offset, commits the starting position's offset (LATEST, AT_TIMESTAMP). */
  private async positionGroup(): Promise<void> {
    const { startingPosition, startingPositionTimestamp } = this.options.settings;
    if (startingPosition === 'TRIM_HORIZON') return; // the reader falls back to the earliest offset
    const { topic } = this.options;
    const consumer = this.newConsumer();
    try {
      const metadata = await consumer.metadata({ topics: [topic] });
      const partitions = metadata.topics.get(topic)?.partitions.map((_, index) => index) ?? [];
      if (partitions.length === 0) throw new StreamkitError('SK_NOT_FOUND', `topic ${topic} has no partitions`);
      const committed = (await consumer.listCommittedOffsets({ topics: [{ topic, partitions }] })).get(topic) ?? [];
      const unpositioned = partitions.filter((p) => (committed[p] ?? -1n) < 0n);
      if (unpositioned.length === 0) return;
      const latest = (await consumer.listOffsets({ topics: [topic], timestamp: -1n })).get(topic) ?? [];
      let start = latest;
      if (startingPosition === 'AT_TIMESTAMP') {
        if (startingPositionTimestamp === undefined) {
          throw new StreamkitError('SK_VALIDATION', 'startingPositionTimestamp is required with AT_TIMESTAMP');
        }
        const at = BigInt(new Date(startingPositionTimestamp).getTime());
        const found = (await consumer.listOffsets({ topics: [topic], timestamp: at })).get(topic) ?? [];
        // No record at or after the timestamp: start at the end, as a consumer seeking by time does.
        start = partitions.map((p) => ((found[p] ?? -1n) >= 0n ? found[p]! : (latest[p] ?? 0n)));
      }
      // Kafka takes commits from members of the group: join it (reading nothing) for the time of the commit.
      const stream = await consumer.consume({
        topics: [topic],
        mode: 'committed',
        fallbackMode: 'latest',
        autocommit: false,
      });
      stream.pause();
      try {
        await consumer.commit({
          offsets: unpositioned.map((partition) => ({
            topic,
            partition,
            offset: start[partition] ?? 0n,
            leaderEpoch: -1,
          })),
        });
      } finally {
        await stream.close().catch(() => {});
      }
    } finally {
      await forceClose(consumer);
    }
  }

  /** Reads the topic as a member of the group; after any error, a new consumer resumes from the committed offsets. */
  private async readLoop(): Promise<void> {
    const signal = this.abort.signal;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const consumer = this.newConsumer();
        this.consumer = consumer;
        const stream = await consumer.consume({
          topics: [this.options.topic],
          mode: 'committed',
          fallbackMode: 'earliest',
          autocommit: false,
        });
        this.stream = stream;
        this.publish({ event: 'joined', memberId: consumer.memberId });
        await new Promise<void>((resolve, reject) => {
          stream.on('data', (message: Message<Buffer, Buffer, Buffer, Buffer>) => {
            failures = 0;
            this.accept(message);
          });
          stream.once('error', reject);
          stream.once('close', resolve);
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
      } catch (error) {
        if (signal.aborted) break;
        failures++;
        this.publish({ event: 'error', error: describe(error) });
      } finally {
        // On stop, the consumer stays until the batch in flight is committed (stop() closes it).
        if (!signal.aborted) await this.closeConsumer();
      }
      if (!signal.aborted) await this.timer.sleep(Math.min(5_000, 250 * 2 ** Math.min(failures, 5)), signal);
    }
  }

  private accept(message: Message<Buffer, Buffer, Buffer, Buffer>): void {
    const key = topicPartition(message);
    const next = this.nextOffset.get(key);
    // Fetched again after a rejoin (the group resumes from the committed offset): already buffered or settled.
    if (next !== undefined && message.offset < next) return;
    this.nextOffset.set(key, message.offset + 1n);
    if (this.buffer.length === 0) this.bufferedSince = this.timer.now();
    const record: KafkaRecord = {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      timestamp: Number(message.timestamp),
      key: message.key?.byteLength ? message.key : undefined,
      value: message.value ?? undefined,
      headers: [...(message.headers ?? new Map<Buffer, Buffer>())],
    };
    this.buffer.push(record);
    if (esmKafkaRecordChannel.hasSubscribers) {
      const { topic, partition, offset, timestamp, key, value } = record;
      esmKafkaRecordChannel.publish({
        functionName: this.options.target.functionName,
        topic,
        partition,
        offset,
        timestamp,
        key,
        value,
      } satisfies KafkaRecordMessage);
    }
    if (this.buffer.length >= bufferHighWater(this.options.settings.batchSize)) this.stream?.pause();
    this.notify();
  }

  /** Gathers batches from the buffer and settles them one at a time, committing after each. */
  private async batchLoop(): Promise<void> {
    const signal = this.abort.signal;
    const { batchSize, maxBatchingWindow } = this.options.settings;
    const windowMs =
      maxBatchingWindow === undefined ? LIMITS.local.kafkaEsmDefaultBatchingWindowMs.value : maxBatchingWindow * 1000;
    while (!signal.aborted) {
      if (this.buffer.length === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const waited = this.timer.now() - this.bufferedSince;
      if (this.buffer.length < batchSize && waited < windowMs) {
        await Promise.race([this.timer.sleep(windowMs - waited, signal), new Promise<void>((r) => (this.wake = r))]);
        continue;
      }
      const batch = this.takeBatch(batchSize);
      if (this.buffer.length < bufferHighWater(batchSize) / 2 && this.stream?.isPaused()) this.stream.resume();
      if (!(await this.processor.process(batch))) return;
      await this.commit(batch);
    }
  }

  private takeBatch(batchSize: number): KafkaRecord[] {
    const limit = LIMITS.esm.invokePayloadMaxBytes.value;
    let bytes = 0;
    let count = 0;
    while (count < this.buffer.length && count < batchSize) {
      bytes += mskRecordEventBytes(this.buffer[count]!);
      if (bytes > limit && count > 0) break;
      count++;
    }
    const batch = this.buffer.splice(0, count);
    if (this.buffer.length > 0) this.bufferedSince = this.timer.now();
    return batch;
  }

  /** Commits, per partition, the offset after the batch's last record; retries until Kafka takes it or the mapping stops. */
  private async commit(batch: readonly KafkaRecord[]): Promise<void> {
    const last = new Map<string, KafkaRecord>();
    for (const record of batch) last.set(topicPartition(record), record);
    const offsets = [...last.values()].map((r) => ({
      topic: r.topic,
      partition: r.partition,
      offset: r.offset + 1n,
      leaderEpoch: -1,
    }));
    const signal = this.abort.signal;
    for (let attempt = 0; ; attempt++) {
      const consumer = this.consumer;
      try {
        if (!consumer) throw new Error('no consumer yet');
        await consumer.commit({ offsets });
        this.publish({ event: 'committed', offsets: offsets.map((o) => `${o.topic}-${o.partition}@${o.offset}`) });
        return;
      } catch (error) {
        // Not committed: after a restart these records are read again (at least once), never lost.
        this.publish({ event: 'error', error: `commit: ${describe(error)}` });
        if (signal.aborted) return;
        await this.timer.sleep(Math.min(2_000, 100 * 2 ** Math.min(attempt, 5)), signal);
        if (signal.aborted) return;
      }
    }
  }

  private async closeConsumer(): Promise<void> {
    const stream = this.stream;
    const consumer = this.consumer;
    this.stream = undefined;
    this.consumer = undefined;
    await stream?.close().catch(() => {});
    if (consumer) await forceClose(consumer);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private publish(message: Record<string, unknown>): void {
    if (esmKafkaChannel.hasSubscribers) {
      esmKafkaChannel.publish({ functionName: this.options.target.functionName, uuid: this.uuid, ...message });
    }
  }
}

/** Closes a consumer without waiting for in-flight requests (the broker may be gone); errors are of no use here. */
function forceClose(consumer: Consumer): Promise<void> {
  return new Promise((resolve) => consumer.close(true, () => resolve()));
}
