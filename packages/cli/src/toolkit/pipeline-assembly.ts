/**
 * The cloud assembly `deploy`, `diff` and `destroy` hand to the CDK toolkit: built in this process by the very
 * `synthesize()` that `streamkit synth` runs, so the toolkit deploys exactly the template (and cdk-nag verdict) that
 * `synth` shows. See docs/decisions/0011-deploy-through-toolkit-lib.md.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICloudAssemblySource, StackSelector, Toolkit } from '@aws-cdk/toolkit-lib';
import { StackSelectionStrategy } from '@aws-cdk/toolkit-lib';
import { synthesize } from '@streamkit/cdk';
import type { PipelineSpec } from '@streamkit/core';

export function pipelineAssembly(toolkit: Toolkit, spec: PipelineSpec, stackName: string): Promise<ICloudAssemblySource> {
  return toolkit.fromAssemblyBuilder(
    async (props) => {
      const outdir = props.outdir ?? mkdtempSync(join(tmpdir(), 'streamkit-assembly-'));
      return { directory: synthesize(spec, { outdir, stackName }).outdir };
    },
    {
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
