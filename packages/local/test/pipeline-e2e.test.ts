import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { type KinesisBatchFailureRecord, LOCAL_CREDENTIALS, LOCAL_REGION, parseSpecText } from '@streamkit/core';
import { IngestClient, type IngestRecord } from '@streamkit/producer';
import { type LocalPipeline, startLocalPipeline } from '../src/index.ts';

const TOTAL = 10_000;
const isPoison = (id: number) => id % 100 === 37; // 1 % of the records
const poisonHandler = new URL('./fixtures/poison-handler.ts', import.meta.url).pathname;

interface Order {
  id: number;
  poison?: boolean;
  item: string;
}

describe('a local apigw-kinesis-lambda pipeline, end to end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamkit-e2e-'));
  const processedLog = join(dir, 'processed.log');
  let pipeline: LocalPipeline;

  before(async () => {
    const spec = parseSpecText(
      `
name: orders
preset: apigw-kinesis-lambda
stream:
  mode: PROVISIONED
  shardCount: 4
consumers:
  - name: fulfil
    handler: ${poisonHandler}
    batchSize: 100
    environment:
      PROCESSED_LOG: ${processedLog}
local:
  kinesisPort: 0
  ingestPort: 0
  dataDir: ${join(dir, 'state')}
`,
      { source: 'e2e spec' },
    );
    pipeline = await startLocalPipeline(spec, { throttle: false, retryBaseDelayMs: 1 });
  });
  after(() => pipeline?.stop());

  test('10,000 records through the signed ingest API: every good record processed, every poison record in the DLQ', async () => {
    const client = new IngestClient({
      url: pipeline.ingestUrl!,
      auth: { type: 'iam', credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION },
    });
    const orders: IngestRecord<Order>[] = Array.from({ length: TOTAL }, (_, id) => ({
      data: { id, item: `sku-${id % 250}`, ...(isPoison(id) && { poison: true }) },
      partitionKey: `customer-${id % 97}`,
    }));
    for (let i = 0; i < TOTAL; i += 500) {
      const result = await client.putRecords(orders.slice(i, i + 500));
      assert.equal(result.failedRecordCount, 0);
    }

    assert.equal(await pipeline.drain(120_000), true, `the pipeline settled: ${JSON.stringify(pipeline.counts)}`);

    // What the handler itself says it processed (at-least-once: a record may appear twice, never zero times).
    const processed = new Set(readFileSync(processedLog, 'utf8').trim().split('\n').map(Number));
    const good = orders.filter((o) => !o.data.poison).map((o) => o.data.id);
    assert.equal(processed.size, good.length);
    for (const id of good) assert.ok(processed.has(id), `order ${id} was processed`);

    // Every poison record is in the DLQ, alone, with the metadata to find it in the stream.
    const deadLetters = pipeline.deadLetterQueues.get('fulfil')!.messages() as KinesisBatchFailureRecord[];
    assert.ok(deadLetters.every((d) => d.KinesisBatchInfo.batchSize === 1));
    assert.ok(deadLetters.every((d) => d.requestContext.condition === 'RetryAttemptsExhausted'));
    assert.ok(deadLetters.every((d) => d.KinesisBatchInfo.streamArn === pipeline.streamArn));
    const stored = await readStream(pipeline);
    const deadIds = deadLetters.map((d) => {
      const order = stored.get(d.KinesisBatchInfo.startSequenceNumber);
      assert.equal(order?.poison, true, `the DLQ entry points at a poison record (order ${order?.id})`);
      return order!.id;
    });
    const poison = orders.filter((o) => o.data.poison).map((o) => o.data.id);
    assert.deepEqual(
      deadIds.sort((a, b) => a - b),
      poison,
    );

    // Nothing lost, nothing counted twice.
    assert.equal(processed.size + deadLetters.length, TOTAL);
    assert.equal(pipeline.counts.ingested, TOTAL);
    assert.equal(pipeline.counts.processed + pipeline.counts.deadLettered, TOTAL);
  });

  test('the dead-letter queue is a file on disk that survives the pipeline', () => {
    const file = pipeline.deadLetterQueues.get('fulfil')!.file;
    assert.ok(existsSync(file));
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, TOTAL / 100);
  });
});

/**
 * Every record of the stream by sequence number, read as a well-behaved consumer does — each shard once, 10,000
 * records a call — since the shard limits model throttles a burst of GetRecords as AWS would.
 */
async function readStream(pipeline: LocalPipeline): Promise<Map<string, Order>> {
  const records = new Map<string, Order>();
  const { Shards } = await pipeline.kinesis.send(new ListShardsCommand({ StreamName: pipeline.streamName }));
  for (const shard of Shards ?? []) {
    const { ShardIterator } = await pipeline.kinesis.send(
      new GetShardIteratorCommand({
        StreamName: pipeline.streamName,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    let iterator = ShardIterator;
    while (iterator) {
      const out = await pipeline.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const r of out.Records ?? [])
        records.set(r.SequenceNumber!, JSON.parse(Buffer.from(r.Data!).toString('utf8')));
      iterator = (out.Records ?? []).length === 0 ? undefined : out.NextShardIterator;
    }
  }
  return records;
}
