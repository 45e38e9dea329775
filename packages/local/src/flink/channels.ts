/**
 * What the Flink launcher publishes on `node:diagnostics_channel`: build progress (the CLI prints it) and job state
 * changes (tests and `streamkit tail` follow them).
 */
import diagnosticsChannel from 'node:diagnostics_channel';

export const FLINK_CHANNELS = {
  /** One message per step of building the jobs' jars (cache hit, Maven started, still building, done). */
  build: 'streamkit:flink:build',
  /** One message per state change of a local Flink job. */
  job: 'streamkit:flink:job',
} as const;

export interface FlinkBuildMessage {
  readonly phase: 'cached' | 'building' | 'progress' | 'built' | 'failed';
  /** The hash of the `flink/` sources the jars are built from. */
  readonly sourceHash: string;
  /** Seconds since the build started (for `progress`, `built` and `failed`). */
  readonly elapsedSeconds?: number;
  readonly message: string;
}

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
