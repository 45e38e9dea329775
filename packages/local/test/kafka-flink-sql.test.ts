/**
 * msk-flink-s3 locally: the SQL runner (`flink/`, with the Kafka SQL connector) runs the preset's default SQL — the
 * original's stock-ticks example over the topic, a watermark on event_time, ticks above $50 written to the object
 * store partitioned by ticker/date/hour — on a real local Kafka. Ticks with known prices in → exactly the ticks above
 * the filter out, each once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { presetSpec } from '@streamkit/core';
import { type IngestRecord, KafkaProducer, produce } from '@streamkit/producer';
import { startLocalKafkaPipeline } from '../src/index.ts';

interface Tick {
  ticker: string;
  price: number;
  event_time: string;
}

/** Ticks whose price is i*37 mod 100 (+0.5): how many pass `price > 50` is known. Event times are unique. */
function ticks(count: number): IngestRecord<Tick>[] {
  return Array.from({ length: count }, (_, i) => {
    const ticker = ['AAPL', 'AMZN', 'MSFT'][i % 3]!;
    const eventTime = new Date(Date.UTC(2026, 10, 26, 10, 0, 0) + i * 7).toISOString().replace('T', ' ').slice(0, 23);
    return { data: { ticker, price: ((i * 37) % 100) + 0.5, event_time: eventTime }, partitionKey: ticker };
  });
}

test('msk-flink-s3: ticks produced to the topic → exactly the ticks above $50 in the object store, by ticker/date/hour', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'streamkit-msk-flink-'));
  const spec = presetSpec('msk-flink-s3', { baseDir: dataDir });
  const pipeline = await startLocalKafkaPipeline(spec, { dataDir, flinkCheckpointIntervalMs: 1500 });
  t.after(async () => {
    await pipeline.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  assert.equal(pipeline.flinkJob?.state, 'running');

  const input = ticks(1500);
  const expected = input.filter((tick) => tick.data.price > 50);
  const producer = new KafkaProducer({ bootstrapServers: pipeline.bootstrapServers, topic: pipeline.topic });
  const result = await produce({ client: producer, generator: input.values(), rate: 5000, total: input.length });
  await producer.close();
  assert.equal(result.sent, input.length);

  assert.ok(await pipeline.drain(180_000), 'the job committed the topic’s end and finished its part files');
  const output = pipeline.objectStore.bucketPath(pipeline.bucket!);
  const rows: (Tick & { path: string })[] = [];
  for (const entry of await readdir(output, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
    const file = path.join(entry.parentPath, entry.name);
    for (const line of (await readFile(file, 'utf8')).split('\n').filter(Boolean)) {
      rows.push({ ...(JSON.parse(line) as Tick), path: path.relative(output, file) });
    }
  }
  assert.equal(rows.length, expected.length);
  assert.equal(pipeline.counts.delivered, expected.length);
  // Flink writes TIMESTAMP(3) without trailing zeros (`…00.07`): compare instants.
  const key = (tick: Tick) => `${Date.parse(`${tick.event_time.replace(' ', 'T')}Z`)}|${tick.price}`;
  assert.deepEqual(rows.map(key).sort(), expected.map((tick) => key(tick.data)).sort(), 'each tick above $50 once');
  // The partition columns are in the path (Flink's filesystem sink leaves them out of the rows).
  const tickerOf = new Map(expected.map((tick) => [key(tick.data), tick.data.ticker]));
  for (const row of rows) {
    const dt = row.event_time.slice(0, 10);
    const hr = row.event_time.slice(11, 13);
    const prefix = `${pipeline.topic}/ticker=${tickerOf.get(key(row))}/dt=${dt}/hr=${hr}/`;
    assert.ok(row.path.startsWith(prefix), `${row.path} starts with ${prefix}`);
  }
});
