/**
 * msk-lambda — the original solution's second MSK pattern (M2): Amazon MSK → Lambda through a Kafka event source
 * mapping, against the cluster the spec creates or an existing one. Beyond the original: the topics are created by
 * the stack, failed batches are retried, bisected and end in an on-failure destination, and there are alarms.
 */
import type { z } from 'zod';
import { LIMITS } from '../limits.ts';
import { commonFields } from '../spec/components.ts';
import { list, section } from '../spec/fields.ts';
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
    consumers: list(kafkaConsumerSection(), LIMITS.kafkaEsm.consumers),
  })
    .superRefine((spec, ctx) => checkKafka(spec, ctx, { allowExisting: true }))
    .transform((spec) => {
      const kafka = resolveKafka(spec);
      return {
        ...spec,
        ...kafka,
        name: spec.name ?? 'msk-lambda',
        preset: 'msk-lambda' as const,
        consumers: resolveConsumers(spec.consumers, kafka.topics),
      };
    }),
);

export type MskLambdaSpec = z.output<typeof schema>;

export const mskLambda: PresetDefinition<MskLambdaSpec> = {
  name: 'msk-lambda',
  title: 'Amazon MSK → Lambda',
  description:
    'Lambda functions read MSK topics through Kafka event source mappings; failed batches are retried, bisected and kept in an on-failure destination.',
  original: 'M2',
  schema,
  components: [
    { id: 'producer', kind: 'producer', label: 'Producers (any Kafka client)', next: ['cluster'] },
    { id: 'cluster', kind: 'kafka', label: 'Amazon MSK cluster: topics', next: ['consumers'] },
    { id: 'consumers', kind: 'lambda-consumer', label: 'Lambda consumer (Kafka event source mapping)', next: ['dlq'] },
    { id: 'dlq', kind: 'dead-letter-queue', label: 'On-failure destination (S3 or SQS)', next: [] },
  ],
};
