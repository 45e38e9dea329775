import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildPipelineApp, type PipelineAppOptions } from '../src/app.ts';
import { FEATURE_FLAGS } from '../src/feature-flags.ts';
import { tempDir } from './support/stacks.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Builds the app without bundling (these tests are about finding the spec) and with an empty environment. */
function build(options: PipelineAppOptions = {}) {
  return buildPipelineApp({
    env: {},
    cwd: tempDir(),
    outdir: tempDir(),
    ...options,
    context: { 'aws:cdk:bundling-stacks': [], ...options.context },
  });
}

describe('the cdk.json app', () => {
  test('-c preset=<name> builds the preset with every default', () => {
    const { stack, source } = build({ context: { preset: 'apigw-kinesis-lambda' } });
    assert.equal(stack.stackName, 'streamkit-apigw-kinesis-lambda');
    assert.equal(source, '--preset apigw-kinesis-lambda');
  });

  test('STREAMKIT_SPEC names the spec file to build', () => {
    const file = join(tempDir(), 'orders.yaml');
    writeFileSync(file, 'preset: apigw-kinesis-lambda\nname: orders\n');
    const { stack, source } = build({ env: { STREAMKIT_SPEC: file } });
    assert.equal(stack.stackName, 'streamkit-orders');
    assert.equal(source, file);
  });

  test('without either, streamkit.yaml in the working directory is used', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'streamkit.yaml'), 'preset: apigw-kinesis-lambda\nname: local-file\n');
    assert.equal(build({ cwd }).stack.stackName, 'streamkit-local-file');
  });

  test('-c stackName=<name> renames the stack', () => {
    const { stack } = build({ context: { preset: 'apigw-kinesis-lambda', stackName: 'ingest-dev' } });
    assert.equal(stack.stackName, 'ingest-dev');
  });

  test('with no spec anywhere, it fails with SK_NOT_FOUND saying where it looked', () => {
    assert.throws(() => build(), { code: 'SK_NOT_FOUND', message: /pass -c preset=<name>, set STREAMKIT_SPEC/ });
  });

  test('an unknown preset fails with the spec validation error', () => {
    assert.throws(() => build({ context: { preset: 'kinesis-lambda' } }), { code: 'SK_VALIDATION' });
  });

  test('cdk.json runs bin/app.ts and sets exactly the feature flags synthesize() uses', () => {
    const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
      app: string;
      context: Record<string, unknown>;
    };
    assert.equal(cdkJson.app, 'npx tsx packages/cdk/bin/app.ts');
    assert.deepEqual(cdkJson.context, FEATURE_FLAGS);
  });

  test('bin/app.ts synthesizes as the CDK CLI runs it, with cdk-nag and no unacknowledged findings', async () => {
    const outdir = tempDir();
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'packages/cdk/bin/app.ts'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify({ preset: 'apigw-kinesis-lambda' }),
        CDK_APP_MODE: 'process',
      },
    });
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: unknown[];
    };
    assert.deepEqual(report.pluginReports, []);
    assert.ok(
      readFileSync(join(outdir, 'streamkit-apigw-kinesis-lambda.template.json'), 'utf8').includes(
        'AWS::Kinesis::Stream',
      ),
    );
  });
});
