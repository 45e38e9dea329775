/**
 * kinesis-flink-apigw — the original solution's fourth Kinesis pattern (K4): a replay producer → Kinesis Data
 * Streams → a Flink job with async I/O → a REST API → a Lambda function that estimates taxi fares. The producer sends
 * synthetic taxi rides (the original downloaded the NYC trip data); the job enriches each ride with the estimate.
 *
 * The job calls the API with SigV4 signatures from the application role, whose credentials the AWS SDK refreshes (the
 * original resolved them once: its bug 14), and with an API key from a Secrets Manager secret that a rotation function
 * renews, which the job reads at run time (the original baked one constant key into every deployment and the
 * application's properties: bug 6). Enriched rides land in an S3 bucket (the original only logged them).
 */
import type { z } from 'zod';
import { checkStream, commonFields, resolveStream, streamSection } from '../spec/components.ts';
import { bucketSection } from '../spec/delivery.ts';
import { section } from '../spec/fields.ts';
import {
  checkFlinkApplication,
  enrichmentSection,
  flinkApplicationFields,
  producerInstanceSection,
  resolveFlinkApplication,
} from '../spec/flink.ts';
import type { PresetDefinition } from './preset.ts';

const schema = section({
  ...commonFields,
  stream: streamSection,
  producer: producerInstanceSection,
  flink: section(flinkApplicationFields),
  enrichment: enrichmentSection,
  bucket: bucketSection,
})
  .superRefine((spec, ctx) => {
    checkStream(spec.stream, ctx);
    checkFlinkApplication(spec.flink, ctx, ['flink']);
  })
  .transform((spec) => ({
    ...spec,
    name: spec.name ?? 'kinesis-flink-apigw',
    preset: 'kinesis-flink-apigw' as const,
    stream: resolveStream(spec.stream),
    flink: resolveFlinkApplication(spec.flink),
  }));

export type KinesisFlinkApigwSpec = z.output<typeof schema>;

export const kinesisFlinkApigw: PresetDefinition<KinesisFlinkApigwSpec> = {
  name: 'kinesis-flink-apigw',
  title: 'Kinesis Data Streams → Flink async I/O → API Gateway → Lambda',
  description:
    'A producer on EC2 replays taxi rides into a Kinesis data stream; a Flink job enriches each with a fare estimate from a REST API backed by Lambda.',
  original: 'K4',
  schema,
  components: [
    { id: 'producer', kind: 'producer', label: 'Producer on EC2: streamkit produce (taxi rides)', next: ['stream'] },
    { id: 'stream', kind: 'kinesis-stream', label: 'Kinesis data stream', next: ['flink'] },
    { id: 'flink', kind: 'flink', label: 'Managed Flink: enrichment job (async I/O)', next: ['api', 's3'] },
    { id: 'api', kind: 'ingest-api', label: 'REST API: POST /fare-estimate (IAM + rotated API key)', next: ['fare'] },
    { id: 'fare', kind: 'lambda-consumer', label: 'Lambda: fare estimate', next: [] },
    { id: 's3', kind: 's3', label: 'S3 bucket: enriched/dt=…/hr=…', next: [] },
  ],
};
