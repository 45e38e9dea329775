/**
 * The cloud assembly `deploy`, `diff` and `destroy` hand to the CDK toolkit: built in this process by the very
 * `synthesize()` that `streamkit synth` runs, so the toolkit deploys exactly the template (and cdk-nag verdict) that
 * `synth` shows. See docs/decisions/0011-deploy-through-toolkit-lib.md.
 */
import { resolve } from 'node:path';
import type { ICloudAssemblySource, StackSelector, Toolkit } from '@aws-cdk/toolkit-lib';
import { StackSelectionStrategy } from '@aws-cdk/toolkit-lib';
import { synthesize } from '@streamkit/cdk';
import type { PipelineSpec } from '@streamkit/core';

/**
 * `outdir` is `synth`'s `--out` (cdk.out by default), and must be: the handlers' source maps record paths relative to
 * the assembly, so the Lambda bundles' asset hashes — and the template — depend on where the assembly is written.
 */
export function pipelineAssembly(
  toolkit: Toolkit,
  spec: PipelineSpec,
  stackName: string,
  outdir: string,
): Promise<ICloudAssemblySource> {
  const directory = resolve(outdir);
  return toolkit.fromAssemblyBuilder(
    async () => ({ directory: synthesize(spec, { outdir: directory, stackName }).outdir }),
    {
      outdir: directory,
      disposeOutdir: false,
      // The builder passes nothing of the toolkit's context or environment to the app: streamkit stacks make no
      // context lookups and are environment-agnostic, and the template must be byte for byte the one `synth` writes.
      clobberEnv: false,
      resolveDefaultEnvironment: false,
    },
  );
}

/** Exactly the pipeline's stack: the assembly holds no other, and a typo must not select nothing. */
export function pipelineStack(stackName: string): StackSelector {
  return { strategy: StackSelectionStrategy.PATTERN_MUST_MATCH_SINGLE, patterns: [stackName] };
}
