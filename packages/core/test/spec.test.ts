import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  LIMITS,
  loadSpec,
  parseSpecText,
  presetSpec,
  requirePreset,
  SpecValidationError,
  type StreamkitError,
} from '../src/index.ts';

/** Parses `yaml` expecting failure; returns the problem messages. */
function problemsOf(yaml: string): string[] {
  try {
    parseSpecText(yaml, { source: 'streamkit.yaml', skipFileChecks: true });
  } catch (error) {
    assert.ok(error instanceof SpecValidationError, `expected a SpecValidationError, got ${error}`);
    assert.equal(error.code, 'SK_VALIDATION');
    assert.equal(error.retriable, false);
    return error.problems.map((p) => p.message);
  }
  assert.fail(`expected the spec to be rejected:\n${yaml}`);
}

const preset = 'preset: apigw-kinesis-lambda\n';

describe('invalid specs are rejected with the path, the allowed values and the value received', () => {
  const cases: [string, string, string][] = [
    [
      'batch size of 0',
      `${preset}consumers:\n  - batchSize: 0`,
      'consumers[0].batchSize must be between 1 and 10000 records (got 0)',
    ],
    [
      'batch size above the AWS maximum',
      `${preset}consumers:\n  - batchSize: 10001`,
      'consumers[0].batchSize must be between 1 and 10000 records (got 10001)',
    ],
    [
      'a fractional batch size',
      `${preset}consumers:\n  - batchSize: 2.5`,
      'consumers[0].batchSize must be a whole number between 1 and 10000 records (got 2.5)',
    ],
    [
      'a batching window above 5 minutes',
      `${preset}consumers:\n  - maxBatchingWindow: 6m`,
      'consumers[0].maxBatchingWindow must be between 0 and 300 seconds (got "6m")',
    ],
    [
      'a parallelization factor of 11',
      `${preset}consumers:\n  - parallelizationFactor: 11`,
      'consumers[0].parallelizationFactor must be between 1 and 10 batches per shard (got 11)',
    ],
    [
      'retry attempts of -2',
      `${preset}consumers:\n  - retryAttempts: -2`,
      'consumers[0].retryAttempts must be -1, or between 0 and 10000 retries (got -2)',
    ],
    [
      'a record age below a minute',
      `${preset}consumers:\n  - maxRecordAge: 30`,
      'consumers[0].maxRecordAge must be -1, or between 60 and 604800 seconds (got 30)',
    ],
    [
      'a lower-case starting position',
      `${preset}consumers:\n  - startingPosition: latest`,
      'consumers[0].startingPosition must be one of TRIM_HORIZON, LATEST, AT_TIMESTAMP (got "latest") — did you mean "LATEST"?',
    ],
    [
      'a retention of 12 hours',
      `${preset}stream:\n  retentionHours: 12`,
      'stream.retentionHours must be between 24 and 8760 hours (got 12)',
    ],
    [
      'an unknown stream mode',
      `${preset}stream:\n  mode: FAST`,
      'stream.mode must be one of ON_DEMAND, PROVISIONED (got "FAST")',
    ],
    [
      'a shard count on an on-demand stream',
      `${preset}stream:\n  mode: ON_DEMAND\n  shardCount: 4`,
      'stream.shardCount applies only to PROVISIONED streams (stream.mode is ON_DEMAND); remove it or set stream.mode: PROVISIONED',
    ],
    [
      '0 shards',
      `${preset}stream:\n  mode: PROVISIONED\n  shardCount: 0`,
      'stream.shardCount must be between 1 and 500 shards (got 0)',
    ],
    [
      'a throttling rate of 0',
      `${preset}ingest:\n  throttling:\n    rateLimit: 0`,
      'ingest.throttling.rateLimit must be between 1 and 10000 requests/s (got 0)',
    ],
    [
      'an unknown auth type',
      `${preset}ingest:\n  auth: oauth`,
      'ingest.auth must be one of iam, cognito, apiKey (got "oauth")',
    ],
    [
      'a misspelt setting',
      `${preset}consumers:\n  - batchsize: 10`,
      'consumers[0].batchsize is not a known setting (did you mean "batchSize"?',
    ],
    [
      'an upper-case pipeline name',
      `name: Orders\n${preset}`,
      'name must be lowercase letters, digits and hyphens, starting with a letter (got "Orders")',
    ],
    [
      'six consumers',
      `${preset}consumers: [{name: a}, {name: b}, {name: c}, {name: d}, {name: e}, {name: f}]`,
      'consumers must have between 1 and 5 consumers (got 6)',
    ],
    [
      'two consumers with one name',
      `${preset}consumers: [{name: a}, {name: a}]`,
      'consumers[1].name "a" is already used by consumers[0]; give each consumer its own name',
    ],
    [
      'AT_TIMESTAMP without a timestamp',
      `${preset}consumers:\n  - startingPosition: AT_TIMESTAMP`,
      'consumers[0].startingPositionTimestamp is required when startingPosition is AT_TIMESTAMP',
    ],
    [
      'a timeout of 16 minutes',
      `${preset}consumers:\n  - timeout: 16m`,
      'consumers[0].timeout must be between 1 and 900 seconds (got "16m")',
    ],
    [
      'a reserved environment variable',
      `${preset}consumers:\n  - environment: { AWS_REGION: x }`,
      'consumers[0].environment.AWS_REGION is not a usable variable name',
    ],
    [
      'a non-boolean flag',
      `${preset}consumers:\n  - bisectBatchOnError: "yes"`,
      'consumers[0].bisectBatchOnError must be true or false (got "yes")',
    ],
    [
      'an invalid alarm email',
      `${preset}monitoring:\n  alarmEmail: ops`,
      'monitoring.alarmEmail must be an email address (got "ops")',
    ],
    ['a section that is not a mapping', `${preset}stream: 5`, 'stream must be a mapping of settings (got 5)'],
    ['an unknown spec version', `version: 2\n${preset}`, 'version must be 1, the only spec version so far (got 2)'],
  ];
  for (const [what, yaml, expected] of cases) {
    test(`rejects ${what}`, () => {
      const problems = problemsOf(yaml);
      assert.ok(
        problems.some((p) => p.startsWith(expected)),
        `expected a problem starting with:\n  ${expected}\ngot:\n  ${problems.join('\n  ')}`,
      );
    });
  }

  test('rejects an unknown preset and suggests the closest one', () => {
    assert.deepEqual(problemsOf('preset: apigw-kinesis-lamda'), [
      'preset must be one of apigw-kinesis-lambda, kinesis-firehose-s3, kpl-kinesis-flink-s3, kinesis-flink-apigw, msk-cluster, msk-lambda, msk-lambda-firehose-s3, msk-flink-s3, msk-connect-s3, msk-labs (got "apigw-kinesis-lamda") — did you mean "apigw-kinesis-lambda"?',
    ]);
  });

  test('rejects a spec without a preset', () => {
    assert.deepEqual(problemsOf('name: orders'), [
      'preset is required: one of apigw-kinesis-lambda, kinesis-firehose-s3, kpl-kinesis-flink-s3, kinesis-flink-apigw, msk-cluster, msk-lambda, msk-lambda-firehose-s3, msk-flink-s3, msk-connect-s3, msk-labs',
    ]);
  });

  test('rejects text that is not YAML', () => {
    const [problem] = problemsOf('preset: [unclosed');
    assert.match(problem!, /not valid YAML or JSON/);
  });

  test('reports every problem at once, not only the first', () => {
    const problems = problemsOf(
      `${preset}consumers:\n  - batchSize: 0\n    parallelizationFactor: 0\nstream:\n  mode: SLOW`,
    );
    assert.equal(problems.length, 3);
  });

  test('the error message lists the problems under the spec source', () => {
    assert.throws(
      () => parseSpecText(`${preset}consumers:\n  - batchSize: 0`, { source: 'pipelines/orders.yaml' }),
      (error: StreamkitError) =>
        error.message ===
        'pipelines/orders.yaml has 1 problem:\n  - consumers[0].batchSize must be between 1 and 10000 records (got 0)',
    );
  });
});

describe('defaults are resolved in one place', () => {
  test('a preset alone gets every default from LIMITS', () => {
    const spec = presetSpec('apigw-kinesis-lambda');
    const [consumer] = spec.consumers;
    assert.equal(spec.name, 'apigw-kinesis-lambda');
    assert.equal(spec.stream.mode, LIMITS.kinesis.streamMode.default);
    assert.equal(spec.stream.retentionHours, LIMITS.kinesis.retentionHours.default);
    assert.equal(spec.ingest.auth, 'iam');
    assert.deepEqual(spec.ingest.throttling, { rateLimit: 100, burstLimit: 50 });
    assert.equal(consumer?.batchSize, LIMITS.esm.batchSize.default);
    assert.equal(consumer?.retryAttempts, LIMITS.esm.retryAttempts.default);
    assert.equal(consumer?.parallelizationFactor, 1);
    assert.equal(consumer?.maxRecordAge, 86_400);
    assert.equal(consumer?.bisectBatchOnError, true);
    assert.equal(consumer?.startingPosition, 'TRIM_HORIZON');
    assert.equal(consumer?.onFailure, 'sqs');
  });

  test('durations with units are converted to the setting’s unit', () => {
    const spec = requirePreset(
      parseSpecText(
        `${preset}stream:\n  retentionHours: 7d\nconsumers:\n  - timeout: 2m\n    maxRecordAge: 1h\n    maxBatchingWindow: 1m`,
        { skipFileChecks: true },
      ),
      'apigw-kinesis-lambda',
    ).consumers;
    assert.equal(spec[0]?.timeout, 120);
    assert.equal(spec[0]?.maxRecordAge, 3600);
    assert.equal(spec[0]?.maxBatchingWindow, 60);
  });

  test('a duration that is not a whole number of the unit is rejected', () => {
    assert.deepEqual(problemsOf(`${preset}consumers:\n  - maxBatchingWindow: 500ms`), [
      'consumers[0].maxBatchingWindow must be a whole number of seconds ("500ms" is 0.5 seconds) (got "500ms")',
    ]);
  });

  test('a provisioned stream defaults to the original solution’s 2 shards', () => {
    const spec = requirePreset(parseSpecText(`${preset}stream:\n  mode: PROVISIONED`), 'apigw-kinesis-lambda');
    assert.equal(spec.stream.shardCount, 2);
  });

  test('JSON specs are read too', () => {
    const spec = requirePreset(
      parseSpecText('{"preset": "apigw-kinesis-lambda", "name": "orders", "consumers": [{"batchSize": 500}]}'),
      'apigw-kinesis-lambda',
    );
    assert.equal(spec.name, 'orders');
    assert.equal(spec.consumers[0]?.batchSize, 500);
  });
});

describe('loading spec files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamkit-spec-'));

  test('handler paths are resolved against the spec file’s folder', () => {
    writeFileSync(join(dir, 'handler.ts'), 'export const handler = async () => {};\n');
    writeFileSync(join(dir, 'streamkit.yaml'), `${preset}consumers:\n  - handler: ./handler.ts\n`);
    const spec = requirePreset(loadSpec(join(dir, 'streamkit.yaml')), 'apigw-kinesis-lambda');
    assert.equal(spec.consumers[0]?.handler, join(dir, 'handler.ts'));
    assert.equal(spec.local.dataDir, join(dir, '.streamkit'));
  });

  test('a handler file that does not exist is rejected with its path', () => {
    writeFileSync(join(dir, 'missing.yaml'), `${preset}consumers:\n  - handler: ./nope.ts\n`);
    assert.throws(() => loadSpec(join(dir, 'missing.yaml')), /consumers\[0\]\.handler must name an existing file/);
  });

  test('a spec file that does not exist is SK_NOT_FOUND', () => {
    assert.throws(
      () => loadSpec(join(dir, 'absent.yaml')),
      (e: StreamkitError) => e.code === 'SK_NOT_FOUND',
    );
  });
});
