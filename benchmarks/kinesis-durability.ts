/**
 * What durability costs the local Kinesis engine, measured on purpose (`npx tsx benchmarks/kinesis-durability.ts`),
 * never in a test:
 *
 * 1. PutRecords throughput of one unmodified AWS SDK v3 client (500 records of 200 bytes a call, 4 shards), with the
 *    records in memory and with a `dataDir` (every call answered after its fsync), 1 and 8 calls in flight, in
 *    alternating rounds. The durable figure is reported as a ratio to the in-memory one measured in the same run.
 * 2. A large shard log on disk (2 million records of 200 bytes by default, `--records <n>`): how long opening it
 *    takes (every frame checked), and reads by position and by timestamp at random places, from disk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CreateStreamCommand, KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '@streamkit/core';
import { FileRecordStorage, startKinesisEngine } from '../packages/local/src/kinesis/index.ts';

const { values } = parseArgs({
  options: { records: { type: 'string', default: '2000000' }, calls: { type: 'string', default: '600' } },
});
const LARGE_LOG_RECORDS = Number(values.records);
const CALLS = Number(values.calls);
const RECORDS_PER_CALL = 500;
const RECORD_BYTES = 200;

async function putThroughput(dataDir: string | undefined, inFlight: number): Promise<number> {
  const engine = await startKinesisEngine(dataDir ? { dataDir } : {});
  const client = new KinesisClient({ endpoint: engine.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    await client.send(new CreateStreamCommand({ StreamName: 'bench', ShardCount: 4 }));
    const records = Array.from({ length: RECORDS_PER_CALL }, (_, i) => ({
      Data: Buffer.alloc(RECORD_BYTES, i),
      PartitionKey: `key-${i}`,
    }));
    const call = () => client.send(new PutRecordsCommand({ StreamName: 'bench', Records: records }));
    for (let i = 0; i < 50; i++) await call(); // warm-up
    let sent = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (sent < CALLS) {
          sent++;
          await call();
        }
      }),
    );
    return (CALLS * RECORDS_PER_CALL) / ((performance.now() - started) / 1000);
  } finally {
    client.destroy();
    await engine.close();
  }
}

async function largeLog(dir: string): Promise<void> {
  const stream = { streamName: 'large', createdAt: 1 };
  const batch = Array.from({ length: 500 }, (_, i) => ({
    data: Buffer.alloc(RECORD_BYTES, i).toString('base64'),
    partitionKey: `key-${i % 100}`,
    size: RECORD_BYTES + `key-${i % 100}`.length,
  }));
  const storage = new FileRecordStorage(dir);
  const log = storage.openShard(stream, 'shardId-000000000000');
  let started = performance.now();
  for (let written = 0; written < LARGE_LOG_RECORDS; written += batch.length) {
    log.append(batch, 1_000_000 + written);
    if (written % 100_000 === 0) await log.flushed();
  }
  await log.flushed();
  const appendSeconds = (performance.now() - started) / 1000;
  await storage.close();

  started = performance.now();
  const reopened = new FileRecordStorage(dir);
  const again = reopened.openShard(stream, 'shardId-000000000000');
  const openMs = performance.now() - started;
  const reads = 2000;
  started = performance.now();
  for (let i = 0; i < reads; i++) {
    const from = Math.floor(Math.random() * (again.nextPosition - 100));
    if (again.read(from, 100, 1e9).length !== 100) throw new Error('short read');
  }
  const readMs = (performance.now() - started) / reads;
  started = performance.now();
  for (let i = 0; i < reads; i++) {
    // Arrival times go up by 500 ms a batch: the record at `position` arrived at 1,000,000 + its batch's start.
    const position = Math.floor(Math.random() * again.nextPosition);
    const batchStart = position - (position % batch.length);
    if (again.positionAt(1_000_000 + batchStart) !== batchStart) throw new Error('positionAt is wrong');
  }
  const timestampMs = (performance.now() - started) / reads;
  await reopened.close();
  console.log(
    `large log: ${LARGE_LOG_RECORDS.toLocaleString('en')} records of ${RECORD_BYTES} B appended in ` +
      `${appendSeconds.toFixed(1)} s; reopened (every frame checked) in ${openMs.toFixed(0)} ms; ` +
      `100 records at a random position: ${readMs.toFixed(3)} ms; position at a random time: ${timestampMs.toFixed(3)} ms`,
  );
}

const ROUNDS = 3;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'streamkit-bench-'));
try {
  for (const inFlight of [1, 8]) {
    // Alternated, so that warming up and the machine's moods touch both alike; the median of each is reported.
    const memory: number[] = [];
    const durable: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      memory.push(await putThroughput(undefined, inFlight));
      durable.push(await putThroughput(path.join(dataDir, `${inFlight}-${round}`), inFlight));
    }
    const m = median(memory);
    const d = median(durable);
    console.log(
      `PutRecords, ${inFlight} call(s) in flight (median of ${ROUNDS}): memory ${Math.round(m).toLocaleString('en')} ` +
        `records/s, durable ${Math.round(d).toLocaleString('en')} records/s (${(d / m).toFixed(2)} of memory)`,
    );
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
const logDir = mkdtempSync(path.join(os.tmpdir(), 'streamkit-bench-log-'));
try {
  await largeLog(logDir);
} finally {
  rmSync(logDir, { recursive: true, force: true });
}
