/**
 * Every command that takes a pipeline accepts the same shape: a spec file, or `--preset <name>`, or neither (then
 * ./streamkit.yaml, .yml or .json is used).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  loadSpec,
  type PipelineSpec,
  PRESET_NAMES,
  presetSpec,
  SPEC_FILE_NAMES,
  StreamkitError,
} from '@streamkit/core';

export interface PipelineArgs {
  readonly spec?: string | undefined;
  readonly preset?: string | undefined;
}

export function resolvePipeline(args: PipelineArgs, cwd = process.cwd()): { spec: PipelineSpec; source: string } {
  if (args.spec && args.preset) {
    throw new StreamkitError(
      'SK_VALIDATION',
      'give a spec file or --preset, not both (a spec file names its preset itself)',
    );
  }
  if (args.preset) return { spec: presetSpec(args.preset, { baseDir: cwd }), source: `--preset ${args.preset}` };
  if (args.spec) return { spec: loadSpec(resolve(cwd, args.spec), { source: args.spec }), source: args.spec };
  for (const name of SPEC_FILE_NAMES) {
    if (existsSync(resolve(cwd, name))) return { spec: loadSpec(resolve(cwd, name), { source: name }), source: name };
  }
  throw new StreamkitError(
    'SK_NOT_FOUND',
    `no pipeline given: pass a spec file, or --preset <name> (one of ${PRESET_NAMES.join(', ')}), or run where ${SPEC_FILE_NAMES.join(' / ')} is`,
  );
}
