/**
 * The local side of the jobs' local/managed switch: the property groups Managed Service for Apache Flink would hand
 * the job (core's `flink/job-contract.ts`), written as one JSON file `{ "<group>": { "<key>": "<value>" } }` that the
 * job reads when the environment variable `STREAMKIT_FLINK_PROPERTIES` names it (`RuntimeProperties.java`).
 */

import { FLINK_PROPERTY_GROUPS } from '@streamkit/core';

export type PropertyGroups = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** The group of Flink settings the job applies only locally (checkpointing, restore, parallelism). */
export const LOCAL_FLINK_CONFIGURATION = 'streamkit.local.flink';

export function formatRuntimeProperties(groups: PropertyGroups): string {
  return `${JSON.stringify(groups, null, 2)}\n`;
}

/** What a local run of the enrichment job adds to core's contract. */
export interface LocalEnrichmentOptions {
  /** A file holding the fare API's key (there is no API Gateway to read it from locally). @default - no key */
  readonly apiKeyFile?: string;
  /** Where enriched rides go as JSON lines (`file:///…/s3/<bucket>/<prefix>`). @default - the job's log */
  readonly outputPath?: string;
  /** Where shards are first read from without a checkpoint. @default 'LATEST' */
  readonly initialPosition?: 'TRIM_HORIZON' | 'LATEST';
}

/** Core's enrichment properties with the local-only keys the job reads (`api.key.file`, `output.path`…). */
export function localEnrichmentProperties(groups: PropertyGroups, local: LocalEnrichmentOptions): PropertyGroups {
  const group = FLINK_PROPERTY_GROUPS.enrichment;
  return {
    ...groups,
    [group]: {
      ...groups[group],
      ...(local.apiKeyFile && { 'api.key.file': local.apiKeyFile }),
      ...(local.outputPath && { 'output.path': local.outputPath }),
      ...(local.initialPosition && { 'initial.position': local.initialPosition }),
    },
  };
}
