/**
 * msk-connect-s3 — the original solution's fifth MSK pattern (M5), a stub there: Amazon MSK → MSK Connect with an S3
 * sink connector → S3. The plugin is yours (an S3 URI: Confluent's S3 sink, by default configured by streamkit); the
 * worker and connector configuration and the capacity are settings. The plugin is needed to deploy, not to run
 * locally: `streamkit dev` runs streamkit's own sink with the same configuration (docs/decisions/0013), so a spec
 * without one validates and runs locally, and synthesis asks for it.
 */
import type { z } from 'zod';
import { commonFields } from '../spec/components.ts';
import { bucketSection } from '../spec/delivery.ts';
import { section } from '../spec/fields.ts';
import { checkKafka, existingClusterTopics, kafkaFields, resolveKafka } from '../spec/kafka.ts';
import { connectorSection } from '../spec/msk-apps.ts';
import type { PresetDefinition } from './preset.ts';

const schema = existingClusterTopics(
  section({
    ...commonFields,
    ...kafkaFields,
    connector: connectorSection,
    bucket: bucketSection,
  })
    .superRefine((spec, ctx) => {
      checkKafka(spec, ctx, { allowExisting: true });
      const { connector } = spec;
      const issue = (field: string, message: string) =>
        ctx.addIssue({ code: 'custom', path: ['connector', ...field.split('.')], message });
      const auth = spec.existingCluster?.auth ?? spec.cluster?.auth ?? 'iam';
      if (auth !== 'iam' && auth !== 'unauthenticated') {
        ctx.addIssue({
          code: 'custom',
          path: [spec.existingCluster ? 'existingCluster' : 'cluster', 'auth'],
          message: `must be iam or unauthenticated: MSK Connect connects to clusters with IAM or without authentication only (got "${auth}")`,
        });
      }
      const { capacity } = connector;
      if (capacity.mode === 'autoScaling' && capacity.minWorkerCount > capacity.maxWorkerCount) {
        issue(
          'capacity.minWorkerCount',
          `must be at most capacity.maxWorkerCount (${capacity.maxWorkerCount}) (got ${capacity.minWorkerCount})`,
        );
      }
      if (capacity.mode === 'autoScaling' && capacity.scaleInPercentage >= capacity.scaleOutPercentage) {
        issue(
          'capacity.scaleInPercentage',
          `must be below capacity.scaleOutPercentage (${capacity.scaleOutPercentage}) (got ${capacity.scaleInPercentage})`,
        );
      }
      const declared = spec.topics.map((t) => t.name);
      if (!spec.existingCluster) {
        (connector.topics ?? []).forEach((topic, i) => {
          if (!declared.includes(topic)) {
            ctx.addIssue({
              code: 'custom',
              path: ['connector', 'topics', i],
              message: `must be one of the topics the stack creates: ${declared.join(', ') || '(none)'} (got "${topic}")`,
            });
          }
        });
      }
      if (connector.topics === undefined && declared.length === 0) {
        issue('topics', 'is required when topics is empty: the topics the connector reads');
      }
    })
    .transform((spec) => {
      const kafka = resolveKafka(spec);
      return {
        ...spec,
        ...kafka,
        name: spec.name ?? 'msk-connect-s3',
        preset: 'msk-connect-s3' as const,
        connector: {
          ...spec.connector,
          topics: spec.connector.topics ?? kafka.topics.map((t) => t.name),
        },
      };
    }),
);

export type MskConnectS3Spec = z.output<typeof schema>;

export const mskConnectS3: PresetDefinition<MskConnectS3Spec> = {
  name: 'msk-connect-s3',
  title: 'Amazon MSK → MSK Connect (S3 sink) → S3',
  description:
    'An MSK Connect connector with an S3 sink plugin copies MSK topics to S3; the plugin location, capacity, worker and connector configuration are settings.',
  original: 'M5',
  schema,
  components: [
    { id: 'producer', kind: 'producer', label: 'Producers (any Kafka client)', next: ['cluster'] },
    { id: 'cluster', kind: 'kafka', label: 'Amazon MSK cluster: topics', next: ['connector'] },
    { id: 'connector', kind: 'kafka-connect', label: 'MSK Connect: S3 sink connector', next: ['s3'] },
    { id: 's3', kind: 's3', label: 'S3 bucket: topics/<topic>/…', next: [] },
  ],
};
