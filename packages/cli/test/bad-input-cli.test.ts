/**
 * Bad-input catalogue: the command line. Each row runs `streamkit <args>` in this process (`createProgram` with
 * commander's exitOverride) and expects the exit code with the error's code — commander's for usage errors (exit 1),
 * streamkit's for the rest — the flag the message names, and the rule with the value received. Rows that must not
 * leave anything behind (init) check that no file was written.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CommanderError } from 'commander';
import { type BadInput, catalogue, type Observed } from '../../core/test/support/bad-input.ts';
import { createProgram } from '../src/program.ts';

const dir = mkdtempSync(join(tmpdir(), 'streamkit-bad-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const invalidSpec = file('invalid.yaml', 'preset: apigw-kinesis-lambda\nconsumers:\n  - batchSize: 0\n');
const brokenYaml = file('broken.yaml', 'preset: apigw-kinesis-lambda\nstream: {mode: PROVISIONED\n');
const textSpec = file('spec.txt', 'preset: apigw-kinesis-lambda\n');
const missingHandler = file('handler.yaml', 'preset: apigw-kinesis-lambda\nconsumers:\n  - handler: gone.ts\n');
const busy = join(dir, 'busy');
mkdirSync(busy);
writeFileSync(join(busy, 'notes.txt'), 'mine');
const emptyDataDir = join(dir, 'data');
mkdirSync(emptyDataDir);

/** What `streamkit <args>` ended with: `<exit code> <error code>`, the flag it names and its message. */
async function streamkit(args: readonly string[]): Promise<Observed> {
  const said: string[] = [];
  const program = createProgram((p) =>
    p.exitOverride().configureOutput({ writeOut: () => {}, writeErr: (text) => said.push(text) }),
  );
  // Errors of commands (not of commander) are printed by output.error on stderr: `Error <CODE>: <message>`.
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    said.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  let code: string;
  try {
    await program.parseAsync([...args], { from: 'user' });
    const printed = /Error (SK_[A-Z_]+): /.exec(said.join(''));
    code = `${process.exitCode} ${printed?.[1] ?? 'none'}`;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    code = `${error.exitCode} ${error.code}`;
  } finally {
    process.stderr.write = write;
    process.exitCode = undefined;
  }
  const message = said.join('');
  return { code, field: /(--[a-z][a-z-]*)/.exec(message)?.[1], message };
}

const usage = (code: string, message: RegExp, field?: string) =>
  field === undefined ? { code: `1 commander.${code}`, message } : { code: `1 commander.${code}`, field, message };
const failed = (code: string, message: RegExp, field?: string) =>
  field === undefined ? { code, message } : { code, field, message };

const rows: BadInput<readonly string[]>[] = [
  // Commands and flags commander knows.
  { name: 'an unknown command', input: ['launch'], expect: usage('unknownCommand', /unknown command 'launch'/) },
  {
    name: 'a misspelt command, with a suggestion',
    input: ['valdate'],
    expect: usage('unknownCommand', /unknown command 'valdate'\n\(Did you mean validate\?\)/),
  },
  {
    name: 'an unknown flag, with a suggestion',
    input: ['validate', '--jsn'],
    expect: usage('unknownOption', /unknown option '--jsn'\n\(Did you mean --json\?\)/, '--jsn'),
  },
  {
    name: 'an unknown flag of another command',
    input: ['presets', '--preset', 'msk-lambda'],
    expect: usage('unknownOption', /unknown option '--preset'/, '--preset'),
  },
  {
    name: 'too many arguments',
    input: ['validate', 'a.yaml', 'b.yaml'],
    expect: usage('excessArguments', /too many arguments for 'validate'. Expected 1 argument but got 2/),
  },
  {
    name: 'an unknown preset',
    input: ['validate', '--preset', 'apigw-kinesis'],
    expect: usage(
      'invalidArgument',
      /option '-p, --preset <name>' argument 'apigw-kinesis' is invalid. Allowed choices are apigw-kinesis-lambda, kinesis-firehose-s3, .*msk-labs/,
      '--preset',
    ),
  },
  {
    name: 'synth with an unknown preset',
    input: ['synth', '-p', 'kinesis'],
    expect: usage(
      'invalidArgument',
      /argument 'kinesis' is invalid. Allowed choices are apigw-kinesis-lambda/,
      '--preset',
    ),
  },
  {
    name: 'a flag without its value',
    input: ['dev', '--duration'],
    expect: usage('optionMissingArgument', /option '--duration <time>' argument missing/, '--duration'),
  },
  {
    name: 'dev --produce abc',
    input: ['dev', '--produce', 'abc'],
    expect: usage(
      'invalidArgument',
      /--produce must be a whole number between 1 and 100000 \(got "abc"\)/,
      '--produce',
    ),
  },
  {
    name: 'dev --produce 0',
    input: ['dev', '--produce', '0'],
    expect: usage('invalidArgument', /--produce must be a whole number between 1 and 100000 \(got "0"\)/, '--produce'),
  },
  {
    name: 'dev --produce 100001',
    input: ['dev', '--produce', '100001'],
    expect: usage('invalidArgument', /between 1 and 100000 \(got "100001"\)/, '--produce'),
  },
  {
    name: 'dev --duration 0',
    input: ['dev', '--duration', '0'],
    expect: usage(
      'invalidArgument',
      /--duration must be a positive duration such as 30, 30s, 5m or 1h \(got "0"\)/,
      '--duration',
    ),
  },
  {
    name: 'dev --duration 5x',
    input: ['dev', '--duration', '5x'],
    expect: usage('invalidArgument', /--duration must be a positive duration .*\(got "5x"\)/, '--duration'),
  },
  {
    name: 'dev --duration=-5s',
    input: ['dev', '--duration=-5s'],
    expect: usage('invalidArgument', /--duration must be a positive duration .*\(got "-5s"\)/, '--duration'),
  },
  {
    name: 'dev --duration "" (empty)',
    input: ['dev', '--duration', ''],
    expect: usage('invalidArgument', /--duration must be a positive duration .*\(got ""\)/, '--duration'),
  },
  {
    name: 'dev --kinesis-port 65536',
    input: ['dev', '--kinesis-port', '65536'],
    expect: usage(
      'invalidArgument',
      /--kinesis-port must be a port between 0 and 65535, 0 for any free port \(got "65536"\)/,
      '--kinesis-port',
    ),
  },
  {
    name: 'dev --ingest-port=-1',
    input: ['dev', '--ingest-port=-1'],
    expect: usage(
      'invalidArgument',
      /--ingest-port must be a port between 0 and 65535.* \(got "-1"\)/,
      '--ingest-port',
    ),
  },
  {
    name: 'dev --firehose-port 1.5',
    input: ['dev', '--firehose-port', '1.5'],
    expect: usage('invalidArgument', /--firehose-port must be a port .*\(got "1.5"\)/, '--firehose-port'),
  },
  {
    name: 'dev --kafka-port http',
    input: ['dev', '--kafka-port', 'http'],
    expect: usage('invalidArgument', /--kafka-port must be a port .*\(got "http"\)/, '--kafka-port'),
  },
  {
    name: 'dev --dashboard-port 99999',
    input: ['dev', '--dashboard-port', '99999'],
    expect: usage('invalidArgument', /--dashboard-port must be a port .*\(got "99999"\)/, '--dashboard-port'),
  },
  {
    name: 'dev --kinesis-port 0x10',
    input: ['dev', '--kinesis-port', 'x10'],
    expect: usage('invalidArgument', /--kinesis-port must be a port .*\(got "x10"\)/, '--kinesis-port'),
  },
  {
    name: 'produce --rate 0',
    input: ['produce', '--rate', '0'],
    expect: usage('invalidArgument', /--rate must be a whole number between 1 and 100000 \(got "0"\)/, '--rate'),
  },
  {
    name: 'produce --rate 1e9',
    input: ['produce', '--rate', '1e9'],
    expect: usage('invalidArgument', /--rate must be a whole number between 1 and 100000 \(got "1e9"\)/, '--rate'),
  },
  {
    name: 'produce --data weather',
    input: ['produce', '--data', 'weather'],
    expect: usage(
      'invalidArgument',
      /option '-d, --data <kind>' argument 'weather' is invalid. Allowed choices are stock, taxi, clickstream/,
      '--data',
    ),
  },
  {
    name: 'produce --total 1.5',
    input: ['produce', '--total', '1.5'],
    expect: usage('invalidArgument', /--total must be a whole number between 1 and \d+ \(got "1.5"\)/, '--total'),
  },
  {
    name: 'produce --batch-size 501',
    input: ['produce', '--batch-size', '501'],
    expect: usage(
      'invalidArgument',
      /--batch-size must be a whole number between 1 and 500 \(got "501"\)/,
      '--batch-size',
    ),
  },
  {
    name: 'produce --seed seven',
    input: ['produce', '--seed', 'seven'],
    expect: usage('invalidArgument', /--seed must be a whole number between 1 and \d+ \(got "seven"\)/, '--seed'),
  },
  {
    name: 'produce --duration 1y',
    input: ['produce', '--duration', '1y'],
    expect: usage('invalidArgument', /--duration must be a positive duration .*\(got "1y"\)/, '--duration'),
  },
  {
    name: 'kinesis --port 70000',
    input: ['kinesis', '--port', '70000'],
    expect: usage('invalidArgument', /--port must be a port between 0 and 65535.* \(got "70000"\)/, '--port'),
  },
  {
    name: 'kinesis --create-stream with a space',
    input: ['kinesis', '--create-stream', 'my stream'],
    expect: usage(
      'invalidArgument',
      /--create-stream must be <name> or <name>:<shards>, the name 1-128 of \[a-zA-Z0-9_.-\] and shards a whole number from 1 to 500 \(got "my stream"\)/,
      '--create-stream',
    ),
  },
  {
    name: 'kinesis --create-stream orders:0',
    input: ['kinesis', '--create-stream', 'orders:0'],
    expect: usage('invalidArgument', /--create-stream must be .* \(got "orders:0"\)/, '--create-stream'),
  },
  {
    name: 'kinesis --create-stream orders:501',
    input: ['kinesis', '--create-stream', 'orders:501'],
    expect: usage('invalidArgument', /--create-stream must be .* \(got "orders:501"\)/, '--create-stream'),
  },
  {
    name: 'kinesis --create-stream orders:',
    input: ['kinesis', '--create-stream', 'orders:'],
    expect: usage('invalidArgument', /--create-stream must be .* \(got "orders:"\)/, '--create-stream'),
  },
  {
    name: 'kinesis --create-stream orders:2:3',
    input: ['kinesis', '--create-stream', 'orders:2:3'],
    expect: usage('invalidArgument', /--create-stream must be .* \(got "orders:2:3"\)/, '--create-stream'),
  },
  {
    name: 'kinesis: the second --create-stream bad',
    input: ['kinesis', '--create-stream', 'a', '--create-stream', ':3'],
    expect: usage('invalidArgument', /--create-stream must be .* \(got ":3"\)/, '--create-stream'),
  },
  {
    name: 'kafka --brokers 2',
    input: ['kafka', '--brokers', '2'],
    expect: usage(
      'invalidArgument',
      /option '--brokers <count>' argument '2' is invalid. Allowed choices are 1, 3/,
      '--brokers',
    ),
  },
  {
    name: 'kafka --topic with a space',
    input: ['kafka', '--topic', 'my topic'],
    expect: usage(
      'invalidArgument',
      /option '--topic <name\[:partitions\]>' argument 'my topic' is invalid. a topic must be <name> or <name>:<partitions>.* \(got "my topic"\)/,
      '--topic',
    ),
  },
  {
    name: 'kafka --topic t:0',
    input: ['kafka', '--topic', 't:0'],
    expect: usage('invalidArgument', /a topic must be <name> or <name>:<partitions>.* \(got "t:0"\)/, '--topic'),
  },
  {
    name: 'kafka --port abc',
    input: ['kafka', '--port', 'abc'],
    expect: usage('invalidArgument', /--port must be a port .*\(got "abc"\)/, '--port'),
  },
  {
    name: 'init without --preset',
    input: ['init', join(dir, 'never-a')],
    expect: usage('missingMandatoryOptionValue', /required option '-p, --preset <name>' not specified/, '--preset'),
  },
  {
    name: 'init without a directory',
    input: ['init', '--preset', 'apigw-kinesis-lambda'],
    expect: usage('missingArgument', /missing required argument 'dir'/),
  },
  {
    name: 'init with an unknown preset',
    input: ['init', join(dir, 'never-b'), '--preset', 'msk'],
    expect: usage('invalidArgument', /argument 'msk' is invalid. Allowed choices are/, '--preset'),
  },
  {
    name: 'tail -n 0',
    input: ['tail', '-n', '0'],
    expect: usage('invalidArgument', /--count must be a whole number between 1 and \d+ \(got "0"\)/, '--count'),
  },
  {
    name: 'tail --duration soon',
    input: ['tail', '--duration', 'soon'],
    expect: usage('invalidArgument', /--duration must be a positive duration .*\(got "soon"\)/, '--duration'),
  },
  // Errors of the commands: streamkit's codes and exit codes.
  {
    name: 'validate a spec file that does not exist',
    input: ['validate', join(dir, 'missing.yaml')],
    expect: failed('3 SK_NOT_FOUND', /Error SK_NOT_FOUND: spec file not found: .*missing.yaml/),
  },
  {
    name: 'validate a spec file of another type',
    input: ['validate', textSpec],
    expect: failed('2 SK_VALIDATION', /spec file must end in .yaml, .yml or .json \(got .*spec.txt\)/),
  },
  {
    name: 'validate an invalid spec',
    input: ['validate', invalidSpec],
    expect: failed(
      '2 SK_VALIDATION',
      /invalid.yaml has 1 problem:\n {2}- consumers\[0\].batchSize must be between 1 and 10000 records \(got 0\)/,
    ),
  },
  {
    name: 'validate YAML that does not parse, with its line',
    input: ['validate', brokenYaml],
    expect: failed('2 SK_VALIDATION', /broken.yaml has 1 problem:\n {2}- not valid YAML or JSON: .*line 3/),
  },
  {
    name: 'validate a spec whose handler does not exist',
    input: ['validate', missingHandler],
    expect: failed(
      '2 SK_VALIDATION',
      /consumers\[0\].handler must name an existing file \(got .*gone.ts, which does not exist\)/,
    ),
  },
  {
    name: 'validate a spec file and --preset',
    input: ['validate', invalidSpec, '--preset', 'msk-lambda'],
    expect: failed('2 SK_VALIDATION', /give a spec file or --preset, not both/, '--preset'),
  },
  {
    name: 'synth an invalid spec',
    input: ['synth', invalidSpec, '--out', join(dir, 'never-out')],
    expect: failed('2 SK_VALIDATION', /consumers\[0\].batchSize must be between 1 and 10000 records \(got 0\)/),
  },
  {
    name: 'dev an invalid spec',
    input: ['dev', invalidSpec, '--kinesis-port', '0', '--ingest-port', '0', '--no-dashboard'],
    expect: failed('2 SK_VALIDATION', /consumers\[0\].batchSize must be between 1 and 10000 records \(got 0\)/),
  },
  {
    name: 'produce to an invalid spec',
    input: ['produce', invalidSpec, '--total', '1'],
    expect: failed('2 SK_VALIDATION', /consumers\[0\].batchSize must be between 1 and 10000/),
  },
  {
    name: 'tail a pipeline that is not running',
    input: ['tail', '--preset', 'apigw-kinesis-lambda', '--data-dir', emptyDataDir],
    expect: failed('3 SK_NOT_FOUND', /no running streamkit dev found: .* is missing or names a stopped process/),
  },
  {
    name: 'init with a name in capitals',
    input: ['init', join(dir, 'never-c'), '--preset', 'apigw-kinesis-lambda', '--name', 'My_Pipeline'],
    expect: failed(
      '2 SK_VALIDATION',
      /--name must be 1–40 lowercase letters, digits and hyphens, starting with a letter \(got "My_Pipeline"\)/,
      '--name',
    ),
  },
  {
    name: 'init in a directory whose name makes no pipeline name',
    input: ['init', join(dir, '123'), '--preset', 'apigw-kinesis-lambda'],
    expect: failed(
      '2 SK_VALIDATION',
      /cannot make a pipeline name from the directory name "123": pass --name/,
      '--name',
    ),
  },
  {
    name: 'init into a directory that has files',
    input: ['init', busy, '--preset', 'apigw-kinesis-lambda'],
    expect: failed('4 SK_CONFLICT', /busy is not empty: init a new directory, or pass --force/, '--force'),
  },
];

describe('bad input: the streamkit command line', () => {
  catalogue(rows, streamkit);

  test('the refused commands wrote nothing: no project, no cloud assembly, no file in a busy directory', () => {
    for (const name of ['never-a', 'never-b', 'never-c', '123', 'never-out']) {
      assert.equal(existsSync(join(dir, name)), false, `${name} was created`);
    }
    assert.deepEqual(readdirSync(busy), ['notes.txt']);
  });
});
