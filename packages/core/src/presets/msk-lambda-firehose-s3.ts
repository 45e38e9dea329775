/**
 * msk-lambda-firehose-s3 — the original solution's third MSK pattern (M3): Amazon MSK → Lambda → Firehose → S3. The
 * built-in forwarder sends each batch with PutRecordBatch and retries the records Firehose refuses; records that
 * still fail make the invocation fail, so the event source mapping retries them and finally hands them to the
 * on-failure destination (the original dropped them after three tries: its bug 9).
 */
import type { z } from 'zod';
import { commonFields } from '../spec/components.ts';
import { bucketSection, deliverySection } from '../spec/delivery.ts';
import { checkDelivery, resolveDelivery } from '../spec/delivery-rules.ts';
import { section } from '../spec/fields.ts';
import {
  checkKafka,
  existingClusterTopics,
  kafkaConsumerSection,
  kafkaFields,
  resolveConsumers,
  resolveKafka,
} from '../spec/kafka.ts';
import type { PresetDefinition } from './preset.ts';

const schema = existingClusterTopics(
  section({
    ...commonFields,
    ...kafkaFields,
    /** The Lambda function between the topic and the delivery stream. @default - the built-in Firehose forwarder */
    forwarder: kafkaConsumerSection('forwarder'),
    delivery: deliverySection,
    bucket: bucketSection,
  })
    .superRefine((spec, ctx) => {
      checkKafka({ ...spec, consumers: [spec.forwarder] }, ctx, { allowExisting: true });
      checkDelivery(spec.delivery, ctx);
    })
    .transform((spec) => {
      const kafka = resolveKafka(spec);
      return {
        ...spec,
        ...kafka,
        name: spec.name ?? 'msk-lambda-firehose-s3',
        preset: 'msk-lambda-firehose-s3' as const,
        forwarder: resolveConsumers([spec.forwarder], kafka.topics)[0]!,
        delivery: resolveDelivery(spec.delivery),
      };
    }),
);

export type MskLambdaFirehoseS3Spec = z.output<typeof schema>;

export const mskLambdaFirehoseS3: PresetDefinition<MskLambdaFirehoseS3Spec> = {
  name: 'msk-lambda-firehose-s3',
  title: 'Amazon MSK → Lambda → Firehose → S3',
  description:
    'A Lambda forwarder reads an MSK topic and writes every record to a Firehose delivery stream (Direct PUT) that buffers, compresses and writes to S3; nothing is dropped.',
  original: 'M3',
  schema,
  components: [
    { id: 'producer', kind: 'producer', label: 'Producers (any Kafka client)', next: ['cluster'] },
    { id: 'cluster', kind: 'kafka', label: 'Amazon MSK cluster: topics', next: ['forwarder'] },
    { id: 'forwarder', kind: 'lambda-consumer', label: 'Lambda forwarder (PutRecordBatch)', next: ['firehose', 'dlq'] },
    { id: 'dlq', kind: 'dead-letter-queue', label: 'On-failure destination (S3 or SQS)', next: [] },
    {
      id: 'firehose',
      kind: 'firehose',
      label: 'Firehose delivery stream, Direct PUT (buffering, compression, partitioning)',
      next: ['s3', 'errors'],
    },
    { id: 's3', kind: 's3', label: 'S3 bucket: prefix/…', next: [] },
    { id: 'errors', kind: 's3', label: 'S3 bucket: errorOutputPrefix/…', next: [] },
  ],
};
