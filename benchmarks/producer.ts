/**
 * Producer benchmark: user records per CPU-second and Kinesis records per user record, streamkit's KinesisProducer
 * side by side with aws-kinesis-agg + the AWS SDK, the Java KPL (its Java API and native daemon, in its own JVM),
 * and plain PutRecords as the no-aggregation reference, in one run, against the local Kinesis engine running in a
 * separate process (its CPU is not counted).
 *
 *   npx tsx benchmarks/producer.ts [--records 200000] [--repeats 5] [--shards 16] [--json]
 *                                        [--only <text>] [--profile <dir>]
 *
 * Method (also in BENCHMARKS.md): the user records of each workload are generated and serialized before timing, so
 * only producing is measured. Each contender runs once untimed (JIT warm-up), then `repeats` times, the contenders
 * interleaved (A B C D A B C D …) so that drift in the machine's speed hits all alike; each run writes into a fresh
 * stream. CPU is `process.cpuUsage()` (user + system) of this process from the first record handed over until every
 * record is acknowledged; the figure is the median. Every run is checked afterwards: reading the stream back and
 * deaggregating gives every user record.
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { Session } from 'node:inspector/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LOCAL_CREDENTIALS, LOCAL_REGION, recordBytes } from '@streamkit/core';
import {
  clickstream,
  deaggregateRecord,
  KinesisProducer,
  type KinesisProducerOptions,
  stockTicker,
  taxiRides,
} from '@streamkit/producer';
import * as awsKinesisAggModule from 'aws-kinesis-agg';
import { runKplProducer } from '../packages/producer/interop/kpl-producer.ts';

/** aws-kinesis-agg's RecordAggregator (exported by the package, missing from its type declarations). */
interface RecordAggregator {
  calculateUserRecordSize(record: UserRecord): number;
  addUserRecord(record: UserRecord): void;
  build(): { partitionKey: string; data: Buffer } | undefined;
  length(): number;
  totalBytes: number;
}
const { RecordAggregator } = awsKinesisAggModule as unknown as { RecordAggregator: new () => RecordAggregator };

// ---- the engine, in its own process ----------------------------------------------------------------------------------

if (process.argv.includes('--engine')) {
  const { startKinesisEngine } = await import('@streamkit/local');
  const { startTlsEndpoint } = await import('../packages/producer/interop/tls-endpoint.ts');
  const engine = await startKinesisEngine({ port: 0 });
  // HTTPS in front of it, for the Java KPL (its daemon speaks nothing else) and the HTTPS variant of ours.
  const tls = await startTlsEndpoint(engine.endpoint);
  process.send?.({ endpoint: engine.endpoint, tlsPort: tls.port });
  process.on('disconnect', () => void Promise.all([tls.close(), engine.close()]).then(() => process.exit(0)));
} else {
  await main();
}

interface UserRecord {
  readonly partitionKey: string;
  readonly data: Buffer;
}

interface Contender {
  readonly name: string;
  /**
   * Sends every record and resolves when all are acknowledged; returns the Kinesis records written, or — for a
   * contender in another process, which measures itself — a whole sample.
   */
  run(kinesis: KinesisClient, stream: string, records: readonly UserRecord[]): Promise<number | Sample>;
}

interface Sample {
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly kinesisRecords: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '200000' },
      repeats: { type: 'string', default: '5' },
      shards: { type: 'string', default: '16' },
      json: { type: 'boolean', default: false },
      /** Only the contenders and workloads whose names contain this text. */
      only: { type: 'string' },
      /** A directory to write a CPU profile of every timed run into (open them in Chrome DevTools). */
      profile: { type: 'string' },
    },
  });
  if (values.profile) mkdirSync(values.profile, { recursive: true });
  const count = Number(values.records);
  const repeats = Number(values.repeats);
  const shards = Number(values.shards);

  const child = fork(fileURLToPath(import.meta.url), ['--engine'], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const { endpoint, tlsPort } = await new Promise<{ endpoint: string; tlsPort: number }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as { endpoint: string; tlsPort: number }));
    child.once('exit', (code) => reject(new Error(`the engine process exited (${code})`)));
  });
  const kinesis = new KinesisClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  // The same engine over HTTPS and HTTP/1.1 (keep-alive), as the Java KPL reaches it.
  const kinesisOverTls = new KinesisClient({
    endpoint: `https://127.0.0.1:${tlsPort}`,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    requestHandler: new NodeHttpHandler({
      httpsAgent: new https.Agent({ rejectUnauthorized: false, keepAlive: true, maxSockets: 64 }),
    }),
  });

  const workloads = {
    'stock ticks (≈70 B)': generate(stockTicker({ seed: 1, now: () => Date.UTC(2026, 0, 15) }), count),
    'taxi rides (≈600 B)': generate(taxiRides({ seed: 1, now: () => Date.UTC(2026, 0, 15) }), count / 4),
    'clickstream (≈500 B)': generate(clickstream({ seed: 1, now: () => Date.UTC(2026, 0, 15) }), count / 4),
  };

  const contenders: Contender[] = [
    streamkit('streamkit KinesisProducer', {}),
    awsKinesisAgg(),
    streamkit('streamkit KinesisProducer, AggregationMaxSize 1 MiB', { aggregationMaxSize: 1024 * 1024 }),
    streamkit('streamkit KinesisProducer over HTTPS/1.1', {}, kinesisOverTls),
    javaKpl(tlsPort, shards),
    plainPutRecords(),
  ];

  const report: Record<string, Record<string, ReturnType<typeof summarize>>> = {};
  let streamNumber = 0;
  const only = values.only;
  for (const [workload, records] of Object.entries(workloads)) {
    if (only !== undefined && !contenders.some((c) => `${workload} ${c.name}`.includes(only))) continue;
    const samples = new Map<string, Sample[]>(contenders.map((c) => [c.name, []]));
    for (let round = 0; round <= repeats; round++) {
      for (const contender of contenders) {
        if (only !== undefined && !`${workload} ${contender.name}`.includes(only)) continue;
        const stream = `bench-${streamNumber++}`;
        await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: shards }));
        const profile = values.profile && `${values.profile}/${stream} ${workload} ${contender.name}.cpuprofile`;
        const measured = await measure(() => contender.run(kinesis, stream, records), profile);
        // Kinesis records counted in the stream, not as the contender reports them.
        const sample = { ...measured, kinesisRecords: await verify(kinesis, stream, records, contender.name) };
        await kinesis.send(new DeleteStreamCommand({ StreamName: stream }));
        if (round > 0) samples.get(contender.name)!.push(sample); // round 0 warms up
      }
    }
    report[workload] = Object.fromEntries(
      contenders
        .filter((c) => samples.get(c.name)!.length > 0)
        .map((c) => [c.name, summarize(samples.get(c.name)!, records.length)]),
    );
  }

  kinesis.destroy();
  kinesisOverTls.destroy();
  child.disconnect();

  if (values.json) {
    console.log(JSON.stringify({ records: count, repeats, shards, node: process.version, report }, null, 2));
    return;
  }
  console.log(`node ${process.version}, ${shards} shards, median of ${repeats} runs after a warm-up run\n`);
  for (const [workload, rows] of Object.entries(report)) {
    // Ratios to the anchors measured in the same run: aws-kinesis-agg + the SDK, and the Java KPL.
    const agg = rows['aws-kinesis-agg + AWS SDK PutRecords'];
    const kpl = rows['Java KPL 1.1.1 (daemon, over HTTPS/1.1)'];
    const ratio = (row: { userRecordsPerCpuSecond: number }, anchor: typeof agg) =>
      anchor ? `${(row.userRecordsPerCpuSecond / anchor.userRecordsPerCpuSecond).toFixed(2)}×` : '–';
    console.log(
      `${workload}: ${Object.values(workloads)[Object.keys(workloads).indexOf(workload)]!.length} user records`,
    );
    console.log('  contender'.padEnd(56), 'user rec/CPU-s', ' vs agg', ' vs KPL', ' Kinesis rec/user rec', ' wall ms');
    for (const [name, row] of Object.entries(rows)) {
      console.log(
        `  ${name}`.padEnd(56),
        String(Math.round(row.userRecordsPerCpuSecond)).padStart(14),
        ratio(row, agg).padStart(7),
        ratio(row, kpl).padStart(7),
        row.kinesisRecordsPerUserRecord.toPrecision(3).padStart(21),
        String(Math.round(row.wallMs)).padStart(8),
      );
    }
    console.log();
  }
}

function generate(source: Iterator<{ partitionKey: string; data: unknown }>, n: number): UserRecord[] {
  return Array.from({ length: n }, () => {
    const { partitionKey, data } = source.next().value!;
    return { partitionKey, data: recordBytes(data) };
  });
}

async function measure(run: () => Promise<number | Sample>, profile: string | undefined): Promise<Sample> {
  const session = profile === undefined ? undefined : new Session();
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const outcome = await run();
  const used = process.cpuUsage(cpu);
  const sample =
    typeof outcome === 'number'
      ? { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - wall, kinesisRecords: outcome }
      : outcome;
  if (session) {
    const { profile: cpuProfile } = await session.post('Profiler.stop');
    writeFileSync(profile!, JSON.stringify(cpuProfile));
    session.disconnect();
  }
  return sample;
}

function summarize(samples: Sample[], userRecords: number) {
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  };
  const cpuMs = median(samples.map((s) => s.cpuMs));
  return {
    userRecordsPerCpuSecond: userRecords / (cpuMs / 1000),
    cpuMs,
    wallMs: median(samples.map((s) => s.wallMs)),
    kinesisRecordsPerUserRecord: median(samples.map((s) => s.kinesisRecords)) / userRecords,
  };
}

/** streamkit's producer, fed one record at a time as a generator-driven application would. */
function streamkit(name: string, options: Partial<KinesisProducerOptions>, client?: KinesisClient): Contender {
  return {
    name,
    async run(defaultClient, streamName, records) {
      const kinesis = client ?? defaultClient;
      // The local engine does not throttle; the rate limit is raised so that it does not decide the wall time.
      const producer = new KinesisProducer({ kinesis, streamName, rateLimit: 100_000, ...options });
      for (let i = 0; i < records.length; i++) {
        await producer.addUserRecord(records[i]!).buffered;
        if (i % 1000 === 999) await yieldToEventLoop();
      }
      await producer.close();
      const { userRecordsFailed, kinesisRecordsPut } = producer.metrics;
      if (userRecordsFailed > 0) throw new Error(`${name}: ${userRecordsFailed} user records failed`);
      return kinesisRecordsPut;
    },
  };
}

/**
 * aws-kinesis-agg: its RecordAggregator fills Kinesis records regardless of shard, and the AWS SDK sends them in
 * PutRecords calls of up to 500 records and 5 MiB, four at a time. Its `aggregate()` helper fills records up to 1 MiB
 * of data, which with the partition key exceeds the 1 MiB record limit (Kinesis refuses such records with
 * InvalidArgumentException), so each record is closed 256 bytes early here, through the aggregator's own size
 * accounting.
 */
function awsKinesisAgg(): Contender {
  const limit = 1024 * 1024 - 4 - 16 - 256;
  return {
    name: 'aws-kinesis-agg + AWS SDK PutRecords',
    async run(kinesis, streamName, records) {
      const encoded: PutRecordsRequestEntry[] = [];
      const aggregator = new RecordAggregator();
      const close = () => {
        const record = aggregator.build()!;
        encoded.push({ Data: record.data, PartitionKey: record.partitionKey });
      };
      for (const record of records) {
        if (aggregator.length() > 0 && aggregator.totalBytes + aggregator.calculateUserRecordSize(record) > limit)
          close();
        aggregator.addUserRecord(record);
      }
      if (aggregator.length() > 0) close();
      await sendAll(kinesis, streamName, encoded);
      return encoded.length;
    },
  };
}

/**
 * The Java KPL 1.1.1 (Java API and native daemon) in its own JVM, reaching the engine over HTTPS (its daemon speaks
 * nothing else) with its defaults but RateLimit, raised like ours. It measures itself: CPU of the JVM and the daemon
 * from its second user record to the last acknowledgement (the first goes alone while the daemon loads the shard map),
 * scaled to all records, after every record went once into another stream to warm the JIT up.
 */
function javaKpl(tlsPort: number, shards: number): Contender {
  return {
    name: 'Java KPL 1.1.1 (daemon, over HTTPS/1.1)',
    async run(kinesis, streamName, records) {
      const warmUpStreamName = `${streamName}-warm-up`;
      await kinesis.send(new CreateStreamCommand({ StreamName: warmUpStreamName, ShardCount: shards }));
      try {
        const stats = await runKplProducer({
          host: '127.0.0.1',
          port: tlsPort,
          streamName,
          records,
          properties: { RateLimit: 100_000 },
          warmUpStreamName,
        });
        if (stats.failed > 0) throw new Error(`Java KPL: ${stats.failed} user records failed`);
        return {
          cpuMs: (stats.cpuMs * records.length) / stats.timedUserRecords,
          wallMs: stats.wallMs,
          kinesisRecords: stats.kinesisRecords,
        };
      } finally {
        await kinesis.send(new DeleteStreamCommand({ StreamName: warmUpStreamName }));
      }
    },
  };
}

/** No aggregation: every user record is a Kinesis record, sent by the AWS SDK in PutRecords calls of 500. */
function plainPutRecords(): Contender {
  return {
    name: 'no aggregation (AWS SDK PutRecords of 500)',
    async run(kinesis, streamName, records) {
      await sendAll(
        kinesis,
        streamName,
        records.map((r) => ({ Data: r.data, PartitionKey: r.partitionKey })),
      );
      return records.length;
    },
  };
}

/** PutRecords calls of up to 500 records and 5 MiB, four in flight, refused records sent again. */
async function sendAll(kinesis: KinesisClient, streamName: string, entries: PutRecordsRequestEntry[]) {
  const batches: PutRecordsRequestEntry[][] = [];
  let batch: PutRecordsRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entry.Data!.length + entry.PartitionKey!.length;
    if (batch.length === 500 || bytes + size > 5 * 1024 * 1024) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(entry);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  await inParallel(batches, 4, async (records) => {
    let pending = records;
    while (pending.length > 0) {
      const output = await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records: pending }));
      pending = pending.filter((_, i) => output.Records?.[i]?.ErrorCode !== undefined);
    }
  });
}

async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/**
 * Reads the stream back: it must hold as many user records, and as many data bytes, as were produced (the order across
 * shards differs, so records are not compared one by one). Returns the number of Kinesis records.
 */
async function verify(
  kinesis: KinesisClient,
  stream: string,
  produced: readonly UserRecord[],
  name: string,
): Promise<number> {
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: stream }));
  let users = 0;
  let bytes = 0;
  let kinesisRecords = 0;
  for (const shard of Shards) {
    let iterator = (
      await kinesis.send(
        new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
      )
    ).ShardIterator;
    while (iterator !== undefined) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const r of page.Records ?? []) {
        kinesisRecords++;
        for (const user of deaggregateRecord({
          partitionKey: r.PartitionKey!,
          sequenceNumber: r.SequenceNumber!,
          data: r.Data!,
        })) {
          users++;
          bytes += user.data.length;
        }
      }
      if ((page.Records ?? []).length === 0 || page.MillisBehindLatest === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  const expectedBytes = produced.reduce((n, r) => n + r.data.length, 0);
  if (users !== produced.length || bytes !== expectedBytes) {
    throw new Error(
      `${name}: read back ${users} user records of ${bytes} bytes, produced ${produced.length} of ${expectedBytes}`,
    );
  }
  return kinesisRecords;
}
