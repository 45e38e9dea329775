/**
 * The CloudWatch metrics of an MSK preset's Kafka side, measured on the local Kafka and published on
 * `streamkit:metric` under MSK's and Lambda's names and dimensions (MSK's dimension names have spaces):
 *
 * - consumer lag, as MSK publishes it (`AWS/Kafka` `OffsetLag` per partition, `MaxOffsetLag`, `SumOffsetLag` per
 *   consumer group and topic) and as the Lambda Kafka event source mapping does (`AWS/Lambda` `OffsetLag` per function,
 *   the topic's total): each partition's log-end offset minus the group's committed offset, both read through the
 *   Kafka admin API;
 * - partition health from the cluster's metadata: `OfflinePartitionsCount` (no leader), `UnderReplicatedPartitions`
 *   per broker (partitions it leads with fewer in-sync replicas than replicas), `GlobalPartitionCount`,
 *   `GlobalTopicCount`, `ActiveControllerCount`;
 * - per broker: `MessagesInPerSec` (growth of the log-end offsets of the partitions it leads), `CpuUser` and
 *   `CpuSystem` (the broker JVM's CPU time from `/proc/<pid>/stat`, as a share of the machine's CPUs) and
 *   `KafkaDataLogsDiskUsed` (its data directory's size as a share of the space it could fill: its size plus the free
 *   space of the file system under it, from statfs).
 *
 * One round per `LIMITS.dashboard.metricResolutionMs`; a round that fails (a broker restarting) publishes nothing, as
 * CloudWatch has no datapoint for a minute MSK could not measure. How each maps to AWS is in docs/dashboard.md.
 */
import { lstat, readdir, readFile, statfs } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Admin, type ClusterMetadata } from '@platformatic/kafka';
import { LIMITS } from '@streamkit/core';
import type { LocalBroker } from '../kafka/local-kafka-cluster.ts';
import { type MetricMessage, publishMetric } from './metric-channel.ts';
import type { Dimensions } from './metric-store.ts';
import type { KafkaResources } from './pipeline-resources.ts';

export interface KafkaMetricsOptions {
  readonly resources: KafkaResources;
  /** Function names by consumer name, for the event source mappings' `AWS/Lambda` `OffsetLag`. */
  readonly functions: ReadonlyMap<string, string>;
  readonly bootstrapServers: readonly string[];
  /** The brokers as they are now (a restarted broker has a new PID). */
  readonly brokers: () => readonly LocalBroker[];
  /** @default LIMITS.dashboard.metricResolutionMs */
  readonly intervalMs?: number;
  /** Where datapoints go. @default publishMetric (the `streamkit:metric` channel) */
  readonly publish?: (metric: MetricMessage) => void;
  /** @default Date.now (only for rates: messages and CPU time per second) */
  readonly now?: () => number;
}

/** Linux reports process CPU times in clock ticks of USER_HZ, 100 per second on every architecture Node runs on. */
const USER_HZ = 100;

/** `earliest` is where a group without a committed offset starts reading (the ESM's TRIM_HORIZON). */
export interface PartitionOffsets {
  readonly earliest: bigint;
  readonly latest: bigint;
  /** undefined when the group has committed nothing for the partition. */
  readonly committed: bigint | undefined;
}

/** Records of a partition the group has not committed yet: from its committed offset, else from the earliest one. */
export function offsetLag(p: PartitionOffsets): number {
  // A committed offset below the earliest one points at records retention has deleted: they wait no more.
  const from = p.committed !== undefined && p.committed > p.earliest ? p.committed : p.earliest;
  return Math.max(0, Number(p.latest - from));
}

export interface PartitionHealth {
  readonly offlinePartitions: number;
  /** By broker id: partitions it leads whose in-sync replicas are fewer than their replicas. */
  readonly underReplicated: ReadonlyMap<number, number>;
  readonly partitions: number;
  readonly topics: number;
}

/** What the metadata says of every partition: without a leader (offline), under-replicated (by leader). */
export function partitionHealth(
  metadata: Pick<ClusterMetadata, 'topics'>,
  brokerIds: readonly number[],
): PartitionHealth {
  let offlinePartitions = 0;
  let partitions = 0;
  const underReplicated = new Map(brokerIds.map((id) => [id, 0]));
  for (const topic of metadata.topics.values()) {
    for (const p of topic.partitions) {
      partitions++;
      if (p.leader < 0) offlinePartitions++;
      else if (p.isr.length < p.replicas.length) {
        underReplicated.set(p.leader, (underReplicated.get(p.leader) ?? 0) + 1);
      }
    }
  }
  return { offlinePartitions, underReplicated, partitions, topics: metadata.topics.size };
}

/** CPU time spent between two readings as a percentage of the machine's CPUs over the wall time between them. */
export function cpuPercent(ticks: number, previousTicks: number, elapsedMs: number, cpus: number): number {
  if (elapsedMs <= 0 || cpus <= 0) return 0;
  return Math.min(100, Math.max(0, (((ticks - previousTicks) / USER_HZ) * 1000 * 100) / (elapsedMs * cpus)));
}

/** MSK's disk metric on a volume of data logs only: the data's share of what it could grow to (data + free space). */
export function diskUsedPercent(dataBytes: number, availableBytes: number): number {
  const capacity = dataBytes + availableBytes;
  return capacity <= 0 ? 0 : (dataBytes / capacity) * 100;
}

/** utime and stime (clock ticks) of a process, from /proc/<pid>/stat; undefined where there is no /proc. */
export async function processCpuTicks(pid: number): Promise<{ user: number; system: number } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: the fields after it start at field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]), system: Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/** Bytes a directory tree takes on disk (allocated blocks, as `du` counts them: Kafka's indexes are sparse). */
export async function diskUsage(dir: string): Promise<number> {
  let bytes = 0;
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  for (const entry of entries) {
    const stat = await lstat(join(dir, entry)).catch(() => undefined);
    if (stat?.isFile()) bytes += stat.blocks * 512;
  }
  return bytes;
}

interface CpuReading {
  readonly pid: number;
  readonly at: number;
  readonly user: number;
  readonly system: number;
}

export class KafkaMetrics {
  private readonly options: KafkaMetricsOptions;
  private readonly publish: (metric: MetricMessage) => void;
  private readonly now: () => number;
  private admin: Admin | undefined;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private readonly cpu = new Map<number, CpuReading>();
  /** Log-end offset of each `<topic>-<partition>` at the last round, for MessagesInPerSec. */
  private lastEnds: { at: number; ends: Map<string, bigint> } | undefined;
  private stopped = false;

  constructor(options: KafkaMetricsOptions) {
    this.options = options;
    this.publish = options.publish ?? publishMetric;
    this.now = options.now ?? Date.now;
  }

  /** Samples now and then once per interval until `stop()`. */
  start(): void {
    if (this.timer || this.stopped) return;
    void this.sample();
    const interval = this.options.intervalMs ?? LIMITS.dashboard.metricResolutionMs.value;
    this.timer = setInterval(() => void this.sample(), interval).unref();
  }

  /** One round of measurements; a round still running is joined rather than overlapped. */
  sample(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.round ??= this.measure()
      .catch(() => {
        // A cluster that does not answer (restarting, stopping) has no datapoints this round.
      })
      .finally(() => {
        this.round = undefined;
      });
    return this.round;
  }

  /** Stops sampling; resolves once the round in progress has ended and the admin client is closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
    const admin = this.admin;
    this.admin = undefined;
    await admin?.close().catch(() => undefined);
  }

  private client(): Admin {
    this.admin ??= new Admin({
      clientId: 'streamkit-local-metrics',
      bootstrapBrokers: [...this.options.bootstrapServers],
      retries: 0,
      // A round waits no longer than its interval's worth of a few seconds for a broker that does not answer.
      timeout: 5000,
    });
    return this.admin;
  }

  private put(namespace: string, metricName: string, dimensions: Dimensions, value: number): void {
    this.publish({ namespace, metricName, dimensions, value });
  }

  private async measure(): Promise<void> {
    const { resources } = this.options;
    const cluster = { 'Cluster Name': resources.clusterName };
    const broker = (id: number) => ({ ...cluster, 'Broker ID': String(id) });
    const admin = this.client();
    const topicNames = await admin.listTopics();
    const metadata = await admin.metadata({ topics: topicNames, forceUpdate: true });
    const at = this.now();

    const health = partitionHealth(metadata, resources.brokerIds);
    this.put('AWS/Kafka', 'OfflinePartitionsCount', cluster, health.offlinePartitions);
    this.put('AWS/Kafka', 'GlobalPartitionCount', cluster, health.partitions);
    this.put('AWS/Kafka', 'GlobalTopicCount', cluster, health.topics);
    this.put('AWS/Kafka', 'ActiveControllerCount', cluster, metadata.controllerId >= 0 ? 1 : 0);
    for (const [id, count] of health.underReplicated)
      this.put('AWS/Kafka', 'UnderReplicatedPartitions', broker(id), count);

    const offsets = await this.listOffsets(admin, metadata, resources.topics);
    this.messagesIn(metadata, offsets.latest, at, broker);
    await this.consumerLag(admin, offsets);
    await this.brokerResources(at, broker);
  }

  /** Earliest and latest offset of every partition of `topics`, keyed `<topic>-<partition>`. */
  private async listOffsets(admin: Admin, metadata: ClusterMetadata, topics: readonly string[]) {
    const request = (timestamp: bigint) =>
      topics
        .filter((name) => metadata.topics.has(name))
        .map((name) => ({
          name,
          partitions: metadata.topics.get(name)!.partitions.map((_, partitionIndex) => ({ partitionIndex, timestamp })),
        }));
    const read = async (timestamp: bigint) => {
      const out = new Map<string, bigint>();
      const topicsRequest = request(timestamp);
      if (topicsRequest.length === 0) return out;
      for (const topic of await admin.listOffsets({ topics: topicsRequest })) {
        for (const p of topic.partitions) out.set(`${topic.name}-${p.partitionIndex}`, p.offset);
      }
      return out;
    };
    return { latest: await read(-1n), earliest: await read(-2n) };
  }

  /** Records appended per second since the last round, by the broker leading each partition. */
  private messagesIn(
    metadata: ClusterMetadata,
    latest: ReadonlyMap<string, bigint>,
    at: number,
    broker: (id: number) => Dimensions,
  ): void {
    const previous = this.lastEnds;
    this.lastEnds = { at, ends: new Map(latest) };
    if (!previous || at <= previous.at) return;
    const perBroker = new Map(this.options.resources.brokerIds.map((id) => [id, 0]));
    for (const [name, topic] of metadata.topics) {
      topic.partitions.forEach((p, i) => {
        const key = `${name}-${i}`;
        const before = previous.ends.get(key);
        const now = latest.get(key);
        if (before === undefined || now === undefined || p.leader < 0 || now < before) return;
        perBroker.set(p.leader, (perBroker.get(p.leader) ?? 0) + Number(now - before));
      });
    }
    const seconds = (at - previous.at) / 1000;
    for (const [id, messages] of perBroker) this.put('AWS/Kafka', 'MessagesInPerSec', broker(id), messages / seconds);
  }

  private async consumerLag(
    admin: Admin,
    offsets: { latest: ReadonlyMap<string, bigint>; earliest: ReadonlyMap<string, bigint> },
  ): Promise<void> {
    const { resources, functions } = this.options;
    if (resources.consumerGroups.size === 0) return;
    const groups = [...resources.consumerGroups.values()];
    const committed = new Map<string, bigint>();
    for (const group of await admin.listConsumerGroupOffsets({ groups: groups.map((g) => g.groupId) })) {
      for (const topic of group.topics) {
        for (const p of topic.partitions) {
          if (p.committedOffset >= 0n)
            committed.set(`${group.groupId}|${topic.name}-${p.partitionIndex}`, p.committedOffset);
        }
      }
    }
    for (const [consumer, { groupId, topic }] of resources.consumerGroups) {
      const dims = { 'Cluster Name': resources.clusterName, 'Consumer Group': groupId, Topic: topic };
      const lags: number[] = [];
      for (const [key, latest] of offsets.latest) {
        if (!key.startsWith(`${topic}-`)) continue;
        const partition = key.slice(topic.length + 1);
        if (!/^\d+$/.test(partition)) continue;
        const lag = offsetLag({
          latest,
          earliest: offsets.earliest.get(key) ?? 0n,
          committed: committed.get(`${groupId}|${key}`),
        });
        lags.push(lag);
        this.put('AWS/Kafka', 'OffsetLag', { ...dims, Partition: partition }, lag);
      }
      if (lags.length === 0) continue;
      const sum = lags.reduce((a, b) => a + b, 0);
      this.put('AWS/Kafka', 'MaxOffsetLag', dims, Math.max(...lags));
      this.put('AWS/Kafka', 'SumOffsetLag', dims, sum);
      const functionName = functions.get(consumer);
      if (functionName) this.put('AWS/Lambda', 'OffsetLag', { FunctionName: functionName }, sum);
    }
  }

  private async brokerResources(at: number, broker: (id: number) => Dimensions): Promise<void> {
    const cpus = availableParallelism();
    for (const b of this.options.brokers()) {
      if (!this.options.resources.brokerIds.includes(b.nodeId)) continue;
      const data = await diskUsage(b.dataDir);
      const fs = await statfs(b.dataDir).catch(() => undefined);
      if (fs)
        this.put('AWS/Kafka', 'KafkaDataLogsDiskUsed', broker(b.nodeId), diskUsedPercent(data, fs.bavail * fs.bsize));
      if (b.pid === undefined) continue;
      const ticks = await processCpuTicks(b.pid);
      if (!ticks) continue;
      const previous = this.cpu.get(b.nodeId);
      this.cpu.set(b.nodeId, { pid: b.pid, at, ...ticks });
      // A restarted broker is a new process: its CPU time starts again from zero.
      if (!previous || previous.pid !== b.pid) continue;
      this.put('AWS/Kafka', 'CpuUser', broker(b.nodeId), cpuPercent(ticks.user, previous.user, at - previous.at, cpus));
      this.put(
        'AWS/Kafka',
        'CpuSystem',
        broker(b.nodeId),
        cpuPercent(ticks.system, previous.system, at - previous.at, cpus),
      );
    }
  }
}
