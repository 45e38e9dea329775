import { StreamkitError } from '../errors.ts';
import { type ApigwKinesisLambdaSpec, apigwKinesisLambda } from './apigw-kinesis-lambda.ts';
import { type KinesisFirehoseS3Spec, kinesisFirehoseS3 } from './kinesis-firehose-s3.ts';
import { type KinesisFlinkApigwSpec, kinesisFlinkApigw } from './kinesis-flink-apigw.ts';
import { type KplKinesisFlinkS3Spec, kplKinesisFlinkS3 } from './kpl-kinesis-flink-s3.ts';
import type { PresetDefinition } from './preset.ts';

/** Every preset streamkit ships, by name. */
export const PRESETS = {
  'apigw-kinesis-lambda': apigwKinesisLambda,
  'kinesis-firehose-s3': kinesisFirehoseS3,
  'kpl-kinesis-flink-s3': kplKinesisFlinkS3,
  'kinesis-flink-apigw': kinesisFlinkApigw,
} as const satisfies Record<string, PresetDefinition>;

export type PresetName = keyof typeof PRESETS;

/** A resolved pipeline spec of any preset; switch on `preset` to narrow it. */
export type PipelineSpec =
  | ApigwKinesisLambdaSpec
  | KinesisFirehoseS3Spec
  | KplKinesisFlinkS3Spec
  | KinesisFlinkApigwSpec;

/** The resolved spec of one preset: `SpecOf<'kinesis-firehose-s3'>`. */
export type SpecOf<P extends PresetName> = Extract<PipelineSpec, { preset: P }>;

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

/** `spec` narrowed to preset `name`; SK_VALIDATION when it is another preset's (`what` names who needs it). */
export function requirePreset<P extends PresetName>(spec: PipelineSpec, name: P, what = 'this'): SpecOf<P> {
  if (spec.preset !== name) {
    throw new StreamkitError('SK_VALIDATION', `${what} needs a ${name} pipeline (got preset ${spec.preset})`, {
      path: 'preset',
    });
  }
  return spec as SpecOf<P>;
}
