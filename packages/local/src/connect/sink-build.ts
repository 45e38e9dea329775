/**
 * Builds streamkit's local S3 sink (`connect/`) with Maven once per version of its sources (`cachedMavenBuild`): the
 * sink's jar and the worker's classpath (Kafka Connect's runtime from Maven Central, `provided` in the pom, in
 * `~/.m2`) are kept under `<cacheDir>/<source hash>/`, so later starts spawn no Maven.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedMavenBuild } from '../maven/cached-build.ts';
import { userCacheDirectory } from '../user-cache-directory.ts';
import { connectBuildChannel } from './channels.ts';

/** The Maven project of the sink, in the repository. */
export const CONNECT_PROJECT_DIR = fileURLToPath(new URL('../../../../connect/', import.meta.url));

/** The sink's jar and connector class, and the worker's entry point. */
export const LOCAL_S3_SINK = {
  jar: 'streamkit-connect-s3-sink.jar',
  connectorClass: 'dev.streamkit.connect.s3.LocalS3SinkConnector',
  workerMainClass: 'org.apache.kafka.connect.cli.ConnectStandalone',
} as const;

const RUNTIME_CLASSPATH = 'connect-runtime.classpath';

export interface ConnectSinkBuild {
  readonly sourceHash: string;
  /** Absolute path of the sink's jar. */
  readonly jar: string;
  /** Kafka Connect's runtime jars, in classpath order. */
  readonly runtimeClasspath: readonly string[];
}

export interface BuildConnectSinkOptions {
  /** @default CONNECT_PROJECT_DIR */
  readonly projectDir?: string;
  /** @default - `streamkit/connect-sink/` in the user's cache directory */
  readonly cacheDir?: string;
  /** Maven's time limit; a cold `~/.m2` downloads Kafka Connect (about 20 MB) first. @default 600000 */
  readonly timeoutMs?: number;
}

export async function buildConnectSink(options: BuildConnectSinkOptions = {}): Promise<ConnectSinkBuild> {
  const build = await cachedMavenBuild({
    what: 'the local S3 sink connector',
    projectDir: options.projectDir ?? CONNECT_PROJECT_DIR,
    cacheDir: options.cacheDir ?? path.join(userCacheDirectory(), 'streamkit', 'connect-sink'),
    outputs: [LOCAL_S3_SINK.jar, RUNTIME_CLASSPATH],
    classpathFile: RUNTIME_CLASSPATH,
    timeoutMs: options.timeoutMs ?? 600_000,
    publish: (message) => connectBuildChannel.publish(message),
  });
  return { sourceHash: build.sourceHash, jar: build.outputs[LOCAL_S3_SINK.jar]!, runtimeClasspath: build.classpath };
}
