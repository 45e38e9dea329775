import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  ALARM_DIMENSIONS,
  alarmsFor,
  DEFAULT_FLINK_SQL,
  LIMITS,
  loadSpec,
  PRESETS,
  parseSpecText,
  presetSpec,
  requirePreset,
  SpecValidationError,
} from '../src/index.ts';

const F = LIMITS.flink;

function k2(yaml = '') {
  return requirePreset(
    parseSpecText(`preset: kpl-kinesis-flink-s3\n${yaml}`, { skipFileChecks: true }),
    'kpl-kinesis-flink-s3',
  );
}

function k4(yaml = '') {
  return requirePreset(
    parseSpecText(`preset: kinesis-flink-apigw\n${yaml}`, { skipFileChecks: true }),
    'kinesis-flink-apigw',
  );
}

function problemsOf(preset: string, yaml: string): string[] {
  try {
    parseSpecText(`preset: ${preset}\n${yaml}`, { source: 'streamkit.yaml', skipFileChecks: true });
  } catch (error) {
    assert.ok(error instanceof SpecValidationError, `expected a SpecValidationError, got ${error}`);
    return error.problems.map((p) => p.message);
  }
  assert.fail(`expected the spec to be rejected:\n${yaml}`);
}

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('kpl-kinesis-flink-s3 and kinesis-flink-apigw are registered presets', () => {
  test('both are in the registry with the original pattern they re-implement and a diagram that starts at the producer', () => {
    assert.equal(PRESETS['kpl-kinesis-flink-s3'].original, 'K2');
    assert.equal(PRESETS['kinesis-flink-apigw'].original, 'K4');
    for (const preset of [PRESETS['kpl-kinesis-flink-s3'], PRESETS['kinesis-flink-apigw']]) {
      const ids = new Set(preset.components.map((c) => c.id));
      for (const c of preset.components) for (const next of c.next) assert.ok(ids.has(next), `${c.id} → ${next}`);
      assert.equal(preset.components[0]!.kind, 'producer');
      assert.ok(preset.components.some((c) => c.kind === 'flink'));
    }
  });
});

describe('kpl-kinesis-flink-s3: defaults', () => {
  test('an empty spec is a SQL application on the newest runtime with AWS’s defaults, running the stock ticks example', () => {
    const spec = presetSpec('kpl-kinesis-flink-s3');
    assert.equal(spec.name, 'kpl-kinesis-flink-s3');
    assert.deepEqual(spec.flink, {
      mode: 'application',
      sql: DEFAULT_FLINK_SQL,
      notebookRuntime: 'ZEPPELIN-FLINK-3_0',
      runtime: 'FLINK-2_2',
      parallelism: 1,
      parallelismPerKpu: 1,
      autoScaling: true,
      checkpointing: true,
      checkpointInterval: 60,
      minPauseBetweenCheckpoints: 5,
      snapshots: true,
      logLevel: 'INFO',
      metricsLevel: 'APPLICATION',
      vpc: undefined,
    });
    assert.deepEqual(spec.producer, { instanceType: 't3.small', rate: 100, autoStart: true });
    assert.deepEqual(spec.bucket, { abortIncompleteMultipartUploadDays: 7, intelligentTieringDays: 1 });
    assert.equal(spec.stream.mode, 'ON_DEMAND');
  });

  test('the default SQL is the original’s example: stock ticks above $50 into S3 partitioned by ticker, day and hour', async () => {
    const { readFile } = await import('node:fs/promises');
    const sql = await readFile(DEFAULT_FLINK_SQL, 'utf8');
    assert.match(sql, /CREATE TABLE stock_table/);
    assert.match(sql, /PARTITIONED BY \(ticker, dt, hr\)/);
    assert.match(sql, /WHERE price > 50/);
    for (const variable of ['STREAM_NAME', 'AWS_REGION', 'OUTPUT_PATH']) assert.ok(sql.includes(`\${${variable}}`));
  });
});

describe('kpl-kinesis-flink-s3: valid settings are kept', () => {
  test('every application setting away from its default', () => {
    const spec = k2(`
name: ticks
producer: { instanceType: t4g.small, rate: 250, autoStart: false }
flink:
  sql: queries/ticks.sql
  parallelism: 8
  parallelismPerKpu: 2
  autoScaling: false
  checkpointInterval: 2m
  minPauseBetweenCheckpoints: 10s
  snapshots: false
  logLevel: WARN
  metricsLevel: OPERATOR
  vpc:
    subnetIds: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]
    securityGroupIds: [sg-0123456789abcdef0]
bucket: { intelligentTieringDays: 30 }
`);
    assert.equal(spec.flink.runtime, 'FLINK-2_2');
    assert.equal(spec.flink.parallelism, 8);
    assert.equal(spec.flink.parallelismPerKpu, 2);
    assert.equal(spec.flink.autoScaling, false);
    assert.equal(spec.flink.checkpointInterval, 120);
    assert.equal(spec.flink.minPauseBetweenCheckpoints, 10);
    assert.equal(spec.flink.snapshots, false);
    assert.equal(spec.flink.logLevel, 'WARN');
    assert.equal(spec.flink.metricsLevel, 'OPERATOR');
    assert.deepEqual(spec.flink.vpc, {
      subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
      securityGroupIds: ['sg-0123456789abcdef0'],
    });
    assert.deepEqual(spec.producer, { instanceType: 't4g.small', rate: 250, autoStart: false });
    assert.equal(spec.bucket.intelligentTieringDays, 30);
  });

  test('checkpointing off needs no interval', () => {
    assert.equal(k2('flink: { checkpointing: false }').flink.checkpointing, false);
  });

  test('a Studio notebook takes the log level and a VPC', () => {
    const spec = k2(
      'flink: { mode: notebook, logLevel: DEBUG, vpc: { subnetIds: [subnet-0123456789abcdef0], securityGroupIds: [sg-0123456789abcdef0] } }',
    );
    assert.equal(spec.flink.mode, 'notebook');
    assert.equal(spec.flink.logLevel, 'DEBUG');
    assert.equal(spec.flink.notebookRuntime, F.notebookRuntime.default);
    assert.deepEqual(spec.flink.vpc?.subnetIds, ['subnet-0123456789abcdef0']);
  });

  test('the SQL file is resolved against the spec file and must exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamkit-flink-spec-'));
    dirs.push(dir);
    const file = join(dir, 'streamkit.yaml');
    writeFileSync(file, 'preset: kpl-kinesis-flink-s3\nflink: { sql: ticks.sql }\n');
    assert.throws(
      () => loadSpec(file),
      (error: unknown) =>
        error instanceof SpecValidationError &&
        error.problems.some(
          (p) =>
            p.message === `flink.sql must name an existing file (got ${join(dir, 'ticks.sql')}, which does not exist)`,
        ),
    );
    writeFileSync(join(dir, 'ticks.sql'), 'SELECT 1;\n');
    const spec = requirePreset(loadSpec(file), 'kpl-kinesis-flink-s3');
    assert.equal(spec.flink.sql, join(dir, 'ticks.sql'));
  });
});

describe('the Flink presets: invalid settings are rejected with the field, the allowed values and the value received', () => {
  const cases: [string, string, string, string][] = [
    [
      'a runtime MSF does not offer',
      'kpl-kinesis-flink-s3',
      'flink: { runtime: FLINK-2_0 }',
      'flink.runtime must be one of FLINK-2_2 (got "FLINK-2_0")',
    ],
    [
      'an unknown mode',
      'kpl-kinesis-flink-s3',
      'flink: { mode: studio }',
      'flink.mode must be one of application, notebook (got "studio")',
    ],
    [
      'a parallelism of 0',
      'kinesis-flink-apigw',
      'flink: { parallelism: 0 }',
      'flink.parallelism must be between 1 and 256 tasks (got 0)',
    ],
    [
      'a parallelism of 257',
      'kpl-kinesis-flink-s3',
      'flink: { parallelism: 257 }',
      'flink.parallelism must be between 1 and 256 tasks (got 257)',
    ],
    [
      'a fractional parallelism',
      'kinesis-flink-apigw',
      'flink: { parallelism: 1.5 }',
      'flink.parallelism must be a whole number between 1 and 256 tasks (got 1.5)',
    ],
    [
      '9 tasks per KPU',
      'kinesis-flink-apigw',
      'flink: { parallelismPerKpu: 9 }',
      'flink.parallelismPerKpu must be between 1 and 8 tasks per KPU (got 9)',
    ],
    [
      'more KPUs than the quota',
      'kinesis-flink-apigw',
      'flink: { parallelism: 200, parallelismPerKpu: 3 }',
      'flink.parallelism needs 67 KPUs at 3 per KPU, over the quota of 64 KPUs per application; raise parallelismPerKpu or lower parallelism (got 200)',
    ],
    [
      'autoscaling as text',
      'kinesis-flink-apigw',
      'flink: { autoScaling: "yes" }',
      'flink.autoScaling must be true or false (got "yes")',
    ],
    [
      'a checkpoint interval of 0',
      'kpl-kinesis-flink-s3',
      'flink: { checkpointInterval: 0 }',
      'flink.checkpointInterval must be between 1 and 3600 seconds (got 0)',
    ],
    [
      'a checkpoint interval of two hours',
      'kpl-kinesis-flink-s3',
      'flink: { checkpointInterval: 2h }',
      'flink.checkpointInterval must be between 1 and 3600 seconds (got "2h")',
    ],
    [
      'a checkpoint interval in half seconds',
      'kpl-kinesis-flink-s3',
      'flink: { checkpointInterval: 1500ms }',
      'flink.checkpointInterval must be a whole number of seconds ("1500ms" is 1.5 seconds) (got "1500ms")',
    ],
    [
      'a checkpoint interval with checkpointing off',
      'kinesis-flink-apigw',
      'flink: { checkpointing: false, checkpointInterval: 30 }',
      'flink.checkpointInterval applies only when checkpointing is true (got false)',
    ],
    [
      'a pause longer than the interval',
      'kinesis-flink-apigw',
      'flink: { checkpointInterval: 30, minPauseBetweenCheckpoints: 40 }',
      'flink.minPauseBetweenCheckpoints must be at most checkpointInterval (30 seconds) (got 40)',
    ],
    [
      'a log level in lower case',
      'kinesis-flink-apigw',
      'flink: { logLevel: info }',
      'flink.logLevel must be one of DEBUG, INFO, WARN, ERROR (got "info") — did you mean "INFO"?',
    ],
    [
      'an unknown metrics level',
      'kinesis-flink-apigw',
      'flink: { metricsLevel: JOB }',
      'flink.metricsLevel must be one of APPLICATION, TASK, OPERATOR, PARALLELISM (got "JOB")',
    ],
    [
      'a misspelt setting',
      'kinesis-flink-apigw',
      'flink: { paralelism: 2 }',
      'flink.paralelism is not a known setting (did you mean "parallelism"? allowed: runtime, parallelism, parallelismPerKpu, autoScaling, checkpointing, checkpointInterval, minPauseBetweenCheckpoints, snapshots, logLevel, metricsLevel, vpc)',
    ],
    [
      'a VPC without security groups',
      'kinesis-flink-apigw',
      'flink: { vpc: { subnetIds: [subnet-0123456789abcdef0] } }',
      'flink.vpc.securityGroupIds is required: a list of 1 to 5 security group ids',
    ],
    [
      'a VPC with an empty subnet list',
      'kpl-kinesis-flink-s3',
      'flink: { vpc: { subnetIds: [], securityGroupIds: [sg-0123456789abcdef0] } }',
      'flink.vpc.subnetIds must list between 1 and 16 subnets (got 0)',
    ],
    [
      'a VPC with a malformed subnet id',
      'kpl-kinesis-flink-s3',
      'flink: { vpc: { subnetIds: [subnet-1], securityGroupIds: [sg-0123456789abcdef0] } }',
      'flink.vpc.subnetIds[0] must be a subnet id such as "subnet-0123456789abcdef0" (got "subnet-1")',
    ],
    [
      'a VPC with six security groups',
      'kinesis-flink-apigw',
      'flink: { vpc: { subnetIds: [subnet-0123456789abcdef0], securityGroupIds: [sg-00000001, sg-00000002, sg-00000003, sg-00000004, sg-00000005, sg-00000006] } }',
      'flink.vpc.securityGroupIds must list between 1 and 5 security groups (got 6)',
    ],
    [
      'a VPC listing a subnet twice',
      'kinesis-flink-apigw',
      'flink: { vpc: { subnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef0], securityGroupIds: [sg-0123456789abcdef0] } }',
      'flink.vpc.subnetIds must not list an id twice (got subnet-0123456789abcdef0, subnet-0123456789abcdef0)',
    ],
    [
      'a parallelism for a notebook',
      'kpl-kinesis-flink-s3',
      'flink: { mode: notebook, parallelism: 4 }',
      'flink.parallelism applies only when flink.mode is application; a Studio notebook sets it in its own paragraphs (got 4)',
    ],
    [
      'a runtime for a notebook',
      'kpl-kinesis-flink-s3',
      'flink: { mode: notebook, runtime: FLINK-2_2 }',
      'flink.runtime applies only when flink.mode is application; a Studio notebook sets it in its own paragraphs (got "FLINK-2_2")',
    ],
    [
      'a SQL file for a notebook',
      'kpl-kinesis-flink-s3',
      'flink: { mode: notebook, sql: ticks.sql }',
      'flink.sql applies only when flink.mode is application; in a notebook you run the SQL in Zeppelin (got "ticks.sql")',
    ],
    [
      'a SQL file for the enrichment job',
      'kinesis-flink-apigw',
      'flink: { sql: ticks.sql }',
      'flink.sql is not a known setting (allowed: runtime, parallelism, parallelismPerKpu, autoScaling, checkpointing, checkpointInterval, minPauseBetweenCheckpoints, snapshots, logLevel, metricsLevel, vpc)',
    ],
    [
      'an instance type without a size',
      'kpl-kinesis-flink-s3',
      'producer: { instanceType: t3small }',
      'producer.instanceType must be an EC2 instance type such as t3.small or t4g.small (got "t3small")',
    ],
    [
      'a producer rate of 0',
      'kpl-kinesis-flink-s3',
      'producer: { rate: 0 }',
      'producer.rate must be between 1 and 100000 records/s (got 0)',
    ],
    [
      'an enrichment timeout of 0',
      'kinesis-flink-apigw',
      'enrichment: { timeout: 0 }',
      'enrichment.timeout must be between 1 and 600 seconds (got 0)',
    ],
    [
      'an enrichment timeout of 11 minutes',
      'kinesis-flink-apigw',
      'enrichment: { timeout: 11m }',
      'enrichment.timeout must be between 1 and 600 seconds (got "11m")',
    ],
    [
      'an enrichment capacity of 0',
      'kinesis-flink-apigw',
      'enrichment: { capacity: 0 }',
      'enrichment.capacity must be between 1 and 10000 requests (got 0)',
    ],
    [
      '11 retries',
      'kinesis-flink-apigw',
      'enrichment: { retries: 11 }',
      'enrichment.retries must be between 0 and 10 retries (got 11)',
    ],
    [
      'an API key rotation every 0 days',
      'kinesis-flink-apigw',
      'enrichment: { apiKeyRotationDays: 0 }',
      'enrichment.apiKeyRotationDays must be between 1 and 1000 days (got 0)',
    ],
    [
      'ordered as a number',
      'kinesis-flink-apigw',
      'enrichment: { ordered: 1 }',
      'enrichment.ordered must be true or false (got 1)',
    ],
    [
      'an API rate of 0',
      'kinesis-flink-apigw',
      'enrichment: { throttling: { rateLimit: 0 } }',
      'enrichment.throttling.rateLimit must be between 1 and 10000 requests/s (got 0)',
    ],
    [
      'an API burst over the quota',
      'kinesis-flink-apigw',
      'enrichment: { throttling: { burstLimit: 5001 } }',
      'enrichment.throttling.burstLimit must be between 0 and 5000 requests (got 5001)',
    ],
    [
      'an enrichment section for the SQL preset',
      'kpl-kinesis-flink-s3',
      'enrichment: { timeout: 5 }',
      'enrichment is not a known setting (allowed: version, name, preset, description, tags, appRegistry, monitoring, local, stream, producer, flink, bucket)',
    ],
  ];
  for (const [what, preset, yaml, message] of cases) {
    test(what, () => {
      assert.ok(problemsOf(preset, yaml).includes(message), `${problemsOf(preset, yaml).join('\n')}\n≠ ${message}`);
    });
  }

  test('every problem of a spec is reported at once', () => {
    const problems = problemsOf(
      'kinesis-flink-apigw',
      'flink: { parallelism: 0, logLevel: TRACE }\nenrichment: { capacity: 0 }',
    );
    assert.equal(problems.length, 3, problems.join('\n'));
  });
});

describe('kinesis-flink-apigw: defaults and valid settings', () => {
  test('an empty spec enriches with the original’s timeout and capacity, unordered, three retries, and its usage plan', () => {
    const spec = presetSpec('kinesis-flink-apigw');
    assert.deepEqual(spec.enrichment, {
      timeout: 30,
      capacity: 20,
      retries: 3,
      ordered: false,
      throttling: { rateLimit: 20, burstLimit: 100 },
      apiKeyRotationDays: 30,
    });
    assert.equal(spec.bucket.abortIncompleteMultipartUploadDays, 7, 'the enriched rides’ bucket');
    assert.equal(spec.flink.runtime, 'FLINK-2_2');
    assert.equal(spec.flink.checkpointInterval, 60);
    assert.equal('mode' in spec.flink, false);
  });

  test('every enrichment setting away from its default', () => {
    const spec = k4(
      'enrichment: { timeout: 5s, capacity: 100, retries: 0, ordered: true, throttling: { rateLimit: 500, burstLimit: 1000 }, apiKeyRotationDays: 14d }',
    );
    assert.deepEqual(spec.enrichment, {
      timeout: 5,
      capacity: 100,
      retries: 0,
      ordered: true,
      throttling: { rateLimit: 500, burstLimit: 1000 },
      apiKeyRotationDays: 14,
    });
  });
});

describe('the Flink presets’ alarms', () => {
  test('the original’s Flink alarms and thresholds, on the Application dimension, not breaching when idle', () => {
    const alarms = alarmsFor(presetSpec('kpl-kinesis-flink-s3'));
    const flink = alarms.filter((a) => a.namespace === 'AWS/KinesisAnalytics');
    const summary = Object.fromEntries(
      flink.map((a) => [a.id, [a.metricName, a.statistic, a.comparison, a.threshold]]),
    );
    assert.deepEqual(summary, {
      FlinkDowntime: ['downtime', 'Average', 'GreaterThanThreshold', 0],
      FlinkCheckpointFailures: ['numberOfFailedCheckpoints', 'Average', 'GreaterThanThreshold', 0],
      FlinkCpuUtilization: ['cpuUtilization', 'Maximum', 'GreaterThanThreshold', 80],
      FlinkHeapMemoryUtilization: ['heapMemoryUtilization', 'Maximum', 'GreaterThanThreshold', 90],
      // (m1 * 100) / 60000 > 60 over a 60 s period, as a plain metric.
      FlinkOldGenerationGc: ['oldGenerationGCTime', 'Maximum', 'GreaterThanThreshold', 36_000],
      FlinkMillisBehindLatest: ['millisBehindLatest', 'Maximum', 'GreaterThanThreshold', 60_000],
    });
    for (const alarm of flink) {
      assert.equal(alarm.periodSeconds, 60);
      assert.equal(alarm.treatMissingData, 'notBreaching');
      assert.equal(alarm.origin, 'original');
    }
    assert.deepEqual(ALARM_DIMENSIONS.flinkApplication, ['Application']);
    assert.deepEqual(ALARM_DIMENSIONS.flinkSource, ['Application', 'Id', 'Flow']);
    assert.ok(
      alarms.some((a) => a.id === 'StreamIteratorAge'),
      'the stream alarms too',
    );
  });

  test('kinesis-flink-apigw also watches the fare API and its function', () => {
    const ids = alarmsFor(presetSpec('kinesis-flink-apigw')).map((a) => a.id);
    for (const id of [
      'FlinkDowntime',
      'EnrichmentApiServerErrors',
      'EnrichmentFunctionErrors',
      'EnrichmentFunctionThrottles',
    ]) {
      assert.ok(ids.includes(id), id);
    }
    assert.ok(!alarmsFor(presetSpec('kpl-kinesis-flink-s3')).some((a) => a.id.startsWith('Enrichment')));
  });
});
