/**
 * What the Flink launcher publishes on `node:diagnostics_channel`: build progress (the CLI prints it) and job state
 * changes (tests and `streamkit tail` follow them).
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { MavenBuildMessage } from '../maven/cached-build.ts';

export const FLINK_CHANNELS = {
  /** One message per step of building the jobs' jars (cache hit, Maven started, still building, done). */
  build: 'streamkit:flink:build',
  /** One message per state change of a local Flink job. */
  job: 'streamkit:flink:job',
} as const;

/** A step of building the jobs' jars (`sourceHash`: of the `flink/` sources). */
export type FlinkBuildMessage = MavenBuildMessage;

export interface FlinkJobMessage {
  readonly name: string;
  readonly state: FlinkJobState;
  readonly pid: number | undefined;
  /** The retained checkpoint the job was started from, when it was. */
  readonly restoredFrom?: string;
  /** Exit code or signal, when the JVM ended. */
  readonly exit?: string;
}

/** starting → running → stopping → stopped; a JVM that ends on its own (or is killed) goes to `crashed`. */
export type FlinkJobState = 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed';

export const buildChannel = diagnosticsChannel.channel(FLINK_CHANNELS.build);
export const jobChannel = diagnosticsChannel.channel(FLINK_CHANNELS.job);
