import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { CompressionFormat } from '@streamkit/core';
import { FIREHOSE_CHANNELS, type FirehoseErrorMessage, type FirehoseFlushMessage } from '../src/firehose/channels.ts';
import { HADOOP_SNAPPY_BLOCK, hadoopSnappy, XERIAL_SNAPPY_BLOCK, xerialSnappy } from '../src/firehose/compression.ts';
import { nodeObjectFileSystem, type ObjectFileSystem } from '../src/s3/object-store.ts';
import { hadoopSnappyDecode, snappyDecode, xerialDecode } from './support/decoders.ts';
import {
  BUCKET,
  deliverySettings,
  lines,
  next,
  objects,
  records,
  testDelivery,
  whileAdvancing,
} from './support/firehose.ts';

const MiB = 1024 * 1024;
const COMPRESSIONS: CompressionFormat[] = ['UNCOMPRESSED', 'GZIP', 'ZIP', 'Snappy', 'HADOOP_SNAPPY'];

/** A stock tick of about 100 bytes, ending with a new line as AWS advises (Firehose adds no delimiter itself). */
const tick = (i: number) =>
  `${JSON.stringify({ id: i, ticker: `T${i % 7}`, price: 100 + (i % 50), pad: 'x'.repeat(40) })}\n`;

/** Collects what a channel publishes while `run` runs. */
async function collect<T>(name: string, run: () => Promise<void>): Promise<T[]> {
  const seen: T[] = [];
  const listener = (message: unknown) => seen.push(message as T);
  subscribe(name, listener);
  try {
    await run();
  } finally {
    unsubscribe(name, listener);
  }
  return seen;
}

describe('Snappy framing, byte for byte', () => {
  // Raw Snappy of "hello": length 5 as a varint, then one literal element (tag (5-1)<<2) and the bytes.
  const rawHello = [0x05, 0x10, ...Buffer.from('hello')];

  test('Snappy is the snappy-java stream: magic, version 1, compatible version 1, then [length, block]', () => {
    assert.deepEqual(
      [...xerialSnappy(Buffer.from('hello'))],
      [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 7, ...rawHello],
    );
  });

  test('HADOOP_SNAPPY is Hadoop block framing: [uncompressed length, [compressed length, block]]', () => {
    assert.deepEqual([...hadoopSnappy(Buffer.from('hello'))], [0, 0, 0, 5, 0, 0, 0, 7, ...rawHello]);
  });

  test('large inputs are split into 32 KiB snappy-java blocks and Hadoop-sized blocks, and decode whole', () => {
    const data = new Uint8Array(Buffer.from(Array.from({ length: 30_000 }, (_, i) => tick(i)).join('')));
    const xerial = xerialSnappy(data);
    assert.deepEqual(xerialDecode(xerial), data);
    let blocks = 0;
    for (let pos = 16; pos < xerial.length; blocks++)
      pos += 4 + new DataView(xerial.buffer, xerial.byteOffset).getUint32(pos);
    assert.equal(blocks, Math.ceil(data.length / XERIAL_SNAPPY_BLOCK));
    const hadoop = hadoopSnappy(data);
    assert.deepEqual(hadoopSnappyDecode(hadoop), data);
    assert.equal(new DataView(hadoop.buffer, hadoop.byteOffset).getUint32(0), HADOOP_SNAPPY_BLOCK);
    assert.equal(snappyDecode(new Uint8Array([0x03, 0x08, 0x61, 0x62, 0x63])).toString(), '97,98,99');
  });
});

describe('a local delivery stream: N records in, exactly N records out, for each compression', () => {
  for (const compression of COMPRESSIONS) {
    test(`${compression}: 20,000 records across several 1 MiB objects, each decompressed and counted`, async () => {
      const { stream, store, timer } = testDelivery(
        deliverySettings(`compression: ${compression}\nbufferingHints: { sizeInMBs: 1, intervalInSeconds: 60 }`),
      );
      let settled = 0;
      for (let i = 0; i < 20_000; i += 500) {
        await stream.put(
          records(
            500,
            (j) => tick(i + j),
            timer.now(),
            () => settled++,
          ),
        );
      }
      await stream.whenIdle();
      assert.ok(stream.counts.objects >= 1, 'full buffers were written without waiting for the interval');
      await stream.stop();
      const all = await objects(store, compression);
      assert.ok(all.length >= 2);
      const ids = all.flatMap((o) => lines(o.content).map((l) => (JSON.parse(l) as { id: number }).id));
      assert.equal(ids.length, 20_000);
      assert.equal(new Set(ids).size, 20_000);
      for (const object of all) assert.ok(object.content.byteLength <= MiB, `${object.key} holds at most 1 MiB`);
      assert.equal(settled, 20_000, 'every record was settled once');
      assert.deepEqual(
        { delivered: stream.counts.delivered, errored: stream.counts.errored, objects: stream.counts.objects },
        { delivered: 20_000, errored: 0, objects: all.length },
      );
    });
  }
});

describe('a local delivery stream: buffering hints, whichever comes first', () => {
  test('a buffer that reaches sizeInMBs is written at once, and the record that would overflow it starts the next', async () => {
    const { stream, store, timer } = testDelivery(
      deliverySettings('compression: UNCOMPRESSED\nbufferingHints: { sizeInMBs: 1, intervalInSeconds: 900 }'),
    );
    const record = 10 * 1024;
    const flushes = await collect<FirehoseFlushMessage>(FIREHOSE_CHANNELS.flush, async () => {
      await stream.put(records(150, () => `${'r'.repeat(record - 1)}\n`, timer.now()));
      await stream.whenIdle();
    });
    assert.deepEqual(
      flushes.map((f) => [f.reason, f.records, f.bytes]),
      [['size', Math.floor(MiB / record), Math.floor(MiB / record) * record]],
    );
    assert.equal(stream.bufferedRecords, 150 - Math.floor(MiB / record), 'the rest waits for its own size or interval');
    assert.equal((await store.listObjects(BUCKET)).length, 1);
  });

  test('a buffer is written when intervalInSeconds has passed since its first record — not a second before', async () => {
    const { stream, store, timer } = testDelivery(
      deliverySettings('compression: GZIP\nbufferingHints: { sizeInMBs: 5, intervalInSeconds: 60 }'),
    );
    const first = timer.now();
    await stream.put(records(10, tick, first));
    await timer.advance(30_000);
    await stream.put(records(5, (i) => tick(10 + i), timer.now()));
    await timer.advance(29_999);
    await stream.whenIdle();
    assert.equal((await store.listObjects(BUCKET)).length, 0, 'nothing is written before the interval ends');
    const flushes = await collect<FirehoseFlushMessage>(FIREHOSE_CHANNELS.flush, async () => {
      await timer.advance(1);
      await stream.whenIdle();
    });
    assert.deepEqual(
      flushes.map((f) => [f.reason, f.records]),
      [['interval', 15]],
    );
    const [object] = await objects(store, 'GZIP');
    assert.equal(lines(object!.content).length, 15);
    // The prefix is evaluated at the arrival of the oldest record, the suffix at the time of writing.
    assert.match(
      object!.key,
      /^data\/year=2026\/month=07\/day=13\/hour=14\/orders-delivery-1-2026-07-13-14-06-09-[0-9a-f-]{36}\.gz$/,
    );
  });

  test('intervalInSeconds 0 (zero buffering) writes each batch as soon as it has gone through', async () => {
    const { stream, store, timer } = testDelivery(
      deliverySettings('compression: UNCOMPRESSED\nbufferingHints: { intervalInSeconds: 0 }'),
    );
    await stream.put(records(3, tick, timer.now()));
    await stream.whenIdle();
    await stream.put(records(4, tick, timer.now()));
    await stream.whenIdle();
    const all = await objects(store, 'UNCOMPRESSED');
    assert.deepEqual(all.map((o) => lines(o.content).length).sort(), [3, 4]);
  });

  test('a prefix without expressions gets yyyy/MM/dd/HH/ appended as it is, and objects keep the records’ bytes', async () => {
    const { stream, store, timer } = testDelivery(
      deliverySettings('compression: UNCOMPRESSED\nprefix: "legacy"\nerrorOutputPrefix: ""'),
    );
    await stream.put(records(3, (i) => `abc${i}`, timer.now()));
    await stream.flushAll();
    const [object] = await objects(store, 'UNCOMPRESSED');
    assert.match(object!.key, /^legacy2026\/07\/13\/14\/orders-delivery-1-2026-07-13-14-05-09-[0-9a-f-]{36}$/);
    assert.equal(Buffer.from(object!.content).toString(), 'abc0abc1abc2', 'no delimiter is added between records');
  });
});

/** The file system, failing `writeFile` with each code of `failures` in turn before working normally. */
function failingFileSystem(failures: string[]): ObjectFileSystem & { readonly attempts: number } {
  let attempts = 0;
  return {
    ...nodeObjectFileSystem,
    get attempts() {
      return attempts;
    },
    async writeFile(path, data) {
      const code = failures[attempts++];
      if (code) throw Object.assign(new Error(`${code}: simulated failure writing ${path}`), { code });
      return nodeObjectFileSystem.writeFile(path, data);
    },
  };
}

describe('a local delivery stream whose destination fails', () => {
  test('permission denied, then a full disk: the write is retried until it works, and no record is lost or doubled', async () => {
    const fileSystem = failingFileSystem(['EACCES', 'EACCES', 'ENOSPC']);
    const { stream, store, timer, root } = testDelivery(deliverySettings('compression: GZIP'), { fileSystem });
    let settled = 0;
    await stream.put(records(1000, tick, timer.now(), () => settled++));
    const errors = await collect<FirehoseErrorMessage>(FIREHOSE_CHANNELS.error, async () => {
      const failed = next<FirehoseErrorMessage>(FIREHOSE_CHANNELS.error);
      const flushing = stream.flushAll();
      await failed;
      assert.equal(settled, 0, 'nothing is settled while the object is not on disk');
      await whileAdvancing(timer, flushing);
    });
    assert.deepEqual(
      errors.map((e) => [e.attempt, e.code, e.retryInMs]),
      [
        [1, 'EACCES', 100],
        [2, 'EACCES', 200],
        [3, 'ENOSPC', 400],
      ],
    );
    assert.equal(fileSystem.attempts, 4);
    assert.equal(settled, 1000);
    const all = await objects(store, 'GZIP');
    assert.equal(all.length, 1, 'one object, written once');
    assert.equal(lines(all[0]!.content).length, 1000);
    assert.deepEqual(readdirSync(join(root, '.tmp')), [], 'failed attempts leave no temporary files');
    assert.equal(stream.counts.failedWrites, 3);
  });

  test('while writes fail, put waits once maxBufferedBytes is held — the source stops reading — and resumes after', async () => {
    let failing = true;
    const fileSystem: ObjectFileSystem = {
      ...nodeObjectFileSystem,
      async writeFile(path, data) {
        if (failing) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        return nodeObjectFileSystem.writeFile(path, data);
      },
    };
    const { stream, store, timer } = testDelivery(
      deliverySettings('compression: UNCOMPRESSED\nbufferingHints: { sizeInMBs: 1, intervalInSeconds: 60 }'),
      { fileSystem, maxBufferedBytes: 60 * 1024 },
    );
    const batch = (n: number) =>
      records(32, (i) => `${JSON.stringify({ batch: n, i })}${' '.repeat(1000)}\n`, timer.now());
    await stream.put(batch(1));
    const flushing = stream.flushAll();
    await stream.put(batch(2));
    let third = false;
    const thirdPut = stream.put(batch(3)).then(() => {
      third = true;
    });
    for (let i = 0; i < 5; i++)
      await next<FirehoseErrorMessage>(FIREHOSE_CHANNELS.error).then(() => timer.advance(5000));
    assert.equal(third, false, 'the third batch waits while 60 KiB that cannot be written are held');
    assert.ok(stream.heldBytes >= 60 * 1024);
    failing = false;
    await whileAdvancing(timer, Promise.all([flushing, thirdPut]));
    await stream.stop();
    const all = await objects(store, 'UNCOMPRESSED');
    assert.equal(
      all.reduce((n, o) => n + lines(o.content).length, 0),
      96,
    );
  });

  test('a crash between writing and renaming leaves no object and no partial file in the bucket', async () => {
    let crash = true;
    const fileSystem: ObjectFileSystem = {
      ...nodeObjectFileSystem,
      async rename(from, to) {
        if (crash) throw Object.assign(new Error('EIO: the process died here'), { code: 'EIO' });
        return nodeObjectFileSystem.rename(from, to);
      },
    };
    const { stream, store, timer, root } = testDelivery(deliverySettings('compression: UNCOMPRESSED'), { fileSystem });
    await stream.put(records(10, tick, timer.now()));
    const failed = next<FirehoseErrorMessage>(FIREHOSE_CHANNELS.error);
    const flushing = stream.flushAll();
    assert.equal((await failed).code, 'EIO');
    assert.deepEqual(await store.listObjects(BUCKET), [], 'no object, not even a partial one');
    assert.deepEqual(readdirSync(join(root, '.tmp')), [], 'and no temporary file left behind');
    assert.equal(existsSync(join(root, BUCKET)), true, 'the folder exists; the object does not');
    crash = false;
    await whileAdvancing(timer, flushing);
    const all = await objects(store, 'UNCOMPRESSED');
    assert.equal(lines(all[0]!.content).length, 10);
  });

  test('stopping writes what is buffered; a write still failing when the time is up is given up without settling', async () => {
    const { stream, timer } = testDelivery(deliverySettings('compression: UNCOMPRESSED'), {
      fileSystem: failingFileSystem(Array(1000).fill('EROFS')),
    });
    let settled = 0;
    await stream.put(records(5, tick, timer.now(), () => settled++));
    const stopping = stream.stop({ timeoutMs: 10_000 });
    await whileAdvancing(timer, stopping);
    assert.equal(stream.status, 'STOPPED');
    assert.equal(settled, 0, 'records that never reached the disk are not settled (a stream source reads them again)');
    await assert.rejects(stream.put(records(1, tick, timer.now())), /delivery stream orders-delivery is STOPPED/);
  });
});
