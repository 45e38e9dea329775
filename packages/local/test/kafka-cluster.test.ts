/**
 * The local Apache Kafka: a three-broker KRaft cluster replicating a topic three times,
 * the broker configuration, topic flags and the errors users see.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Admin, Consumer } from '@platformatic/kafka';
import { StreamkitError } from '@streamkit/core';
import { brokerProperties, kafkaPom, LocalKafkaCluster, newClusterId, parseTopicSpec } from '../src/kafka/index.ts';
import { produce, until, useLocalKafka } from './support/kafka.ts';

describe('a three-broker local Kafka', () => {
  const kafka = useLocalKafka({ brokers: 3, topics: [{ name: 'replicated', partitions: 3, replicationFactor: 3 }] });

  test('runs a three-voter quorum and replicates a topic three times, each partition in sync on every broker', async () => {
    const cluster = kafka.cluster();
    assert.equal(cluster.bootstrapServers.length, 3);
    assert.equal(new Set(cluster.bootstrapServers).size, 3);
    assert.ok(cluster.bootstrapServers.every((s) => s.startsWith('127.0.0.1:')));
    assert.equal(cluster.pids.length, 3);
    const admin = new Admin({ clientId: 'test', bootstrapBrokers: cluster.bootstrapServers });
    try {
      const metadata = await admin.metadata({ topics: ['replicated'], forceUpdate: true });
      assert.deepEqual([...metadata.brokers.keys()].sort(), [1, 2, 3]);
      const partitions = metadata.topics.get('replicated')!.partitions;
      assert.equal(partitions.length, 3);
      for (const p of partitions) {
        assert.deepEqual([...p.replicas].sort(), [1, 2, 3]);
        assert.deepEqual([...p.isr].sort(), [1, 2, 3]);
      }
    } finally {
      await admin.close();
    }
  });

  test('acknowledged records (acks=all) are all read back from the replicated topic', async () => {
    const cluster = kafka.cluster();
    const n = 300;
    await produce(
      cluster.bootstrapServers,
      'replicated',
      Array.from({ length: n }, (_, i) => ({ key: `k${i % 11}`, value: `v${i}` })),
    );
    const consumer = new Consumer({
      groupId: 'replicated-reader',
      clientId: 'test',
      bootstrapBrokers: cluster.bootstrapServers,
    });
    const seen = new Set<string>();
    try {
      const stream = await consumer.consume({ topics: ['replicated'], mode: 'earliest', autocommit: false });
      stream.on('data', (m) => seen.add(m.value.toString()));
      await until(() => seen.size >= n, `${n} records read back`);
      await stream.close();
    } finally {
      await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
    }
    assert.equal(seen.size, n);
  });
});

describe('the local Kafka configuration', () => {
  test('a node is broker and controller on loopback, with a quorum of every node', () => {
    const nodes = [1, 2, 3].map((nodeId) => ({ nodeId, port: 9000 + nodeId, controllerPort: 9100 + nodeId }));
    const properties = brokerProperties({ node: nodes[1]!, nodes, logDir: '/data/b2', autoCreateTopics: false });
    const lines = new Map(
      properties
        .trim()
        .split('\n')
        .map((l) => l.split('=', 2) as [string, string]),
    );
    assert.equal(lines.get('process.roles'), 'broker,controller');
    assert.equal(lines.get('node.id'), '2');
    assert.equal(lines.get('controller.quorum.voters'), '1@127.0.0.1:9101,2@127.0.0.1:9102,3@127.0.0.1:9103');
    assert.equal(lines.get('listeners'), 'PLAINTEXT://127.0.0.1:9002,CONTROLLER://127.0.0.1:9102');
    assert.equal(lines.get('advertised.listeners'), 'PLAINTEXT://127.0.0.1:9002');
    assert.equal(lines.get('default.replication.factor'), '3');
    assert.equal(lines.get('min.insync.replicas'), '2');
    assert.equal(lines.get('auto.create.topics.enable'), 'false');
    assert.equal(lines.get('log.dirs'), '/data/b2');
  });

  test('the pom depends on the broker of the version asked for', () => {
    assert.match(kafkaPom('4.4.0'), /<artifactId>kafka_2\.13<\/artifactId><version>4\.4\.0<\/version>/);
  });

  test('cluster ids are 22 characters of base64url, as Kafka prints them', () => {
    assert.match(newClusterId(), /^[A-Za-z0-9_-]{22}$/);
    // An id starting with "-" made kafka-storage format fail (1 start in 64): none of 2,000 does.
    const ids = Array.from({ length: 2000 }, newClusterId);
    assert.deepEqual(
      ids.filter((id) => id.startsWith('-')),
      [],
    );
  });

  test('--topic takes a name and an optional partition count, and says what it wants otherwise', () => {
    assert.deepEqual(parseTopicSpec('orders'), { name: 'orders' });
    assert.deepEqual(parseTopicSpec('orders:6'), { name: 'orders', partitions: 6 });
    for (const bad of ['', 'orders:0', 'orders:x', 'a b', 'orders:2:3']) {
      assert.throws(
        () => parseTopicSpec(bad),
        (e: unknown) => StreamkitError.is(e) && e.code === 'SK_VALIDATION' && e.message.includes(`(got "${bad}")`),
      );
    }
  });

  test('brokers must be 1 or 3', () => {
    assert.throws(
      () => new LocalKafkaCluster({ dataDir: '/tmp/x', brokers: 2 as 1 }),
      (e: unknown) => StreamkitError.is(e) && e.message === 'brokers must be 1 or 3 (got 2)',
    );
  });

  test('a data dir of a three-broker cluster is not started with one broker', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamkit-kafka-conflict-'));
    try {
      const nodes = [1, 2, 3].map((nodeId) => ({ nodeId, port: 1, controllerPort: 2 }));
      const saved = JSON.stringify({ clusterId: newClusterId(), version: '4.4.0', nodes });
      writeFileSync(join(dir, 'cluster.json'), saved);
      const cluster = new LocalKafkaCluster({ dataDir: dir, brokers: 1 });
      await assert.rejects(cluster.start(), (e: unknown) => StreamkitError.is(e) && e.code === 'SK_CONFLICT');
      assert.equal(cluster.state, 'Stopped');
      assert.equal(
        readFileSync(join(dir, 'cluster.json'), 'utf8'),
        saved,
        'the other cluster’s file is left as it was',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
