/** Helpers for tests against the real local Kafka: one cluster per test file, a producer, waits. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { Consumer, ProduceAcks, Producer } from '@platformatic/kafka';
import { LocalKafkaCluster, type LocalKafkaClusterOptions } from '../../src/kafka/index.ts';

/** Starts a local Kafka before the file's tests and stops it (and removes its data) after them. */
export function useLocalKafka(options: Partial<LocalKafkaClusterOptions> = {}): { cluster: () => LocalKafkaCluster } {
  let cluster: LocalKafkaCluster | undefined;
  let dataDir: string | undefined;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'streamkit-kafka-'));
    cluster = new LocalKafkaCluster({ dataDir, ...options });
    await cluster.start();
  });
  after(async () => {
    await cluster?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    cluster: () => {
      if (!cluster) throw new Error('the local Kafka is not started');
      return cluster;
    },
  };
}

export interface TestMessage {
  readonly key?: string;
  readonly value: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Sends messages with acks=all; resolves once the brokers acknowledged every one. */
export async function produce(bootstrapServers: readonly string[], topic: string, messages: readonly TestMessage[]) {
  const producer = new Producer({
    clientId: 'streamkit-test-producer',
    bootstrapBrokers: [...bootstrapServers],
    acks: ProduceAcks.ALL,
    idempotent: true,
    retries: 10,
  });
  try {
    for (let i = 0; i < messages.length; i += 500) {
      await producer.send({
        messages: messages.slice(i, i + 500).map((m) => ({
          topic,
          ...(m.key !== undefined && { key: Buffer.from(m.key) }),
          value: Buffer.from(m.value),
          ...(m.headers && {
            headers: new Map(Object.entries(m.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)])),
          }),
        })),
      });
    }
  } finally {
    await producer.close();
  }
}

/** The group's committed offset and the topic's end offset, per partition. */
export async function offsets(bootstrapServers: readonly string[], groupId: string, topic: string, partitions: number) {
  const consumer = new Consumer({
    groupId,
    clientId: 'streamkit-test-offsets',
    bootstrapBrokers: [...bootstrapServers],
  });
  try {
    const ids = Array.from({ length: partitions }, (_, i) => i);
    const committed = (await consumer.listCommittedOffsets({ topics: [{ topic, partitions: ids }] })).get(topic) ?? [];
    const end = (await consumer.listOffsets({ topics: [topic], timestamp: -1n })).get(topic) ?? [];
    return { committed: [...committed], end: [...end] };
  } finally {
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
}

/** Waits for `condition` with a generous deadline (the machine is shared): never decides on timing. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
