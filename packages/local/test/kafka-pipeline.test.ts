/**
 * `streamkit dev` for the MSK presets, end to end on a real local Kafka: every record produced reaches the built-in
 * Kafka consumer (msk-lambda), and every record reaches the object store through the built-in Firehose forwarder and
 * the local Firehose (msk-lambda-firehose-s3). Records are counted one by one.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { presetSpec } from '@streamkit/core';
import { KafkaProducer, produce, stockTicker } from '@streamkit/producer';
import { type LocalKafkaPipeline, startLocalKafkaPipeline } from '../src/index.ts';
import { decodeObject } from './support/decoders.ts';

async function withPipeline(
  preset: 'msk-cluster' | 'msk-lambda' | 'msk-lambda-firehose-s3',
  body: (p: LocalKafkaPipeline) => Promise<void>,
) {
  const dataDir = mkdtempSync(join(tmpdir(), `streamkit-${preset}-`));
  const pipeline = await startLocalKafkaPipeline(presetSpec(preset, { baseDir: dataDir }), {
    dataDir,
    firehosePort: 0,
    retryBaseDelayMs: 10,
  });
  try {
    await body(pipeline);
  } finally {
    await pipeline.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function produceTicks(pipeline: LocalKafkaPipeline, total: number) {
  const producer = new KafkaProducer({ bootstrapServers: pipeline.bootstrapServers, topic: pipeline.topic });
  const result = await produce({
    client: producer,
    generator: stockTicker({ seed: 3 }),
    rate: 5000,
    total,
    batchSize: 100,
  });
  await producer.close();
  assert.equal(result.sent, total);
}

describe('streamkit dev for the MSK presets', () => {
  test('msk-cluster: a local broker with the spec’s topics', async () => {
    await withPipeline('msk-cluster', async (pipeline) => {
      const admin = new Admin({ clientId: 'test', bootstrapBrokers: [...pipeline.bootstrapServers] });
      try {
        const metadata = await admin.metadata({ topics: pipeline.spec.topics.map((t) => t.name) });
        for (const t of pipeline.spec.topics) assert.equal(metadata.topics.get(t.name)?.partitionsCount, t.partitions);
      } finally {
        await admin.close();
      }
      assert.equal(pipeline.functions.size, 0);
    });
  });

  test('msk-lambda: N records produced, N processed by the built-in Kafka consumer, offsets committed', async () => {
    await withPipeline('msk-lambda', async (pipeline) => {
      const n = 500;
      await produceTicks(pipeline, n);
      assert.ok(await pipeline.drain(120_000), 'every consumer group committed to the end of its topic');
      assert.equal(pipeline.counts.processed, n * pipeline.mappings.size);
      assert.equal(pipeline.counts.deadLettered, 0);
      assert.equal(pipeline.counts.functionErrors, 0);
    });
  });

  test('msk-lambda-firehose-s3: N records produced, N lines in the object store', async () => {
    await withPipeline('msk-lambda-firehose-s3', async (pipeline) => {
      const n = 500;
      await produceTicks(pipeline, n);
      assert.ok(await pipeline.drain(120_000), 'the forwarder’s group committed to the end of the topic');
      await pipeline.flush();
      const bucket = pipeline.bucket!;
      const keys = await pipeline.objectStore.listObjects(bucket);
      let lines = 0;
      const ids = new Set<string>();
      for (const key of keys) {
        const content = decodeObject(
          key,
          await pipeline.objectStore.getObject(bucket, key),
          pipeline.spec.preset === 'msk-lambda-firehose-s3' ? pipeline.spec.delivery.compression : 'UNCOMPRESSED',
        );
        for (const line of Buffer.from(content).toString('utf8').split('\n').filter(Boolean)) {
          lines++;
          ids.add(line);
        }
      }
      assert.equal(lines, n, `${lines} lines in ${keys.length} objects`);
      assert.equal(ids.size, n);
      assert.equal(pipeline.counts.processed, n);
      assert.equal(pipeline.counts.delivered, n);
    });
  });
});
