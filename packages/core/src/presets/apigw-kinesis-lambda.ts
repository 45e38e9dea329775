/**
 * apigw-kinesis-lambda — the original solution's first Kinesis pattern (K1):
 * REST API → Kinesis Data Streams → Lambda, with a dead-letter queue, alarms and a dashboard.
 */
import type { z } from 'zod';
import { LIMITS } from '../limits.ts';
import {
  checkStream,
  commonFields,
  consumerSection,
  ingestApiSection,
  resolveStream,
  streamSection,
} from '../spec/components.ts';
import { list, section, startingTimestampProblem } from '../spec/fields.ts';
import type { PresetDefinition } from './preset.ts';

const schema = section({
  ...commonFields,
  ingest: ingestApiSection,
  stream: streamSection,
  consumers: list(consumerSection, LIMITS.pipelineShape.consumers),
})
  .superRefine((spec, ctx) => {
    checkStream(spec.stream, ctx);
    const seen = new Map<string, number>();
    spec.consumers.forEach((consumer, i) => {
      const first = seen.get(consumer.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['consumers', i, 'name'],
          message: `"${consumer.name}" is already used by consumers[${first}]; give each consumer its own name`,
        });
      } else {
        seen.set(consumer.name, i);
      }
      const timestampProblem = startingTimestampProblem(consumer);
      if (timestampProblem) {
        ctx.addIssue({
          code: 'custom',
          path: ['consumers', i, 'startingPositionTimestamp'],
          message: timestampProblem,
        });
      }
    });
  })
  .transform((spec) => ({
    ...spec,
    name: spec.name ?? 'apigw-kinesis-lambda',
    preset: 'apigw-kinesis-lambda' as const,
    stream: resolveStream(spec.stream),
  }));

export type ApigwKinesisLambdaSpec = z.output<typeof schema>;

export const apigwKinesisLambda: PresetDefinition<ApigwKinesisLambdaSpec> = {
  name: 'apigw-kinesis-lambda',
  title: 'API Gateway → Kinesis Data Streams → Lambda',
  description:
    'A REST API writes records to a Kinesis data stream; a Lambda function processes them, failures go to a DLQ.',
  original: 'K1',
  schema,
  components: [
    { id: 'producer', kind: 'producer', label: 'Producers', next: ['ingest'] },
    { id: 'ingest', kind: 'ingest-api', label: 'REST API (PutRecord, PutRecords)', next: ['stream'] },
    { id: 'stream', kind: 'kinesis-stream', label: 'Kinesis data stream', next: ['consumers'] },
    { id: 'consumers', kind: 'lambda-consumer', label: 'Lambda consumer', next: ['dlq'] },
    { id: 'dlq', kind: 'dead-letter-queue', label: 'SQS dead-letter queue', next: [] },
  ],
};
