/**
 * Every preset's template, as `streamkit synth` writes it, passes cfn-lint (pinned in requirements-dev.txt) with no
 * error and no warning other than the ones listed here with a reason.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type PipelineSpec, PRESET_NAMES, parseSpecText, presetSpec } from '@streamkit/core';
import { synthesize } from '../src/synth.ts';
import { FIXTURE_JARS, tempDir } from './support/stacks.ts';

const CFN_LINT = process.env.STREAMKIT_CFN_LINT ?? 'cfn-lint';

/** Presets with a required setting get the least spec that has it; the others their defaults. */
const REQUIRED: Partial<Record<string, string>> = {
  'msk-flink-s3': `flink:\n  sql: ${fileURLToPath(new URL('../../core/src/presets/sql/stock-ticks-to-s3.sql', import.meta.url))}`,
  'msk-connect-s3': 'connector:\n  plugin: s3://my-plugins/kafka-connect-s3.zip',
};

function specOf(preset: string): PipelineSpec {
  const yaml = REQUIRED[preset];
  return yaml === undefined
    ? presetSpec(preset)
    : parseSpecText(`preset: ${preset}\n${yaml}`, { source: `--preset ${preset}`, skipFileChecks: true });
}

/** Variants whose resources no preset's defaults make. */
const VARIANTS: Record<string, () => PipelineSpec> = {
  // The topics function in the cluster's VPC (Custom::MskServerlessTopics) and its consumer's dependency on it.
  'msk-lambda on MSK Serverless': () =>
    parseSpecText('preset: msk-lambda\ncluster: { kind: serverless }', { source: 'test', skipFileChecks: true }),
};

/** Rules whose findings we accept, each with the reason. */
const ACCEPTED: Record<string, string> = {
  W3005:
    'aws-cdk-lib makes a Lambda function depend on its role as well as reading the role ARN; the extra DependsOn is harmless',
};

interface Finding {
  readonly Level: 'Error' | 'Warning' | 'Informational';
  readonly Message: string;
  readonly Rule: { readonly Id: string };
  readonly Location: { readonly Path: readonly (string | number)[] };
}

const version = spawnSync(CFN_LINT, ['--version'], { encoding: 'utf8' });

describe('cfn-lint over every preset’s template', () => {
  test('is installed', () => {
    const hint = 'python3 -m pip install -r requirements-dev.txt (.ci/run does this)';
    assert.equal(version.error, undefined, `cfn-lint is required: ${hint}`);
  });
  const cases: [string, () => PipelineSpec][] = [
    ...PRESET_NAMES.map((preset): [string, () => PipelineSpec] => [preset, () => specOf(preset)]),
    ...Object.entries(VARIANTS),
  ];
  for (const [name, spec] of cases) {
    test(`${name}: no errors, no unaccepted warnings`, () => {
      const { templatePath } = synthesize(spec(), {
        outdir: tempDir(),
        flinkJobJars: FIXTURE_JARS,
      });
      const run = spawnSync(CFN_LINT, ['--format', 'json', '--', templatePath], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      assert.equal(run.error, undefined);
      const findings = JSON.parse(run.stdout || '[]') as Finding[];
      const unaccepted = findings
        .filter((f) => f.Level !== 'Informational' && !Object.hasOwn(ACCEPTED, f.Rule.Id))
        .map((f) => `${f.Level} ${f.Rule.Id} at ${f.Location.Path.join('/')}: ${f.Message}`);
      assert.deepEqual(unaccepted, [], `cfn-lint ${version.stdout.trim()} on ${templatePath}`);
    });
  }
});
