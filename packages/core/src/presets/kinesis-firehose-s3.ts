/**
 * kinesis-firehose-s3 — the original solution's third Kinesis pattern (K3): Kinesis Data Streams → Amazon Data
 * Firehose → S3, with buffering, compression, custom prefixes and dynamic partitioning by jq, and — beyond the
 * original — record format conversion to Parquet and a Lambda record transformation.
 *
 * The delivery stream's cross-field rules live in `../spec/delivery-rules.ts`, shared with msk-lambda-firehose-s3.
 */
import type { z } from 'zod';
import { checkStream, commonFields, resolveStream, streamSection } from '../spec/components.ts';
import { bucketSection, deliverySection } from '../spec/delivery.ts';
import { checkDelivery, resolveDelivery } from '../spec/delivery-rules.ts';
import { section } from '../spec/fields.ts';
import type { PresetDefinition } from './preset.ts';

const schema = section({
  ...commonFields,
  stream: streamSection,
  delivery: deliverySection,
  bucket: bucketSection,
})
  .superRefine((spec, ctx) => {
    checkStream(spec.stream, ctx);
    checkDelivery(spec.delivery, ctx);
  })
  .transform((spec) => ({
    ...spec,
    name: spec.name ?? 'kinesis-firehose-s3',
    preset: 'kinesis-firehose-s3' as const,
    stream: resolveStream(spec.stream),
    delivery: resolveDelivery(spec.delivery),
  }));

export type KinesisFirehoseS3Spec = z.output<typeof schema>;
export type DeliverySettings = KinesisFirehoseS3Spec['delivery'];

export const kinesisFirehoseS3: PresetDefinition<KinesisFirehoseS3Spec> = {
  name: 'kinesis-firehose-s3',
  title: 'Kinesis Data Streams → Firehose → S3',
  description:
    'A Firehose delivery stream reads a Kinesis data stream and writes buffered, compressed (or Parquet) objects to S3, optionally partitioned by jq.',
  original: 'K3',
  schema,
  components: [
    { id: 'producer', kind: 'producer', label: 'Producers (any Kinesis client)', next: ['stream'] },
    { id: 'stream', kind: 'kinesis-stream', label: 'Kinesis data stream', next: ['firehose'] },
    {
      id: 'firehose',
      kind: 'firehose',
      label: 'Firehose delivery stream (buffering, jq partitioning, compression or Parquet)',
      next: ['processor', 's3', 'errors'],
    },
    { id: 'processor', kind: 'lambda-processor', label: 'Lambda record transformation (optional)', next: [] },
    { id: 's3', kind: 's3', label: 'S3 bucket: prefix/…', next: [] },
    { id: 'errors', kind: 's3', label: 'S3 bucket: errorOutputPrefix/…', next: [] },
  ],
};
