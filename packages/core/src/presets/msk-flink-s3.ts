/**
 * msk-flink-s3 — the original solution's fourth MSK pattern (M4): Amazon MSK → Apache Flink → S3. Where the original
 * gave a Studio notebook to type SQL into, this runs a Flink SQL file as a Managed Service for Apache Flink
 * application (locally: on a local Flink), reading a topic of the cluster and writing files to S3.
 */
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { commonFields } from '../spec/components.ts';
import { bucketSection } from '../spec/delivery.ts';
import { section } from '../spec/fields.ts';
import { checkFlinkApplication, resolveFlinkApplication } from '../spec/flink.ts';
import { checkKafka, existingClusterTopics, kafkaFields, resolveKafka } from '../spec/kafka.ts';
import { mskFlinkSection, renamedToFlink } from '../spec/msk-apps.ts';
import type { PresetDefinition } from './preset.ts';

/** The SQL file msk-flink-s3 runs when the spec names none: the original's stock-ticks example over the topic. */
// Guarded: core is also bundled into CommonJS Lambda handlers, where import.meta.url is empty.
export const DEFAULT_KAFKA_FLINK_SQL =
  typeof import.meta.url === 'string' && import.meta.url !== ''
    ? fileURLToPath(new URL('./sql/stock-ticks-kafka-to-s3.sql', import.meta.url))
    : '';

const schema = existingClusterTopics(
  section({
    ...commonFields,
    ...kafkaFields,
    flink: mskFlinkSection,
    application: renamedToFlink,
    bucket: bucketSection,
  })
    .superRefine((spec, ctx) => {
      checkKafka(spec, ctx, { allowExisting: true });
      const { flink } = spec;
      checkFlinkApplication({ ...flink, vpc: undefined }, ctx, ['flink']);
      const declared = spec.topics.map((t) => t.name);
      if (flink.topic !== undefined && !spec.existingCluster && !declared.includes(flink.topic)) {
        ctx.addIssue({
          code: 'custom',
          path: ['flink', 'topic'],
          message: `must be one of the topics the stack creates: ${declared.join(', ') || '(none)'} (got "${flink.topic}")`,
        });
      }
      if (flink.topic === undefined && declared.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['flink', 'topic'],
          message: 'is required when topics is empty: the topic the application reads',
        });
      }
    })
    .transform((spec) => {
      const kafka = resolveKafka(spec);
      const { application: _renamed, flink, ...rest } = spec;
      const { sql, topic, ...settings } = flink;
      return {
        ...rest,
        ...kafka,
        name: spec.name ?? 'msk-flink-s3',
        preset: 'msk-flink-s3' as const,
        flink: {
          /** The SQL file (absolute once the spec is loaded); the preset's stock-ticks example when none is named. */
          sql: sql ?? DEFAULT_KAFKA_FLINK_SQL,
          topic: topic ?? kafka.topics[0]!.name,
          ...resolveFlinkApplication({ ...settings, vpc: undefined }),
        },
      };
    }),
);

export type MskFlinkS3Spec = z.output<typeof schema>;

export const mskFlinkS3: PresetDefinition<MskFlinkS3Spec> = {
  name: 'msk-flink-s3',
  title: 'Amazon MSK → Apache Flink (SQL) → S3',
  description:
    'A Managed Service for Apache Flink application runs your Flink SQL over an MSK topic and writes the results to S3.',
  original: 'M4',
  schema,
  components: [
    { id: 'producer', kind: 'producer', label: 'Producers (any Kafka client)', next: ['cluster'] },
    { id: 'cluster', kind: 'kafka', label: 'Amazon MSK cluster: topics', next: ['flink'] },
    { id: 'flink', kind: 'flink', label: 'Flink SQL application', next: ['s3'] },
    { id: 's3', kind: 's3', label: 'S3 bucket', next: [] },
  ],
};
