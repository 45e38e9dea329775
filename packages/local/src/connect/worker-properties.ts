/**
 * The two properties files of the local Kafka Connect worker (standalone mode), from core's S3 sink configuration —
 * the one the cloud stack gives MSK Connect — with what differs locally:
 *
 * - the worker: the spec's worker configuration over streamkit's converters, then the local essentials (the broker's
 *   bootstrap servers, the REST API on 127.0.0.1 on a free port, the standalone offsets file, how often offsets are
 *   committed);
 * - the connector: the same properties, its class replaced by streamkit's sink, and `store.root` (the local object
 *   store's directory) added; the bucket is the local output bucket.
 *
 * Two worker settings are shorter than Kafka Connect's defaults locally (`LIMITS.local`): how often offsets are
 * committed, and the sink consumers' session timeout (so a worker restarted after SIGKILL gets its partitions back
 * in seconds). The spec's `workerConfiguration` overrides both.
 */
import {
  LIMITS,
  LOCAL_REGION,
  type MskConnectS3Spec,
  s3SinkConnectorConfiguration,
  s3SinkWorkerConfiguration,
} from '@streamkit/core';
import { LOCAL_S3_SINK } from './sink-build.ts';

export interface LocalWorkerInputs {
  readonly bootstrapServers: readonly string[];
  /** Standalone mode keeps source connectors' offsets in a file (sinks commit to their consumer group). */
  readonly offsetsFile: string;
  readonly workerConfiguration?: Readonly<Record<string, string>>;
}

/** The worker's properties. */
export function localWorkerProperties(inputs: LocalWorkerInputs): Record<string, string> {
  return {
    'offset.flush.interval.ms': String(LIMITS.local.connectOffsetFlushIntervalMs.value),
    'consumer.session.timeout.ms': String(LIMITS.local.connectConsumerSessionTimeoutMs.value),
    ...s3SinkWorkerConfiguration(inputs.workerConfiguration),
    'bootstrap.servers': inputs.bootstrapServers.join(','),
    listeners: 'http://127.0.0.1:0',
    'offset.storage.file.filename': inputs.offsetsFile,
    // The sink is on the worker's classpath; scanning it is all the discovery there is to do.
    'plugin.discovery': 'only_scan',
  };
}

export interface LocalSinkInputs {
  readonly connectorName: string;
  /** The local object store's root (`<dataDir>/s3`). */
  readonly storeRoot: string;
  readonly bucket: string;
}

/** The connector's properties: core's S3 sink configuration, run by streamkit's sink into the object store. */
export function localSinkConnectorProperties(spec: MskConnectS3Spec, inputs: LocalSinkInputs): Record<string, string> {
  const { connector } = spec;
  return {
    name: inputs.connectorName,
    ...s3SinkConnectorConfiguration({
      connectorClass: connector.connectorClass,
      tasksMax: connector.tasksMax,
      topics: connector.topics,
      bucketName: inputs.bucket,
      region: LOCAL_REGION,
      flushSize: connector.flushSize,
      rotateIntervalMs: connector.rotateIntervalMs,
      connectorConfiguration: connector.connectorConfiguration,
    }),
    'connector.class': LOCAL_S3_SINK.connectorClass,
    's3.bucket.name': inputs.bucket,
    'store.root': inputs.storeRoot,
  };
}

/** `key=value` lines; backslashes, newlines and leading blanks escaped as java.util.Properties reads them. */
export function formatProperties(properties: Readonly<Record<string, string>>): string {
  const escaped = (text: string) =>
    text
      .replaceAll('\\', '\\\\')
      .replaceAll('\n', '\\n')
      .replaceAll('\r', '\\r')
      .replace(/^\s/, (c) => `\\${c}`);
  return `${Object.entries(properties)
    .map(([key, value]) => `${escaped(key).replaceAll('=', '\\=').replaceAll(':', '\\:')}=${escaped(value)}`)
    .join('\n')}\n`;
}
