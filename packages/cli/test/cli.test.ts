import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

const bin = new URL('../bin/streamkit.js', import.meta.url).pathname;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function streamkit(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd ?? tmpdir(),
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`streamkit ${args.join(' ')} did not finish:\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** True while a process with this PID exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('streamkit validate', () => {
  test('prints the resolved pipeline of a preset', async () => {
    const run = await streamkit(['validate', '--preset', 'apigw-kinesis-lambda']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /is valid: pipeline "apigw-kinesis-lambda"/);
    assert.match(run.stdout, /batch 100, window 0 s, parallelization 1, retries 3, bisect on/);
  });

  test('prints the resolved spec as JSON', async () => {
    const run = await streamkit(['validate', '--preset', 'apigw-kinesis-lambda', '--json']);
    assert.equal(JSON.parse(run.stdout).consumers[0].batchSize, 100);
  });

  test('an invalid spec exits 2 with every problem, naming the field, the range and the value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamkit-cli-'));
    writeFileSync(
      join(dir, 'streamkit.yaml'),
      'preset: apigw-kinesis-lambda\nconsumers:\n  - batchSize: 0\n    parallelizationFactor: 20\n',
    );
    const run = await streamkit(['validate'], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Error SK_VALIDATION: streamkit\.yaml has 2 problems/);
    assert.match(run.stderr, /consumers\[0\]\.batchSize must be between 1 and 10000 records \(got 0\)/);
    assert.match(
      run.stderr,
      /consumers\[0\]\.parallelizationFactor must be between 1 and 10 batches per shard \(got 20\)/,
    );
  });

  test('a missing spec exits 3 and says what to do', async () => {
    const run = await streamkit(['validate'], { cwd: mkdtempSync(join(tmpdir(), 'streamkit-cli-')) });
    assert.equal(run.code, 3);
    assert.match(run.stderr, /no pipeline given: pass a spec file, or --preset <name>/);
  });

  test('an unknown preset is a usage error listing the choices', async () => {
    const run = await streamkit(['validate', '--preset', 'kafka']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Allowed choices are apigw-kinesis-lambda, kinesis-firehose-s3/);
  });
});

describe('streamkit validate, kinesis-firehose-s3', () => {
  test('prints the delivery settings with their defaults', async () => {
    const run = await streamkit(['validate', '--preset', 'kinesis-firehose-s3']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /is valid: pipeline "kinesis-firehose-s3", preset kinesis-firehose-s3/);
    assert.match(run.stdout, /delivery {3}Firehose, buffer 5 MiB \/ 300 s, compression GZIP/);
    assert.match(run.stdout, /prefix data\/year=!\{timestamp:yyyy\}\/month=/);
  });

  test('a jq query that does not compile exits 2 with jq’s own error, before anything runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamkit-cli-'));
    writeFileSync(
      join(dir, 'streamkit.yaml'),
      `preset: kinesis-firehose-s3
delivery:
  prefix: "t=!{partitionKeyFromQuery:ticker}/"
  dynamicPartitioning: { enabled: true, metadataExtractionQuery: "{ticker: .ticker | ascii_downcse}" }
`,
    );
    const commands = [['validate'], ['dev', '--kinesis-port', '0', '--firehose-port', '0']];
    for (const command of commands) {
      const run = await streamkit(command, { cwd: dir });
      assert.equal(run.code, 2, `${command}: ${run.stderr}`);
      assert.match(
        run.stderr,
        /delivery\.dynamicPartitioning\.metadataExtractionQuery is not a valid jq program \(jq-1\.\d[.\d]*\): ascii_downcse\/0 is not defined/,
      );
    }
  });
});

describe('streamkit synth', () => {
  test('writes a cloud assembly that passed cdk-nag', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'streamkit-synth-')), 'cdk.out');
    const run = await streamkit(['synth', '--preset', 'apigw-kinesis-lambda', '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /synthesized stack streamkit-apigw-kinesis-lambda/);
    const template = JSON.parse(readFileSync(join(out, 'streamkit-apigw-kinesis-lambda.template.json'), 'utf8'));
    const types = Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
    for (const type of [
      'AWS::Kinesis::Stream',
      'AWS::ApiGateway::RestApi',
      'AWS::Lambda::EventSourceMapping',
      'AWS::SQS::Queue',
    ]) {
      assert.ok(types.includes(type), `the template has a ${type}`);
    }
  });
});

describe('streamkit synth, kinesis-firehose-s3', () => {
  test('writes a cloud assembly with the delivery stream, its buckets and its alarms', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'streamkit-synth-')), 'cdk.out');
    const run = await streamkit(['synth', '--preset', 'kinesis-firehose-s3', '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /cdk-nag {7}0 unacknowledged errors, 0 warnings, 2 acknowledged/);
    const template = JSON.parse(readFileSync(join(out, 'streamkit-kinesis-firehose-s3.template.json'), 'utf8'));
    const types = Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
    for (const type of [
      'AWS::Kinesis::Stream',
      'AWS::KinesisFirehose::DeliveryStream',
      'AWS::S3::Bucket',
      'AWS::CloudWatch::Alarm',
    ]) {
      assert.ok(types.includes(type), `the template has a ${type}`);
    }
  });
});

/** `dev` of the default preset on free ports, with its state in a new temporary folder. */
function devArgs(...extra: string[]): { args: string[]; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'streamkit-dev-'));
  const args = [
    'dev',
    '--preset',
    'apigw-kinesis-lambda',
    '--kinesis-port',
    '0',
    '--ingest-port',
    '0',
    '--data-dir',
    dir,
  ];
  return { args: [...args, ...extra], dir };
}

describe('streamkit dev', () => {
  test('runs the pipeline with demo data, settles every record and stops everything it started', async () => {
    const { args, dir } = devArgs('--produce', '300', '--duration', '3s');
    const run = await streamkit(args, { timeoutMs: 90_000 });
    assert.equal(run.code, 0, run.stderr);
    const summary = /produced (\d+) \(0 refused\)\s+ingested (\d+)\s+processed (\d+)\s+dead-lettered 0/.exec(
      run.stdout,
    );
    assert.ok(summary, run.stdout);
    const [, produced, ingested, processed] = summary.map(Number);
    assert.ok(produced! >= 600, `about 900 records in 3 s (got ${produced})`);
    assert.equal(ingested, produced);
    assert.equal(processed, produced);
    assert.match(run.stdout, /stopped everything this run started/);
    assert.ok(existsSync(join(dir, 'build')), 'the handler was bundled into the data directory');
  });

  test('Ctrl-C stops the pipeline and leaves no process behind', async () => {
    // The CLI itself (not the bin wrapper), so that SIGINT reaches the process that owns the pipeline.
    const main = new URL('../src/main.ts', import.meta.url).pathname;
    const { args } = devArgs('--produce', '100');
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    child.stdout!.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Non-interactive output prints a status line every 5 s; wait for records to be processed.
    for (let i = 0; i < 200 && !/processed [1-9]/.test(stdout); i++) await new Promise((r) => setTimeout(r, 100));
    try {
      assert.match(stdout, /processed [1-9]/, 'records were processed before Ctrl-C');
    } finally {
      // Stopped whatever the assertion says: a failed wait must not leave the pipeline running after the test.
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0);
    assert.match(stdout, /stopped everything this run started/);
    assert.equal(alive(child.pid!), false);
  });
});

describe('streamkit dev, kinesis-firehose-s3', () => {
  test('produces demo ticks straight into the stream, and every one lands in an object of the local bucket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamkit-dev-'));
    const run = await streamkit(
      [
        'dev',
        '--preset',
        'kinesis-firehose-s3',
        '--kinesis-port',
        '0',
        '--firehose-port',
        '0',
        '--data-dir',
        dir,
        '--produce',
        '300',
        '--duration',
        '2s',
      ],
      { timeoutMs: 90_000 },
    );
    assert.equal(run.code, 0, run.stderr);
    const summary = /produced (\d+) \(0 refused\)\s+ingested (\d+)\s+delivered (\d+) in (\d+) objects\s+errors 0/.exec(
      run.stdout,
    );
    assert.ok(summary, run.stdout);
    const [, produced, ingested, delivered] = summary.map(Number);
    assert.ok(produced! > 0);
    assert.equal(ingested, produced);
    assert.equal(delivered, produced);
    assert.match(
      run.stdout,
      /→ \d+ records in .*\/s3\/kinesis-firehose-s3-output\/data\/year=\d{4}\/month=\d\d\/day=\d\d\/hour=\d\d\/kinesis-firehose-s3-delivery-1-.*\.gz/,
    );
  });
});

describe('streamkit kinesis', () => {
  test('serves a client that is not ours: the AWS CLI (botocore) puts and reads records', async () => {
    assert.equal(
      spawnSync('aws', ['--version']).status,
      0,
      'the AWS CLI is required: pip install awscli (.ci/run does)',
    );
    const main = new URL('../src/main.ts', import.meta.url).pathname;
    const child = spawn(process.execPath, [
      '--import',
      'tsx',
      main,
      'kinesis',
      '--port',
      '0',
      '--create-stream',
      'interop:1',
    ]);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      for (let i = 0; i < 100 && !/listening on (\S+)/.test(stdout); i++) await new Promise((r) => setTimeout(r, 100));
      const endpoint = /listening on (\S+)/.exec(stdout)?.[1];
      assert.ok(endpoint, stdout);
      const env = { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_PAGER: '' };
      const aws = (...args: string[]) =>
        JSON.parse(
          execFileSync(
            'aws',
            ['kinesis', ...args, '--endpoint-url', endpoint, '--region', 'us-east-1', '--output', 'json'],
            { env, encoding: 'utf8' },
          ),
        );
      const put = aws(
        'put-record',
        '--stream-name',
        'interop',
        '--partition-key',
        'k',
        '--data',
        'hello from botocore', // AWS CLI v1 sends blob arguments as they are and prints blobs as base64
      );
      assert.equal(put.ShardId, 'shardId-000000000000');
      const { ShardIterator } = aws(
        'get-shard-iterator',
        '--stream-name',
        'interop',
        '--shard-id',
        put.ShardId,
        '--shard-iterator-type',
        'TRIM_HORIZON',
      );
      const { Records } = aws('get-records', '--shard-iterator', ShardIterator);
      assert.equal(Buffer.from(Records[0].Data, 'base64').toString(), 'hello from botocore');
      assert.equal(Records[0].SequenceNumber, put.SequenceNumber);
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0);
  });
});

describe('streamkit produce', () => {
  test('writes taxi rides straight to a stream, KPL-aggregated, and every ride can be read back', async () => {
    const { startKinesisEngine } = await import('@streamkit/local');
    const { deaggregate } = await import('@streamkit/producer');
    const { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } = await import(
      '@aws-sdk/client-kinesis'
    );
    const engine = await startKinesisEngine({ port: 0 });
    const kinesis = new KinesisClient({
      endpoint: engine.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    try {
      await engine.dispatch('CreateStream', { StreamName: 'rides', ShardCount: 2 });
      const args = ['produce', '--preset', 'apigw-kinesis-lambda', '--stream', 'rides', '--endpoint', engine.endpoint];
      const run = await streamkit([
        ...args,
        '--data',
        'taxi',
        '--aggregate',
        '--total',
        '3000',
        '--rate',
        '3000',
        '--seed',
        '7',
        '--json',
      ]);
      assert.equal(run.code, 0, run.stderr);
      const result = JSON.parse(run.stdout) as { sent: number; failed: number; kinesisRecords: number };
      assert.equal(result.sent, 3000);
      assert.equal(result.failed, 0);

      const rides: { ride_id: string; fare_amount: number }[] = [];
      let stored = 0;
      const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName: 'rides' }));
      for (const shard of Shards ?? []) {
        const { ShardIterator } = await kinesis.send(
          new GetShardIteratorCommand({
            StreamName: 'rides',
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        const { Records = [] } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
        stored += Records.length;
        const event = Records.map((r) => ({
          kinesis: {
            data: Buffer.from(r.Data!).toString('base64'),
            partitionKey: r.PartitionKey!,
            sequenceNumber: r.SequenceNumber!,
          },
        }));
        for (const user of deaggregate(event as never))
          rides.push(JSON.parse(Buffer.from(user.kinesis.data, 'base64').toString()));
      }
      assert.equal(rides.length, 3000);
      assert.equal(new Set(rides.map((r) => r.ride_id)).size, 3000);
      assert.ok(stored < 300, `aggregation packed 3000 rides into ${stored} Kinesis records`);
    } finally {
      kinesis.destroy();
      await engine.close();
    }
  });
});

describe('streamkit validate, the Flink presets', () => {
  test('prints the producer, the Flink application and the SQL file of kpl-kinesis-flink-s3', async () => {
    const run = await streamkit(['validate', '--preset', 'kpl-kinesis-flink-s3']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /producer {3}EC2 t3\.small, 100 records\/s/);
    assert.match(
      run.stdout,
      /flink {6}FLINK-2_2, parallelism 1 \(1\/KPU, autoscaling on\), checkpoints every 60 s, snapshots on, log INFO, metrics APPLICATION/,
    );
    assert.match(run.stdout, /sql {8}.*stock-ticks-to-s3\.sql/);
  });

  test('prints the enrichment settings of kinesis-flink-apigw; a bad one exits 2 naming the field', async () => {
    const run = await streamkit(['validate', '--preset', 'kinesis-flink-apigw']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /enrichment timeout 30 s, capacity 20, retries 3, unordered, API 20 req\/s \(burst 100\), key rotated every 30 d/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'streamkit-cli-'));
    writeFileSync(join(dir, 'streamkit.yaml'), 'preset: kinesis-flink-apigw\nflink: { parallelism: 300 }\n');
    const bad = await streamkit(['validate'], { cwd: dir });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /flink\.parallelism must be between 1 and 256 tasks \(got 300\)/);
  });
});

describe('streamkit kafka', () => {
  test('runs a real Kafka a client that is not ours (kcat) writes to and reads from, `produce` finds, and stops on Ctrl-C', async () => {
    assert.equal(spawnSync('kcat', ['-V']).status, 0, 'kcat is required: apt-get install kcat (.ci/run installs it)');
    // The layout `streamkit dev` gives an MSK pipeline: its Kafka under <local.dataDir>/kafka.
    const base = mkdtempSync(join(tmpdir(), 'streamkit-cli-kafka-'));
    const dataDir = join(base, 'kafka');
    const child = spawn(
      process.execPath,
      [bin, 'kafka', '--port', '0', '--topic', 'cli-orders:2', '--data-dir', dataDir],
      {
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    try {
      for (let i = 0; i < 1800 && !/bootstrap servers: (\S+)/.test(stdout); i++)
        await new Promise((r) => setTimeout(r, 100));
      const servers = /bootstrap servers: (\S+)/.exec(stdout)?.[1];
      assert.ok(servers, `${stdout}\n${stderr}`);
      assert.match(servers, /^127\.0\.0\.1:\d+$/);
      assert.match(stdout, /topic cli-orders \(2 partitions, replication factor 1\)/);
      const kcat = (args: string[], input?: string) =>
        execFileSync('kcat', ['-b', servers, ...args], { encoding: 'utf8', timeout: 60_000, ...(input && { input }) });
      kcat(['-P', '-t', 'cli-orders', '-K', ':'], 'a:one\nb:two\nc:three\n');
      const read = kcat(['-C', '-t', 'cli-orders', '-e', '-f', '%k=%s\n']);
      assert.deepEqual(read.trim().split('\n').sort(), ['a=one', 'b=two', 'c=three']);

      // `streamkit produce` of an MSK pipeline writes to its topic on the local Kafka its data directory names.
      writeFileSync(
        join(base, 'streamkit.yaml'),
        `preset: msk-lambda\ntopics:\n  - name: cli-orders\n    partitions: 2\nlocal:\n  dataDir: ${base}\n`,
      );
      const produced = await streamkit(['produce', '-n', '250', '--rate', '1000', '--data', 'taxi', '--json'], {
        cwd: base,
        timeoutMs: 120_000,
      });
      assert.equal(produced.code, 0, produced.stderr);
      assert.equal(JSON.parse(produced.stdout).sent, 250, produced.stdout);
      const rides = kcat(['-C', '-t', 'cli-orders', '-e', '-f', '%s\n']).trim().split('\n');
      assert.equal(rides.filter((line) => line.includes('pickup')).length, 250);
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0, stderr);
    assert.match(stdout, /stopped/);
    const { brokers } = {
      brokers: JSON.parse(readFileSync(join(dataDir, 'cluster.json'), 'utf8')).nodes as { port: number }[],
    };
    const { createConnection } = await import('node:net');
    const refused = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port: brokers[0]!.port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    assert.ok(refused, 'the broker is gone after Ctrl-C');
  });

  test('--brokers takes 1 or 3 only', async () => {
    const run = await streamkit(['kafka', '--brokers', '2']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Allowed choices are 1, 3/);
  });

  test('a bad --topic is a usage error (exit 1) naming what it wants, before Kafka starts', async () => {
    const run = await streamkit(['kafka', '--topic', 'orders:zero']);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /option '--topic <name\[:partitions\]>' argument 'orders:zero' is invalid\. a topic must be <name> or <name>:<partitions>.*\(got "orders:zero"\)/,
    );
  });
});

describe('streamkit dev, msk-lambda', () => {
  test('runs a real Kafka, the event source mapping and the built-in consumer: every produced record is processed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamkit-cli-msk-'));
    const run = await streamkit(
      ['dev', '--preset', 'msk-lambda', '--produce', '100', '--duration', '3s', '--data-dir', join(dir, 'state')],
      { cwd: dir, timeoutMs: 240_000 },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Kafka: {6}127\.0\.0\.1:\d+/);
    assert.match(run.stdout, /Dashboard {4}http:\/\/127\.0\.0\.1:\d+\//);
    const summary = /produced (\d+) \(0 refused\) {2}processed (\d+) {2}on-failure 0/.exec(run.stdout);
    assert.ok(summary, run.stdout);
    assert.equal(summary[1], '300');
    assert.equal(summary[2], '300');
    assert.match(run.stdout, /stopped everything this run started/);
  });
});

describe('streamkit package', () => {
  test('--help explains the layout and the upload', async () => {
    const run = await streamkit(['package', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /--bucket-name <name>/);
    assert.match(run.stdout, /aws s3 sync dist\/regional-s3-assets/);
  });

  test('needs --preset or --all, and a bucket name that makes <name>-<region>', async (t) => {
    const out = mkdtempSync(join(tmpdir(), 'streamkit-package-cli-'));
    t.after(() => rmSync(out, { recursive: true, force: true }));
    const neither = await streamkit(['package', '--out', out]);
    assert.equal(neither.code, 2);
    assert.match(neither.stderr, /give either --preset <name> or --all \(got neither\)/);
    const bad = await streamkit(['package', '--preset', 'msk-cluster', '--out', out, '--bucket-name', 'Bad_Name']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--bucket-name must be .* \(got "Bad_Name"\)/);
  });

  test('packages a preset: the template and its zipped function, with progress on stderr', async (t) => {
    const out = mkdtempSync(join(tmpdir(), 'streamkit-package-cli-'));
    t.after(() => rmSync(out, { recursive: true, force: true }));
    const run = await streamkit(
      [
        'package',
        '--preset',
        'apigw-kinesis-lambda',
        '--out',
        out,
        '--bucket-name',
        'my-assets',
        '--solution-version',
        '2.0.0',
      ],
      { timeoutMs: 600_000 },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /apigw-kinesis-lambda: synthesizing every parameter at its probe value/);
    assert.match(run.stdout, /apigw-kinesis-lambda +\S+apigw-kinesis-lambda\.template {2}10 parameters, 1 assets/);
    assert.match(run.stdout, /aws s3 sync \S+ s3:\/\/my-assets-<region>\/streamkit\/2\.0\.0\//);
    const template = JSON.parse(readFileSync(join(out, 'global-s3-assets', 'apigw-kinesis-lambda.template'), 'utf8'));
    assert.equal(template.Parameters.ShardCount.Default, '2');
    assert.equal(template.Parameters.AssetsKeyPrefix.Default, 'streamkit/2.0.0/');
    const zips = readdirSync(join(out, 'regional-s3-assets'));
    assert.equal(zips.length, 1);
    assert.match(zips[0]!, /^[0-9a-f]{64}\.zip$/);
  });
});

describe('streamkit dev, msk-connect-s3', () => {
  test('runs a real Kafka and a Kafka Connect worker with the local S3 sink: every produced record is in an object, no JVM left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamkit-cli-connect-'));
    writeFileSync(
      join(dir, 'streamkit.yaml'),
      `name: archive\npreset: msk-connect-s3\ntopics:\n  - name: orders\n    partitions: 2\nconnector:\n  flushSize: 50\n  rotateIntervalMs: 1000\nlocal:\n  dataDir: ${join(dir, 'state')}\n`,
    );
    const run = await streamkit(['dev', 'streamkit.yaml', '--produce', '100', '--duration', '3s'], {
      cwd: dir,
      timeoutMs: 240_000,
    });
    assert.equal(run.code, 0, run.stderr);
    const worker = /Connect: {4}archive-s3-sink \(standalone worker, REST http:\/\/127\.0\.0\.1:\d+, pid (\d+)\)/.exec(
      run.stdout,
    );
    assert.ok(worker, run.stdout);
    const summary = /produced (\d+) \(0 refused\) {2}delivered (\d+) to archive-output/.exec(run.stdout);
    assert.ok(summary, run.stdout);
    assert.equal(summary[1], '300');
    assert.equal(summary[2], '300');
    assert.match(run.stdout, /stopped everything this run started/);
    assert.equal(alive(Number(worker[1])), false, 'the worker’s JVM is gone');
  });
});
