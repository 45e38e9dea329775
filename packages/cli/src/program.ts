import { LIMITS, PRESET_NAMES, PRICES_READ_ON, STREAMKIT_VERSION, StreamkitError } from '@streamkit/core';
/**
 * The `streamkit` command. No business logic lives here: each command resolves its pipeline and calls a package.
 */
import { parseTopicSpec } from '@streamkit/local';
import { DEMO_DATA_NAMES } from '@streamkit/producer';
import { Command, InvalidArgumentError, Option } from 'commander';

// The AWS SDK warns on Node < 22 about its releases after January 2027; README states the supported Node versions.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { cost } from './commands/cost.ts';
import { dev } from './commands/dev.ts';
import { INIT_PRESETS, init } from './commands/init.ts';
import { kafka } from './commands/kafka.ts';
import { kinesis, parseStreamFlag } from './commands/kinesis.ts';
import { packageCommand } from './commands/package.ts';
import { presets } from './commands/presets.ts';
import { produce } from './commands/produce.ts';
import { synth } from './commands/synth.ts';
import { TAIL_SAMPLE_NOTE, tail } from './commands/tail.ts';
import { validate } from './commands/validate.ts';
import { parseDurationFlag, parsePort, parsePositiveInt, parsePositiveNumber } from './duration.ts';
import { exitCodesHelp, run } from './output.ts';
import { REQUIRE_APPROVAL } from './toolkit/io-host.ts';

/**
 * The `streamkit` command line, ready to parse. `configure` runs before any command is declared, so what it sets
 * (commander's `exitOverride()` and `configureOutput()`, as tests use) reaches every subcommand.
 */
export function createProgram(configure: (program: Command) => void = () => {}): Command {
  const program = new Command('streamkit');
  configure(program);
  program
    .description('Streaming-data pipelines on AWS: defined once, deployed as CDK stacks, run locally.')
    .version(STREAMKIT_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `\n${exitCodesHelp()}`);

  /** Flag parsers throw StreamkitErrors; commander reports only its own error type as a usage error. */
  const flag =
    <T>(parse: (value: string) => T) =>
    (value: string): T => {
      try {
        return parse(value);
      } catch (error) {
        throw new InvalidArgumentError((error as Error).message);
      }
    };

  /** A repeatable flag: each value read by `parse` as it comes, so a bad one stops the command before it starts. */
  const repeated =
    <T>(parse: (value: string) => T) =>
    (value: string, previous: T[] = []): T[] => [...previous, flag(parse)(value)];

  const presetOption = () =>
    new Option('-p, --preset <name>', 'use a preset with its defaults instead of a spec file').choices(PRESET_NAMES);
  const specArgument = '[spec]';
  const specHelp = 'spec file (default: ./streamkit.yaml, .yml or .json)';

  program
    .command('validate')
    .description('check a pipeline spec and print it with every default resolved')
    .argument(specArgument, specHelp)
    .addOption(presetOption())
    .option('--json', 'print the resolved spec as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  streamkit validate\n  streamkit validate pipelines/orders.yaml --json\n  streamkit validate --preset apigw-kinesis-lambda',
    )
    .action((spec, opts) => run(() => validate({ spec, ...opts })));

  program
    .command('presets')
    .description('list the presets with one-line descriptions')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExamples:\n  streamkit presets\n  streamkit presets --json | jq -r ".[].name"')
    .action((opts) => run(() => presets(opts)));

  program
    .command('synth')
    .description('synthesize the pipeline as a CloudFormation stack (cloud assembly), checked by cdk-nag')
    .argument(specArgument, specHelp)
    .addOption(presetOption())
    .option('-o, --out <dir>', 'where to write the cloud assembly', 'cdk.out')
    .option('--stack-name <name>', 'CloudFormation stack name (default: streamkit-<pipeline name>)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nFails (exit 9) when cdk-nag reports an unacknowledged finding.\n\nExamples:\n  streamkit synth\n  streamkit synth --preset apigw-kinesis-lambda --out build/cdk.out\n  npx cdk deploy --app cdk.out',
    )
    .action((spec, opts) => run(() => synth({ spec, ...opts })));

  /**
   * The deploy commands load the CDK toolkit (several seconds of imports) only when they run, so every other command
   * starts as fast as before.
   */
  const deployCommands = () => import('./commands/deploy.ts');

  /** The flags every command that talks to an AWS account takes. */
  const awsCommand = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .argument(specArgument, specHelp)
      .addOption(presetOption())
      .option('--stack-name <name>', 'CloudFormation stack name (default: streamkit-<pipeline name>)')
      .option('--profile <name>', 'AWS profile of ~/.aws/config (default: AWS_PROFILE, else the default chain)')
      .option('--region <region>', 'AWS region (default: AWS_REGION, else the profile’s region, else us-east-1)')
      .option('-o, --out <dir>', 'where the cloud assembly is written, as synth', 'cdk.out')
      .option('--verbose', 'print every message of the CDK toolkit');
  const awsHelp =
    '\nNeeds AWS credentials (aws configure, AWS_PROFILE or --profile) and an environment bootstrapped once with\n`npx cdk bootstrap aws://<account>/<region>`.';

  awsCommand('deploy', 'deploy the pipeline’s stack to AWS through the CDK toolkit, printing stack events as they come')
    .addOption(
      new Option('--require-approval <level>', 'when to ask before deploying: never, any change, or broadened IAM')
        .choices(REQUIRE_APPROVAL)
        .default('broadening'),
    )
    .option('-y, --yes', 'approve the changes without asking (CI)')
    .option('--json', 'print the deployed stack (outputs, ARN, environment) as JSON')
    .addHelpText(
      'after',
      `${awsHelp}\nWithout a terminal, a deploy that needs approval stops (exit 2) unless --yes is given.\n\nExamples:\n  npx cdk bootstrap aws://123456789012/eu-west-1\n  streamkit deploy --preset apigw-kinesis-lambda --region eu-west-1\n  streamkit deploy pipelines/orders.yaml --profile prod --yes`,
    )
    .action((spec, opts) => run(async () => (await deployCommands()).deploy({ spec, ...opts })));

  awsCommand('diff', 'show what deploying the pipeline would add, change and remove in the deployed stack')
    .option('--json', 'print the changes as JSON')
    .addHelpText(
      'after',
      '\nNeeds AWS credentials (aws configure, AWS_PROFILE or --profile); reads only, so needs no bootstrap.\n\nExamples:\n  streamkit diff --preset apigw-kinesis-lambda\n  streamkit diff pipelines/orders.yaml --stack-name orders-prod --json',
    )
    .action((spec, opts) => run(async () => (await deployCommands()).diff({ spec, ...opts })));

  awsCommand('destroy', 'delete the pipeline’s stack and every resource in it')
    .option('-f, --force', 'do not ask (without it destroy asks on a terminal, and refuses without one)')
    .option('-y, --yes', 'the same as --force')
    .addHelpText(
      'after',
      `${awsHelp}\n\nExamples:\n  streamkit destroy --preset apigw-kinesis-lambda\n  streamkit destroy pipelines/orders.yaml --stack-name orders-dev --force`,
    )
    .action((spec, opts) => run(async () => (await deployCommands()).destroy({ spec, ...opts })));

  program
    .command('package')
    .description(
      'write one-click CloudFormation templates (settings as parameters) and their zipped assets, for console users',
    )
    .addOption(new Option('-p, --preset <name>', 'package one preset').choices(PRESET_NAMES))
    .option('--all', 'package every preset')
    .requiredOption('-o, --out <dir>', 'where global-s3-assets/ and regional-s3-assets/ are written')
    .option('--bucket-name <name>', 'base name of the asset buckets: templates read from <name>-<region> by default')
    .option('--solution-version <v>', 'version in the descriptions and the key prefix streamkit/<v>/ (default: 0.1.0)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nThe Flink presets package the job jars `mvn -f flink/pom.xml package` builds. Each template takes the preset’s\nmain settings as parameters, with the original solution’s names; see docs/package.md for launching one.\n\nExamples:\n  streamkit package --preset apigw-kinesis-lambda --out dist --bucket-name my-assets\n  streamkit package --all --out dist --bucket-name my-assets --solution-version 1.0.0\n  aws s3 sync dist/regional-s3-assets s3://my-assets-eu-west-1/streamkit/1.0.0/',
    )
    .action((opts) => run(() => packageCommand(opts)));

  program
    .command('cost')
    .description('estimate what the pipeline costs a month on AWS at a steady load, per component')
    .argument(specArgument, specHelp)
    .addOption(presetOption())
    .option('--spec <file>', 'spec file (the same as the argument)')
    .requiredOption(
      '--throughput <records/s>',
      'records per second, steady over the month',
      flag((v) => parsePositiveNumber('--throughput', v)),
    )
    .requiredOption(
      '--record-size <bytes>',
      'bytes per record',
      flag((v) => parsePositiveInt('--record-size', v)),
    )
    .option(
      '--records-per-request <n>',
      'records per request to the ingest API (default: 1, the upper bound)',
      flag((v) => parsePositiveInt('--records-per-request', v, LIMITS.kinesis.putRecordsMaxRecords.value)),
    )
    .addOption(
      new Option('--region <region>', 'region of the prices')
        .choices([...LIMITS.cost.region.values])
        .default(LIMITS.cost.region.default),
    )
    .option('--json', 'print the estimate as JSON')
    .addHelpText(
      'after',
      `\nList prices of the region as of ${PRICES_READ_ON}; the assumptions are in docs/cost.md.\n\nExamples:\n  streamkit cost --preset apigw-kinesis-lambda --throughput 1000 --record-size 1024\n  streamkit cost streamkit.yaml --throughput 50 --record-size 200 --json\n  streamkit cost --spec pipelines/orders.yaml --throughput 5000 --record-size 512`,
    )
    .action((specArg, opts) => {
      const { spec: specFlag, ...rest } = opts;
      run(() => {
        if (specArg && specFlag) {
          throw new StreamkitError('SK_VALIDATION', 'give the spec file as the argument or as --spec, not both');
        }
        return cost({ spec: specArg ?? specFlag, ...rest });
      });
    });

  program
    .command('dev')
    .description(
      'run the pipeline on this machine: Kinesis engine, ingest API or Firehose, event source mappings, your handlers',
    )
    .argument(specArgument, specHelp)
    .addOption(presetOption())
    .option(
      '--produce [rate]',
      'also send demo stock ticks (records/s) through the ingest API, or straight to the stream when there is none',
      flag((v) => parsePositiveInt('--produce', v, 100_000)),
    )
    .option(
      '--duration <time>',
      'stop producing after this long (30, 30s, 5m), wait until every record is settled, exit',
      flag((v) => parseDurationFlag('--duration', v)),
    )
    .option(
      '--kinesis-port <port>',
      'port of the Kinesis engine (0 = any free port)',
      flag((v) => parsePort('--kinesis-port', v)),
    )
    .option(
      '--ingest-port <port>',
      'port of the ingest API (0 = any free port)',
      flag((v) => parsePort('--ingest-port', v)),
    )
    .option(
      '--firehose-port <port>',
      'port of the Firehose API (0 = any free port)',
      flag((v) => parsePort('--firehose-port', v)),
    )
    .option(
      '--kafka-port <port>',
      'client port of the local Kafka broker, MSK presets (default: a free port)',
      flag((v) => parsePort('--kafka-port', v)),
    )
    .option(
      '--data-dir <dir>',
      'where dead-letter queues, handler bundles and the object store live (default: the spec’s local.dataDir)',
    )
    .option('--reset', 'delete the data directory first')
    .option('--logs', 'print every line your handlers log')
    .option('--no-throttle', 'turn the ingest API’s stage throttling off')
    .option('--no-shard-limits', 'turn the Kinesis shard limits model off (1 MiB/s or 1,000 records/s in per shard…)')
    .option(
      '--dashboard-port <port>',
      'port of the web dashboard: metrics, alarms, dead letters, records (0 = any free port, the default)',
      flag((v) => parsePort('--dashboard-port', v)),
    )
    .option('--no-dashboard', 'do not serve the dashboard (metrics and alarms are still recorded)')
    .addHelpText(
      'after',
      '\nEverything binds to 127.0.0.1 and stops on Ctrl-C.\n\nExamples:\n  streamkit dev\n  streamkit dev --preset apigw-kinesis-lambda --produce 200\n  streamkit dev --preset kinesis-firehose-s3 --produce 500 --duration 30s\n  streamkit dev pipelines/orders.yaml --logs --kinesis-port 0 --ingest-port 0\n  streamkit dev --preset msk-lambda --produce 200 --duration 20s\n  streamkit dev --preset msk-connect-s3 --produce 200\n  streamkit dev --preset msk-flink-s3 --produce 200',
    )
    .action((spec, opts) =>
      run(() =>
        dev({
          spec,
          ...opts,
          produce: opts.produce === true ? 100 : opts.produce,
          durationMs: opts.duration,
        }),
      ),
    );

  program
    .command('produce')
    .description('send demo records (stock ticks, taxi rides, clickstream) to a pipeline at a steady rate')
    .argument(specArgument, specHelp)
    .addOption(presetOption())
    .option(
      '-r, --rate <records/s>',
      'records per second',
      flag((v) => parsePositiveInt('--rate', v, 100_000)),
      100,
    )
    .addOption(
      new Option('-d, --data <kind>', 'demo data: the original’s stock ticks, taxi rides or clickstream events')
        .choices(DEMO_DATA_NAMES)
        .default('stock'),
    )
    .option('--aggregate', 'with --stream: pack records in the KPL’s aggregated format (consumers must deaggregate)')
    .option(
      '-n, --total <records>',
      'stop after this many records',
      flag((v) => parsePositiveInt('--total', v)),
    )
    .option(
      '--duration <time>',
      'stop after this long (30, 30s, 5m)',
      flag((v) => parseDurationFlag('--duration', v)),
    )
    .option(
      '--batch-size <records>',
      'records per PutRecords request (at most 500)',
      flag((v) => parsePositiveInt('--batch-size', v, 500)),
    )
    .option(
      '--seed <n>',
      'seed of the demo data, for repeatable runs',
      flag((v) => parsePositiveInt('--seed', v)),
    )
    .option('--url <url>', 'a deployed ingest API (the stack’s ApiUrl output); default: the local ingest API')
    .option('--stream <name>', 'write straight to this Kinesis stream instead of the ingest API')
    .option(
      '--endpoint <url>',
      'Kinesis endpoint for --stream (default: AWS; the local engine when --stream is omitted)',
    )
    .option('--region <region>', 'AWS region for --url (IAM signing) or --stream')
    .option('--topic <name>', 'MSK pipelines: the topic to write to (default: the spec’s first topic)')
    .option(
      '--bootstrap-servers <host:port,…>',
      'MSK pipelines: the brokers (default: the local Kafka `streamkit dev` runs for the spec)',
    )
    .option('--api-key <key>', 'API key for --url when the pipeline’s ingest.auth is apiKey')
    .option('--token <token>', 'Cognito ID token for --url when the pipeline’s ingest.auth is cognito')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  streamkit produce --rate 500 --total 10000            # to the pipeline `streamkit dev` runs\n  streamkit produce --url https://abc.execute-api.eu-west-1.amazonaws.com/prod --rate 50\n  streamkit produce --stream my-stream --region eu-west-1 --duration 1m\n  streamkit produce --data taxi --stream demo --aggregate  # KPL-aggregated taxi rides\n  streamkit produce --preset msk-lambda -n 1000            # to the topic of a running MSK pipeline',
    )
    .action((spec, opts) => run(() => produce({ spec, ...opts, durationMs: opts.duration })));

  program
    .command('kinesis')
    .description('run the local Kinesis engine on its own, for any AWS SDK, CLI or test suite')
    .option(
      '--port <port>',
      'port on 127.0.0.1 (0 = any free port)',
      flag((v) => parsePort('--port', v)),
      4567,
    )
    .option('--data-dir <dir>', 'keep streams and records on disk here; a restart finds every acknowledged record')
    .option(
      '--shard-limits',
      'enforce the shard limits model (1 MiB/s or 1,000 records/s in, 2 MiB/s and 5 reads/s out per shard)',
    )
    .option('--no-tls', 'serve plain HTTP only (by default HTTPS is served on the same port too)')
    .option(
      '--create-stream <name[:shards]>',
      'create a stream at start, on-demand unless a shard count is given (repeatable)',
      repeated(parseStreamFlag),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  streamkit kinesis\n  streamkit kinesis --port 0 --create-stream orders:4 --create-stream clicks\n  aws kinesis list-streams --endpoint-url http://127.0.0.1:4567 --region us-east-1',
    )
    .action((opts) => run(() => kinesis(opts)));

  program
    .command('init')
    .description('create a project of your own: spec, TypeScript handler and its test, package.json, README, cdk.json')
    .argument('<dir>', 'where to create it (a new or empty directory)')
    .addOption(
      new Option('-p, --preset <name>', 'the preset the project starts from')
        .choices(INIT_PRESETS)
        .makeOptionMandatory(),
    )
    .option('--name <name>', 'the pipeline’s name (default: the directory’s name)')
    .option('--force', 'write into a directory that has files (existing files are kept, never overwritten)')
    .option('--json', 'print what was written as JSON')
    .addHelpText(
      'after',
      '\nThe project links this streamkit checkout while streamkit is unpublished (file: dependencies).\n\nExamples:\n  streamkit init ticks --preset apigw-kinesis-lambda\n  cd ticks && npm install && npm test && npx streamkit dev --produce 50\n  streamkit init archive --preset kinesis-firehose-s3 --name tick-archive\n  streamkit init orders --preset msk-lambda',
    )
    .action((dir, opts) => run(() => init({ dir, ...opts })));

  program
    .command('tail')
    .description('follow a running `streamkit dev`: records written to its stream and runtime events, as they happen')
    .argument(specArgument, specHelp)
    .addOption(presetOption())
    .option('--url <url>', 'the dashboard of the running pipeline (default: the one its data directory names)')
    .option('--data-dir <dir>', 'the data directory of the running pipeline (default: the spec’s local.dataDir)')
    .option('--no-records', 'leave records out')
    .option('--no-events', 'leave runtime events out')
    .option(
      '-n, --count <lines>',
      'stop after this many lines',
      flag((v) => parsePositiveInt('--count', v)),
    )
    .option(
      '--duration <time>',
      'stop after this long (30, 30s, 5m)',
      flag((v) => parseDurationFlag('--duration', v)),
    )
    .option('--json', 'one JSON object per line: {"type":"record"|"event", …}')
    .addHelpText(
      'after',
      `\nThe ${TAIL_SAMPLE_NOTE}.\n\nExamples:\n  streamkit tail\n  streamkit tail --no-records            # only errors, dead letters, alarms…\n  streamkit tail --json -n 100 | jq .data\n  streamkit tail --url http://127.0.0.1:43121/`,
    )
    .action((spec, opts) => run(() => tail({ spec, ...opts, durationMs: opts.duration })));

  program
    .command('kafka')
    .description('run a real Apache Kafka (KRaft, no Docker) on 127.0.0.1, for any Kafka client or test suite')
    .option(
      '--port <port>',
      'client port of the first broker on 127.0.0.1 (default: a free port, or the one the data dir used last)',
      flag((v) => parsePort('--port', v)),
    )
    .addOption(
      new Option('--brokers <count>', 'brokers: 1, or 3 for a three-voter quorum and replication factor 3')
        .choices(['1', '3'])
        .default('1'),
    )
    .option('--data-dir <dir>', 'keep the brokers’ data here across runs (default: a temporary dir, removed on exit)')
    .option(
      '--topic <name[:partitions]>',
      'create a topic at start, replicated on every broker (repeatable)',
      repeated((value) => {
        parseTopicSpec(value);
        return value;
      }),
    )
    .option('--auto-create-topics', 'let clients create topics by writing to them (off by default, as on MSK)')
    .addHelpText(
      'after',
      "\nThe first run fetches Apache Kafka from Maven Central into ~/.m2 through Maven (about 45 MB, once); it needs\nJava 17+ and mvn. Stops cleanly on Ctrl-C.\n\nExamples:\n  streamkit kafka\n  streamkit kafka --port 9092 --topic orders:6 --topic clicks\n  streamkit kafka --brokers 3 --topic payments:3 --data-dir .streamkit/kafka\n  kcat -b 127.0.0.1:9092 -t orders -P <<< 'hello'",
    )
    .action((opts) => run(() => kafka(opts)));

  return program;
}
