/**
 * msk-labs — the original's MSK workshop stacks in one: a VPC with private subnets behind NAT, a client instance with
 * the Kafka tools (replacing Cloud9, closed to new customers; reached through SSM Session Manager, not SSH), an MSK
 * cluster, and an IAM role for the workshop's Lambda functions. Cloud only: there is nothing to run locally.
 */
import type { z } from 'zod';
import { commonFields } from '../spec/components.ts';
import { flag, section } from '../spec/fields.ts';
import { checkKafka, clientSection, kafkaFields, resolveKafka } from '../spec/kafka.ts';
import type { PresetDefinition } from './preset.ts';

const schema = section({
  ...commonFields,
  ...kafkaFields,
  client: clientSection,
  /** The IAM role workshop Lambda functions run as (MSK read, Firehose write, logs). */
  lambdaRole: section({
    /** @default true */
    enabled: flag({ default: true }),
  }),
})
  .superRefine((spec, ctx) => checkKafka(spec, ctx, { allowExisting: false }))
  .transform((spec) => {
    const { cluster, topics } = resolveKafka(spec);
    return {
      ...spec,
      name: spec.name ?? 'msk-labs',
      preset: 'msk-labs' as const,
      cluster: cluster!,
      existingCluster: undefined,
      topics,
    };
  });

export type MskLabsSpec = z.output<typeof schema>;

export const mskLabs: PresetDefinition<MskLabsSpec> = {
  name: 'msk-labs',
  title: 'Amazon MSK labs (VPC, client, cluster, Lambda role)',
  description:
    'The MSK workshop environment: a VPC with private subnets and NAT, a client instance (SSM, no SSH), an MSK cluster and a Lambda role. Cloud only.',
  original: 'labs',
  schema,
  components: [
    { id: 'client', kind: 'producer', label: 'Client instance with the Kafka tools (SSM)', next: ['cluster'] },
    { id: 'cluster', kind: 'kafka', label: 'Amazon MSK cluster in a private VPC', next: ['role'] },
    { id: 'role', kind: 'lambda-consumer', label: 'IAM role for workshop Lambda functions', next: [] },
  ],
};
