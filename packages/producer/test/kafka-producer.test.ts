/**
 * The Kafka producer against a real local Apache Kafka (from @streamkit/local; npm workspaces link it): produce() sends
 * a generator's records through it, every one is acknowledged and read back once, keyed by its partition key, each
 * key on the partition the Java client would choose.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Consumer } from '@platformatic/kafka';
import { StreamkitError } from '@streamkit/core';
import { LocalKafkaCluster } from '@streamkit/local';
import { stockTicker } from '../src/generators/stock-ticker.ts';
import { KafkaProducer } from '../src/kafka-producer/kafka-producer.ts';
import { produce } from '../src/produce.ts';

/** Java's murmur2 partition (org.apache.kafka.common.utils.Utils.murmur2 & 0x7fffffff, modulo the partitions). */
function javaPartition(key: Buffer, partitions: number): number {
  const m = 0x5bd1e995;
  const length = key.length;
  let h = (0x9747b28c ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= key[whole + 2]! << 16;
  if (rest >= 2) h ^= key[whole + 1]! << 8;
  if (rest >= 1) {
    h ^= key[whole]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return (h & 0x7fffffff) % partitions;
}

describe('the Kafka producer against a local Apache Kafka broker', () => {
  let cluster: LocalKafkaCluster;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'streamkit-producer-kafka-'));
    cluster = new LocalKafkaCluster({ dataDir, topics: [{ name: 'ticks', partitions: 4 }] });
    await cluster.start();
  });
  after(async () => {
    await cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function readAll(topic: string, expected: number) {
    const consumer = new Consumer({
      groupId: `reader-${topic}`,
      clientId: 'test',
      bootstrapBrokers: cluster.bootstrapServers,
    });
    const read: { key: string; value: string; partition: number; offset: bigint }[] = [];
    try {
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
      stream.on('data', (m) =>
        read.push({ key: m.key.toString(), value: m.value.toString(), partition: m.partition, offset: m.offset }),
      );
      const deadline = Date.now() + 60_000;
      while (read.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      await new Promise((r) => setTimeout(r, 300)); // anything more than expected would show up now
      await stream.close();
    } finally {
      await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
    }
    return read;
  }

  test('produce() sends N generated records; N are acknowledged and read back, each key on its Java partition', async () => {
    const producer = new KafkaProducer({ bootstrapServers: cluster.bootstrapServers, topic: 'ticks' });
    const n = 2000;
    const result = await produce({
      client: producer,
      generator: stockTicker({ seed: 7, now: () => 1_700_000_000_000 }),
      rate: 20_000,
      total: n,
      batchSize: 250,
    });
    await producer.close();
    assert.equal(result.sent, n);
    assert.equal(result.failed, 0);
    assert.equal(producer.sent, n);

    const read = await readAll('ticks', n);
    assert.equal(read.length, n, 'each record stored once');
    const expected = [...take(stockTicker({ seed: 7, now: () => 1_700_000_000_000 }), n)];
    assert.deepEqual(read.map((r) => r.value).sort(), expected.map((r) => JSON.stringify(r.data)).sort());
    for (const r of read) assert.equal(r.partition, javaPartition(Buffer.from(r.key), 4), `key ${r.key}`);
    // Records of one key keep their order.
    const byKey = new Map<string, string[]>();
    for (const r of read.sort((a, b) => Number(a.offset - b.offset)))
      byKey.set(r.key, [...(byKey.get(r.key) ?? []), r.value]);
    for (const [key, values] of byKey) {
      const sent = expected.filter((e) => e.partitionKey === key).map((e) => JSON.stringify(e.data));
      assert.deepEqual(values, sent, `order of ${key}`);
    }
  });

  test('send() answers where each record is stored; close() waits for records in flight', async () => {
    await cluster.createTopics([{ name: 'placed', partitions: 2 }]);
    const producer = new KafkaProducer({
      bootstrapServers: cluster.bootstrapServers,
      topic: 'placed',
      headers: { source: 'test' },
    });
    const pending = producer.send([
      { partitionKey: 'a', data: { n: 1 } },
      { partitionKey: 'a', data: { n: 2 } },
      { partitionKey: 'b', data: 'text' },
    ]);
    await producer.close();
    const stored = await pending;
    assert.equal(stored.length, 3);
    assert.equal(stored[0]!.partition, javaPartition(Buffer.from('a'), 2));
    assert.equal(stored[1]!.offset, stored[0]!.offset + 1n);
    await assert.rejects(
      producer.send([{ partitionKey: 'a', data: 'late' }]),
      (e: unknown) => StreamkitError.is(e) && e.code === 'SK_CONFLICT',
    );
  });

  test('a topic that does not exist is an error naming it', async () => {
    const producer = new KafkaProducer({ bootstrapServers: cluster.bootstrapServers, topic: 'missing', retries: 1 });
    try {
      await assert.rejects(producer.send([{ partitionKey: 'a', data: 'x' }]), /missing/);
    } finally {
      await producer.close();
    }
  });
});

function* take<T>(source: Iterator<T>, n: number): Generator<T> {
  for (let i = 0; i < n; i++) {
    const next = source.next();
    if (next.done) return;
    yield next.value;
  }
}
