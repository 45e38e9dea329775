import type { z } from 'zod';

/** A box of a pipeline diagram; `next` lists the components data flows to. */
export interface PipelineComponent {
  readonly id: string;
  readonly kind:
    | 'producer'
    | 'ingest-api'
    | 'kinesis-stream'
    | 'lambda-consumer'
    | 'dead-letter-queue'
    | 'firehose'
    | 'lambda-processor'
    | 's3'
    | 'kafka'
    | 'kafka-connect'
    | 'flink';
  readonly label: string;
  readonly next: readonly string[];
}

/** A named pipeline shape: its spec schema (with defaults) and the components it is drawn with. */
export interface PresetDefinition<Spec extends { preset: string; name: string } = { preset: string; name: string }> {
  /** Named by service chain, e.g. `apigw-kinesis-lambda`. */
  readonly name: string;
  readonly title: string;
  /** One line for `streamkit presets`. */
  readonly description: string;
  /** The original solution's pattern it re-implements (K1…K4, M1…M5), if any. */
  readonly original?: string;
  /** Parses a raw spec into the resolved spec (every default filled in). */
  readonly schema: z.ZodType<Spec>;
  readonly components: readonly PipelineComponent[];
}
