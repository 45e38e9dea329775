import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIMITS } from '@streamkit/core';
import { defaultTopicPartitions, LocalKafkaCluster, parseTopicSpec } from '@streamkit/local';
import { output } from '../output.ts';

export interface KafkaArgs {
  /** Client port of the first broker (0 = free). */
  readonly port?: number;
  readonly brokers?: string;
  readonly dataDir?: string;
  /** `name` or `name:partitions` (repeatable). */
  readonly topic?: readonly string[];
  readonly autoCreateTopics?: boolean;
}

/** Runs a real Apache Kafka (KRaft, 1 or 3 brokers) on 127.0.0.1 until Ctrl-C. No Docker: the JVM and Maven Central. */
export async function kafka(args: KafkaArgs): Promise<number> {
  const brokers = Number(args.brokers ?? 1) as 1 | 3;
  const topics = (args.topic ?? []).map(parseTopicSpec);
  const temporary = args.dataDir === undefined ? await mkdtemp(join(tmpdir(), 'streamkit-kafka-')) : undefined;
  const dataDir = args.dataDir ?? temporary!;
  const cluster = new LocalKafkaCluster({
    dataDir,
    brokers,
    ...(args.port !== undefined && { port: args.port }),
    topics,
    ...(args.autoCreateTopics !== undefined && { autoCreateTopics: args.autoCreateTopics }),
    onProgress: (message) => output.progress(message),
  });
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  try {
    await cluster.start();
    for (const topic of topics) {
      output.line(
        `topic ${topic.name} (${topic.partitions ?? defaultTopicPartitions()} partitions, replication factor ${brokers})`,
      );
    }
    const servers = cluster.bootstrapServers.join(',');
    output.line(
      `Apache Kafka ${LIMITS.local.kafkaVersion.default} (${brokers} broker${brokers > 1 ? 's' : ''}, KRaft) listening on ${servers}`,
    );
    output.line(`bootstrap servers: ${servers}`);
    output.line('');
    output.line(`  data:       ${dataDir}${temporary ? ' (removed on exit; keep it with --data-dir)' : ''}`);
    output.line(`  kcat:       kcat -b ${servers} -L`);
    output.line(`  Java/CLI:   bootstrap.servers=${servers}`);
    output.line('  Stop: Ctrl-C');
    await stopped;
  } finally {
    await cluster.stop();
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  }
  output.line('stopped');
  return 0;
}
