/**
 * msk-connect-s3 locally: a real Kafka Connect worker (standalone, from Maven Central) runs streamkit's S3 sink
 * (`connect/`) against the local Kafka and writes objects into the local object store with the Confluent sink's
 * layout. One broker and one worker for the file: N records in → exactly N lines, named by partition and start
 * offset; then the worker's JVM is killed with SIGKILL mid-stream and started again → no record lost (duplicates
 * counted and reported).
 */
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type MskConnectS3Spec, parseSpecText, requirePreset } from '@streamkit/core';
import { type IngestRecord, KafkaProducer, produce } from '@streamkit/producer';
import { type LocalKafkaPipeline, METRIC_CHANNEL, type MetricMessage, startLocalKafkaPipeline } from '../src/index.ts';

const OBJECT_KEY = /^topics\/ticks\/partition=(\d)\/ticks\+(\d)\+(\d{10})\.json$/;

/** Records numbered from `from`, each `{ "id": n, … }`, keyed over 7 keys (so every partition gets some). */
function* numbered(from: number): Generator<IngestRecord<{ id: number; ticker: string; price: number }>> {
  for (let id = from; ; id++) yield { data: { id, ticker: 'AMZN', price: id % 100 }, partitionKey: `key-${id % 7}` };
}

async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface Output {
  lines: number;
  ids: Map<number, number>;
  objects: { partition: number; startOffset: number; lines: number }[];
}

async function readOutput(pipeline: LocalKafkaPipeline): Promise<Output> {
  const bucket = pipeline.bucket!;
  const output: Output = { lines: 0, ids: new Map(), objects: [] };
  for (const key of await pipeline.objectStore.listObjects(bucket)) {
    const match = OBJECT_KEY.exec(key);
    assert.ok(match, `${key} is named as the Confluent S3 sink names objects`);
    assert.equal(match[1], match[2]);
    const text = Buffer.from(await pipeline.objectStore.getObject(bucket, key)).toString('utf8');
    const lines = text.split('\n').filter((line) => line !== '');
    for (const line of lines) {
      const id = (JSON.parse(line) as { id: number }).id;
      output.ids.set(id, (output.ids.get(id) ?? 0) + 1);
    }
    output.lines += lines.length;
    output.objects.push({ partition: Number(match[1]), startOffset: Number(match[3]), lines: lines.length });
  }
  return output;
}

describe('msk-connect-s3 on a local Kafka Connect worker', () => {
  let dataDir: string;
  let pipeline: LocalKafkaPipeline;
  let spec: MskConnectS3Spec;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'streamkit-connect-'));
    spec = requirePreset(
      parseSpecText(
        'name: sink\npreset: msk-connect-s3\ntopics:\n  - name: ticks\n    partitions: 3\nconnector:\n  flushSize: 100\n  rotateIntervalMs: 1000\n',
        { source: 'connect test', baseDir: dataDir },
      ),
      'msk-connect-s3',
    );
    pipeline = await startLocalKafkaPipeline(spec, { dataDir });
  });

  after(async () => {
    await pipeline?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('N records produced → exactly N lines in objects named topics/<topic>/partition=<p>/<topic>+<p>+<offset>.json', async () => {
    const n = 1000;
    const producer = new KafkaProducer({ bootstrapServers: pipeline.bootstrapServers, topic: 'ticks' });
    const result = await produce({ client: producer, generator: numbered(0), rate: 5000, total: n, batchSize: 100 });
    await producer.close();
    assert.equal(result.sent, n);

    assert.ok(await pipeline.drain(60_000), 'the sink’s group committed the end of the topic');
    const output = await readOutput(pipeline);
    assert.equal(output.lines, n);
    assert.equal(output.ids.size, n, 'each record once');
    assert.equal(pipeline.counts.delivered, n);
    // Each partition's objects start where the one before ended: nothing skipped, nothing written twice.
    for (const partition of [0, 1, 2]) {
      const objects = output.objects
        .filter((o) => o.partition === partition)
        .sort((a, b) => a.startOffset - b.startOffset);
      assert.ok(objects.length > 0, `partition ${partition} has objects`);
      let next = 0;
      for (const o of objects) {
        assert.equal(o.startOffset, next, `partition ${partition}: an object starts at offset ${next}`);
        assert.ok(o.lines <= spec.connector.flushSize, 'at most flush.size records per object');
        next += o.lines;
      }
    }
  });

  test('kill -9 of the worker mid-stream, started again: no record lost; the group’s offset lag is published', async (t) => {
    const worker = pipeline.connectWorker!;
    // MSK's consumer-lag metrics, as the dashboard and local alarms read them.
    const lags: number[] = [];
    const onMetric = (message: unknown) => {
      const m = message as MetricMessage;
      if (m.metricName === 'MaxOffsetLag' && m.dimensions['Consumer Group'] === 'connect-sink-s3-sink') {
        assert.equal(m.namespace, 'AWS/Kafka');
        assert.deepEqual(m.dimensions, {
          'Cluster Name': 'sink',
          'Consumer Group': 'connect-sink-s3-sink',
          Topic: 'ticks',
        });
        lags.push(m.value);
      }
    };
    subscribe(METRIC_CHANNEL, onMetric);
    t.after(() => unsubscribe(METRIC_CHANNEL, onMetric));
    const before = (await readOutput(pipeline)).lines;
    const more = 3000;
    const producer = new KafkaProducer({ bootstrapServers: pipeline.bootstrapServers, topic: 'ticks' });
    const producing = produce({ client: producer, generator: numbered(1000), rate: 1000, total: more, batchSize: 50 });

    await waitFor(
      async () => (await readOutput(pipeline)).lines >= before + 300,
      60_000,
      'the sink wrote some of the new records',
    );
    const pid = worker.pid!;
    await worker.kill();
    assert.throws(() => process.kill(pid, 0), 'the worker’s JVM is gone');
    assert.equal(worker.state, 'crashed');
    const seen = lags.length;
    await waitFor(() => lags.slice(seen).some((lag) => lag > 0), 30_000, 'a lag is published while the worker is down');
    await worker.start();
    assert.equal(worker.state, 'running');

    const result = await producing;
    await producer.close();
    assert.equal(result.sent, more);
    assert.ok(await pipeline.drain(60_000), 'the sink’s group committed the end of the topic after the restart');
    const output = await readOutput(pipeline);
    const total = 1000 + more;
    const lost = Array.from({ length: total }, (_, id) => id).filter((id) => !output.ids.has(id));
    assert.deepEqual(lost, [], 'every record is in an object');
    assert.equal(output.ids.size, total);
    const duplicates = output.lines - total;
    t.diagnostic(`${total} records, ${output.lines} lines after the restart: ${duplicates} written twice`);
    assert.ok(duplicates >= 0);
    const drained = lags.length;
    await waitFor(() => lags.length > drained, 30_000, 'another lag datapoint');
    assert.equal(lags.at(-1), 0, 'no lag once the sink has caught up');
  });
});
