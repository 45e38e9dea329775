/**
 * A producer for the MSK presets: sends records (a generator's, or anyone's) to one Kafka topic with
 * @platformatic/kafka. The partition key is the Kafka key, and a key's partition is the Java client's
 * (murmur2 of the key, positive, modulo the partitions), so records of one key stay in order and land where a Java
 * producer would put them. Writes are acks=all and idempotent (the broker drops duplicates a retry would cause).
 *
 * It is a `RecordBatchWriter`: `produce()` hands it a batch per departure, one Produce request per batch (per
 * partition leader), one request in flight at a time; `close()` resolves once every record sent is acknowledged.
 */
import { compatibilityPartitioner, ProduceAcks, Producer } from '@platformatic/kafka';
import { recordBytes, StreamkitError } from '@streamkit/core';
import type { CallOptions } from '../ingest-client.ts';
import type { IngestRecord } from '../ingest-record.ts';
import type { RecordBatchWriter } from '../produce.ts';
import type { PutRecordsEntry, PutRecordsOutput } from '../put-records-retries.ts';

/** How long the first send waits for the topic's metadata before saying the topic is missing. */
const METADATA_TIMEOUT_MS = 15_000;

export interface KafkaProducerOptions {
  /** `host:port` of one or more brokers. */
  readonly bootstrapServers: readonly string[];
  readonly topic: string;
  /** @default 'streamkit-producer' */
  readonly clientId?: string;
  /** Idempotent writes (a retried batch is not stored twice). @default true */
  readonly idempotent?: boolean;
  /** Attempts of a Produce request the client makes after the first. @default 10 */
  readonly retries?: number;
  /** Headers added to every record. @default - none */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Where an acknowledged record is stored. */
export interface KafkaRecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

export class KafkaProducer implements RecordBatchWriter {
  readonly topic: string;
  private readonly producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  private readonly headers: Map<Buffer, Buffer> | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private tail: Promise<unknown> = Promise.resolve();
  private partitions: number | undefined;
  private closed = false;
  private sentCount = 0;

  constructor(options: KafkaProducerOptions) {
    if (options.bootstrapServers.length === 0) {
      throw new StreamkitError('SK_VALIDATION', 'bootstrapServers must name at least one broker (got none)');
    }
    this.topic = options.topic;
    const idempotent = options.idempotent ?? true;
    this.producer = new Producer({
      clientId: options.clientId ?? 'streamkit-producer',
      bootstrapBrokers: [...options.bootstrapServers],
      acks: ProduceAcks.ALL,
      idempotent,
      retries: options.retries ?? 10,
    });
    this.headers = options.headers
      ? new Map(Object.entries(options.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)]))
      : undefined;
  }

  /** Records acknowledged so far. */
  get sent(): number {
    return this.sentCount;
  }

  /** Sends records and resolves with where each is stored, once the brokers acknowledged them all (acks=all). */
  async send(records: readonly IngestRecord[]): Promise<KafkaRecordMetadata[]> {
    if (this.closed) throw new StreamkitError('SK_CONFLICT', 'the Kafka producer is closed');
    // One Produce request at a time: @platformatic/kafka 1.x assigns idempotent sequence numbers per send, and two
    // sends in flight can reach a partition out of order (OUT_OF_ORDER_SEQUENCE_NUMBER). A batch carries many records.
    const task = this.tail.then(() => this.sendBatch(records));
    this.tail = task.catch(() => {});
    this.inFlight.add(task);
    try {
      return await task;
    } finally {
      this.inFlight.delete(task);
    }
  }

  /** `produce()`'s interface: every record acknowledged, or each marked with the error of the request. */
  async putRecords(records: readonly IngestRecord[], _options?: CallOptions): Promise<PutRecordsOutput> {
    try {
      const stored = await this.send(records);
      return {
        records: stored.map((s) => ({ sequenceNumber: String(s.offset), shardId: `${s.topic}-${s.partition}` })),
        failedRecordCount: 0,
        retriedRecords: 0,
        attempts: 1,
      };
    } catch (error) {
      if (StreamkitError.is(error) && !error.retriable && error.code !== 'SK_UNAVAILABLE') throw error;
      const failed: PutRecordsEntry = { errorCode: kafkaErrorCode(error), errorMessage: (error as Error).message };
      return { records: records.map(() => failed), failedRecordCount: records.length, retriedRecords: 0, attempts: 1 };
    }
  }

  /** Resolves once every record handed over is acknowledged (or failed), then closes the connections. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    await this.producer.close();
  }

  private async sendBatch(records: readonly IngestRecord[]): Promise<KafkaRecordMetadata[]> {
    if (records.length === 0) return [];
    const partitions = await this.partitionCount();
    const messages = records.map((record) => {
      const key = Buffer.from(record.partitionKey);
      return {
        topic: this.topic,
        key,
        value: recordBytes(record.data),
        partition: compatibilityPartitioner(undefined as never, key) % partitions,
        ...(this.headers && { headers: this.headers }),
      };
    });
    let result: Awaited<ReturnType<typeof this.producer.send>>;
    try {
      result = await this.producer.send({ messages });
    } catch (error) {
      throw new StreamkitError(
        'SK_UNAVAILABLE',
        `sending ${records.length} records to ${this.topic} failed: ${error}`,
        {
          cause: error,
        },
      );
    }
    // The answer has each partition's base offset; records of a partition follow it in the order sent.
    const next = new Map<number, bigint>();
    for (const o of result.offsets ?? []) if (o.topic === this.topic) next.set(o.partition, o.offset);
    this.sentCount += records.length;
    return messages.map((m) => {
      const offset = next.get(m.partition) ?? -1n;
      if (offset >= 0n) next.set(m.partition, offset + 1n);
      return { topic: this.topic, partition: m.partition, offset };
    });
  }

  /** The topic's partition count, from the cluster's metadata (once). */
  private async partitionCount(): Promise<number> {
    if (this.partitions !== undefined) return this.partitions;
    // The client keeps asking for a topic that does not exist: give up after a while and say which topic.
    let timer: NodeJS.Timeout | undefined;
    const missing = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StreamkitError('SK_NOT_FOUND', `topic ${this.topic} is not in the Kafka cluster`)),
        METADATA_TIMEOUT_MS,
      );
    });
    const metadata = await Promise.race([this.producer.metadata({ topics: [this.topic] }), missing])
      .catch((error: unknown) => {
        if (StreamkitError.is(error)) throw error;
        throw new StreamkitError('SK_NOT_FOUND', `topic ${this.topic} is not in the Kafka cluster (${error})`, {
          cause: error,
        });
      })
      .finally(() => clearTimeout(timer));
    const count = metadata.topics.get(this.topic)?.partitionsCount ?? 0;
    if (count < 1) throw new StreamkitError('SK_NOT_FOUND', `topic ${this.topic} has no partitions`);
    this.partitions = count;
    return count;
  }
}

function kafkaErrorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as { code?: string }).code ?? 'KafkaError';
}
