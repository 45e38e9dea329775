import { relative, resolve } from 'node:path';
import { packagePresets } from '@streamkit/cdk';
import { PRESET_NAMES, type PresetName, StreamkitError } from '@streamkit/core';
import { output } from '../output.ts';

export interface PackageArgs {
  readonly preset?: PresetName;
  readonly all?: boolean;
  readonly out: string;
  readonly bucketName?: string;
  readonly solutionVersion?: string;
  readonly json?: boolean;
}

/** `streamkit package`: one-click CloudFormation templates and their assets (the logic is `packagePresets`). */
export async function packageCommand(args: PackageArgs): Promise<number> {
  if (Boolean(args.all) === (args.preset !== undefined)) {
    throw new StreamkitError(
      'SK_VALIDATION',
      `give either --preset <name> or --all (got ${args.all ? 'both' : 'neither'}); presets: ${PRESET_NAMES.join(', ')}`,
      { path: 'preset' },
    );
  }
  const presets = args.all ? PRESET_NAMES : [args.preset!];
  const started = performance.now();
  const result = packagePresets(presets, {
    outdir: resolve(args.out),
    ...(args.bucketName !== undefined && { bucketName: args.bucketName }),
    ...(args.solutionVersion !== undefined && { solutionVersion: args.solutionVersion }),
    onProgress: (message) => output.progress(message),
  });
  if (args.json) {
    output.line(JSON.stringify(result, null, 2));
    return 0;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const here = (path: string) => relative(process.cwd(), path) || '.';
  output.line(`✓ packaged ${result.presets.length} preset${result.presets.length === 1 ? '' : 's'} in ${seconds} s`);
  for (const p of result.presets) {
    output.line(
      `  ${p.preset.padEnd(24)} ${here(p.templatePath)}  ${p.parameters.length} parameters, ${p.assets.length} assets`,
    );
  }
  output.line(`  assets         ${here(result.regionalAssets)}`);
  const bucket = args.bucketName ?? '<bucket>';
  output.line(
    `  upload with    aws s3 sync ${here(result.regionalAssets)} s3://${bucket}-<region>/${result.keyPrefix}`,
  );
  output.line('  then open a template in the CloudFormation console (docs/package.md)');
  return 0;
}
