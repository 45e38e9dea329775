/**
 * The Flink jobs (flink/) on a real Apache Flink in local JVMs, launched the way `streamkit dev` launches them:
 * built once with Maven (cached by source hash), reading the local Kinesis engine over CBOR, writing to the object
 * store's directory.
 *
 * - the SQL runner: N stock ticks in, exactly the ticks above the price filter out, partitioned by ticker/date/hour;
 * - the enrichment job: every ride out, carrying the answer of a local HTTP endpoint that checks the API key;
 * - kill -9 of the JVM mid-stream: the launcher restarts it from the last retained checkpoint and no tick is lost
 *   (duplicates would be counted and allowed; the file sink is exactly-once, so there are none).
 *
 * Needs `mvn` and `java` (17+); without them the tests fail and say so. Slow by nature (JVMs), so one file
 * with one engine; every wait is for a condition with a generous deadline, never a fixed sleep.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import {
  enrichmentJobProperties,
  FARE_ESTIMATE_ROUTE,
  LIMITS,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  parseSpecText,
  sqlRunnerProperties,
} from '@streamkit/core';
import { taxiRides } from '@streamkit/producer';
import { buildFlinkJobs, type FlinkJobsBuild, LocalFlinkJob, localEnrichmentProperties } from '../src/flink/index.ts';
import { type LocalPipeline, startLocalPipeline } from '../src/index.ts';
import { type KinesisEngine, startKinesisEngine } from '../src/kinesis/index.ts';
import { countOutputLines } from '../src/pipeline/flink-presets.ts';
import { requireJavaAndMaven } from './support/tools.ts';

const OUTPUT_DEADLINE_MS = 120_000;

/** The preset's SQL with TRIM_HORIZON, a rollover interval (1 s) and the output path as variables. */
const STOCK_SQL = `
CREATE TABLE stock_table (
  ticker VARCHAR(6), price DOUBLE, event_time TIMESTAMP(3),
  WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kinesis', 'stream' = '\${STREAM_NAME}', 'aws.region' = '\${AWS_REGION}',
  'scan.stream.initpos' = 'TRIM_HORIZON', 'format' = 'json', 'json.timestamp-format.standard' = 'SQL'
);
CREATE TABLE stock_s3 (ticker VARCHAR(6), price DOUBLE, event_time TIMESTAMP(3), dt STRING, hr STRING)
PARTITIONED BY (ticker, dt, hr) WITH (
  'connector' = 'filesystem', 'path' = '\${OUTPUT_PATH}', 'format' = 'json',
  'sink.rolling-policy.rollover-interval' = '\${ROLLOVER_INTERVAL:-1 s}',
  'sink.rolling-policy.check-interval' = '\${ROLLOVER_INTERVAL:-1 s}'
);
INSERT INTO stock_s3
SELECT ticker, price, event_time, DATE_FORMAT(event_time, 'yyyy-MM-dd'), DATE_FORMAT(event_time, 'HH')
FROM stock_table WHERE price > 50;
`;

describe('Flink jobs on a local Flink', { timeout: 600_000 }, () => {
  before(requireJavaAndMaven);
  let dataDir: string;
  let engine: KinesisEngine;
  let kinesis: KinesisClient;
  let build: FlinkJobsBuild;
  const jobs: LocalFlinkJob[] = [];

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'streamkit-flink-'));
    engine = await startKinesisEngine({ port: 0, tls: false });
    kinesis = new KinesisClient({ endpoint: engine.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    build = await buildFlinkJobs();
  });
  after(async () => {
    await Promise.all(jobs.map((job) => job.stop()));
    kinesis?.destroy();
    await engine?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function createStream(name: string, shardCount: number): Promise<void> {
    await engine.dispatch('CreateStream', { StreamName: name, ShardCount: shardCount });
  }

  async function put(streamName: string, records: readonly { key: string; data: object }[]): Promise<void> {
    for (let i = 0; i < records.length; i += 500) {
      const Records = records
        .slice(i, i + 500)
        .map((r) => ({ PartitionKey: r.key, Data: Buffer.from(JSON.stringify(r.data)) }));
      const out = await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records }));
      assert.equal(out.FailedRecordCount, 0);
    }
  }

  /**
   * The SQL runner on the original's Studio example, with core's job contract for its properties. The SQL is the
   * preset's (packages/core/src/presets/sql/stock-ticks-to-s3.sql) plus a rollover interval, so that part files are
   * finished at the next checkpoint instead of after 30 minutes.
   */
  async function sqlRunner(
    name: string,
    streamName: string,
    outputDir: string,
    sql = STOCK_SQL,
  ): Promise<LocalFlinkJob> {
    const jobDir = path.join(dataDir, 'flink', name);
    await mkdir(jobDir, { recursive: true });
    const sqlFile = path.join(jobDir, 'job.sql');
    await writeFile(sqlFile, sql);
    const job = new LocalFlinkJob({
      name,
      kind: 'sqlRunner',
      build,
      jobDir,
      checkpointIntervalMs: 1500,
      properties: sqlRunnerProperties({
        sqlUri: pathToFileURL(sqlFile).href,
        streamName,
        region: LOCAL_REGION,
        outputPath: pathToFileURL(outputDir).href,
        kinesisEndpoint: engine.endpoint,
      }),
    });
    jobs.push(job);
    return job;
  }

  /** Stock ticks with unique event times; price i*37 mod 100 (+0.25), so the filter's count is known. */
  function ticks(from: number, count: number) {
    const tickers = ['AAPL', 'AMZN', 'MSFT', 'INTC', 'TBV'];
    const base = Date.UTC(2026, 10, 26, 9, 59, 0);
    return Array.from({ length: count }, (_, j) => {
      const i = from + j;
      const ticker = tickers[i % tickers.length] ?? 'AAPL';
      const eventTime = new Date(base + i * 7).toISOString().replace('T', ' ').replace('Z', '');
      return { key: ticker, data: { ticker, price: ((i * 37) % 100) + 0.25, event_time: eventTime } };
    });
  }

  test('the SQL runner writes exactly the ticks above the price, partitioned by ticker/date/hour', async () => {
    await createStream('stock-ticks', 2);
    const input = ticks(0, 2000);
    const expected = input.filter((tick) => tick.data.price > 50).map((tick) => tickId(tick.data));
    await put('stock-ticks', input);
    const output = path.join(dataDir, 's3', 'output-bucket', 'stocks');
    const job = await sqlRunner('stock-sql', 'stock-ticks', output);
    await job.start();

    const rows = await waitForRows(output, expected.length, job);
    assert.equal(rows.length, expected.length);
    assert.deepEqual(rows.map((row) => tickId(row)).sort(), [...expected].sort());
    for (const row of rows) {
      assert.match(row.file, /^ticker=[A-Z]+\/dt=2026-11-26\/hr=(09|10)\/part-/);
      assert.ok(Number(row.price) > 50);
    }
    await job.stop();
    assert.equal(job.state, 'stopped');
  });

  test('kill -9 of the JVM mid-stream: restarted from its last checkpoint, no tick lost', async () => {
    await createStream('stock-ticks-crash', 2);
    const output = path.join(dataDir, 's3', 'output-bucket', 'crash');
    const job = await sqlRunner('stock-crash', 'stock-ticks-crash', output);
    const first = ticks(10_000, 1000);
    await put('stock-ticks-crash', first);
    const started = Date.now();
    await job.start();
    await job.waitForCheckpoint(started, OUTPUT_DEADLINE_MS);
    await put('stock-ticks-crash', ticks(11_000, 1000));
    const killedPid = job.pid;
    await job.kill();
    await put('stock-ticks-crash', ticks(12_000, 1000));

    const all = [...first, ...ticks(11_000, 2000)];
    const expected = new Set(all.filter((tick) => tick.data.price > 50).map((tick) => tickId(tick.data)));
    await waitFor(() => job.state === 'running' && job.pid !== killedPid, 60_000, 'the launcher restarts the JVM');
    assert.equal(job.restartCount, 1);
    assert.ok(job.restoredFrom, 'the new JVM starts from a retained checkpoint');

    const rows = await waitForRows(output, expected.size, job, (found) => covers(found, expected));
    const seen = new Map<string, number>();
    for (const row of rows) seen.set(tickId(row), (seen.get(tickId(row)) ?? 0) + 1);
    const lost = [...expected].filter((id) => !seen.has(id));
    const duplicates = [...seen.values()].filter((n) => n > 1).length;
    assert.deepEqual(lost, [], 'no tick is lost');
    assert.equal(seen.size, expected.size, 'nothing but the filtered ticks');
    // At-least-once is the promise; the file sink with Flink's checkpoints is exactly-once, so we see no duplicates.
    assert.equal(duplicates, 0);
    await job.stop();
  });

  test('a reshard: the parent shard is read to its end before its children, so each ticker stays in order', async () => {
    await createStream('stock-ticks-reshard', 1);
    // Several GetRecords calls' worth (10,000 each) in the parent, so its reads would interleave with the children's.
    const before = ticks(20_000, 25_000);
    await put('stock-ticks-reshard', before);
    await engine.dispatch('SplitShard', {
      StreamName: 'stock-ticks-reshard',
      ShardToSplit: 'shardId-000000000000',
      NewStartingHashKey: (2n ** 127n).toString(),
    });
    await waitFor(
      async () =>
        (
          (await engine.dispatch('DescribeStreamSummary', { StreamName: 'stock-ticks-reshard' })) as {
            StreamDescriptionSummary: { StreamStatus: string };
          }
        ).StreamDescriptionSummary.StreamStatus === 'ACTIVE',
      30_000,
      'the split is done',
    );
    const afterSplit = ticks(45_000, 3000);
    await put('stock-ticks-reshard', afterSplit);
    const expected = [...before, ...afterSplit].filter((tick) => tick.data.price > 50);
    const output = path.join(dataDir, 's3', 'output-bucket', 'reshard');
    const job = await sqlRunner('stock-reshard', 'stock-ticks-reshard', output);
    await job.start();

    const rows = await waitForRows(output, expected.length, job);
    assert.equal(rows.length, expected.length, 'every tick above the price, once');
    // Within a partition (ticker/date/hour), the part files in the order the sink rolled them, and their lines, are
    // the order the job read the ticks in; a ticker's ticks were written in event-time order.
    const outOfOrder: string[] = [];
    const latest = new Map<string, number>();
    for (const row of rows) {
      const partition = path.posix.dirname(row.file);
      const time = Date.parse(`${String(row.event_time).replace(' ', 'T')}Z`);
      const previous = latest.get(partition) ?? Number.NEGATIVE_INFINITY;
      if (time < previous) outOfOrder.push(`${partition}: ${previous} then ${time}`);
      latest.set(partition, Math.max(previous, time));
    }
    assert.deepEqual(outOfOrder.slice(0, 5), [], `${outOfOrder.length} ticks read out of order`);
    await job.stop();
  });

  test('AT_TIMESTAMP: only the ticks that arrived at or after the start time', async () => {
    await createStream('stock-ticks-at', 2);
    await put('stock-ticks-at', ticks(50_000, 500));
    const startTime = new Date(Date.now() + 20);
    await waitFor(() => Date.now() > startTime.getTime() + 20, 5_000, 'the start time has passed');
    const later = ticks(51_000, 500);
    await put('stock-ticks-at', later);
    const expected = later.filter((tick) => tick.data.price > 50).map((tick) => tickId(tick.data));
    const output = path.join(dataDir, 's3', 'output-bucket', 'at-timestamp');
    const sql = STOCK_SQL.replace(
      "'scan.stream.initpos' = 'TRIM_HORIZON'",
      `'scan.stream.initpos' = 'AT_TIMESTAMP', 'scan.stream.initpos-timestamp' = '${startTime.toISOString()}'`,
    );
    const job = await sqlRunner('stock-at', 'stock-ticks-at', output, sql);
    await job.start();
    const rows = await waitForRows(output, expected.length, job);
    assert.deepEqual(rows.map((row) => tickId(row)).sort(), [...expected].sort());
    await job.stop();
  });

  test('the enrichment job puts the endpoint’s answer on every ride', async () => {
    await createStream('taxi-rides', 2);
    const apiKey = 'local-key-7';
    let unauthorized = 0;
    const endpoint = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (
          req.method !== 'POST' ||
          req.url !== `/prod/${FARE_ESTIMATE_ROUTE}` ||
          req.headers['x-api-key'] !== apiKey
        ) {
          unauthorized++;
          res.writeHead(403).end('{"message":"Forbidden"}');
          return;
        }
        const ride = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { trip_id: number };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ trip_id: ride.trip_id, expected_fare: 10 + (ride.trip_id % 90) }));
      });
    });
    endpoint.listen(0, '127.0.0.1');
    await new Promise((resolve) => endpoint.once('listening', resolve));
    after(() => new Promise((resolve) => endpoint.close(resolve)));
    const keyFile = path.join(dataDir, 'api-key');
    await writeFile(keyFile, apiKey);

    const rides = Array.from({ length: 300 }, (_, i) => ({
      key: `ride-${i}`,
      data: { ride_id: `ride-${i}`, trip_id: i, trip_distance: 1 + (i % 9) },
    }));
    await put('taxi-rides', rides);
    const output = path.join(dataDir, 's3', 'output-bucket', 'enriched');
    const job = new LocalFlinkJob({
      name: 'enrichment',
      kind: 'enrichment',
      build,
      jobDir: path.join(dataDir, 'flink', 'enrichment'),
      checkpointIntervalMs: 1500,
      properties: localEnrichmentProperties(
        enrichmentJobProperties({
          streamName: 'taxi-rides',
          region: LOCAL_REGION,
          endpointUrl: `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/prod/`,
          timeoutMs: LIMITS.flink.enrichmentTimeout.default * 1000,
          capacity: LIMITS.flink.enrichmentCapacity.default,
          retries: LIMITS.flink.enrichmentRetries.default,
          ordered: LIMITS.flink.enrichmentOrdered.default,
          kinesisEndpoint: engine.endpoint,
        }),
        { apiKeyFile: keyFile, outputPath: pathToFileURL(output).href, initialPosition: 'TRIM_HORIZON' },
      ),
    });
    jobs.push(job);
    await job.start();
    const rows = await waitForRows(output, rides.length, job);
    assert.equal(rows.length, rides.length);
    const byId = new Map(rows.map((row) => [row.trip_id as number, row]));
    for (let i = 0; i < rides.length; i++) {
      const row = byId.get(i) as { enrichment?: { expected_fare?: number }; ride_id?: string } | undefined;
      assert.ok(row, `ride ${i} reached the output`);
      assert.equal(row.ride_id, `ride-${i}`);
      assert.equal(row.enrichment?.expected_fare, 10 + (i % 90));
    }
    assert.equal(unauthorized, 0);
    await job.stop();
  });
});

describe('streamkit dev with the Flink presets (startLocalPipeline)', { timeout: 600_000 }, () => {
  before(requireJavaAndMaven);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'streamkit-flink-dev-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function putAll(pipeline: LocalPipeline, records: readonly { key: string; data: string }[]) {
    for (let i = 0; i < records.length; i += 500) {
      const Records = records.slice(i, i + 500).map((r) => ({ PartitionKey: r.key, Data: Buffer.from(r.data) }));
      const out = await pipeline.kinesis.send(new PutRecordsCommand({ StreamName: pipeline.streamName, Records }));
      assert.equal(out.FailedRecordCount, 0);
    }
  }

  test('kpl-kinesis-flink-s3: ticks produced = ticks above $50 in the output bucket, exactly', async (t) => {
    // The preset's SQL reads ${ROLLOVER_INTERVAL:-…} here so part files are finished at local checkpoints.
    const sqlFile = path.join(dir, 'stocks.sql');
    await writeFile(sqlFile, STOCK_SQL);
    const spec = parseSpecText(
      `name: stocks\npreset: kpl-kinesis-flink-s3\nflink:\n  sql: ${sqlFile}\nlocal:\n  kinesisPort: 0\n  dataDir: ${path.join(dir, 'stocks')}\n`,
      { source: 'e2e spec' },
    );
    const pipeline = await startLocalPipeline(spec, { flinkCheckpointIntervalMs: 1500 });
    t.after(() => pipeline.stop());
    assert.equal(pipeline.flinkJobs.get('sql')?.state, 'running');

    const input = Array.from({ length: 1500 }, (_, i) => {
      const tick = {
        ticker: ['AAPL', 'AMZN', 'MSFT'][i % 3],
        price: ((i * 37) % 100) + 0.5,
        event_time: `2026-11-26 10:00:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}`,
      };
      return { key: String(tick.ticker), data: JSON.stringify(tick) };
    });
    const expected = input.filter((r) => (JSON.parse(r.data) as { price: number }).price > 50).length;
    await putAll(pipeline, input);

    const output = pipeline.objectStore.bucketPath(pipeline.bucket ?? '');
    await waitFor(
      async () => (await countOutputLines(output)) >= expected,
      OUTPUT_DEADLINE_MS,
      'the ticks are written',
    );
    assert.equal(await countOutputLines(output), expected);
    assert.ok(await pipeline.drain(60_000), 'the pipeline settles');
    assert.equal(pipeline.counts.ingested, input.length);
    assert.equal(pipeline.counts.processed, input.length, 'Flink read every tick');

    // The application's metrics under MSF's names, read from the MiniCluster's REST API, and its alarms evaluated.
    const monitoring = pipeline.monitoring;
    assert.deepEqual(
      monitoring.alarms.unevaluated.map((u) => `${u.definition.id}: ${u.reason}`),
      [],
      'every alarm of the preset has a local counterpart',
    );
    const application = { Application: 'stocks-application' };
    const latest = (metricName: string, dimensions: Record<string, string> = application) =>
      monitoring.store.aggregate({ namespace: 'AWS/KinesisAnalytics', metricName, dimensions }, 0, Date.now() + 1);
    await waitFor(
      () => ['cpuUtilization', 'heapMemoryUtilization', 'downtime'].every((m) => latest(m) !== undefined),
      OUTPUT_DEADLINE_MS,
      'the job metrics are sampled',
    );
    assert.equal(latest('downtime')?.maximum, 0, 'a job that started and runs has had no downtime');
    assert.ok(latest('heapMemoryUtilization')!.maximum > 0 && latest('heapMemoryUtilization')!.maximum <= 100);
    assert.ok(latest('millisBehindLatest', { ...application, Id: 'stocks_stream', Flow: 'Input' }));
    await waitFor(
      () => monitoring.alarms.get('FlinkDowntime')?.state === 'OK',
      OUTPUT_DEADLINE_MS,
      'FlinkDowntime is OK',
    );
    // A JVM killed: downtime until the launcher's restart answers again, and the downtime alarm fires.
    await pipeline.flinkJobs.get('sql')?.kill();
    await waitFor(
      () => monitoring.alarms.get('FlinkDowntime')?.state === 'ALARM',
      OUTPUT_DEADLINE_MS,
      'FlinkDowntime goes to ALARM',
    );
    assert.ok(latest('downtime')!.maximum > 0);
  });

  test('kinesis-flink-apigw: every ride reaches the output with the fare API’s answer', async (t) => {
    const spec = parseSpecText(
      `name: rides\npreset: kinesis-flink-apigw\nlocal:\n  kinesisPort: 0\n  dataDir: ${path.join(dir, 'rides')}\n`,
      { source: 'e2e spec' },
    );
    const pipeline = await startLocalPipeline(spec, { flinkCheckpointIntervalMs: 1500 });
    t.after(() => pipeline.stop());
    assert.ok(pipeline.fareApiUrl);

    const generator = taxiRides({ seed: 7 });
    const rides = Array.from({ length: 200 }, () => {
      const record = generator.next().value;
      return { key: record.partitionKey, data: JSON.stringify(record.data) };
    });
    await putAll(pipeline, rides);

    const output = path.join(pipeline.objectStore.bucketPath(pipeline.bucket ?? ''), 'enriched');
    await waitFor(
      async () => (await countOutputLines(output)) >= rides.length,
      OUTPUT_DEADLINE_MS,
      'the rides are written',
    );
    const rows = await readRows(output);
    assert.equal(rows.length, rides.length);
    const sent = new Map(rides.map((r) => [(JSON.parse(r.data) as { ride_id: string }).ride_id, r]));
    for (const row of rows) {
      assert.equal(row.enrichment_error, undefined, JSON.stringify(row));
      const answer = row.enrichment as { ride_id?: string; expected_fare?: number; currency?: string };
      assert.ok(sent.has(String(row.ride_id)), 'a ride that was produced');
      assert.equal(answer.ride_id, row.ride_id, 'the answer is about this ride');
      assert.equal(typeof answer.expected_fare, 'number');
      assert.equal(answer.currency, 'USD');
    }
    assert.equal(new Set(rows.map((row) => row.ride_id)).size, rides.length, 'each ride once');

    // The fare API's requests are counted as API Gateway counts them, under the cloud stack's API name.
    const api = { ApiName: 'streamkit-rides-fare', Stage: 'prod' };
    const count = pipeline.monitoring.store.aggregate(
      { namespace: 'AWS/ApiGateway', metricName: 'Count', dimensions: api },
      0,
      Date.now() + 1,
    );
    assert.ok(count && count.sum >= rides.length, `fare API requests counted: ${JSON.stringify(count)}`);
    assert.deepEqual(
      pipeline.monitoring.alarms.unevaluated.map((u) => u.definition.id),
      [],
      'every alarm of the preset has a local counterpart',
    );
  });
});

interface OutputRow {
  readonly file: string;
  readonly [field: string]: unknown;
}

function tickId(tick: Readonly<Record<string, unknown>>): string {
  // The file sink writes TIMESTAMP(3) without trailing zeros ("…:00.07"): compare instants, not text.
  return `${Date.parse(`${String(tick.event_time).replace(' ', 'T')}Z`)}|${Number(tick.price)}`;
}

function covers(rows: readonly OutputRow[], expected: ReadonlySet<string>): boolean {
  const seen = new Set(rows.map((row) => tickId(row)));
  return [...expected].every((id) => seen.has(id));
}

/**
 * The JSON lines of every committed part file under `root` (in-progress files are hidden: `.part-…`), file by file in
 * the order the sink rolled them (`part-<uuid>-<subtask>-<counter>`), each file's lines in order.
 */
async function readRows(root: string): Promise<OutputRow[]> {
  if (!existsSync(root)) return [];
  const rows: OutputRow[] = [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const counter = (name: string) => Number(/-(\d+)(\.[a-z]+)?$/.exec(name)?.[1] ?? 0);
  entries.sort((a, b) => a.parentPath.localeCompare(b.parentPath) || counter(a.name) - counter(b.name));
  for (const entry of entries) {
    if (!entry.isFile() || entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const relative = path.relative(root, file).split(path.sep).join('/');
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      if (line.trim() !== '') rows.push({ file: relative, ...(JSON.parse(line) as object) });
    }
  }
  return rows;
}

async function waitForRows(
  root: string,
  count: number,
  job: LocalFlinkJob,
  done: (rows: readonly OutputRow[]) => boolean = (rows) => rows.length >= count,
): Promise<OutputRow[]> {
  const deadline = Date.now() + OUTPUT_DEADLINE_MS;
  for (;;) {
    const rows = await readRows(root);
    if (done(rows)) return rows;
    if (Date.now() > deadline) {
      const log = await readFile(job.logFile, 'utf8').catch(() => '');
      assert.fail(
        `only ${rows.length} of ${count} rows in ${root} after ${OUTPUT_DEADLINE_MS} ms\n${log.slice(-4000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
