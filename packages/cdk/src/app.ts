/**
 * The CDK app behind `cdk.json` (`bin/app.ts`): finds the spec, builds its PipelineStack and adds the cdk-nag checks,
 * so that `cdk synth`, `cdk diff` and `cdk deploy` work on a streamkit project without the streamkit CLI.
 *
 * Where the spec comes from, first match wins:
 * 1. `-c preset=<name>`: the preset with every default;
 * 2. the `STREAMKIT_SPEC` environment variable: a spec file;
 * 3. `streamkit.yaml`, `streamkit.yml` or `streamkit.json` in the working directory.
 * `-c stackName=<name>` overrides the stack name (default `streamkit-<spec name>`); `-c sqlRunnerJar=<path>` and
 * `-c enrichmentJar=<path>` upload other Flink job jars than the ones `mvn package` builds in flink/.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadSpec, type PipelineSpec, presetSpec, SPEC_FILE_NAMES, StreamkitError } from '@streamkit/core';
import { App } from 'aws-cdk-lib';
import { builtinCloudFormationValidation, FEATURE_FLAGS } from './feature-flags.ts';
import { applyNag } from './nag.ts';
import { type AnyPipelineStack, createPipelineStack } from './pipeline-stacks.ts';

export interface PipelineAppOptions {
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where `streamkit.yaml` is looked for. @default process.cwd() */
  readonly cwd?: string;
  /** Extra context, as `cdk -c key=value` would give it. @default - none */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Where the cloud assembly goes. @default - what the CDK CLI says, or a temporary directory */
  readonly outdir?: string;
}

export interface PipelineApp {
  readonly app: App;
  readonly stack: AnyPipelineStack;
  /** Where the spec came from: `--preset <name>`, or a file path. */
  readonly source: string;
}

export function buildPipelineApp(options: PipelineAppOptions = {}): PipelineApp {
  const app = new App({
    outdir: options.outdir,
    builtinCloudFormationValidation: builtinCloudFormationValidation(options.env ?? process.env),
    context: { ...FEATURE_FLAGS, ...options.context },
  });
  const { spec, source } = findSpec(app, options);
  const stackName = stringContext(app, 'stackName') ?? `streamkit-${spec.name}`;
  const sqlRunner = stringContext(app, 'sqlRunnerJar');
  const enrichment = stringContext(app, 'enrichmentJar');
  const stack = createPipelineStack(app, stackName, {
    spec,
    stackName,
    flinkJobJars: { ...(sqlRunner && { sqlRunner }), ...(enrichment && { enrichment }) },
  });
  applyNag(app);
  return { app, stack, source };
}

function findSpec(app: App, options: PipelineAppOptions): { spec: PipelineSpec; source: string } {
  const env = options.env ?? process.env;
  const preset = stringContext(app, 'preset');
  if (preset !== undefined) return { spec: presetSpec(preset), source: `--preset ${preset}` };
  const file = env.STREAMKIT_SPEC;
  if (file) return { spec: loadSpec(file), source: file };
  const cwd = options.cwd ?? process.cwd();
  const found = SPEC_FILE_NAMES.map((name) => join(cwd, name)).find((path) => existsSync(path));
  if (found) return { spec: loadSpec(found), source: found };
  throw new StreamkitError(
    'SK_NOT_FOUND',
    `no pipeline spec: pass -c preset=<name>, set STREAMKIT_SPEC to a spec file, or add ${SPEC_FILE_NAMES.join(', ')} to ${cwd}`,
  );
}

function stringContext(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new StreamkitError('SK_VALIDATION', `context ${key} must be text (got ${JSON.stringify(value)})`, {
      path: key,
    });
  }
  return value;
}
