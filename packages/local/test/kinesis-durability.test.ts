/**
 * The durable engine (`dataDir`): acknowledged records survive kill -9, a torn tail is cut off, damage to
 * acknowledged data is refused, stream metadata and shard iterators outlive a restart, and the on-disk log answers
 * exactly like the in-memory one.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs, {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, type TestContext, test } from 'node:test';
import {
  type _Record,
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  KinesisClient,
  ListStreamsCommand,
  PutRecordCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { LOCAL_CREDENTIALS, LOCAL_REGION, StreamkitError } from '@streamkit/core';
import fc from 'fast-check';
import {
  FileRecordStorage,
  type FileRecordStorageOptions,
  KinesisService,
  KinesisServiceError,
  MemoryShardLog,
  parseSequenceNumber,
  type RecordToAppend,
  type ShardRecordLog,
  startKinesisEngine,
} from '../src/kinesis/index.ts';
import { encodeFrames } from '../src/kinesis/segment-file.ts';
import { parseSnapshot } from '../src/kinesis/stream-snapshot.ts';

const FIXTURE = new URL('./fixtures/kinesis-engine-process.ts', import.meta.url).pathname;
const STREAM = { streamName: 's', createdAt: 1_767_225_600_000 };
const SHARD = 'shardId-000000000000';

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'streamkit-kinesis-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function clientFor(t: TestContext, endpoint: string): KinesisClient {
  const client = new KinesisClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  t.after(() => client.destroy());
  return client;
}

interface EngineProcess {
  readonly endpoint: string;
  readonly child: ChildProcess;
  /** SIGKILL, and wait until the process is gone. */
  killHard(): Promise<void>;
}

/** Starts the durable engine in a child process (see the fixture) and waits until it listens. */
async function spawnEngine(t: TestContext, dataDir: string): Promise<EngineProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const exited = once(child, 'exit');
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const lines = createInterface({ input: child.stdout! });
  const first = await Promise.race([
    once(lines, 'line').then(([line]) => String(line)),
    exited.then(() => {
      throw new Error(`the engine process exited before listening: ${stderr}`);
    }),
  ]);
  const { endpoint, pid } = JSON.parse(first) as { endpoint: string; pid: number };
  assert.equal(pid, child.pid);
  return {
    endpoint,
    child,
    async killHard() {
      process.kill(pid, 'SIGKILL');
      await exited;
    },
  };
}

/** Every record of a shard, from its trim horizon to its tip. */
async function readShard(client: KinesisClient, stream: string, shardId: string): Promise<_Record[]> {
  const records: _Record[] = [];
  const start = await client.send(
    new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  let iterator = start.ShardIterator;
  for (;;) {
    const out: GetRecordsCommandOutput = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
    records.push(...(out.Records ?? []));
    iterator = out.NextShardIterator;
    // An empty answer is the tip of an open shard; no next iterator, the end of a closed one.
    if ((out.Records ?? []).length === 0 || iterator === undefined) return records;
  }
}

interface Acknowledged {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Buffer;
}

/** The acknowledged records, per shard, in sequence number order. */
function byShard(acknowledged: readonly Acknowledged[]): Map<string, Acknowledged[]> {
  const shards = new Map<string, Acknowledged[]>();
  for (const record of acknowledged) {
    const list = shards.get(record.shardId) ?? [];
    list.push(record);
    shards.set(record.shardId, list);
  }
  for (const list of shards.values()) list.sort((a, b) => (a.sequenceNumber < b.sequenceNumber ? -1 : 1));
  return shards;
}

describe('a durable engine killed with SIGKILL', () => {
  test('gives back every acknowledged record with its data, sequence number, partition key and order', async (t) => {
    const dataDir = tempDir(t);
    const engine = await spawnEngine(t, dataDir);
    const client = clientFor(t, engine.endpoint);
    await client.send(new CreateStreamCommand({ StreamName: 'orders', ShardCount: 3 }));
    await client.send(
      new CreateStreamCommand({ StreamName: 'events', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
    );

    const acknowledged: Acknowledged[] = [];
    const sizes = [0, 1, 200, 3000, 50_000];
    for (let call = 0; call < 20; call++) {
      const entries = Array.from({ length: 250 }, (_, i) => ({
        Data: randomBytes(sizes[(call + i) % sizes.length]!),
        PartitionKey: `customer-${(call * 7 + i) % 40}-ключ`,
      }));
      const stream = call % 2 === 0 ? 'orders' : 'events';
      const out = await client.send(new PutRecordsCommand({ StreamName: stream, Records: entries }));
      assert.equal(out.FailedRecordCount, 0);
      out.Records!.forEach((result, i) => {
        acknowledged.push({
          shardId: `${stream}/${result.ShardId}`,
          sequenceNumber: result.SequenceNumber!,
          partitionKey: entries[i]!.PartitionKey,
          data: Buffer.from(entries[i]!.Data),
        });
      });
    }
    for (let i = 0; i < 30; i++) {
      const data = randomBytes(64);
      const out = await client.send(
        new PutRecordCommand({
          StreamName: 'orders',
          Data: data,
          PartitionKey: `single-${i}`,
          ExplicitHashKey: `${i}`,
        }),
      );
      acknowledged.push({
        shardId: `orders/${out.ShardId}`,
        sequenceNumber: out.SequenceNumber!,
        partitionKey: `single-${i}`,
        data,
      });
    }
    const earlyIterator = await client.send(
      new GetShardIteratorCommand({
        StreamName: 'orders',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );

    await engine.killHard();

    const restarted = await startKinesisEngine({ dataDir });
    t.after(() => restarted.close());
    const after = clientFor(t, restarted.endpoint);
    assert.deepEqual((await after.send(new ListStreamsCommand({}))).StreamNames, ['events', 'orders']);
    const expected = byShard(acknowledged);
    let compared = 0;
    for (const [stream, shardCount] of [
      ['orders', 3],
      ['events', 4],
    ] as const) {
      const description = await after.send(new DescribeStreamCommand({ StreamName: stream }));
      assert.equal(description.StreamDescription?.Shards?.length, shardCount);
      for (const shard of description.StreamDescription!.Shards!) {
        const records = await readShard(after, stream, shard.ShardId!);
        const wanted = expected.get(`${stream}/${shard.ShardId}`) ?? [];
        assert.deepEqual(
          records.map((r) => ({ sequenceNumber: r.SequenceNumber, partitionKey: r.PartitionKey })),
          wanted.map((r) => ({ sequenceNumber: r.sequenceNumber, partitionKey: r.partitionKey })),
          `${stream} ${shard.ShardId}: the same records in the same order`,
        );
        records.forEach((record, i) => {
          assert.ok(Buffer.from(record.Data!).equals(wanted[i]!.data));
        });
        compared += records.length;
      }
    }
    assert.equal(compared, acknowledged.length);

    // The token secret is kept in the data directory: an iterator issued before the kill still reads.
    const early = await after.send(new GetRecordsCommand({ ShardIterator: earlyIterator.ShardIterator, Limit: 3 }));
    assert.deepEqual(
      early.Records?.map((r) => r.SequenceNumber),
      expected
        .get('orders/shardId-000000000000')!
        .slice(0, 3)
        .map((r) => r.sequenceNumber),
    );
  });

  test('killed while puts are in flight, it loses no acknowledged record and has no damaged one', async (t) => {
    const dataDir = tempDir(t);
    const engine = await spawnEngine(t, dataDir);
    const client = clientFor(t, engine.endpoint);
    await client.send(new CreateStreamCommand({ StreamName: 'live', ShardCount: 2 }));

    const acknowledged: Acknowledged[] = [];
    /** What every record ever sent looks like, by its data: so any record read back can be recognised. */
    const sent = new Map<string, string>();
    let inFlight = 0;
    let stopped = false;
    let killed: Promise<void> | undefined;
    let inFlightAtKill = 0;
    const worker = async (id: number) => {
      for (let call = 0; !stopped; call++) {
        const entries = Array.from({ length: 100 }, (_, i) => {
          const data = `${id}:${call}:${i}:`.padEnd(150, '#');
          const partitionKey = `worker-${id}-${i % 10}`;
          sent.set(data, partitionKey);
          return { Data: Buffer.from(data), PartitionKey: partitionKey };
        });
        inFlight++;
        try {
          const out = await client.send(new PutRecordsCommand({ StreamName: 'live', Records: entries }));
          out.Records!.forEach((result, i) => {
            acknowledged.push({
              shardId: result.ShardId!,
              sequenceNumber: result.SequenceNumber!,
              partitionKey: entries[i]!.PartitionKey,
              data: Buffer.from(entries[i]!.Data),
            });
          });
        } catch {
          return; // the engine is gone
        } finally {
          inFlight--;
        }
        if (acknowledged.length >= 30 * 100 && !killed) {
          stopped = true;
          inFlightAtKill = inFlight;
          killed = engine.killHard();
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, (_, id) => worker(id)));
    await killed;
    assert.ok(inFlightAtKill > 0, 'puts were in flight when the engine was killed');

    const restarted = await startKinesisEngine({ dataDir });
    t.after(() => restarted.close());
    const after = clientFor(t, restarted.endpoint);
    const expected = byShard(acknowledged);
    let unacknowledged = 0;
    for (const shardId of ['shardId-000000000000', 'shardId-000000000001']) {
      const records = await readShard(after, 'live', shardId);
      // Positions are dense from 0: nothing lost in the middle, nothing duplicated.
      records.forEach((record, position) => {
        assert.equal(parseSequenceNumber(record.SequenceNumber!)?.position, position);
        const data = Buffer.from(record.Data!).toString('utf8');
        assert.equal(
          sent.get(data),
          record.PartitionKey,
          `record ${position} of ${shardId} is one that was sent, whole`,
        );
      });
      assert.equal(new Set(records.map((r) => Buffer.from(r.Data!).toString('utf8'))).size, records.length);
      const wanted = expected.get(shardId) ?? [];
      const bySequenceNumber = new Map(records.map((r) => [r.SequenceNumber!, r]));
      for (const record of wanted) {
        const found = bySequenceNumber.get(record.sequenceNumber);
        assert.ok(found, `acknowledged ${record.sequenceNumber} of ${shardId} is there`);
        assert.ok(Buffer.from(found.Data!).equals(record.data));
        assert.equal(found.PartitionKey, record.partitionKey);
      }
      unacknowledged += records.length - wanted.length;

      // Appends carry on right after what was recovered.
      const next = await after.send(
        new PutRecordCommand({
          StreamName: 'live',
          Data: Buffer.from('after'),
          PartitionKey: 'p',
          ExplicitHashKey: shardId.endsWith('0') ? '0' : String(2n ** 127n),
        }),
      );
      assert.equal(next.ShardId, shardId);
      assert.equal(parseSequenceNumber(next.SequenceNumber!)?.position, records.length);
    }
    t.diagnostic(
      `${acknowledged.length} records acknowledged before the kill, all found; ` +
        `${unacknowledged} more were written whole but not yet acknowledged`,
    );
  });
});

describe('acknowledged means durable', () => {
  /**
   * Holds every `fdatasync` until the test releases it (the engine's fsyncs go through `fs.fdatasync`; ESM bindings
   * of built-in modules follow the mock once `syncBuiltinESMExports` runs).
   */
  function holdFdatasync(t: TestContext, fail?: NodeJS.ErrnoException) {
    const held: (() => void)[] = [];
    const original = fs.fdatasync;
    const mocked = t.mock.method(
      fs,
      'fdatasync',
      (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
        held.push(() => (fail ? callback(fail) : original(fd, callback)));
      },
    );
    syncBuiltinESMExports();
    t.after(() => {
      mocked.mock.restore();
      syncBuiltinESMExports();
    });
    return {
      held,
      calls: () => mocked.mock.callCount(),
      release: () => {
        for (const go of held.splice(0)) go();
      },
    };
  }

  /** Lets the event loop turn until `condition` holds (it becomes true through I/O, never through time). */
  async function until(condition: () => boolean): Promise<void> {
    for (let turn = 0; !condition(); turn++) {
      if (turn > 10_000) throw new Error('the condition never held');
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  const put = (service: KinesisService, count: number, tag: string) =>
    service.dispatch<'PutRecords'>('PutRecords', {
      StreamName: 's',
      Records: Array.from({ length: count }, (_, i) => ({
        Data: Buffer.from(`${tag}${i}`).toString('base64'),
        PartitionKey: 'k',
      })),
    });

  test('a put is answered only after its records are fsynced, and puts waiting meanwhile share one fsync', async (t) => {
    const service = new KinesisService({ dataDir: tempDir(t) });
    t.after(() => service.close());
    await service.dispatch('CreateStream', { StreamName: 's', ShardCount: 1 });
    const sync = holdFdatasync(t);
    const settled = new Set<string>();
    const first = put(service, 10, 'a').then((out) => settled.add('a') && out);
    await until(() => sync.held.length === 1);
    const others = ['b', 'c', 'd'].map((tag) => put(service, 10, tag).then((out) => settled.add(tag) && out));
    await until(() => sync.held.length === 1 && settled.size === 0);
    for (let turn = 0; turn < 100; turn++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled.size, 0, 'no put is answered while its fsync is held');
    const iterator = await service.dispatch('GetShardIterator', {
      StreamName: 's',
      ShardId: SHARD,
      ShardIteratorType: 'TRIM_HORIZON',
    });
    const early = await service.dispatch('GetRecords', { ShardIterator: iterator.ShardIterator });
    assert.equal(early.Records.length, 0, 'records are not readable before they are durable');

    sync.release();
    await first;
    assert.deepEqual([...settled], ['a']);
    await until(() => sync.held.length === 1);
    assert.equal(sync.calls(), 2, 'the three puts that waited share the second fsync');
    sync.release();
    const answers = await Promise.all(others);
    assert.deepEqual(
      answers.map((out) => out.Records.map((r) => parseSequenceNumber(r.SequenceNumber!)?.position)),
      [10, 20, 30].map((start) => Array.from({ length: 10 }, (_, i) => start + i)),
    );
    const all = await service.dispatch('GetRecords', { ShardIterator: iterator.ShardIterator });
    assert.equal(all.Records.length, 40);
  });

  test('a failed fsync fails the put with InternalFailure, and the shard refuses writes from then on', async (t) => {
    const service = new KinesisService({ dataDir: tempDir(t) });
    t.after(() => service.close());
    await service.dispatch('CreateStream', { StreamName: 's', ShardCount: 1 });
    const sync = holdFdatasync(t, Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    const failing = put(service, 5, 'x');
    await until(() => sync.held.length === 1);
    sync.release();
    await assert.rejects(failing, (error: unknown) => {
      assert.ok(error instanceof KinesisServiceError);
      assert.equal(error.type, 'InternalFailure');
      assert.match(error.message, /could not make records durable.*EIO/);
      return true;
    });
    await assert.rejects(put(service, 1, 'y'), { type: 'InternalFailure' });
  });
});

describe('recovery of a shard log', () => {
  const record = (text: string, partitionKey = 'k'): RecordToAppend => ({
    data: Buffer.from(text).toString('base64'),
    partitionKey,
    size: Buffer.byteLength(text) + Buffer.byteLength(partitionKey),
  });

  async function writeLog(dir: string, options: FileRecordStorageOptions = {}, batches = 3) {
    const storage = new FileRecordStorage(dir, options);
    const log = storage.openShard(STREAM, SHARD);
    for (let b = 0; b < batches; b++) {
      log.append([record(`a${b}`), record(`b${b}`, 'ключ'), record(`c${b}`)], 1000 + b);
      await log.flushed();
    }
    await storage.close();
    const shardDir = log.directory;
    const segments = readdirSync(shardDir).sort();
    return { shardDir, segments, storage };
  }

  const tornTails: Record<string, (segment: string) => void> = {
    'half a frame': (segment) => appendFileSync(segment, encodeFrames([record('lost')], 5000).bytes.subarray(0, 13)),
    'a whole frame with a wrong checksum': (segment) => {
      const frame = encodeFrames([record('lost')], 5000).bytes;
      frame[frame.length - 1]! ^= 0xff;
      appendFileSync(segment, frame);
    },
    'zeros (space the file system allocated, never written)': (segment) => appendFileSync(segment, Buffer.alloc(4096)),
  };

  for (const [name, tear] of Object.entries(tornTails)) {
    test(`cuts off a torn tail: ${name}`, async (t) => {
      const dir = tempDir(t);
      const { shardDir, segments } = await writeLog(dir);
      const segment = path.join(shardDir, segments.at(-1)!);
      const intact = statSync(segment).size;
      tear(segment);
      assert.ok(statSync(segment).size > intact);

      const storage = new FileRecordStorage(dir);
      const log = storage.openShard(STREAM, SHARD);
      assert.equal(log.nextPosition, 9);
      assert.equal(statSync(segment).size, intact, 'the tail is truncated');
      assert.deepEqual(
        log.read(0, 100, 1e9).map((r) => Buffer.from(r.data, 'base64').toString()),
        ['a0', 'b0', 'c0', 'a1', 'b1', 'c1', 'a2', 'b2', 'c2'],
      );
      assert.equal(log.append([record('next')], 6000), 9);
      await log.flushed();
      await storage.close();

      const reopened = new FileRecordStorage(dir);
      t.after(() => reopened.close());
      const again = reopened.openShard(STREAM, SHARD);
      assert.equal(again.nextPosition, 10);
      assert.equal(Buffer.from(again.read(9, 1, 1e9)[0]!.data, 'base64').toString(), 'next');
    });
  }

  test('a new segment whose header was torn by the crash starts empty at the right position', async (t) => {
    const dir = tempDir(t);
    const { shardDir } = await writeLog(dir);
    writeFileSync(path.join(shardDir, '00000000000000000009.log'), Buffer.from('SKK'));
    const storage = new FileRecordStorage(dir);
    t.after(() => storage.close());
    const log = storage.openShard(STREAM, SHARD);
    assert.equal(log.nextPosition, 9);
    assert.equal(log.append([record('x')], 7000), 9);
    await log.flushed();
    assert.equal(log.read(0, 100, 1e9).length, 10);
  });

  test('refuses to open on damage to acknowledged records, instead of losing them', async (t) => {
    const dir = tempDir(t);
    // Tiny segments: every batch rolls a new one, so the damage lands in a sealed segment.
    const { shardDir, segments } = await writeLog(dir, { segmentBytes: 64 });
    assert.ok(segments.length >= 3, `${segments.length} segments`);
    const sealed = path.join(shardDir, segments[0]!);
    const bytes = Buffer.from(await import('node:fs/promises').then((fs) => fs.readFile(sealed)));
    bytes[bytes.length - 2]! ^= 0x01;
    writeFileSync(sealed, bytes);
    assert.throws(
      () => new FileRecordStorage(dir).openShard(STREAM, SHARD),
      (error: unknown) =>
        StreamkitError.is(error) &&
        error.code === 'SK_CONFLICT' &&
        error.message.includes(segments[0]!) &&
        error.message.includes('checksum mismatch'),
    );
  });

  test('rolls segments by size and age, and retention deletes whole old segments', async (t) => {
    const dir = tempDir(t);
    const storage = new FileRecordStorage(dir, { segmentBytes: 400, segmentMaxAgeMs: 10_000 });
    t.after(() => storage.close());
    const log = storage.openShard(STREAM, SHARD);
    // Batches of two ~70-byte frames: a segment takes three batches before it passes 400 bytes.
    const batch = (i: number, arrival: number) =>
      log.append([record(`r${i}a`.padEnd(50, '.')), record(`r${i}b`.padEnd(50, '.'))], arrival);
    batch(0, 1000);
    batch(1, 1001);
    batch(2, 12_000); // the segment's first record is 11 s old: rolls by age
    batch(3, 12_001);
    batch(4, 12_002);
    batch(5, 12_003); // three batches in: rolls by size
    await log.flushed();
    const files = () => readdirSync(log.directory).sort();
    assert.deepEqual(files(), ['00000000000000000000.log', '00000000000000000004.log', '00000000000000000010.log']);

    log.trim(1001); // records 0 and 1 expire; the first segment still holds live ones
    assert.equal(log.firstPosition, 2);
    assert.equal(files().length, 3);
    log.trim(12_000); // 0..3 expire: the first segment goes
    assert.equal(log.firstPosition, 4);
    assert.deepEqual(files(), ['00000000000000000004.log', '00000000000000000010.log']);
    assert.equal(
      Buffer.from(log.read(0, 1, 1e9)[0]!.data, 'base64')
        .toString()
        .slice(0, 3),
      'r2a',
    );
    log.trim(50_000); // everything expires, but the newest segment stays: it carries the next position
    assert.equal(log.firstPosition, 12);
    assert.deepEqual(files(), ['00000000000000000010.log']);
    assert.deepEqual(log.read(0, 10, 1e9), []);
    assert.equal(log.append([record('more')], 60_000), 12);
  });
});

describe('the on-disk shard log answers exactly like the in-memory one', () => {
  type Operation =
    | { op: 'append'; sizes: number[]; keys: string[]; advance: number }
    | { op: 'read'; from: number; max: number; maxBytes: number }
    | { op: 'positionAt'; back: number }
    | { op: 'arrivalAt'; position: number }
    | { op: 'trim'; back: number }
    | { op: 'reopen' };

  const operation = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        op: fc.constant('append' as const),
        sizes: fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 30 }),
        keys: fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 }),
        advance: fc.integer({ min: -500, max: 5000 }),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('read' as const),
        from: fc.integer({ min: 0, max: 400 }),
        max: fc.integer({ min: 1, max: 120 }),
        maxBytes: fc.integer({ min: 1, max: 60_000 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ op: fc.constant('positionAt' as const), back: fc.integer({ min: -100, max: 60_000 }) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ op: fc.constant('arrivalAt' as const), position: fc.integer({ min: 0, max: 400 }) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ op: fc.constant('trim' as const), back: fc.integer({ min: 0, max: 60_000 }) }),
    },
    { weight: 1, arbitrary: fc.constant({ op: 'reopen' as const }) },
  );

  test('for any mix of appends, reads, look-ups by time, trims and restarts', async (t) => {
    const root = tempDir(t);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(operation as fc.Arbitrary<Operation>, { minLength: 1, maxLength: 40 }), async (ops) => {
        // Small segments and cache, so reads cross segments and come from disk.
        const options = { segmentBytes: 8 * 1024, segmentMaxAgeMs: 20_000, cacheBytesPerShard: 4 * 1024 };
        const dir = path.join(root, String(run++));
        let storage = new FileRecordStorage(dir, options);
        let log: ShardRecordLog = storage.openShard(STREAM, SHARD);
        const model = new MemoryShardLog();
        let now = 1_000_000;
        let trimmedBefore = Number.NEGATIVE_INFINITY;
        try {
          for (const o of ops) {
            switch (o.op) {
              case 'append': {
                now += o.advance;
                const records = o.sizes.map((size, i) => {
                  const partitionKey = o.keys[i % o.keys.length]!;
                  const data = randomBytes(size).toString('base64');
                  return { data, partitionKey, size: size + Buffer.byteLength(partitionKey) };
                });
                assert.equal(log.append(records, now), model.append(records, now));
                await log.flushed();
                break;
              }
              case 'read':
                assert.deepEqual(log.read(o.from, o.max, o.maxBytes), model.read(o.from, o.max, o.maxBytes));
                break;
              case 'positionAt':
                assert.equal(log.positionAt(now - o.back), model.positionAt(now - o.back));
                break;
              case 'arrivalAt':
                assert.equal(log.arrivalAt(o.position), model.arrivalAt(o.position));
                break;
              case 'trim':
                trimmedBefore = Math.max(trimmedBefore, now - o.back);
                log.trim(now - o.back);
                model.trim(now - o.back);
                break;
              case 'reopen':
                await storage.close();
                storage = new FileRecordStorage(dir, options);
                log = storage.openShard(STREAM, SHARD);
                // The engine applies retention again on every read (`RetainedShardLog`).
                log.trim(trimmedBefore);
                break;
            }
            assert.equal(log.firstPosition, model.firstPosition);
            assert.equal(log.nextPosition, model.nextPosition);
          }
        } finally {
          await storage.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('stream metadata', () => {
  test('every stream survives a restart as it was: mode, shards, retention, tags, status', async (t) => {
    const dataDir = tempDir(t);
    let now = Date.UTC(2026, 0, 15, 12);
    const options = { dataDir, clock: () => now, createStreamDelayMs: 5000 };
    const first = new KinesisService(options);
    await first.dispatch('CreateStream', { StreamName: 'orders', ShardCount: 3, Tags: { team: 'payments' } });
    await first.dispatch('CreateStream', { StreamName: 'events', StreamModeDetails: { StreamMode: 'ON_DEMAND' } });
    await first.dispatch('CreateStream', { StreamName: 'gone', ShardCount: 1 });
    now += 5000;
    await first.dispatch('CreateStream', { StreamName: 'slow', ShardCount: 2 });
    await first.dispatch('IncreaseStreamRetentionPeriod', { StreamName: 'orders', RetentionPeriodHours: 72 });
    await first.dispatch('PutRecord', { StreamName: 'gone', Data: 'AA==', PartitionKey: 'k' });
    await first.dispatch('DeleteStream', { StreamName: 'gone' });
    const describe = async (service: KinesisService) =>
      Promise.all(['events', 'orders', 'slow'].map((name) => service.dispatch('DescribeStream', { StreamName: name })));
    const before = await describe(first);
    assert.equal(before[2]?.StreamDescription.StreamStatus, 'CREATING');
    await first.close();

    // Left by a crash between saving the metadata and creating or removing record files: removed on start.
    const ghost = path.join(dataDir, 'kinesis', 'ghost-1767225600000', SHARD);
    mkdirSync(ghost, { recursive: true });

    const second = new KinesisService(options);
    t.after(() => second.close());
    assert.deepEqual(await describe(second), before);
    assert.deepEqual((await second.dispatch('ListStreams', {})).StreamNames, ['events', 'orders', 'slow']);
    assert.equal(existsSync(path.dirname(ghost)), false);
    assert.deepEqual(
      readdirSync(path.join(dataDir, 'kinesis'))
        .filter((name) => name.startsWith('gone-'))
        .sort(),
      [],
    );
    now += 5000;
    const slow = await second.dispatch('DescribeStreamSummary', { StreamName: 'slow' });
    assert.equal(slow.StreamDescriptionSummary.StreamStatus, 'ACTIVE');
    // Creation times stay unique across the restart: a re-created stream is a new incarnation.
    now -= 60_000;
    await second.dispatch('CreateStream', { StreamName: 'gone', ShardCount: 1 });
    const createdAts = second.store.streams().map((s) => s.createdAt);
    assert.equal(new Set(createdAts).size, createdAts.length);
  });

  test('loading tolerates members it does not know and gives missing ones their defaults', () => {
    const snapshot = parseSnapshot(
      JSON.stringify({
        format: 1,
        lastCreatedAt: 7,
        futureTopLevel: true,
        streams: [
          {
            name: 's',
            createdAt: 5,
            encryption: { type: 'KMS', keyId: 'alias/x' },
            shards: [{ index: 0, hashKeyRange: { start: '0', end: '10' }, futureShardField: 'x' }],
          },
        ],
      }),
      'streams.json',
    );
    assert.deepEqual(snapshot, {
      lastCreatedAt: 7,
      streams: [
        {
          stream: {
            name: 's',
            createdAt: 5,
            status: 'ACTIVE',
            transitionAt: 0,
            mode: 'PROVISIONED',
            retentionHours: 24,
            expiredBefore: 0,
            tags: {},
            encryptionType: 'NONE',
            keyId: undefined,
            shardLevelMetrics: [],
            consumers: [],
            shardCountUpdates: [],
            streamModeUpdates: [],
            pendingReshard: [],
          },
          shards: [
            {
              index: 0,
              hashKeyRange: { start: 0n, end: 10n },
              openedAt: 0,
              parentShardId: undefined,
              adjacentParentShardId: undefined,
              closedAt: undefined,
              endingPosition: undefined,
              encryptionSwitches: [],
            },
          ],
        },
      ],
    });
    for (const [document, problem] of [
      ['{not json', 'not JSON'],
      [JSON.stringify({ format: 2, streams: [] }), 'format is 2'],
      [JSON.stringify({ format: 1, streams: [{ createdAt: 1, shards: [] }] }), 'streams[0].name is missing'],
      [
        JSON.stringify({ format: 1, streams: [{ name: 's', createdAt: 1, shards: [{ index: 'x' }] }] }),
        'streams[0].shards[0].index is unreadable',
      ],
    ] as const) {
      assert.throws(
        () => parseSnapshot(document, 'streams.json'),
        (error: unknown) => StreamkitError.is(error) && error.code === 'SK_CONFLICT' && error.message.includes(problem),
      );
    }
  });

  test('an engine does not start on unreadable metadata, and leaves the directory free', async (t) => {
    const dataDir = tempDir(t);
    const first = new KinesisService({ dataDir });
    await first.dispatch('CreateStream', { StreamName: 's', ShardCount: 1 });
    await first.dispatch('PutRecord', { StreamName: 's', Data: 'AA==', PartitionKey: 'k' });
    await first.close();
    const recordDirectories = () => readdirSync(path.join(dataDir, 'kinesis')).filter((name) => name.startsWith('s-'));
    assert.equal(recordDirectories().length, 1);
    const streamsFile = path.join(dataDir, 'kinesis', 'streams.json');
    writeFileSync(streamsFile, '{"format": 1, "streams": [{"name": "s"');
    assert.throws(
      () => new KinesisService({ dataDir }),
      (error: unknown) =>
        StreamkitError.is(error) && error.code === 'SK_CONFLICT' && error.message.includes(streamsFile),
    );
    rmSync(streamsFile);
    const second = new KinesisService({ dataDir });
    t.after(() => second.close());
    assert.deepEqual((await second.dispatch('ListStreams', {})).StreamNames, []);
    assert.deepEqual(recordDirectories(), [], 'the records of a stream the metadata does not know are removed');
  });

  test('one engine at a time: a second one on the same data directory is refused while the first runs', async (t) => {
    const dataDir = tempDir(t);
    const first = new KinesisService({ dataDir });
    assert.throws(
      () => new KinesisService({ dataDir }),
      (error: unknown) =>
        StreamkitError.is(error) && error.code === 'SK_CONFLICT' && error.message.includes(`process ${process.pid}`),
    );
    await first.close();
    const second = new KinesisService({ dataDir });
    await second.close();
  });
});

describe('a durable engine keeps what the whole API changed', () => {
  test('resharding lineage, consumers, encryption and tags survive a restart, and reads still follow the lineage', async (t) => {
    const dataDir = tempDir(t);
    const put = async (client: KinesisClient, from: number, count: number) => {
      const Records = Array.from({ length: count }, (_, i) => ({
        Data: Buffer.from(`r${from + i}`),
        PartitionKey: 'one-key',
      }));
      await client.send(new PutRecordsCommand({ StreamName: 'life', Records }));
    };

    const first = await startKinesisEngine({ port: 0, dataDir });
    const before = clientFor(t, first.endpoint);
    await before.send(new CreateStreamCommand({ StreamName: 'life', ShardCount: 1 }));
    await put(before, 0, 5);
    await first.dispatch('SplitShard', {
      StreamName: 'life',
      ShardToSplit: SHARD,
      NewStartingHashKey: (2n ** 127n).toString(),
    });
    await put(before, 5, 5);
    const arn = 'arn:aws:kinesis:us-east-1:000000000000:stream/life';
    const { Consumer } = (await first.dispatch('RegisterStreamConsumer', { StreamARN: arn, ConsumerName: 'fan' })) as {
      Consumer: { ConsumerARN: string };
    };
    await first.dispatch('StartStreamEncryption', {
      StreamName: 'life',
      EncryptionType: 'KMS',
      KeyId: 'alias/streamkit',
    });
    await put(before, 10, 2);
    await first.dispatch('AddTagsToStream', { StreamName: 'life', Tags: { team: 'orders' } });
    await first.close();

    const second = await startKinesisEngine({ port: 0, dataDir });
    t.after(() => second.close());
    const after = clientFor(t, second.endpoint);
    const { Shards } = (await second.dispatch('ListShards', { StreamName: 'life' })) as unknown as {
      Shards: { ShardId: string; ParentShardId?: string; SequenceNumberRange: { EndingSequenceNumber?: string } }[];
    };
    assert.deepEqual(
      Shards.map((s) => [s.ShardId, s.ParentShardId ?? null, s.SequenceNumberRange.EndingSequenceNumber !== undefined]),
      [
        ['shardId-000000000000', null, true],
        ['shardId-000000000001', SHARD, false],
        ['shardId-000000000002', SHARD, false],
      ],
    );
    const parent = await readShard(after, 'life', SHARD);
    assert.deepEqual(
      parent.map((r) => Buffer.from(r.Data!).toString()),
      ['r0', 'r1', 'r2', 'r3', 'r4'],
    );
    const children = [
      ...(await readShard(after, 'life', 'shardId-000000000001')),
      ...(await readShard(after, 'life', 'shardId-000000000002')),
    ];
    assert.deepEqual(
      children.map((r) => Buffer.from(r.Data!).toString()),
      ['r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11'],
    );
    assert.deepEqual(
      children.map((r) => r.EncryptionType ?? 'NONE'),
      ['NONE', 'NONE', 'NONE', 'NONE', 'NONE', 'KMS', 'KMS'],
    );
    const consumer = (await second.dispatch('DescribeStreamConsumer', { ConsumerARN: Consumer.ConsumerARN })) as {
      ConsumerDescription: { ConsumerStatus: string };
    };
    assert.equal(consumer.ConsumerDescription.ConsumerStatus, 'ACTIVE');
    const summary = (await second.dispatch('DescribeStreamSummary', { StreamName: 'life' })) as {
      StreamDescriptionSummary: {
        EncryptionType: string;
        KeyId: string;
        OpenShardCount: number;
        ConsumerCount: number;
      };
    };
    assert.equal(summary.StreamDescriptionSummary.EncryptionType, 'KMS');
    assert.equal(summary.StreamDescriptionSummary.KeyId, 'alias/streamkit');
    assert.equal(summary.StreamDescriptionSummary.OpenShardCount, 2);
    assert.equal(summary.StreamDescriptionSummary.ConsumerCount, 1);
    assert.deepEqual(await second.dispatch('ListTagsForStream', { StreamName: 'life' }), {
      Tags: [{ Key: 'team', Value: 'orders' }],
      HasMoreTags: false,
    });
  });
});
