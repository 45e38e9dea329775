/**
 * msk-cluster — the original solution's first MSK pattern (M1): an Amazon MSK cluster (provisioned with Standard or
 * Express brokers, or serverless) in a new or existing VPC, the topics the spec declares, a client instance with the
 * Kafka tools reached through SSM Session Manager, and a dashboard with alarms (the original had none).
 */
import type { z } from 'zod';
import { commonFields } from '../spec/components.ts';
import { section } from '../spec/fields.ts';
import { checkKafka, clientSection, kafkaFields, resolveKafka } from '../spec/kafka.ts';
import type { PresetDefinition } from './preset.ts';

const schema = section({
  ...commonFields,
  ...kafkaFields,
  client: clientSection,
})
  .superRefine((spec, ctx) => checkKafka(spec, ctx, { allowExisting: false }))
  .transform((spec) => {
    const { cluster, topics } = resolveKafka(spec);
    return {
      ...spec,
      name: spec.name ?? 'msk-cluster',
      preset: 'msk-cluster' as const,
      cluster: cluster!,
      existingCluster: undefined,
      topics,
    };
  });

export type MskClusterSpec = z.output<typeof schema>;

export const mskCluster: PresetDefinition<MskClusterSpec> = {
  name: 'msk-cluster',
  title: 'Amazon MSK cluster + client',
  description:
    'An MSK cluster (Standard or Express brokers, or serverless) with its topics, a client instance with the Kafka tools (SSM), a dashboard and alarms.',
  original: 'M1',
  schema,
  components: [
    { id: 'producer', kind: 'producer', label: 'Producers (any Kafka client)', next: ['cluster'] },
    { id: 'client', kind: 'producer', label: 'Client instance with the Kafka tools (SSM)', next: ['cluster'] },
    { id: 'cluster', kind: 'kafka', label: 'Amazon MSK cluster: topics', next: [] },
  ],
};
