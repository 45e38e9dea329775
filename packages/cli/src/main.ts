#!/usr/bin/env node
import { PRESET_NAMES } from '@streamkit/core';
/**
 * The `streamkit` command. No business logic lives here: each command resolves its pipeline and calls a package.
 */
import { Command, Option } from 'commander';
import { presets } from './commands/presets.ts';
import { validate } from './commands/validate.ts';
import { exitCodesHelp, run } from './output.ts';

const program = new Command('streamkit')
  .description('Streaming-data pipelines on AWS: defined once, deployed as CDK stacks, run locally.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText('after', `\n${exitCodesHelp()}`);

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
  .action((opts) => run(() => presets(opts)));

await program.parseAsync();
