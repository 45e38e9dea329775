/**
 * The checks of a spec that need a real engine, run where validation meets the local target: core validates without
 * running anything; `streamkit validate`, `synth`, `dev` and `startLocalPipeline` call this afterwards.
 *
 * - `delivery.dynamicPartitioning.metadataExtractionQuery` must compile in jq (Firehose compiles it with jq 1.6 when
 *   the delivery stream is created).
 */
import { type PipelineSpec, type SpecProblem, SpecValidationError } from '@streamkit/core';
import { findJq } from './firehose/jq/find-jq.ts';

export interface CheckSpecOptions {
  /** Names the spec in error messages. @default 'spec' */
  readonly source?: string;
}

/** Throws a `SpecValidationError` listing what the engines refuse; resolves when nothing is refused. */
export async function checkSpec(spec: PipelineSpec, options: CheckSpecOptions = {}): Promise<void> {
  const problems: SpecProblem[] = [];
  if (spec.preset === 'kinesis-firehose-s3') {
    const { dynamicPartitioning } = spec.delivery;
    const query = dynamicPartitioning.metadataExtractionQuery;
    if (dynamicPartitioning.enabled && query !== undefined) {
      const jq = await findJq();
      const error = await jq.compileError(query);
      if (error !== undefined) {
        const path = 'delivery.dynamicPartitioning.metadataExtractionQuery';
        problems.push({
          path,
          message: `${path} is not a valid jq program (${jq.version}): ${describeJqError(error)} (got ${JSON.stringify(query)})`,
        });
      }
    }
  }
  if (problems.length > 0) throw new SpecValidationError(options.source ?? 'spec', problems);
}

/** jq's compile errors without its wrapping: `syntax error, unexpected $end, expecting '}'`. */
export function describeJqError(stderr: string): string {
  const errors = stderr
    .split('\n')
    .filter((line) => line.startsWith('jq: error: '))
    .map((line) =>
      line
        .slice('jq: error: '.length)
        .replace(/ \(Unix shell quoting issues\?\)/, '')
        .replace(/ at <top-level>, line \d+:$/, '')
        .trim(),
    );
  return errors.length > 0 ? errors.join('; ') : stderr.split('\n')[0]!.trim();
}
