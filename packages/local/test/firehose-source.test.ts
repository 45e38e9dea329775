import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { CreateStreamCommand, KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { arn, LOCAL_CREDENTIALS, LOCAL_REGION } from '@streamkit/core';
import { KinesisStreamSource } from '../src/firehose/kinesis-stream-source.ts';
import { type KinesisEngine, startKinesisEngine } from '../src/kinesis/index.ts';
import { nodeObjectFileSystem, type ObjectFileSystem } from '../src/s3/object-store.ts';
import { deliverySettings, lines, objects, tempDir, testDelivery } from './support/firehose.ts';

/** Waits until `condition` holds; the deadline only guards against a hang, it decides nothing. */
async function until(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('a delivery stream reading a Kinesis stream (KinesisStreamAsSource)', () => {
  let engine: KinesisEngine;
  let kinesis: KinesisClient;
  let streams = 0;

  before(async () => {
    engine = await startKinesisEngine();
    kinesis = new KinesisClient({ endpoint: engine.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  });
  after(async () => {
    kinesis?.destroy();
    await engine?.close();
  });

  /** A new 4-shard stream holding `count` records {n} spread over the shards. */
  async function streamWith(count: number, from = 0, name = `orders-${++streams}`): Promise<string> {
    if (from === 0) await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 4 }));
    for (let i = from; i < from + count; i += 500) {
      const n = Math.min(500, from + count - i);
      const output = await kinesis.send(
        new PutRecordsCommand({
          StreamName: name,
          Records: Array.from({ length: n }, (_, j) => ({
            Data: Buffer.from(`${JSON.stringify({ n: i + j })}\n`),
            PartitionKey: `customer-${i + j}`,
          })),
        }),
      );
      assert.equal(output.FailedRecordCount ?? 0, 0);
    }
    return name;
  }

  function sourceFor(name: string, delivery: ReturnType<typeof testDelivery>, dataDir?: string) {
    const source = new KinesisStreamSource({
      kinesis,
      streamName: name,
      streamArn: arn.stream(name),
      deliveryStream: delivery.stream,
      idlePollMs: 5,
      ...(dataDir && { dataDir }),
    });
    after(() => source.stop());
    return source;
  }

  test('every shard is read from TRIM_HORIZON: records written before the start are all delivered', async () => {
    const name = await streamWith(2000);
    const delivery = testDelivery(deliverySettings('compression: GZIP'), { type: 'KinesisStreamAsSource' });
    const source = sourceFor(name, delivery);
    await source.start();
    await until('all 2000 records were read', () => delivery.stream.counts.incoming === 2000);
    await delivery.stream.flushAll();
    const all = await objects(delivery.store, 'GZIP');
    const seen = all.flatMap((o) => lines(o.content).map((l) => (JSON.parse(l) as { n: number }).n));
    assert.equal(seen.length, 2000);
    assert.equal(new Set(seen).size, 2000);
    assert.equal(Object.keys(source.checkpoints()).length, 4);
  });

  test('checkpoints move only past records that are on disk, are saved, and a restart resumes after them', async () => {
    const name = await streamWith(400);
    const dataDir = tempDir();
    let failing = true;
    const fileSystem: ObjectFileSystem = {
      ...nodeObjectFileSystem,
      async writeFile(path, data) {
        if (failing) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        return nodeObjectFileSystem.writeFile(path, data);
      },
    };
    const first = testDelivery(deliverySettings('compression: UNCOMPRESSED'), {
      type: 'KinesisStreamAsSource',
      fileSystem,
    });
    const source = sourceFor(name, first, dataDir);
    await source.start();
    await until('400 records were read', () => first.stream.counts.incoming === 400);
    const flushing = first.stream.flushAll();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      Object.values(source.checkpoints()),
      [undefined, undefined, undefined, undefined],
      'nothing durable, no checkpoint',
    );
    assert.equal(source.outstanding, 400);
    failing = false;
    await first.timer.advance(100);
    await flushing;
    await source.flushCheckpoints();
    const saved = JSON.parse(readFileSync(source.checkpointFile!, 'utf8')) as { streamArn: string; shards: object };
    assert.equal(saved.streamArn, arn.stream(name));
    assert.deepEqual(saved.shards, source.checkpoints());
    assert.equal(Object.values(saved.shards).length, 4);
    assert.equal(source.outstanding, 0);
    await source.stop();
    await first.stream.stop();

    // A new run with the same data directory reads only what came after the checkpoints.
    await streamWith(100, 400, name);
    const second = testDelivery(deliverySettings('compression: UNCOMPRESSED'), { type: 'KinesisStreamAsSource' });
    const resumed = sourceFor(name, second, dataDir);
    await resumed.start();
    await until('the 100 new records were read', () => second.stream.counts.incoming >= 100);
    await second.stream.flushAll();
    const seen = (await objects(second.store, 'UNCOMPRESSED')).flatMap((o) =>
      lines(o.content).map((l) => (JSON.parse(l) as { n: number }).n),
    );
    assert.deepEqual(
      seen.sort((a, b) => a - b),
      Array.from({ length: 100 }, (_, i) => 400 + i),
    );
  });

  test('while the destination fails, reading stops once the buffers are full; nothing is lost when it recovers', async () => {
    const name = await streamWith(5000);
    let failing = true;
    const fileSystem: ObjectFileSystem = {
      ...nodeObjectFileSystem,
      async writeFile(path, data) {
        if (failing) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        return nodeObjectFileSystem.writeFile(path, data);
      },
    };
    // Zero buffering: each batch read is written at once, so only failing writes hold records back.
    const delivery = testDelivery(
      deliverySettings('compression: UNCOMPRESSED\nbufferingHints: { intervalInSeconds: 0 }'),
      {
        type: 'KinesisStreamAsSource',
        fileSystem,
        maxBufferedBytes: 2048,
      },
    );
    const source = sourceFor(name, delivery);
    await source.start();
    await until('the first write has failed', () => delivery.stream.counts.failedWrites > 0);
    await until('reading has stopped at the limit', () => delivery.stream.heldBytes >= 2048);
    const stalled = delivery.stream.counts.incoming;
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(delivery.stream.counts.incoming, stalled, 'no more records are taken while nothing can be written');
    assert.ok(stalled < 5000);
    // Each shard holds at most the one GetRecords batch it could not hand over, and no checkpoint moves past it.
    assert.deepEqual(Object.values(source.checkpoints()), [undefined, undefined, undefined, undefined]);
    failing = false;
    await delivery.timer.advance(5000); // the waiting retries now succeed, and reading goes on
    await until('every record is written', () => delivery.stream.counts.delivered === 5000);
    assert.equal(source.outstanding, 0);
    const seen = (await objects(delivery.store, 'UNCOMPRESSED')).flatMap((o) =>
      lines(o.content).map((l) => (JSON.parse(l) as { n: number }).n),
    );
    assert.equal(new Set(seen).size, 5000);
    assert.equal(seen.length, 5000);
  });
});
