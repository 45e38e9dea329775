/**
 * kpl-kinesis-flink-s3 — the original solution's second Kinesis pattern (K2): a producer on EC2 → Kinesis Data
 * Streams → Flink SQL → S3. The SQL runs as a Managed Service for Apache Flink application (`flink.mode:
 * application`, the default: it starts with the stack, and `streamkit dev` runs the same SQL on a local Flink) or in
 * a Studio notebook (`flink.mode: notebook`, the original's way: you run the SQL in Zeppelin paragraphs).
 *
 * The default SQL (`sql/stock-ticks-to-s3.sql`) is the original's Studio example: stock ticks above $50 written to
 * S3 as JSON, partitioned by ticker, day and hour.
 */
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { LIMITS } from '../limits.ts';
import { checkStream, commonFields, resolveStream, streamSection } from '../spec/components.ts';
import { bucketSection } from '../spec/delivery.ts';
import { oneOf, section, text } from '../spec/fields.ts';
import {
  checkFlinkApplication,
  checkNotebookSettings,
  flinkApplicationFields,
  producerInstanceSection,
  resolveFlinkApplication,
} from '../spec/flink.ts';
import type { PresetDefinition } from './preset.ts';

/** The SQL file kpl-kinesis-flink-s3 runs when the spec names none. */
// Guarded: core is also bundled into CommonJS Lambda handlers, where import.meta.url is empty.
export const DEFAULT_FLINK_SQL =
  typeof import.meta.url === 'string' && import.meta.url !== ''
    ? fileURLToPath(new URL('./sql/stock-ticks-to-s3.sql', import.meta.url))
    : '';

const schema = section({
  ...commonFields,
  stream: streamSection,
  producer: producerInstanceSection,
  flink: section({
    /** @default 'application' */
    mode: oneOf(LIMITS.flink.mode),
    /** Your Flink SQL file, relative to the spec (application mode). @default - streamkit's stock ticks example */
    sql: text({ min: 1, max: 1024 }),
    ...flinkApplicationFields,
  }),
  bucket: bucketSection,
})
  .superRefine((spec, ctx) => {
    checkStream(spec.stream, ctx);
    const { flink } = spec;
    if (flink.mode === 'notebook') {
      checkNotebookSettings(flink, ctx, ['flink']);
      if (flink.sql !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['flink', 'sql'],
          message: `applies only when flink.mode is application; in a notebook you run the SQL in Zeppelin (got "${flink.sql}")`,
        });
      }
    } else {
      checkFlinkApplication(flink, ctx, ['flink']);
    }
  })
  .transform((spec) => {
    const { mode, sql, ...application } = spec.flink;
    return {
      ...spec,
      name: spec.name ?? 'kpl-kinesis-flink-s3',
      preset: 'kpl-kinesis-flink-s3' as const,
      stream: resolveStream(spec.stream),
      flink: {
        mode,
        /** The SQL file (absolute once the spec is loaded); in notebook mode, the example to paste into Zeppelin. */
        sql: sql ?? DEFAULT_FLINK_SQL,
        notebookRuntime: LIMITS.flink.notebookRuntime.default,
        ...resolveFlinkApplication(application),
      },
    };
  });

export type KplKinesisFlinkS3Spec = z.output<typeof schema>;
export type FlinkSqlSettings = KplKinesisFlinkS3Spec['flink'];

export const kplKinesisFlinkS3: PresetDefinition<KplKinesisFlinkS3Spec> = {
  name: 'kpl-kinesis-flink-s3',
  title: 'Producer → Kinesis Data Streams → Flink SQL → S3',
  description:
    'A producer on EC2 sends stock ticks to a Kinesis data stream; Flink SQL (an application or a Studio notebook) writes them to S3, partitioned.',
  original: 'K2',
  schema,
  components: [
    { id: 'producer', kind: 'producer', label: 'Producer on EC2: streamkit produce (stock ticks)', next: ['stream'] },
    { id: 'stream', kind: 'kinesis-stream', label: 'Kinesis data stream', next: ['flink'] },
    {
      id: 'flink',
      kind: 'flink',
      label: 'Managed Flink: SQL application or Studio notebook',
      next: ['s3'],
    },
    { id: 's3', kind: 's3', label: 'S3 bucket: ticker=…/dt=…/hr=…', next: [] },
  ],
};
