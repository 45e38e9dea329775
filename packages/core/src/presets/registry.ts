import { StreamkitError } from '../errors.ts';
import { type ApigwKinesisLambdaSpec, apigwKinesisLambda } from './apigw-kinesis-lambda.ts';
import { type KinesisFirehoseS3Spec, kinesisFirehoseS3 } from './kinesis-firehose-s3.ts';
import { type KinesisFlinkApigwSpec, kinesisFlinkApigw } from './kinesis-flink-apigw.ts';
import { type KplKinesisFlinkS3Spec, kplKinesisFlinkS3 } from './kpl-kinesis-flink-s3.ts';
import { type MskClusterSpec, mskCluster } from './msk-cluster.ts';
import { type MskConnectS3Spec, mskConnectS3 } from './msk-connect-s3.ts';
import { type MskFlinkS3Spec, mskFlinkS3 } from './msk-flink-s3.ts';
import { type MskLabsSpec, mskLabs } from './msk-labs.ts';
import { type MskLambdaSpec, mskLambda } from './msk-lambda.ts';
import { type MskLambdaFirehoseS3Spec, mskLambdaFirehoseS3 } from './msk-lambda-firehose-s3.ts';
import type { PresetDefinition } from './preset.ts';

/** Every preset streamkit ships, by name. */
export const PRESETS = {
  'apigw-kinesis-lambda': apigwKinesisLambda,
  'kinesis-firehose-s3': kinesisFirehoseS3,
  'kpl-kinesis-flink-s3': kplKinesisFlinkS3,
  'kinesis-flink-apigw': kinesisFlinkApigw,
  'msk-cluster': mskCluster,
  'msk-lambda': mskLambda,
  'msk-lambda-firehose-s3': mskLambdaFirehoseS3,
  'msk-flink-s3': mskFlinkS3,
  'msk-connect-s3': mskConnectS3,
  'msk-labs': mskLabs,
} as const satisfies Record<string, PresetDefinition>;

export type PresetName = keyof typeof PRESETS;

/** A resolved pipeline spec of any preset; switch on `preset` to narrow it. */
export type PipelineSpec =
  | ApigwKinesisLambdaSpec
  | KinesisFirehoseS3Spec
  | KplKinesisFlinkS3Spec
  | KinesisFlinkApigwSpec
  | MskClusterSpec
  | MskLambdaSpec
  | MskLambdaFirehoseS3Spec
  | MskFlinkS3Spec
  | MskConnectS3Spec
  | MskLabsSpec;

/** The presets built on a Kinesis data stream. */
export type KinesisPipelineSpec = Exclude<PipelineSpec, { preset: `msk-${string}` }>;

/** The presets built on Amazon MSK (a Kafka cluster rather than a Kinesis stream). */
export type MskPipelineSpec = Extract<PipelineSpec, { preset: `msk-${string}` }>;

export function isMskSpec(spec: PipelineSpec): spec is MskPipelineSpec {
  return spec.preset.startsWith('msk-');
}

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

/** `spec` when it is built on a Kinesis data stream; SK_VALIDATION naming `what` (which needs one) otherwise. */
export function requireKinesisSpec(spec: PipelineSpec, what: string): KinesisPipelineSpec {
  if (!isMskSpec(spec)) return spec;
  throw new StreamkitError('SK_VALIDATION', `${what} does not run preset ${spec.preset} yet`, { path: 'preset' });
}
