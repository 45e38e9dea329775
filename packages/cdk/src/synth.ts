/**
 * Synthesis of a pipeline into a cloud assembly, with cdk-nag's AWS Solutions checks.
 *
 * How cdk-nag 3 reports: it is a CDK policy-validation plugin, so its findings are part of CDK's validation report.
 * During `app.synth()` CDK writes `validation-report.json` into the assembly, then — by default — prints the report
 * and, depending on the app mode, either sets `process.exitCode = 1` (CLI subprocess mode) or throws a
 * `ValidationError` (in-memory/unknown mode). `synthesize()` turns that off with the context flag
 * `@aws-cdk/core:failSynthOnValidationErrors: false`, reads the report itself and throws a `StreamkitError`
 * (`SK_SYNTH_FAILED`) listing the error-level findings; nothing is printed and the process exit code is left as it
 * was. Warnings do not fail synthesis (as in CDK); they are returned. cdk-nag leaves the findings it was told to
 * acknowledge out of the report altogether, so the acknowledgements are returned from `applyNag` instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PipelineSpec, StreamkitError, toStreamkitError } from '@streamkit/core';
import { App, type Environment } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { builtinCloudFormationValidation, FEATURE_FLAGS } from './feature-flags.ts';
import { type AppliedAcknowledgement, applyNag } from './nag.ts';
import type { PipelineStackProps } from './pipeline-stack.ts';
import { createPipelineStack } from './pipeline-stacks.ts';

export interface SynthesizeOptions {
  /** Where the cloud assembly is written (created if missing). */
  readonly outdir: string;
  /**
   * Name of the CloudFormation stack.
   * @default `streamkit-${spec.name}`
   */
  readonly stackName?: string;
  /**
   * Account and region to synthesize for.
   * @default - environment-agnostic; `cdk deploy` uses the credentials' account and region
   */
  readonly env?: Environment;
  /** The Flink presets' job jars. @default - `flink/target/` of this checkout (see PipelineStackProps) */
  readonly flinkJobJars?: PipelineStackProps['flinkJobJars'];
}

/** A validation finding nobody acknowledged. */
export interface SynthFinding {
  /** The validation plugin that reported it, e.g. `AwsSolutions`. */
  readonly plugin: string;
  /** The rule, with the finding in brackets where a rule reports several: `AwsSolutions-IAM5[Resource::*]`. */
  readonly rule: string;
  readonly severity: string;
  readonly description: string;
  /** Construct paths of the offending resources. */
  readonly constructPaths: readonly string[];
}

export interface SynthesizeResult {
  readonly outdir: string;
  readonly stackName: string;
  /** The CloudFormation template of the stack. */
  readonly templatePath: string;
  /** Unacknowledged findings that do not fail synthesis (warnings and infos); errors throw instead. */
  readonly findings: readonly SynthFinding[];
  /** The cdk-nag findings streamkit acknowledged, each with its reason (they are not in the validation report). */
  readonly acknowledgements: readonly AppliedAcknowledgement[];
}

/** An App configured the way every streamkit synthesis is: pinned feature flags, validation reported to us. */
export function createPipelineApp(outdir: string): App {
  return new App({
    outdir,
    builtinCloudFormationValidation: builtinCloudFormationValidation(),
    context: {
      ...FEATURE_FLAGS,
      // Write the validation report but neither print it nor touch process.exitCode; synthesize() reads it.
      '@aws-cdk/core:failSynthOnValidationErrors': false,
    },
  });
}

/**
 * Builds the pipeline stack of `spec`, runs cdk-nag and writes the cloud assembly to `options.outdir`.
 * Throws `SK_SYNTH_FAILED` when synthesis fails or when any error-level finding is not acknowledged.
 */
export function synthesize(spec: PipelineSpec, options: SynthesizeOptions): SynthesizeResult {
  const stackName = options.stackName ?? `streamkit-${spec.name}`;
  const exitCode = process.exitCode;
  let assembly: CloudAssembly;
  let acknowledgements: AppliedAcknowledgement[];
  try {
    const app = createPipelineApp(options.outdir);
    createPipelineStack(app, stackName, {
      spec,
      stackName,
      env: options.env,
      ...(options.flinkJobJars && { flinkJobJars: options.flinkJobJars }),
    });
    acknowledgements = applyNag(app);
    assembly = app.synth();
  } catch (error) {
    const cause = toStreamkitError(error);
    if (cause.code === 'SK_VALIDATION') throw cause;
    throw new StreamkitError('SK_SYNTH_FAILED', `synthesis of stack ${stackName} failed: ${cause.message}`, { cause });
  } finally {
    // Belt and braces: a validation plugin or a future CDK default may still set it.
    process.exitCode = exitCode;
  }

  const findings = readFindings(assembly.directory);
  checkFindings(stackName, findings, join(assembly.directory, 'validation-report.json'));

  const stack = assembly.getStackByName(stackName);
  return {
    outdir: assembly.directory,
    stackName,
    templatePath: join(assembly.directory, stack.templateFile),
    findings,
    acknowledgements,
  };
}

/**
 * Throws `SK_SYNTH_FAILED` listing the error-level findings, if there are any; warnings pass. `report` is the path of
 * the validation report the findings come from.
 */
export function checkFindings(stackName: string, findings: readonly SynthFinding[], report: string): void {
  const errors = findings.filter((f) => f.severity === 'error' || f.severity === 'fatal');
  if (errors.length === 0) return;
  const noun = errors.length === 1 ? 'finding' : 'findings';
  const lines = errors.map((f) => `  - ${f.rule}: ${f.description} (${f.constructPaths.join(', ')})`);
  throw new StreamkitError(
    'SK_SYNTH_FAILED',
    `stack ${stackName} has ${errors.length} unacknowledged ${noun}:\n${lines.join('\n')}\nFull report: ${report}`,
    { details: { findings: errors, report } },
  );
}

interface ValidationReport {
  readonly pluginReports?: readonly {
    readonly pluginName: string;
    readonly violations?: readonly {
      readonly ruleName: string;
      readonly description: string;
      readonly severity?: string;
      readonly violatingConstructs?: readonly { readonly constructPath?: string }[];
    }[];
  }[];
}

/** The unacknowledged findings in the validation report of the assembly at `directory` (none if there is no report). */
export function readFindings(directory: string): SynthFinding[] {
  const path = join(directory, 'validation-report.json');
  if (!existsSync(path)) return [];
  const report = JSON.parse(readFileSync(path, 'utf8')) as ValidationReport;
  return (report.pluginReports ?? []).flatMap((plugin) =>
    (plugin.violations ?? []).map((violation) => ({
      plugin: plugin.pluginName,
      rule: violation.ruleName,
      severity: violation.severity ?? 'error',
      description: violation.description,
      constructPaths: (violation.violatingConstructs ?? []).flatMap((c) => (c.constructPath ? [c.constructPath] : [])),
    })),
  );
}
