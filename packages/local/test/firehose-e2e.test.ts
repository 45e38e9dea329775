import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseSpecText } from '@streamkit/core';
import { KinesisStreamWriter } from '@streamkit/producer';
import { type LocalPipeline, startLocalPipeline } from '../src/index.ts';
import { decodeObject } from './support/decoders.ts';
import { tempDir } from './support/firehose.ts';

const TOTAL = 10_000;
const transform = new URL('./fixtures/firehose-transform.ts', import.meta.url).pathname;
const TICKERS = ['amzn', 'msft', 'goog', 'aapl'];

/** 1 in 50 records is dropped by the processor, 1 in 50 fails it, 1 in 100 has a price jq cannot floor. */
const order = (id: number) => ({
  id,
  ticker: TICKERS[id % TICKERS.length],
  price: id % 100 === 99 ? 'n/a' : 100 + (id % 37),
  ...(id % 50 === 10 && { drop: true }),
  ...(id % 50 === 20 && { fail: true }),
});

describe('a local kinesis-firehose-s3 pipeline, end to end', () => {
  const dir = tempDir('streamkit-firehose-e2e-');
  let pipeline: LocalPipeline;

  before(async () => {
    const spec = parseSpecText(
      `
name: ticks
preset: kinesis-firehose-s3
stream:
  mode: PROVISIONED
  shardCount: 4
delivery:
  compression: GZIP
  prefix: "ticker=!{partitionKeyFromQuery:ticker}/band=!{partitionKeyFromQuery:band}/!{timestamp:yyyy/MM/dd}/"
  dynamicPartitioning:
    enabled: true
    metadataExtractionQuery: "{ticker: (.ticker | ascii_downcase), band: (.price / 10 | floor)}"
  processor:
    handler: ${transform}
local:
  kinesisPort: 0
  firehosePort: 0
  dataDir: ${join(dir, 'state')}
`,
      { source: 'e2e spec' },
    );
    pipeline = await startLocalPipeline(spec, { idlePollMs: 20 });
  });
  after(() => pipeline?.stop());

  test('10,000 records written to the stream: every one is delivered, under the error prefix, or dropped — once', async () => {
    const writer = new KinesisStreamWriter({ kinesis: pipeline.kinesis, streamName: pipeline.streamName });
    for (let i = 0; i < TOTAL; i += 500) {
      const batch = Array.from({ length: 500 }, (_, j) => ({ data: order(i + j), partitionKey: `c-${i + j}` }));
      const result = await writer.putRecords(batch);
      assert.equal(result.failedRecordCount, 0);
    }
    await pipeline.flush(60_000);
    assert.equal(await pipeline.drain(60_000), true, JSON.stringify(pipeline.counts));

    const { objectStore, bucket } = pipeline;
    const keys = await objectStore.listObjects(bucket!);
    const delivered: number[] = [];
    const failed = new Map<string, number[]>();
    for (const key of keys) {
      const content = decodeObject(key, await objectStore.getObject(bucket!, key), 'GZIP');
      const rows = Buffer.from(content)
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      if (key.startsWith('ticker=')) {
        const [ticker, band] = key.split('/').map((part) => part.split('=')[1]);
        for (const row of rows) {
          assert.equal(row.ticker.toLowerCase(), ticker, `${key} holds only its partition`);
          assert.equal(String(Math.floor(row.price / 10)), band, `${key} holds only its partition`);
          delivered.push(row.id);
        }
      } else {
        assert.match(key, /^errors\/year=\d{4}\/month=\d\d\/day=\d\d\/hour=\d\d\/processing-failed\/ticks-delivery-1-/);
        for (const row of rows) {
          const original = JSON.parse(Buffer.from(row.rawData, 'base64').toString()) as { id: number };
          failed.set(row.errorCode, [...(failed.get(row.errorCode) ?? []), original.id]);
        }
      }
    }
    const expectDropped = Array.from({ length: TOTAL }, (_, i) => i).filter((i) => order(i).drop);
    const expectFailed = Array.from({ length: TOTAL }, (_, i) => i).filter((i) => order(i).fail);
    const expectUnpartitioned = Array.from({ length: TOTAL }, (_, i) => i).filter(
      (i) => !order(i).drop && !order(i).fail && typeof order(i).price !== 'number',
    );
    assert.deepEqual(
      failed.get('Lambda.ProcessingFailedStatus')?.sort((a, b) => a - b),
      expectFailed,
    );
    assert.deepEqual(
      failed.get('DynamicPartitioning.MetadataExtractionFailed')?.sort((a, b) => a - b),
      expectUnpartitioned,
    );
    assert.equal(new Set(delivered).size, delivered.length, 'no record delivered twice');
    assert.equal(delivered.length, TOTAL - expectDropped.length - expectFailed.length - expectUnpartitioned.length);

    const c = pipeline.counts;
    assert.deepEqual(
      { ingested: c.ingested, delivered: c.delivered, deliveryErrors: c.deliveryErrors, dropped: c.dropped },
      {
        ingested: TOTAL,
        delivered: delivered.length,
        deliveryErrors: expectFailed.length + expectUnpartitioned.length,
        dropped: expectDropped.length,
      },
    );
    assert.ok(c.invocations > 0, 'the processor ran in a LocalFunction');
    assert.deepEqual(Object.keys(pipeline.deliverySource!.checkpoints()).sort(), [
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000002',
      'shardId-000000000003',
    ]);
    assert.equal(pipeline.deliverySource!.outstanding, 0, 'every checkpoint is at the end of its shard');
  });

  test('the Firehose API refuses Direct PUT into this stream-sourced delivery stream, as AWS does', async () => {
    const response = await fetch(pipeline.firehoseEndpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Firehose_20150804.PutRecord' },
      body: JSON.stringify({ DeliveryStreamName: 'ticks-delivery', Record: { Data: 'eA==' } }),
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { __type: string }).__type, 'InvalidArgumentException');
  });
});
