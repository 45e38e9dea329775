/**
 * `estimateCost` against figures worked out by hand from the price table: 730 hours a month, 2,628,000 seconds.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type CostEstimate,
  type CostLine,
  estimateCost,
  LIMITS,
  PRESET_NAMES,
  PRICES,
  parseSpecText,
  presetSpec,
  StreamkitError,
} from '../src/index.ts';

const parse = (yaml: string) => parseSpecText(yaml, { source: 'streamkit.yaml', skipFileChecks: true });
const P = PRICES['us-east-1'];
const SECONDS = 730 * 3600;
const GB = 1024 ** 3;

function lineOf(estimate: CostEstimate, component: string, item: string | RegExp): CostLine {
  const line = estimate.lines.find(
    (l) => l.component === component && (typeof item === 'string' ? l.item === item : item.test(l.item)),
  );
  assert.ok(line, `no line ${component} / ${item} in ${estimate.lines.map((l) => `${l.component} / ${l.item}`)}`);
  return line;
}

/** Dollars to the cent: the estimate is arithmetic, so anything beyond floating-point noise is a mistake. */
function assertUsd(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined, `${what} has no price`);
  assert.ok(
    Math.abs(actual - expected) < 0.005,
    `${what}: expected $${expected.toFixed(4)}, got $${actual.toFixed(4)}`,
  );
}

describe('streamkit cost: a provisioned stream behind the ingest API, with a Lambda consumer', () => {
  const spec = parse('preset: apigw-kinesis-lambda\nstream:\n  mode: PROVISIONED\n  shardCount: 2\n');
  const estimate = estimateCost(spec, { throughput: 100, recordSize: 1000 });
  const records = 100 * SECONDS; // 262,800,000

  test('states the month, region and date of the prices it used', () => {
    assert.equal(estimate.hoursPerMonth, 730);
    assert.equal(estimate.region, 'us-east-1');
    assert.match(estimate.pricesReadOn, /^\d{4}-\d{2}-\d{2}$/);
  });

  test('Kinesis: 2 shards for 730 hours and one 25 KB PUT payload unit per record', () => {
    assertUsd(lineOf(estimate, 'Kinesis data stream', 'shard-hours').monthlyUsd, 2 * 730 * 0.015, 'shard-hours');
    assertUsd(
      lineOf(estimate, 'Kinesis data stream', /PUT payload units/).monthlyUsd,
      (records / 1e6) * 0.014,
      'PUT payload units',
    );
  });

  test('API Gateway: one REST request per record at $3.50 a million', () => {
    assertUsd(lineOf(estimate, 'API Gateway ingest API', 'REST requests').monthlyUsd, 262.8 * 3.5, 'REST requests');
  });

  test('Lambda: two invocations a second (one poll per shard beats 100 records / batch size 100)', () => {
    const invocations = 2 * SECONDS; // 5,256,000
    const consumer = 'Lambda consumer';
    assertUsd(lineOf(estimate, consumer, 'requests').monthlyUsd, 5.256 * 0.2, 'Lambda requests');
    // 100 ms at 256 MB: 0.025 GB-s per invocation.
    assertUsd(
      lineOf(estimate, consumer, /GB-seconds/).monthlyUsd,
      invocations * 0.1 * 0.25 * 0.0000133334,
      'Lambda GB-seconds',
    );
  });

  test('CloudWatch: every alarm the spec defines, its dashboard, and the logs of every request and invocation', () => {
    const alarms = lineOf(estimate, 'CloudWatch', 'alarms');
    assert.ok(alarms.quantity > 0);
    assertUsd(alarms.monthlyUsd, alarms.quantity * 0.1, 'alarms');
    assertUsd(lineOf(estimate, 'CloudWatch', 'dashboard').monthlyUsd, 3, 'dashboard');
    const logsGb = ((records + 2 * SECONDS) * LIMITS.cost.logBytesPerInvocation.value) / GB;
    assertUsd(lineOf(estimate, 'CloudWatch', 'logs ingested').monthlyUsd, logsGb * 0.5, 'logs ingested');
  });

  test('KMS: the alarm topic’s key; the stream uses the AWS managed key', () => {
    const kms = lineOf(estimate, 'KMS', /customer managed keys/);
    assert.equal(kms.quantity, 1);
    assertUsd(kms.monthlyUsd, 1, 'KMS');
  });

  test('the total is the sum of the lines', () => {
    const sum = estimate.lines.reduce((s, l) => s + (l.monthlyUsd ?? 0), 0);
    assertUsd(estimate.totalUsd, sum, 'total');
    assert.deepEqual(estimate.warnings, []);
  });

  test('requests carrying several records divide the API Gateway line', () => {
    const batched = estimateCost(spec, { throughput: 100, recordSize: 1000, recordsPerRequest: 100 });
    assertUsd(lineOf(batched, 'API Gateway ingest API', 'REST requests').monthlyUsd, 2.628 * 3.5, 'REST requests');
  });

  test('a load beyond the shards gets a warning naming stream.shardCount', () => {
    const busy = estimateCost(spec, { throughput: 5000, recordSize: 100 });
    assert.match(busy.warnings.join('\n'), /stream\.shardCount 2 .* needs 5 shards/);
  });

  test('a customer managed stream key adds a key', () => {
    const kms = estimateCost(parse('preset: apigw-kinesis-lambda\nstream:\n  mode: PROVISIONED\n  encryption: KMS\n'), {
      throughput: 1,
      recordSize: 1,
    });
    assert.equal(lineOf(kms, 'KMS', /customer managed keys/).quantity, 2);
  });
});

describe('streamkit cost: an on-demand stream into Firehose and S3', () => {
  const estimate = estimateCost(presetSpec('kinesis-firehose-s3'), { throughput: 10, recordSize: 1500 });
  const records = 10 * SECONDS; // 26,280,000

  test('on-demand Kinesis rounds each record up to 1 KB (1,500 bytes bill as 2 KB) and Firehose reads it once', () => {
    const gb = (records * 2048) / GB;
    assertUsd(lineOf(estimate, 'Kinesis data stream', /stream-hours/).monthlyUsd, 730 * 0.04, 'stream-hours');
    assertUsd(lineOf(estimate, 'Kinesis data stream', /data in/).monthlyUsd, gb * 0.08, 'data in');
    assertUsd(lineOf(estimate, 'Kinesis data stream', 'data out (1 reader)').monthlyUsd, gb * 0.04, 'data out');
  });

  test('Firehose rounds each record up to 5 KB', () => {
    assertUsd(
      lineOf(estimate, 'Firehose delivery stream', /ingestion/).monthlyUsd,
      ((records * 5120) / GB) * 0.029,
      'ingestion',
    );
  });

  test('S3: 15 KB/s never fills a 5 MB buffer, so one object every 300 s', () => {
    const puts = lineOf(estimate, 'S3 bucket', 'PUT requests');
    assert.equal(Math.round(puts.quantity * 1000), SECONDS / 300);
    assertUsd(puts.monthlyUsd, (8760 / 1000) * 0.005, 'PUT requests');
    assertUsd(lineOf(estimate, 'S3 bucket', /storage/).monthlyUsd, ((records * 1500) / GB) * 0.023, 'storage');
  });

  test('format conversion and dynamic partitioning are billed only when on', () => {
    assert.equal(
      estimate.lines.some((l) => /format conversion|dynamic partitioning/.test(l.item)),
      false,
    );
    const parquet = estimateCost(
      parse(
        'preset: kinesis-firehose-s3\ndelivery:\n  dataFormatConversion:\n    enabled: true\n    columns:\n      - { name: id, type: string }\n',
      ),
      { throughput: 10, recordSize: 1500 },
    );
    assertUsd(
      lineOf(parquet, 'Firehose delivery stream', 'format conversion').monthlyUsd,
      ((records * 5120) / GB) * 0.018,
      'format conversion',
    );
  });
});

describe('streamkit cost: an MSK cluster', () => {
  const estimate = estimateCost(presetSpec('msk-cluster'), { throughput: 1000, recordSize: 500 });

  test('3 kafka.m7g.large brokers with 100 GiB each, one NAT gateway and the t3.small client', () => {
    assertUsd(lineOf(estimate, 'MSK cluster', /broker-hours/).monthlyUsd, 3 * 730 * 0.204, 'brokers');
    assertUsd(lineOf(estimate, 'MSK cluster', /broker storage/).monthlyUsd, 300 * 0.1, 'broker storage');
    assertUsd(lineOf(estimate, 'VPC', 'NAT gateway-hours').monthlyUsd, 730 * 0.045, 'NAT');
    assertUsd(lineOf(estimate, 'EC2 Kafka client instance', /t3\.small/).monthlyUsd, 730 * 0.0208, 'client');
  });

  test('broker hours do not depend on the load', () => {
    const idle = estimateCost(presetSpec('msk-cluster'), { throughput: 1, recordSize: 1 });
    assert.equal(
      lineOf(idle, 'MSK cluster', /broker-hours/).monthlyUsd,
      lineOf(estimate, 'MSK cluster', /broker-hours/).monthlyUsd,
    );
  });

  test('MSK Serverless bills cluster-hours, partition-hours and data instead', () => {
    const serverless = estimateCost(parse('preset: msk-cluster\ncluster:\n  kind: serverless\n'), {
      throughput: 1000,
      recordSize: 500,
    });
    const gb = (1000 * SECONDS * 500) / GB;
    assertUsd(lineOf(serverless, 'MSK cluster', /cluster-hours/).monthlyUsd, 730 * 0.75, 'cluster-hours');
    assertUsd(lineOf(serverless, 'MSK cluster', 'partition-hours').monthlyUsd, 3 * 730 * 0.0015, 'partition-hours');
    assertUsd(lineOf(serverless, 'MSK cluster', 'data in').monthlyUsd, gb * 0.1, 'data in');
    assert.equal(
      serverless.lines.some((l) => /broker/.test(l.item)),
      false,
    );
  });
});

describe('streamkit cost: Managed Flink', () => {
  test('one KPU for parallelism 1 plus one that orchestrates, and 50 GB of running storage per KPU', () => {
    const estimate = estimateCost(presetSpec('kinesis-flink-apigw'), { throughput: 10, recordSize: 200 });
    const kpus = lineOf(estimate, 'Managed Flink application', /KPU-hours/);
    assert.equal(kpus.quantity, 2 * 730);
    assertUsd(kpus.monthlyUsd, 2 * 730 * 0.11, 'KPU-hours');
    assertUsd(lineOf(estimate, 'Managed Flink application', /running storage/).monthlyUsd, 50 * 0.1, 'storage');
    assertUsd(lineOf(estimate, 'EC2 producer instance', /t3\.small/).monthlyUsd, 730 * 0.0208, 'producer');
    assertUsd(lineOf(estimate, 'Fare API', 'REST requests').monthlyUsd, ((10 * SECONDS) / 1e6) * 3.5, 'fare API');
  });
});

describe('streamkit cost: every preset', () => {
  const required: Partial<Record<string, string>> = {
    'msk-flink-s3': 'flink:\n  sql: job.sql\n',
    'msk-connect-s3': 'connector:\n  plugin: s3://my-plugins/kafka-connect-s3.zip\n',
  };
  for (const preset of PRESET_NAMES) {
    test(`${preset}: a positive total, every priced line at or above 0`, () => {
      const yaml = required[preset];
      const spec = yaml === undefined ? presetSpec(preset) : parse(`preset: ${preset}\n${yaml}`);
      const estimate = estimateCost(spec, { throughput: 100, recordSize: 512 });
      assert.ok(estimate.totalUsd > 0);
      for (const line of estimate.lines) assert.ok((line.monthlyUsd ?? 0) >= 0, `${line.component} ${line.item}`);
      for (const line of estimate.lines.filter((l) => l.price === undefined)) {
        assert.ok(
          estimate.warnings.some((w) => w.includes(line.item)),
          `no warning for unpriced ${line.item}`,
        );
      }
    });
  }
});

describe('streamkit cost: bad input', () => {
  const spec = presetSpec('apigw-kinesis-lambda');
  const rejects = (input: Parameters<typeof estimateCost>[1], message: RegExp) =>
    assert.throws(
      () => estimateCost(spec, input),
      (error: unknown) =>
        error instanceof StreamkitError && error.code === 'SK_VALIDATION' && message.test(error.message),
    );

  test('a region without prices names the regions that have them', () => {
    rejects(
      { throughput: 1, recordSize: 1, region: 'eu-west-1' },
      /region must be one of us-east-1, the regions of the price table \(got "eu-west-1"\)/,
    );
  });

  test('records per request must be between 1 and 500', () => {
    rejects(
      { throughput: 1, recordSize: 1, recordsPerRequest: 501 },
      /recordsPerRequest must be a whole number between 1 and 500 \(got 501\)/,
    );
  });

  test('throughput and record size must be above 0', () => {
    rejects({ throughput: 0, recordSize: 1 }, /throughput must be a number of records per second above 0 \(got 0\)/);
    rejects({ throughput: 1, recordSize: Number.NaN }, /recordSize must be a number of bytes above 0 \(got NaN\)/);
  });

  test('every price links to its AWS pricing page', () => {
    const walk = (value: unknown): string[] =>
      value && typeof value === 'object'
        ? 'usd' in value
          ? [String((value as unknown as { docs: string }).docs)]
          : Object.values(value).flatMap(walk)
        : [];
    const links = walk(P);
    assert.ok(links.length > 50);
    for (const link of links) assert.match(link, /^https:\/\/aws\.amazon\.com\/.+\/pricing\//);
  });
});

describe('docs/cost.md', () => {
  test('carries the current price table, assumptions and preset estimates (run `npm run docs`)', async () => {
    const { readFileSync } = await import('node:fs');
    const { withCostTables } = await import('../src/docs/cost-doc.ts');
    const { withLimitsTable } = await import('../src/docs/limits-doc.ts');
    const page = readFileSync(new URL('../../../docs/cost.md', import.meta.url), 'utf8');
    assert.equal(page, withCostTables(withLimitsTable(page, 'cost')));
  });
});
