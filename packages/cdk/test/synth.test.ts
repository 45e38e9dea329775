import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { StreamkitError } from '@streamkit/core';
import { Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { checkFindings, createPipelineApp, readFindings, synthesize } from '../src/synth.ts';
import { specOf, tempDir } from './support/stacks.ts';

function failure(run: () => unknown): StreamkitError {
  try {
    run();
  } catch (error) {
    assert.ok(StreamkitError.is(error), `expected a StreamkitError, got ${error}`);
    return error;
  }
  assert.fail('expected a failure');
}

describe('synthesize()', () => {
  test('writes the cloud assembly of stack streamkit-<name> and reports no findings', () => {
    const outdir = tempDir();
    const exitCode = process.exitCode;
    const result = synthesize(specOf('name: clicks'), { outdir });
    assert.equal(result.stackName, 'streamkit-clicks');
    assert.equal(result.outdir, outdir);
    assert.equal(result.templatePath, join(outdir, 'streamkit-clicks.template.json'));
    const template = JSON.parse(readFileSync(result.templatePath, 'utf8')) as { Resources: Record<string, unknown> };
    assert.ok(Object.keys(template.Resources).length > 30);
    assert.ok(existsSync(join(outdir, 'manifest.json')));
    assert.ok(existsSync(join(outdir, 'validation-report.json')));
    assert.deepEqual(result.findings, []);
    assert.ok(result.acknowledgements.some((a) => a.id === 'AwsSolutions-SQS3'));
    assert.equal(process.exitCode, exitCode);
  });

  test('uses the stack name it is given', () => {
    const result = synthesize(specOf(), { outdir: tempDir(), stackName: 'ingest-dev' });
    assert.equal(result.stackName, 'ingest-dev');
    assert.ok(existsSync(result.templatePath));
  });

  test('a stack that cannot be built fails with SK_SYNTH_FAILED and the reason', () => {
    const spec = specOf('consumers:\n  - handler: /nowhere/handler.ts\n');
    const error = failure(() => synthesize(spec, { outdir: tempDir() }));
    assert.equal(error.code, 'SK_SYNTH_FAILED');
    assert.equal(error.exitCode, 9);
    assert.match(error.message, /synthesis of stack streamkit-apigw-kinesis-lambda failed: .*\/nowhere\/handler\.ts/);
  });
});

describe('cdk-nag findings during synthesis', () => {
  // A queue with neither TLS enforcement nor a DLQ, and no acknowledgement: two AWS Solutions errors.
  function synthesizeBareQueue(): string {
    const app = createPipelineApp(tempDir());
    new sqs.Queue(new Stack(app, 'Queues'), 'Queue', { enforceSSL: false });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    return app.synth().directory;
  }

  test('are written to the validation report without failing synth, printing, or setting the exit code', () => {
    const exitCode = process.exitCode;
    const findings = readFindings(synthesizeBareQueue());
    assert.deepEqual(
      findings.map((f) => [f.plugin, f.rule, f.severity, f.constructPaths]),
      [
        ['AwsSolutions', 'AwsSolutions-SQS3', 'error', ['Queues/Queue/Resource']],
        ['AwsSolutions', 'AwsSolutions-SQS4', 'error', ['Queues/Queue/Resource']],
      ],
    );
    assert.equal(process.exitCode, exitCode);
  });

  test('an error-level finding fails with SK_SYNTH_FAILED naming the rule, the description and the construct', () => {
    const dir = synthesizeBareQueue();
    const error = failure(() => checkFindings('Queues', readFindings(dir), join(dir, 'validation-report.json')));
    assert.equal(error.code, 'SK_SYNTH_FAILED');
    assert.match(error.message, /^stack Queues has 2 unacknowledged findings:/);
    assert.match(
      error.message,
      /AwsSolutions-SQS4: The SQS queue does not require requests to use SSL\. \(Queues\/Queue\/Resource\)/,
    );
    assert.equal((error.details?.findings as unknown[] | undefined)?.length, 2);
  });

  test('warnings alone do not fail synthesis', () => {
    assert.doesNotThrow(() =>
      checkFindings(
        'S',
        [
          {
            plugin: 'AwsSolutions',
            rule: 'AwsSolutions-APIG3',
            severity: 'warning',
            description: 'x',
            constructPaths: [],
          },
        ],
        'report.json',
      ),
    );
  });
});
