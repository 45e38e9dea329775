/**
 * Consumer groups' offset lag on the local Kafka, as MSK reports it to CloudWatch (`AWS/Kafka`, dimensions
 * `Cluster Name`, `Consumer Group`, `Topic`): `MaxOffsetLag` (the largest partition lag) and `SumOffsetLag` (their
 * sum), where a partition's lag is its end offset minus the group's committed offset (the whole partition when the
 * group committed nothing). `watchConsumerLag` publishes them on `streamkit:metric` every few seconds, for the
 * dashboard and the local alarms; `drain()` of the Kafka pipeline reads the same offsets to know it has caught up.
 */
import { Consumer } from '@platformatic/kafka';
import { publishMetric } from '../metrics/metric-channel.ts';

export interface GroupTopic {
  readonly groupId: string;
  readonly topic: string;
}

export interface TopicLag {
  /** Per partition: the end offset minus the committed offset (or the end, when nothing is committed). */
  readonly partitions: readonly number[];
  readonly max: number;
  readonly sum: number;
}

/** The group's lag on each partition of the topic; undefined when the broker cannot be asked. */
export async function consumerLag(
  bootstrapServers: readonly string[],
  target: GroupTopic,
): Promise<TopicLag | undefined> {
  const { groupId, topic } = target;
  const consumer = new Consumer({ groupId, clientId: 'streamkit-lag', bootstrapBrokers: [...bootstrapServers] });
  try {
    const metadata = await consumer.metadata({ topics: [topic] });
    const partitions = metadata.topics.get(topic)?.partitions.map((_, i) => i) ?? [];
    const committed = (await consumer.listCommittedOffsets({ topics: [{ topic, partitions }] })).get(topic) ?? [];
    const end = (await consumer.listOffsets({ topics: [topic], timestamp: -1n })).get(topic) ?? [];
    const lags = partitions.map((p) => {
      const last = end[p] ?? 0n;
      const done = committed[p] ?? -1n;
      return Number(done < 0n ? last : last > done ? last - done : 0n);
    });
    return { partitions: lags, max: Math.max(0, ...lags), sum: lags.reduce((a, b) => a + b, 0) };
  } catch {
    return undefined;
  } finally {
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
}

export interface ConsumerLagWatch {
  stop(): void;
}

/**
 * Publishes `MaxOffsetLag` and `SumOffsetLag` of each group and topic every `intervalMs` (one round at a time; a
 * round the broker does not answer publishes nothing, as MSK publishes no datapoint then).
 */
export function watchConsumerLag(options: {
  readonly bootstrapServers: readonly string[];
  readonly clusterName: string;
  readonly groups: () => readonly GroupTopic[];
  readonly intervalMs: number;
}): ConsumerLagWatch {
  let running = false;
  const round = async () => {
    for (const target of options.groups()) {
      const lag = await consumerLag(options.bootstrapServers, target);
      if (!lag) continue;
      const dimensions = { 'Cluster Name': options.clusterName, 'Consumer Group': target.groupId, Topic: target.topic };
      publishMetric({ namespace: 'AWS/Kafka', metricName: 'MaxOffsetLag', dimensions, value: lag.max });
      publishMetric({ namespace: 'AWS/Kafka', metricName: 'SumOffsetLag', dimensions, value: lag.sum });
    }
  };
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    round().finally(() => {
      running = false;
    });
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
