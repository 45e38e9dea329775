import { type ApigwKinesisLambdaSpec, apigwKinesisLambda } from './apigw-kinesis-lambda.ts';
import type { PresetDefinition } from './preset.ts';

/** Every preset streamkit ships, by name. */
export const PRESETS = {
  'apigw-kinesis-lambda': apigwKinesisLambda,
} as const satisfies Record<string, PresetDefinition>;

export type PresetName = keyof typeof PRESETS;

/** A resolved pipeline spec of any preset; switch on `preset` to narrow it. */
export type PipelineSpec = ApigwKinesisLambdaSpec;

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}
