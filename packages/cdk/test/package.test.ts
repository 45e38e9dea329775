/**
 * `streamkit package`: every preset packages into a standalone template whose parameters are the original solution's
 * (names, types, defaults, allowed values), grouped for the console, each one set somewhere in the template, with
 * every asset it references in the zip set, nothing of the CDK bootstrap, and no cfn-lint error. The comparison of
 * syntheses that finds where parameters go is tested on its own first, with its failure modes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { PRESET_NAMES, type PresetName } from '@streamkit/core';
import { unzipSync } from 'fflate';
import {
  type JsonObject,
  type PackageResult,
  packagePresets,
  parameterize,
  type RawSpec,
  type TemplateParameter,
} from '../src/package/index.ts';
import { FIXTURE_JARS, tempDir } from './support/stacks.ts';

// --- the comparison of syntheses, with a fake stack -----------------------------------------------------------------

/** A "stack" of two resources whose properties are computed from a spec the way constructs do. */
function fakeSynth(raw: RawSpec): JsonObject {
  const spec = raw as { shards?: number; name?: string; metrics?: boolean; double?: boolean; extra?: boolean };
  const shards = spec.shards ?? 2;
  return {
    Resources: {
      Stream: {
        Type: 'AWS::Kinesis::Stream',
        Properties: {
          ShardCount: shards,
          Name: `${spec.name ?? 'orders'}-stream`,
          ...(spec.metrics && { DesiredShardLevelMetrics: ['IncomingBytes'] }),
          ...(spec.double && { Doubled: shards * 2 }),
        },
      },
      ...(spec.extra && { Extra: { Type: 'AWS::SQS::Queue', Properties: {} } }),
    },
  };
}

const shards: TemplateParameter = {
  name: 'ShardCount',
  type: 'Number',
  label: 'Shards',
  description: 'shards',
  default: 2,
  probe: 3,
  toSpec: (v) => ({ shards: Number(v) }),
};
const name: TemplateParameter = {
  name: 'Name',
  type: 'String',
  label: 'Name',
  description: 'name',
  default: 'orders',
  probe: 'probe-name',
  toSpec: (v) => ({ name: String(v) }),
};
const metrics: TemplateParameter = {
  name: 'EnableMetrics',
  type: 'String',
  label: 'Metrics',
  description: 'metrics',
  default: 'false',
  allowedValues: ['true', 'false'],
  toSpec: (v) => ({ metrics: v === 'true' }),
};

describe('parameterize (synth and substitute)', () => {
  test('a value becomes a Ref, a value inside text a Fn::Join, a switch a Fn::If with its condition', () => {
    const { template, uses, synths } = parameterize({
      parameters: [shards, name, metrics],
      base: {},
      synth: fakeSynth,
    });
    const stream = (template.Resources as JsonObject).Stream as JsonObject;
    assert.deepEqual(stream.Properties, {
      ShardCount: { Ref: 'ShardCount' },
      Name: { 'Fn::Join': ['', [{ Ref: 'Name' }, '-stream']] },
      DesiredShardLevelMetrics: { 'Fn::If': ['EnableMetricsIsTrue', ['IncomingBytes'], { Ref: 'AWS::NoValue' }] },
    });
    assert.deepEqual(template.Conditions, {
      EnableMetricsIsTrue: { 'Fn::Equals': [{ Ref: 'EnableMetrics' }, 'true'] },
    });
    assert.deepEqual(uses, { ShardCount: 1, Name: 1, EnableMetrics: 1 });
    assert.equal(synths, 3);
  });

  test('a value the stack computes from a setting is an error naming where it lands', () => {
    assert.throws(
      () => parameterize({ parameters: [shards], base: { double: true }, synth: fakeSynth }),
      /Resources\.Stream\.Properties\.Doubled is 4 with the defaults and 6 with ShardCount=3/,
    );
  });

  test('a switch that adds a resource is an error', () => {
    const extra: TemplateParameter = { ...metrics, name: 'Extra', toSpec: (v) => ({ extra: v === 'true' }) };
    assert.throws(
      () => parameterize({ parameters: [extra], base: {}, synth: fakeSynth }),
      /Extra=true changes which resources the stack has \(adds Extra \(AWS::SQS::Queue\)/,
    );
  });

  test('a parameter that changes nothing is an error', () => {
    const idle: TemplateParameter = { ...shards, name: 'Idle', toSpec: () => ({}) };
    assert.throws(
      () => parameterize({ parameters: [shards, idle], base: {}, synth: fakeSynth }),
      /parameters that change nothing in the template: Idle/,
    );
  });

  test('the synthesis stack name becomes AWS::StackName, also as CDK spells it in generated names', () => {
    const synth = (raw: RawSpec): JsonObject => {
      const base = fakeSynth(raw);
      const stream = (base.Resources as JsonObject).Stream as JsonObject;
      (stream.Properties as JsonObject).ClusterName = 'mystack-Cluster-65E04014';
      (stream.Properties as JsonObject).KeyId = { Ref: 'mystackKey1234' };
      return base;
    };
    const { template } = parameterize({
      parameters: [shards],
      base: { name: 'my-stack' },
      synth,
      stackName: 'my-stack',
    });
    const properties = ((template.Resources as JsonObject).Stream as JsonObject).Properties as JsonObject;
    assert.deepEqual(properties.Name, { 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, '-stream']] });
    assert.deepEqual(properties.ClusterName, { 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, '-Cluster-65E04014']] });
    assert.deepEqual(properties.KeyId, { Ref: 'mystackKey1234' }, 'a logical id is not a name');
  });
});

// --- every preset, packaged ------------------------------------------------------------------------------------------

interface Expected {
  readonly Type: string;
  readonly Default: string;
  readonly AllowedValues?: readonly string[];
  readonly MinValue?: number;
  readonly MaxValue?: number;
}

/**
 * The original solution's parameters (../shared/reference/original-solution.md §3–§4), written out here rather than
 * read from the packager, so the test fails when the packaged ones drift from them.
 */
const ORIGINAL: Record<string, Expected> = {
  ShardCount: { Type: 'Number', Default: '2', MinValue: 1, MaxValue: 200 },
  RetentionHours: { Type: 'Number', Default: '24', MinValue: 24, MaxValue: 8760 },
  EnableEnhancedMonitoring: { Type: 'String', Default: 'false', AllowedValues: ['true', 'false'] },
  ThrottlingRateLimit: { Type: 'Number', Default: '100', MinValue: 1, MaxValue: 10_000 },
  ThrottlingBurstLimit: { Type: 'Number', Default: '50', MinValue: 0, MaxValue: 5000 },
  BatchSize: { Type: 'Number', Default: '100', MinValue: 1, MaxValue: 10_000 },
  ParallelizationFactor: { Type: 'Number', Default: '1', MinValue: 1, MaxValue: 10 },
  MaxRetryAttempts: { Type: 'Number', Default: '3', MinValue: 1, MaxValue: 10_000 },
  BufferingSize: { Type: 'Number', Default: '5', MinValue: 1, MaxValue: 128 },
  BufferingInterval: { Type: 'Number', Default: '300', MinValue: 60, MaxValue: 900 },
  CompressionFormat: {
    Type: 'String',
    Default: 'GZIP',
    AllowedValues: ['GZIP', 'HADOOP_SNAPPY', 'Snappy', 'UNCOMPRESSED', 'ZIP'],
  },
  DataPrefix: {
    Type: 'String',
    Default: 'data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/',
  },
  LogLevel: { Type: 'String', Default: 'INFO', AllowedValues: ['DEBUG', 'ERROR', 'INFO', 'WARN'] },
  MetricsLevel: { Type: 'String', Default: 'TASK', AllowedValues: ['APPLICATION', 'OPERATOR', 'PARALLELISM', 'TASK'] },
  EnableSnapshots: { Type: 'String', Default: 'true', AllowedValues: ['true', 'false'] },
  EnableAutoScaling: { Type: 'String', Default: 'true', AllowedValues: ['true', 'false'] },
  MonitoringLevel: {
    Type: 'String',
    Default: 'DEFAULT',
    AllowedValues: ['DEFAULT', 'PER_BROKER', 'PER_TOPIC_PER_BROKER', 'PER_TOPIC_PER_PARTITION'],
  },
  EbsVolumeSize: { Type: 'Number', Default: '1000', MinValue: 1, MaxValue: 16_384 },
  ClientInstanceType: { Type: 'String', Default: 't3.small' },
  MinWorkerCount: { Type: 'Number', Default: '1', MinValue: 1, MaxValue: 10 },
  MaxWorkerCount: { Type: 'Number', Default: '2', MinValue: 2, MaxValue: 10 },
  McuCount: { Type: 'Number', Default: '1', AllowedValues: ['1', '2', '4', '8'] },
  ScaleInPercentage: { Type: 'Number', Default: '20', MinValue: 1, MaxValue: 100 },
  ScaleOutPercentage: { Type: 'Number', Default: '80', MinValue: 11, MaxValue: 100 },
  NumberOfTasks: { Type: 'Number', Default: '2', MinValue: 1 },
  FlushSize: { Type: 'Number', Default: '1', MinValue: 1 },
  KafkaVersion: { Type: 'String', Default: '3.5.1' },
  BrokerInstanceType: { Type: 'String', Default: 'kafka.m5.large' },
};

/** Where streamkit deliberately differs from the original (each listed in docs/package.md with the reason). */
const DIFFERENCES: Record<string, Partial<Expected>> = {
  MetricsLevel: { Default: 'APPLICATION' },
  EbsVolumeSize: { Default: '100' },
  FlushSize: { Default: '1000', MaxValue: 1_000_000 },
  NumberOfTasks: { MaxValue: 1000 },
  KafkaVersion: { Default: '3.8.x', AllowedValues: ['3.7.x', '3.8.x', '3.9.x', '4.0.x'] },
  BrokerInstanceType: {
    Default: 'kafka.m7g.large',
    AllowedValues: [
      'kafka.t3.small',
      ...['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge'].map(
        (s) => `kafka.m5.${s}`,
      ),
      ...['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'].map((s) => `kafka.m7g.${s}`),
    ],
  },
};

const STREAM = ['ShardCount', 'RetentionHours', 'EnableEnhancedMonitoring'];
const CLUSTER = ['KafkaVersion', 'BrokerInstanceType', 'MonitoringLevel', 'EbsVolumeSize'];
const ASSETS = ['AssetsBucketName', 'AssetsKeyPrefix'];

/** The parameters each packaged template asks for, in the console's order. */
const PARAMETERS: Record<PresetName, readonly string[]> = {
  'apigw-kinesis-lambda': [
    'ThrottlingRateLimit',
    'ThrottlingBurstLimit',
    ...STREAM,
    'BatchSize',
    'ParallelizationFactor',
    'MaxRetryAttempts',
    ...ASSETS,
  ],
  'kinesis-firehose-s3': [
    ...STREAM,
    'BufferingSize',
    'BufferingInterval',
    'CompressionFormat',
    'DataPrefix',
    'ErrorsPrefix',
  ],
  'kpl-kinesis-flink-s3': [...STREAM, 'LogLevel', 'ProducerAmiId', ...ASSETS],
  'kinesis-flink-apigw': [
    ...STREAM,
    'LogLevel',
    'MetricsLevel',
    'EnableSnapshots',
    'EnableAutoScaling',
    'ProducerAmiId',
    ...ASSETS,
  ],
  'msk-cluster': [...CLUSTER, 'ClientInstanceType', 'ClientAmiId', ...ASSETS],
  'msk-lambda': [...CLUSTER, 'BatchSize', ...ASSETS],
  'msk-lambda-firehose-s3': [
    ...CLUSTER,
    'BatchSize',
    'BufferingSize',
    'BufferingInterval',
    'CompressionFormat',
    ...ASSETS,
  ],
  'msk-flink-s3': [...CLUSTER, ...ASSETS],
  'msk-connect-s3': [
    ...CLUSTER,
    'MinWorkerCount',
    'MaxWorkerCount',
    'McuCount',
    'ScaleInPercentage',
    'ScaleOutPercentage',
    'PluginBucketName',
    'PluginKey',
    'NumberOfTasks',
    'FlushSize',
    ...ASSETS,
  ],
  'msk-labs': [...CLUSTER, 'ClientInstanceType', 'ClientAmiId', ...ASSETS],
};

const CFN_LINT = process.env.STREAMKIT_CFN_LINT ?? 'cfn-lint';
const ACCEPTED_LINT: Record<string, string> = {
  W3005:
    'aws-cdk-lib makes a Lambda function depend on its role as well as reading the role ARN; the extra DependsOn is harmless',
};

type Node = JsonObject | unknown[] | string | number | boolean | null;

/** Every node of a template, with its path. */
function* walk(node: Node, path: string[] = []): Generator<[Node, string[]]> {
  yield [node, path];
  if (Array.isArray(node)) for (const [i, item] of node.entries()) yield* walk(item as Node, [...path, String(i)]);
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) yield* walk(v as Node, [...path, k]);
}

/** The object keys a template reads under the asset key prefix: `Fn::Join ['', [{Ref: AssetsKeyPrefix}, key]]`. */
function assetKeys(template: JsonObject): string[] {
  const keys: string[] = [];
  for (const [node] of walk(template)) {
    if (!node || typeof node !== 'object' || Array.isArray(node)) continue;
    const join = (node as JsonObject)['Fn::Join'];
    if (!Array.isArray(join) || !Array.isArray(join[1])) continue;
    const parts = join[1] as Node[];
    parts.forEach((part, i) => {
      const next = parts[i + 1];
      if (
        part &&
        typeof part === 'object' &&
        (part as JsonObject).Ref === 'AssetsKeyPrefix' &&
        typeof next === 'string'
      ) {
        // The key is the text right after the prefix; in user data a script goes on after it.
        const key = /^[0-9a-f]{64}(\.[a-z]+)?/.exec(next);
        if (key) keys.push(key[0]);
      }
    });
  }
  return [...new Set(keys)];
}

describe('streamkit package, every preset', () => {
  let result: PackageResult;
  const templates = new Map<string, JsonObject>();
  const progress: string[] = [];

  before(
    () => {
      result = packagePresets(PRESET_NAMES, {
        outdir: tempDir('streamkit-package-'),
        bucketName: 'streamkit-test-assets',
        solutionVersion: '9.8.7',
        flinkJobJars: FIXTURE_JARS,
        onProgress: (line) => progress.push(line),
      });
      for (const p of result.presets) templates.set(p.preset, JSON.parse(readFileSync(p.templatePath, 'utf8')));
    },
    { timeout: 900_000 },
  );

  test('writes a template per preset in global-s3-assets and says what it does as it goes', () => {
    assert.deepEqual(readdirSync(result.globalAssets).sort(), PRESET_NAMES.map((p) => `${p}.template`).sort());
    assert.ok(progress.some((line) => /apigw-kinesis-lambda: synthesizing every parameter at its default/.test(line)));
    assert.ok(progress.some((line) => /zipped asset [0-9a-f]{64}\.zip/.test(line)));
  });

  for (const preset of PRESET_NAMES) {
    describe(preset, () => {
      const template = () => templates.get(preset)!;
      const parameters = () => template().Parameters as Record<string, JsonObject>;

      test('has the expected parameters with the original’s types, defaults and allowed values', () => {
        assert.deepEqual(Object.keys(parameters()), PARAMETERS[preset]);
        for (const [name, declared] of Object.entries(parameters())) {
          const original = ORIGINAL[name];
          if (!original) continue;
          const expected = { ...original, ...DIFFERENCES[name] };
          assert.equal(declared.Type, expected.Type, `${name}.Type`);
          assert.equal(declared.Default, expected.Default, `${name}.Default`);
          assert.deepEqual(declared.AllowedValues, expected.AllowedValues, `${name}.AllowedValues`);
          assert.equal(declared.MinValue, expected.MinValue, `${name}.MinValue`);
          assert.equal(declared.MaxValue, expected.MaxValue, `${name}.MaxValue`);
        }
        if (PARAMETERS[preset].includes('AssetsBucketName')) {
          assert.equal(parameters().AssetsBucketName!.Default, 'streamkit-test-assets');
          assert.equal(parameters().AssetsKeyPrefix!.Default, 'streamkit/9.8.7/');
        }
      });

      test('groups and labels every parameter exactly once for the console', () => {
        const ui = (template().Metadata as JsonObject)['AWS::CloudFormation::Interface'] as {
          ParameterGroups: { Label: { default: string }; Parameters: string[] }[];
          ParameterLabels: Record<string, { default: string }>;
        };
        const grouped = ui.ParameterGroups.flatMap((g) => g.Parameters);
        assert.deepEqual([...grouped].sort(), Object.keys(parameters()).sort());
        assert.equal(new Set(grouped).size, grouped.length, 'no parameter in two groups');
        for (const name of Object.keys(parameters())) assert.ok(ui.ParameterLabels[name]?.default, `label of ${name}`);
        for (const g of ui.ParameterGroups) assert.ok(g.Label.default.length > 0);
      });

      test('every parameter is used by a resource (or by a condition a resource uses)', () => {
        const text = JSON.stringify({ Resources: template().Resources, Outputs: template().Outputs });
        const conditions = (template().Conditions ?? {}) as Record<string, unknown>;
        for (const name of Object.keys(parameters())) {
          const ref = `{"Ref":"${name}"}`;
          const used =
            text.includes(ref) ||
            text.includes(`\${${name}}`) ||
            Object.entries(conditions).some(
              ([condition, body]) => JSON.stringify(body).includes(ref) && text.includes(`"${condition}"`),
            );
          assert.ok(used, `${name} is declared but nothing uses it`);
        }
      });

      test('names nothing after the stack it was synthesized as: every name follows AWS::StackName', () => {
        const names: string[] = [];
        for (const [node, path] of walk({
          Resources: template().Resources,
          Outputs: template().Outputs,
        } as JsonObject)) {
          const key = path[path.length - 1];
          const referencesId = key === 'Ref' || path.includes('Fn::GetAtt') || path[path.length - 2] === 'DependsOn';
          const resourceKey = path.length === 2 || (path[0] === 'Resources' && path.length === 3);
          if (typeof node === 'string' && !referencesId && !resourceKey && /streamkit-?packaged-?stack/.test(node)) {
            names.push(`${path.join('/')}: ${node.slice(0, 80)}`);
          }
        }
        assert.deepEqual(names, []);
      });

      test('is standalone: no bootstrap parameter, rule or bucket, no CDK metadata', () => {
        const text = JSON.stringify(template());
        assert.ok(!text.includes('BootstrapVersion'));
        assert.ok(!text.includes('cdk-hnb659fds'));
        assert.ok(!text.includes('AWS::CDK::Metadata'));
        assert.ok(!text.includes('aws:cdk:path'));
        assert.ok(!text.includes('aws:asset:'));
        assert.match(String(template().Description), /\(streamkit 9\.8\.7\)$/);
      });

      test('every asset it references is in regional-s3-assets, read from <AssetsBucketName>-<region>', () => {
        const keys = assetKeys(template());
        const packaged = result.presets.find((p) => p.preset === preset)!;
        assert.deepEqual([...keys].sort(), [...packaged.assets].sort());
        const files = new Set(readdirSync(result.regionalAssets));
        for (const key of keys) assert.ok(files.has(key), `${key} is missing from regional-s3-assets`);
        const text = JSON.stringify(template());
        if (keys.length > 0) {
          assert.ok(text.includes('{"Fn::Join":["-",[{"Ref":"AssetsBucketName"},{"Ref":"AWS::Region"}]]}'));
        }
      });

      test('cfn-lint finds no errors and no unaccepted warnings', () => {
        const packaged = result.presets.find((p) => p.preset === preset)!;
        const run = spawnSync(CFN_LINT, ['--format', 'json', '--', packaged.templatePath], {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        });
        assert.equal(run.error, undefined, 'cfn-lint is required: python3 -m pip install -r requirements-dev.txt');
        const findings = JSON.parse(run.stdout || '[]') as {
          Level: string;
          Message: string;
          Rule: { Id: string };
          Location: { Path: (string | number)[] };
        }[];
        const unaccepted = findings
          .filter((f) => f.Level !== 'Informational' && !Object.hasOwn(ACCEPTED_LINT, f.Rule.Id))
          .map((f) => `${f.Level} ${f.Rule.Id} at ${f.Location.Path.join('/')}: ${f.Message}`);
        assert.deepEqual(unaccepted, []);
      });
    });
  }

  test('every zip in regional-s3-assets is referenced by a template and unzips to files', () => {
    const referenced = new Set([...templates.values()].flatMap(assetKeys));
    for (const file of readdirSync(result.regionalAssets)) {
      assert.ok(referenced.has(file), `${file} is not referenced by any template`);
      if (!file.endsWith('.zip')) continue;
      const entries = unzipSync(readFileSync(join(result.regionalAssets, file)));
      assert.ok(Object.keys(entries).length > 0, `${file} is empty`);
    }
  });

  test('apigw-kinesis-lambda: the consumer parameters set their own settings (the original swapped two)', () => {
    const resources = templates.get('apigw-kinesis-lambda')!.Resources as Record<string, JsonObject>;
    const of = (type: string) => Object.values(resources).filter((r) => r.Type === type);
    const [stream] = of('AWS::Kinesis::Stream');
    assert.deepEqual((stream!.Properties as JsonObject).ShardCount, { Ref: 'ShardCount' });
    assert.deepEqual((stream!.Properties as JsonObject).RetentionPeriodHours, { Ref: 'RetentionHours' });
    const [mapping] = of('AWS::Lambda::EventSourceMapping');
    const props = mapping!.Properties as JsonObject;
    assert.deepEqual(props.BatchSize, { Ref: 'BatchSize' });
    assert.deepEqual(props.ParallelizationFactor, { Ref: 'ParallelizationFactor' });
    assert.deepEqual(props.MaximumRetryAttempts, { Ref: 'MaxRetryAttempts' });
    const [stage] = of('AWS::ApiGateway::Stage');
    const settings = (stage!.Properties as JsonObject).MethodSettings as JsonObject[];
    assert.ok(settings.some((s) => JSON.stringify(s).includes('{"Ref":"ThrottlingRateLimit"}')));
  });

  test('kinesis-flink-apigw: the Flink switches reach the application', () => {
    const resources = templates.get('kinesis-flink-apigw')!.Resources as Record<string, JsonObject>;
    const [app] = Object.values(resources).filter((r) => r.Type === 'AWS::KinesisAnalyticsV2::Application');
    const text = JSON.stringify(app);
    for (const name of ['LogLevel', 'MetricsLevel', 'EnableSnapshots', 'EnableAutoScaling']) {
      assert.ok(text.includes(`{"Ref":"${name}"}`) || text.includes(`${name}Is`), `${name} reaches the application`);
    }
  });

  test('a bucket name that cannot make <name>-<region> is refused before anything is written', () => {
    assert.throws(
      () => packagePresets(['msk-cluster'], { outdir: tempDir(), bucketName: 'Bad_Name' }),
      (e: Error & { code?: string }) =>
        e.code === 'SK_VALIDATION' && /--bucket-name must be .*got "Bad_Name"/.test(e.message),
    );
  });
});
