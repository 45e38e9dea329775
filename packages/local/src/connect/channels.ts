/**
 * What the local Kafka Connect launcher publishes on `node:diagnostics_channel`: build progress of the sink's jar
 * (the CLI prints it) and the worker's state changes (tests and `streamkit tail` follow them).
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { MavenBuildMessage } from '../maven/cached-build.ts';

export const CONNECT_CHANNELS = {
  /** One message per step of building `connect/` (cache hit, Maven started, still building, done). */
  build: 'streamkit:connect:build',
  /** One message per state change of the local worker. */
  worker: 'streamkit:connect:worker',
} as const;

export type ConnectBuildMessage = MavenBuildMessage;

/** starting → running → stopping → stopped; a JVM that ends on its own (or is killed) goes to `crashed`. */
export type ConnectWorkerState = 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed';

export interface ConnectWorkerMessage {
  readonly connector: string;
  readonly state: ConnectWorkerState;
  readonly pid: number | undefined;
  /** Exit code or signal, when the JVM ended. */
  readonly exit?: string;
}

export const connectBuildChannel = diagnosticsChannel.channel(CONNECT_CHANNELS.build);
export const connectWorkerChannel = diagnosticsChannel.channel(CONNECT_CHANNELS.worker);
