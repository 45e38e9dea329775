/**
 * What happens in a running pipeline, as a person watching it wants to see it: a sample of the records written to
 * the stream, runtime events (handler errors, dead letters, objects written, alarm state changes, refused API
 * requests) and the latest dead-letter queue messages. Kept in small rings for the dashboard, and passed on to
 * listeners as they happen (for `streamkit tail`, through the dashboard's event stream).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { type KinesisBatchFailureRecord, LIMITS } from '@streamkit/core';
import type { AlarmStateMessage } from '../alarms/local-alarms.ts';
import type { KafkaBatchFailureRecord } from '../esm/kafka-event.ts';
import type { KafkaRecordMessage } from '../esm/kafka-event-source-mapping.ts';
import type { FirehoseErrorMessage, FirehoseFlushMessage } from '../firehose/channels.ts';
import type { IngestRequestMessage } from '../ingest-api/server.ts';
import type { KinesisRecordsMessage } from '../kinesis/channels.ts';
import type { PipelineResources } from '../metrics/pipeline-resources.ts';
import type { DeadLetterQueue } from '../sqs/dead-letter-queue.ts';

export interface SampledRecord {
  /** A Kafka record's timestamp (MSK presets). */
  readonly arrival: number;
  /** `<topic>-<partition>` for a Kafka record. */
  readonly shardId: string;
  /** The offset of a Kafka record. */
  readonly sequenceNumber: string;
  /** The key of a Kafka record (UTF-8, empty without one). */
  readonly partitionKey: string;
  /** The data as UTF-8 text, cut at 2 KiB (binary data shows as replacement characters). */
  readonly data: string;
}

export interface RuntimeEvent {
  readonly timestamp: number;
  readonly level: 'info' | 'warn' | 'error';
  /** What it is about: `stream`, `function`, `queue`, `api`, `deliveryStream`, `alarm`. */
  readonly source: string;
  readonly text: string;
}

export interface DeadLetterEntry {
  readonly queueName: string;
  /** A Kinesis mapping's failure record, or a Kafka mapping's (MSK presets). */
  readonly body: KinesisBatchFailureRecord | KafkaBatchFailureRecord;
}

export interface ActivityListener {
  record?(record: SampledRecord): void;
  event?(event: RuntimeEvent): void;
}

const EVENTS_KEPT = 200;
const DATA_CHARS = 2048;

export class PipelineActivity {
  private readonly resources: PipelineResources;
  private readonly now: () => number;
  private readonly recordRing: SampledRecord[] = [];
  private readonly eventRing: RuntimeEvent[] = [];
  private readonly deadLetterRing: DeadLetterEntry[] = [];
  private readonly listeners = new Set<ActivityListener>();
  /** Per Kafka `<topic>-<partition>`: the next offset to sample (each consumer reads the records; one sample each). */
  private readonly kafkaNext = new Map<string, bigint>();
  private readonly subscriptions: [string, (message: unknown) => void][];
  private started = false;

  constructor(resources: PipelineResources, now: () => number = Date.now) {
    this.resources = resources;
    this.now = now;
    this.subscriptions = this.channelListeners();
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const [name, fn] of this.subscriptions) subscribe(name, fn);
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    for (const [name, fn] of this.subscriptions) unsubscribe(name, fn);
    this.listeners.clear();
  }

  /** Loads the latest messages already in the dead-letter queues (from earlier runs with the same data directory). */
  loadDeadLetters(
    queues: ReadonlyMap<string, DeadLetterQueue<KinesisBatchFailureRecord | KafkaBatchFailureRecord>>,
  ): void {
    const keep = LIMITS.dashboard.recentDeadLetters.value;
    for (const queue of queues.values()) {
      for (const body of queue.messages().slice(-keep)) this.pushDeadLetter({ queueName: queue.queueName, body });
    }
  }

  /** Newest last. */
  get records(): readonly SampledRecord[] {
    return this.recordRing;
  }

  /** Newest last. */
  get events(): readonly RuntimeEvent[] {
    return this.eventRing;
  }

  /** Newest last. */
  get deadLetters(): readonly DeadLetterEntry[] {
    return this.deadLetterRing;
  }

  /** Calls the listener for every record and event from now on; returns how to stop. */
  listen(listener: ActivityListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Told by the pipeline's own alarms (not the shared channel, which every pipeline in the process publishes on). */
  alarmChanged(change: AlarmStateMessage): void {
    const level = change.newState === 'ALARM' ? 'error' : 'info';
    this.event(level, 'alarm', `${change.alarm}: ${change.oldState} → ${change.newState} (${change.reason})`);
  }

  private pushDeadLetter(entry: DeadLetterEntry): void {
    this.deadLetterRing.push(entry);
    const keep = LIMITS.dashboard.recentDeadLetters.value;
    if (this.deadLetterRing.length > keep) this.deadLetterRing.splice(0, this.deadLetterRing.length - keep);
  }

  private sample(record: SampledRecord): void {
    this.recordRing.push(record);
    const keep = LIMITS.dashboard.recentRecords.value;
    if (this.recordRing.length > keep) this.recordRing.splice(0, this.recordRing.length - keep);
    for (const l of this.listeners) l.record?.(record);
  }

  private event(level: RuntimeEvent['level'], source: string, text: string): void {
    const event: RuntimeEvent = { timestamp: this.now(), level, source, text };
    this.eventRing.push(event);
    if (this.eventRing.length > EVENTS_KEPT) this.eventRing.shift();
    for (const l of this.listeners) l.event?.(event);
  }

  private channelListeners(): [string, (message: unknown) => void][] {
    const r = this.resources;
    const functionNames = new Set(r.functions.values());
    const queueNames = new Set(r.queues.values());
    const utf8 = (bytes: Uint8Array | undefined) =>
      bytes ? Buffer.from(bytes).toString('utf8').slice(0, DATA_CHARS) : '';
    return [
      [
        'streamkit:kinesis:records',
        (m) => {
          const put = m as KinesisRecordsMessage;
          if (put.streamName !== r.streamName) return;
          for (const record of put.records) {
            this.sample({
              arrival: put.arrival,
              shardId: put.shardId,
              sequenceNumber: record.sequenceNumber,
              partitionKey: record.partitionKey,
              data: Buffer.from(record.data, 'base64').toString('utf8').slice(0, DATA_CHARS),
            });
          }
        },
      ],
      [
        'streamkit:esm:kafka:record',
        (m) => {
          const read = m as KafkaRecordMessage;
          if (!functionNames.has(read.functionName)) return;
          const partition = `${read.topic}-${read.partition}`;
          // A record read again (a second consumer, a rejoin) was sampled already.
          if (read.offset < (this.kafkaNext.get(partition) ?? 0n)) return;
          this.kafkaNext.set(partition, read.offset + 1n);
          this.sample({
            arrival: read.timestamp,
            shardId: partition,
            sequenceNumber: String(read.offset),
            partitionKey: utf8(read.key),
            data: utf8(read.value),
          });
        },
      ],
      [
        'streamkit:lambda:invoke',
        (m) => {
          const invoke = m as { functionName: string; error?: { errorType: string; errorMessage: string } };
          if (!functionNames.has(invoke.functionName) || !invoke.error) return;
          const first = invoke.error.errorMessage.split('\n')[0];
          this.event('error', 'function', `${invoke.functionName}: ${invoke.error.errorType}: ${first}`);
        },
      ],
      [
        'streamkit:esm:dead-letter',
        (m) => {
          const d = m as {
            functionName: string;
            records: number;
            /** Kinesis mappings name the shard, Kafka mappings the topic partitions. */
            shardId?: string;
            topicPartitions?: string[];
            condition: string;
            delivered: boolean;
          };
          if (!functionNames.has(d.functionName)) return;
          const where = d.delivered ? 'sent to the on-failure destination' : 'discarded (no destination)';
          const of = d.shardId ?? (d.topicPartitions ?? []).join(', ');
          this.event('warn', 'queue', `${d.records} record(s) of ${of} ${where}: ${d.condition}`);
        },
      ],
      [
        'streamkit:sqs:send',
        (m) => {
          const send = m as { queueName: string; body: DeadLetterEntry['body'] };
          if (queueNames.has(send.queueName)) this.pushDeadLetter({ queueName: send.queueName, body: send.body });
        },
      ],
      [
        'streamkit:ingest:request',
        (m) => {
          const request = m as IngestRequestMessage;
          if (request.status === 200) return;
          this.event(
            request.status >= 500 ? 'error' : 'warn',
            'api',
            `${request.route} answered ${request.status}: ${request.error ?? ''}`,
          );
        },
      ],
      [
        'streamkit:firehose:flush',
        (m) => {
          const f = m as FirehoseFlushMessage;
          if (f.deliveryStreamName !== r.deliveryStreamName) return;
          const what = f.kind === 'error' ? 'error records' : 'records';
          this.event(
            f.kind === 'error' ? 'warn' : 'info',
            'deliveryStream',
            `${f.records} ${what} → s3://${f.bucket}/${f.key}`,
          );
        },
      ],
      [
        'streamkit:firehose:error',
        (m) => {
          const e = m as FirehoseErrorMessage;
          if (e.deliveryStreamName !== r.deliveryStreamName) return;
          const retry = e.retryInMs === undefined ? '' : ` — retrying in ${e.retryInMs} ms`;
          this.event('error', 'deliveryStream', `${e.error}${retry}`);
        },
      ],
    ];
  }
}
