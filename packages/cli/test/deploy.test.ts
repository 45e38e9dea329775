/**
 * `streamkit deploy`, `diff` and `destroy` without AWS: the credentials error on a machine without credentials, and
 * the wiring through the CDK toolkit against a test double of the account's APIs (STS, SSM, S3, CloudFormation) on
 * 127.0.0.1, reached through AWS_ENDPOINT_URL with static fake credentials. The double records every call, so the
 * tests assert what the toolkit sent and how each answer becomes streamkit's message and exit code.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BootstrapError } from '@aws-cdk/toolkit-lib';
import { fromToolkitError } from '../src/toolkit/errors.ts';
import { ProgressIoHost, type ProgressIoHostOptions } from '../src/toolkit/io-host.ts';
import { AwsAccountDouble } from './support/aws-account-double.ts';

const bin = new URL('../bin/streamkit.js', import.meta.url).pathname;
const PRESET = ['--preset', 'apigw-kinesis-lambda'];
const STACK = 'streamkit-apigw-kinesis-lambda';
const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with only the environment given (no AWS_* of the machine running the tests leaks in). */
function streamkit(args: string[], env: Record<string, string>, cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`streamkit ${args.join(' ')} did not finish:\n${stdout}\n${stderr}`));
    }, 240_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function emptyHome(): string {
  return mkdtempSync(join(tmpdir(), 'streamkit-deploy-home-'));
}

/** Fake static credentials and the double as every service's endpoint; the region comes from --region. */
function accountEnv(endpoint: string, home: string): Record<string, string> {
  return {
    HOME: home,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'AKIADOUBLEDOUBLE',
    AWS_SECRET_ACCESS_KEY: 'double-secret',
  };
}

/** The toolkit's question before a deploy, as it asks it (CDK_TOOLKIT_I5060). */
function deployQuestion(permissionChangeType: 'none' | 'broadening' | 'non-broadening') {
  return {
    time: new Date(0),
    level: 'info' as const,
    action: 'deploy' as const,
    code: 'CDK_TOOLKIT_I5060' as const,
    message: 'Stack includes updates. Do you wish to deploy these changes?',
    data: { motivation: 'Stack includes updates', permissionChangeType },
    defaultResponse: true,
  };
}

describe('the toolkit IoHost answers deploy approvals by --require-approval, --yes and the terminal', () => {
  const cases: [ProgressIoHostOptions['requireApproval'], 'none' | 'broadening', boolean, 'asks' | boolean][] = [
    ['never', 'broadening', false, true],
    ['broadening', 'none', false, true],
    ['broadening', 'broadening', false, 'asks'],
    ['broadening', 'broadening', true, true],
    ['any-change', 'none', false, 'asks'],
    ['any-change', 'none', true, true],
  ];
  for (const [requireApproval, change, yes, expected] of cases) {
    test(`--require-approval ${requireApproval}, ${change} IAM change${yes ? ', --yes' : ''}: ${expected === 'asks' ? 'asks' : expected ? 'approves' : 'declines'}`, async () => {
      const questions: string[] = [];
      const onTerminal = new ProgressIoHost({
        requireApproval,
        yes,
        confirm: async (q) => {
          questions.push(q);
          return false;
        },
      });
      const answer = await onTerminal.requestResponse(deployQuestion(change));
      if (expected === 'asks') {
        assert.equal(questions.length, 1);
        assert.equal(answer, false, 'the user said no');
        assert.match(onTerminal.declined ?? '', /declined; nothing was changed/);
        const withoutTerminal = new ProgressIoHost({ requireApproval, yes });
        assert.equal(await withoutTerminal.requestResponse(deployQuestion(change)), false);
        assert.match(withoutTerminal.declined ?? '', /no terminal to ask on.*--yes/);
      } else {
        assert.equal(questions.length, 0);
        assert.equal(answer, expected);
      }
    });
  }
});

describe('toolkit errors become streamkit errors', () => {
  test('a BootstrapError wrapped by the deploy action gives the bootstrap command with the profile', () => {
    const inner = new BootstrapError('SsmParameterNotFound', 'SSM parameter not found', {
      account: ACCOUNT,
      region: REGION,
    });
    const wrapped = Object.assign(new Error(`${STACK} failed: ${inner.message}`), { cause: inner });
    const error = fromToolkitError(wrapped, { stackName: STACK, failures: [], profile: 'prod' });
    assert.equal(error.code, 'SK_UNAVAILABLE');
    assert.equal(error.exitCode, 8);
    assert.match(error.message, new RegExp(`npx cdk bootstrap aws://${ACCOUNT}/${REGION} --profile prod$`));
  });

  test('an outdated bootstrap stack is told apart from a missing one', () => {
    const outdated = new BootstrapError('OutdatedBootstrapStack', "requires version '6', found '3'", {
      account: ACCOUNT,
      region: REGION,
    });
    const error = fromToolkitError(outdated, { stackName: STACK, failures: [] });
    assert.match(error.message, /has a CDK bootstrap stack too old for this stack .*found '3'.*update it:/s);
    assert.match(error.message, new RegExp(`\\n  npx cdk bootstrap aws://${ACCOUNT}/${REGION}$`));
  });
});

describe('streamkit deploy without credentials', () => {
  test('fails with the credentials error, the chain it tried and the fix, before synthesizing anything', async () => {
    const home = emptyHome();
    try {
      for (const args of [
        ['deploy', ...PRESET],
        ['diff', ...PRESET],
        ['destroy', ...PRESET, '--force'],
      ]) {
        const run = await streamkit(args, { HOME: home }, home);
        assert.equal(run.code, 8, `${args[0]}: ${run.stderr}`);
        assert.match(run.stderr, /Error SK_UNAVAILABLE: no AWS credentials found/);
        assert.match(run.stderr, /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
        assert.match(run.stderr, /profile "default" in ~\/\.aws\/credentials and ~\/\.aws\/config/);
        assert.match(run.stderr, /run `aws configure`.*AWS_PROFILE=<profile>.*--profile <profile>/);
        assert.doesNotMatch(run.stderr, /synthesizing|Bundling/, 'nothing else is attempted');
        assert.equal(run.stdout, '');
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('streamkit deploy, diff and destroy against a double of the AWS APIs', () => {
  const home = emptyHome();
  const double = new AwsAccountDouble({ account: ACCOUNT, region: REGION, bootstrapVersion: 30 });
  let env: Record<string, string>;
  /** The template `streamkit synth` writes for the preset. */
  let synthTemplate: { Resources: Record<string, { Type: string }> };

  before(async () => {
    env = accountEnv(await double.start(), home);
    // Both write to ./cdk.out (the default): bundles' source maps hold paths relative to the assembly.
    const synth = await streamkit(['synth', ...PRESET], { HOME: home }, home);
    assert.equal(synth.code, 0, synth.stderr);
    synthTemplate = JSON.parse(readFileSync(join(home, 'cdk.out', `${STACK}.template.json`), 'utf8'));
  });

  after(async () => {
    await double.stop();
    rmSync(home, { recursive: true, force: true });
  });

  test('diff before the first deploy lists every resource of the template as added', async () => {
    const run = await streamkit(['diff', ...PRESET, '--region', REGION], env, home);
    assert.equal(run.code, 0, run.stderr);
    const count = Object.keys(synthTemplate.Resources).length;
    assert.match(run.stdout, new RegExp(`stack ${STACK}: ${count} to add, 0 to update, 0 to remove`));
    assert.match(run.stdout, /IAM and security group changes: broadening/);
    assert.match(run.stdout, /\+ AWS::Kinesis::Stream Stream/);
    assert.match(run.stdout, /\+ AWS::Lambda::EventSourceMapping /);
    const added = run.stdout.split('\n').filter((line) => line.startsWith('  + '));
    assert.equal(added.length, count);
    assert.deepEqual(double.actions('cloudformation'), ['DescribeStacks'], 'diff only reads');
  });

  test('without a terminal, a deploy that broadens IAM stops before executing and removes its change set', async () => {
    double.calls.length = 0;
    const run = await streamkit(['deploy', ...PRESET, '--region', REGION], env, home);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /Error SK_VALIDATION: the deployment makes security-sensitive changes/);
    assert.match(run.stderr, /--require-approval is broadening.*pass --yes/s);
    const cfn = double.actions('cloudformation');
    assert.ok(cfn.includes('CreateChangeSet'));
    assert.ok(!cfn.includes('ExecuteChangeSet'), cfn.join(', '));
    assert.ok(cfn.includes('DeleteChangeSet'), cfn.join(', '));
  });

  test('deploy --yes submits the template streamkit synth writes, prints stack events and the outputs', async () => {
    double.calls.length = 0;
    const run = await streamkit(['deploy', ...PRESET, '--region', REGION, '--yes'], env, home);
    assert.equal(run.code, 0, run.stderr);

    // The toolkit checks the bootstrap version, publishes the assets through the file-publishing role, then
    // creates and executes a change set through the deploy role.
    const roles = double.calls.filter((c) => c.action === 'AssumeRole').map((c) => c.params.RoleArn);
    assert.ok(roles.includes(`arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-deploy-role-${ACCOUNT}-${REGION}`));
    assert.ok(roles.includes(`arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-file-publishing-role-${ACCOUNT}-${REGION}`));
    assert.deepEqual(
      double.calls.filter((c) => c.service === 'ssm').map((c) => c.params.Name),
      ['/cdk-bootstrap/hnb659fds/version'],
    );
    const create = double.calls.find((c) => c.action === 'CreateChangeSet');
    assert.ok(create);
    assert.equal(create.params.StackName, STACK);
    assert.equal(create.params.ChangeSetType, 'CREATE');
    const capabilities = Object.entries(create.params)
      .filter(([k]) => k.startsWith('Capabilities.member.'))
      .map(([, v]) => v);
    assert.ok(capabilities.includes('CAPABILITY_IAM'), capabilities.join(', '));
    const templateUrl = new URL(String(create.params.TemplateURL));
    const bucket = `cdk-hnb659fds-assets-${ACCOUNT}-${REGION}`;
    const key = templateUrl.pathname.split('/').pop() ?? '';
    const submitted = double.objects.get(`${bucket}/${key}`);
    assert.ok(submitted, `the template object ${key} was uploaded to ${bucket}`);
    assert.deepEqual(JSON.parse(submitted.toString('utf8')), synthTemplate);
    // The Lambda bundle the template references was uploaded too.
    const zips = [...double.objects.keys()].filter((k) => k.endsWith('.zip'));
    assert.ok(zips.length >= 1, [...double.objects.keys()].join(', '));
    assert.ok(double.actions('cloudformation').includes('ExecuteChangeSet'));

    // One progress line per stack event, and the summary with the outputs.
    assert.match(run.stderr, /\] CREATE_COMPLETE AWS::Kinesis::Stream Stream/);
    assert.match(run.stderr, new RegExp(`\\] CREATE_COMPLETE AWS::CloudFormation::Stack ${STACK}`));
    assert.match(run.stdout, new RegExp(`✓ deployed stack ${STACK} to aws://${ACCOUNT}/${REGION}`));
    assert.match(run.stdout, /ApiUrl +https:\/\/abc123\.execute-api\.eu-west-1\.amazonaws\.com\/prod\//);
    assert.match(run.stdout, /StreamName +/);
    assert.match(run.stdout, /streamkit produce --url https:\/\/abc123\.execute-api/);
  });

  test('diff after the deploy finds nothing to change', async () => {
    const run = await streamkit(['diff', ...PRESET, '--region', REGION], env, home);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`stack ${STACK}: 0 to add, 0 to update, 0 to remove`));
  });

  test('destroy without a terminal and without --force refuses before anything is called', async () => {
    double.calls.length = 0;
    const run = await streamkit(['destroy', ...PRESET, '--region', REGION], env, home);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /Error SK_VALIDATION: destroy deletes the stack .* pass --force/);
    assert.equal(double.calls.length, 0);
  });

  test('destroy --force deletes the stack; a second destroy finds no stack', async () => {
    double.calls.length = 0;
    const run = await streamkit(['destroy', ...PRESET, '--region', REGION, '--force'], env, home);
    assert.equal(run.code, 0, run.stderr);
    const deletion = double.calls.find((c) => c.action === 'DeleteStack');
    assert.match(String(deletion?.params.StackName), new RegExp(`:stack/${STACK}/`));
    assert.match(run.stdout, new RegExp(`✓ destroyed stack ${STACK} in aws://${ACCOUNT}/${REGION}`));

    const again = await streamkit(['destroy', ...PRESET, '--region', REGION, '--force'], env, home);
    assert.equal(again.code, 3, again.stderr);
    assert.match(again.stderr, new RegExp(`Error SK_NOT_FOUND: stack ${STACK} does not exist .*nothing to destroy`));
  });
});

describe('streamkit deploy errors from the account', () => {
  test('an environment without the bootstrap parameter gets the exact cdk bootstrap command; nothing is created', async () => {
    const home = emptyHome();
    const double = new AwsAccountDouble({ account: ACCOUNT, region: REGION, bootstrapVersion: undefined });
    try {
      const env = accountEnv(await double.start(), home);
      const run = await streamkit(['deploy', ...PRESET, '--region', REGION, '--yes'], env, home);
      assert.equal(run.code, 8, run.stderr);
      assert.match(run.stderr, new RegExp(`Error SK_UNAVAILABLE: aws://${ACCOUNT}/${REGION} is not bootstrapped`));
      assert.match(run.stderr, new RegExp(`\\n  npx cdk bootstrap aws://${ACCOUNT}/${REGION}\\n`));
      assert.ok(double.actions('ssm').includes('GetParameter'));
      assert.ok(!double.actions('cloudformation').includes('CreateChangeSet'));
      assert.ok(!double.calls.some((c) => c.action.startsWith('PUT ')), 'no asset uploaded');
    } finally {
      await double.stop();
      rmSync(home, { recursive: true, force: true });
    }
  });

  test('a creation that rolls back (ROLLBACK_COMPLETE) names the failing resource and its reason', async () => {
    const home = emptyHome();
    const double = new AwsAccountDouble({
      account: ACCOUNT,
      region: REGION,
      bootstrapVersion: 30,
      failCreation: {
        logicalId: 'Stream46233657',
        reason: 'Resource handler returned message: "Account limit of 500 shards exceeded"',
      },
    });
    try {
      const env = accountEnv(await double.start(), home);
      const run = await streamkit(['deploy', ...PRESET, '--region', REGION, '--yes'], env, home);
      assert.equal(run.code, 10, run.stderr);
      assert.match(run.stderr, new RegExp(`Error SK_DEPLOY_FAILED: stack ${STACK} failed \\(ROLLBACK_COMPLETE\\)`));
      assert.match(
        run.stderr,
        /\n {2}Stream46233657 \(AWS::Kinesis::Stream\) CREATE_FAILED: Resource handler returned message: "Account limit of 500 shards exceeded"\n/,
      );
      // Resources CloudFormation cancelled because of it are not named as causes.
      assert.doesNotMatch(run.stderr.split('Error SK_DEPLOY_FAILED')[1] ?? '', /cancelled/);
      assert.match(run.stderr, /run `streamkit deploy` again/);
    } finally {
      await double.stop();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
