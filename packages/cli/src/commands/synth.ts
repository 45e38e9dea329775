import { resolve } from 'node:path';
import { synthesize } from '@streamkit/cdk';
import { checkSpec } from '@streamkit/local';
import { output } from '../output.ts';
import { type PipelineArgs, resolvePipeline } from '../resolve-spec.ts';

export async function synth(args: PipelineArgs & { out: string; stackName?: string; json?: boolean }): Promise<number> {
  const { spec, source } = resolvePipeline(args);
  await checkSpec(spec, { source });
  output.progress(`synthesizing ${source} (bundling handlers, running cdk-nag)`);
  const started = performance.now();
  const result = await synthesize(spec, {
    outdir: resolve(args.out),
    ...(args.stackName && { stackName: args.stackName }),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (args.json) {
    output.line(JSON.stringify(result, null, 2));
    return 0;
  }
  output.line(`✓ synthesized stack ${result.stackName} in ${seconds} s`);
  output.line(`  template      ${result.templatePath}`);
  output.line(
    `  cdk-nag       0 unacknowledged errors, ${result.findings.length} warnings, ${result.acknowledgements.length} acknowledged`,
  );
  for (const f of result.findings) output.line(`    warning ${f.rule}: ${f.description}`);
  output.line(`  deploy with   npx cdk deploy --app ${result.outdir}`);
  return 0;
}
