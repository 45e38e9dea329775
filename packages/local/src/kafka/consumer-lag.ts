/**
 * Consumer groups' offset lag on the local Kafka, as MSK reports it to CloudWatch (`AWS/Kafka`, dimensions
 * `Cluster Name`, `Consumer Group`, `Topic`): `MaxOffsetLag` (the largest partition lag) and `SumOffsetLag` (their
 * sum), where a partition's lag is its end offset minus the group's committed offset (the whole partition when the
 * group committed nothing). `drain()` of the Kafka pipeline reads them to know it has caught up; the metrics the
 * dashboard and the local alarms read are published by `metrics/kafka-metrics.ts` from the same offsets.
 */
import { Consumer } from '@platformatic/kafka';

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
