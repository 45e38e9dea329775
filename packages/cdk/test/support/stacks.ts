/** Building stacks for the tests: specs from YAML, whole pipelines through the production path, bare stacks. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type PipelineSpec, parseSpecText } from '@streamkit/core';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FEATURE_FLAGS } from '../../src/feature-flags.ts';
import { MskPipelineStack } from '../../src/msk-pipeline-stack.ts';
import { type AppliedAcknowledgement, applyNag } from '../../src/nag.ts';
import { PipelineStack, type PipelineStackProps } from '../../src/pipeline-stack.ts';
import { createPipelineApp, readFindings, type SynthFinding } from '../../src/synth.ts';

const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory removed when the test file ends. */
export function tempDir(prefix = 'streamkit-cdk-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** The resolved spec of `yaml` (the `preset:` line is added). */
export function specOf(yaml = '', preset: PipelineSpec['preset'] = 'apigw-kinesis-lambda'): PipelineSpec {
  return parseSpecText(`preset: ${preset}\n${yaml}`, { source: 'test spec', skipFileChecks: true });
}

export interface SynthesizedPipeline {
  readonly stack: PipelineStack;
  readonly template: Template;
  /** Unacknowledged validation findings (cdk-nag and construct annotations), errors and warnings alike. */
  readonly findings: readonly SynthFinding[];
  readonly acknowledgements: readonly AppliedAcknowledgement[];
  readonly assemblyDir: string;
}

export interface SynthOptions {
  /** Make streamkit's cdk-nag acknowledgements. @default true */
  readonly acknowledge?: boolean;
  /** Bundle the handlers with esbuild. @default true */
  readonly bundle?: boolean;
  /** Stack props beyond the spec (the Flink job jars…). @default - none */
  readonly stackProps?: Omit<PipelineStackProps, 'spec'>;
}

/** A small file the Flink presets' tests upload as both job jars, so that they need no Maven build. */
export const FLINK_JOB_JAR_FIXTURE = fileURLToPath(new URL('../fixtures/flink-job.jar', import.meta.url));
export const FIXTURE_JARS = { sqlRunner: FLINK_JOB_JAR_FIXTURE, enrichment: FLINK_JOB_JAR_FIXTURE } as const;

/** Builds and synthesizes a pipeline the way `synthesize()` does, with cdk-nag. */
export function synthPipeline(spec: PipelineSpec, options: SynthOptions = {}): SynthesizedPipeline {
  const app = createPipelineApp(tempDir());
  if (options.bundle === false) app.node.setContext('aws:cdk:bundling-stacks', []);
  const stack = new PipelineStack(app, `streamkit-${spec.name}`, { spec, ...options.stackProps });
  let acknowledgements: AppliedAcknowledgement[] = [];
  if (options.acknowledge ?? true) acknowledgements = applyNag(app);
  else Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  return {
    stack,
    template: Template.fromStack(stack),
    findings: readFindings(assembly.directory),
    acknowledgements,
    assemblyDir: assembly.directory,
  };
}

export interface SynthesizedMskPipeline extends Omit<SynthesizedPipeline, 'stack'> {
  readonly stack: MskPipelineStack;
}

/** Builds and synthesizes an MSK pipeline the way `synthesize()` does, with cdk-nag. */
export function synthMskPipeline(spec: PipelineSpec, options: SynthOptions = {}): SynthesizedMskPipeline {
  const app = createPipelineApp(tempDir());
  if (options.bundle === false) app.node.setContext('aws:cdk:bundling-stacks', []);
  const stack = new MskPipelineStack(app, `streamkit-${spec.name}`, { spec });
  let acknowledgements: AppliedAcknowledgement[] = [];
  if (options.acknowledge ?? true) acknowledgements = applyNag(app);
  else Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  return {
    stack,
    template: Template.fromStack(stack),
    findings: readFindings(assembly.directory),
    acknowledgements,
    assemblyDir: assembly.directory,
  };
}

/** An empty stack in an app that skips asset bundling, for construct-level tests. */
export function bareStack(id = 'TestStack'): Stack {
  const app = new App({ outdir: tempDir(), context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [] } });
  return new Stack(app, id);
}
