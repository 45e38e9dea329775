/**
 * Topics of the local Kafka, created through the Kafka admin API (as `kafka-topics.sh --create` would), and the waits
 * that make "created" mean "every partition has a leader", so the first produce or consume does not race an election.
 */
import { Admin } from '@platformatic/kafka';
import { LIMITS, StreamkitError } from '@streamkit/core';

export interface TopicSpec {
  readonly name: string;
  /** @default LIMITS.msk.partitions default (3) when known, else 1 */
  readonly partitions?: number;
  /** @default the number of brokers */
  readonly replicationFactor?: number;
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Parses `name` or `name:partitions` (the `--topic` flag). */
export function parseTopicSpec(text: string): TopicSpec {
  const [name = '', partitions, ...rest] = text.split(':');
  const count = partitions === undefined ? undefined : Number(partitions);
  if (!TOPIC_NAME.test(name) || rest.length > 0 || (count !== undefined && !(Number.isInteger(count) && count >= 1))) {
    throw new StreamkitError(
      'SK_VALIDATION',
      `a topic must be <name> or <name>:<partitions>, the name 1-249 of [a-zA-Z0-9._-] and partitions a whole number of at least 1 (got "${text}")`,
    );
  }
  return count === undefined ? { name } : { name, partitions: count };
}

function admin(bootstrapServers: readonly string[]): Admin {
  return new Admin({ clientId: 'streamkit-local-admin', bootstrapBrokers: [...bootstrapServers], retries: 3 });
}

/** Waits until the cluster's metadata lists `brokers` brokers and a controller. */
export async function waitForBrokers(
  bootstrapServers: readonly string[],
  brokers: number,
  deadline: number,
): Promise<void> {
  const client = admin(bootstrapServers);
  try {
    let seen = 0;
    while (Date.now() < deadline) {
      try {
        const metadata = await client.metadata({ topics: [], forceUpdate: true });
        seen = metadata.brokers.size;
        if (seen >= brokers && metadata.controllerId >= 0) return;
      } catch {
        // Not answering yet: a broker that just logged "started" may still be registering with the controller.
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new StreamkitError('SK_TIMEOUT', `the local Kafka cluster shows ${seen} of ${brokers} brokers`);
  } finally {
    await client.close();
  }
}

/**
 * Creates each topic that does not exist yet (an existing topic is kept as it is: a durable data dir keeps its topics)
 * and waits until every partition of each has a leader.
 */
export async function createTopics(
  bootstrapServers: readonly string[],
  topics: readonly TopicSpec[],
  options: { brokers: number; deadline: number },
): Promise<void> {
  if (topics.length === 0) return;
  const client = admin(bootstrapServers);
  try {
    const existing = new Set(await client.listTopics());
    for (const topic of topics) {
      if (existing.has(topic.name)) continue;
      const replicas = topic.replicationFactor ?? options.brokers;
      if (replicas > options.brokers) {
        throw new StreamkitError(
          'SK_VALIDATION',
          `topic ${topic.name}: replicationFactor must be at most the number of brokers, ${options.brokers} (got ${replicas})`,
        );
      }
      try {
        await client.createTopics({
          topics: [topic.name],
          partitions: topic.partitions ?? defaultTopicPartitions(),
          replicas,
        });
      } catch (error) {
        if (!String(describe(error)).includes('TOPIC_ALREADY_EXISTS')) {
          throw new StreamkitError('SK_UNAVAILABLE', `creating topic ${topic.name} failed: ${describe(error)}`, {
            cause: error,
          });
        }
      }
    }
    await waitForLeaders(
      client,
      topics.map((t) => t.name),
      options.deadline,
    );
  } finally {
    await client.close();
  }
}

async function waitForLeaders(client: Admin, names: readonly string[], deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      const metadata = await client.metadata({ topics: [...names], forceUpdate: true });
      const ready = names.every((name) => {
        const topic = metadata.topics.get(name);
        return topic !== undefined && topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0);
      });
      if (ready) return;
    } catch {
      // Metadata for a topic being created can fail (UNKNOWN_TOPIC_OR_PARTITION) until the controller has it.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new StreamkitError('SK_TIMEOUT', `partitions of ${names.join(', ')} have no leader yet`);
}

/** Partitions of a topic that does not say: the MSK presets’ default when core has it, else Kafka’s 1. */
export function defaultTopicPartitions(): number {
  const msk = (LIMITS as { msk?: { partitions?: { default?: number } } }).msk;
  return msk?.partitions?.default ?? 1;
}

/** Kafka client errors keep the broker's answer in `errors`/`cause`; this flattens them into one line. */
export function describe(error: unknown): string {
  const parts: string[] = [];
  const visit = (e: unknown, depth: number) => {
    if (depth > 4 || e === null || typeof e !== 'object') return;
    const { message, code, apiId, errors, cause } = e as {
      message?: string;
      code?: string;
      apiId?: string;
      errors?: unknown[];
      cause?: unknown;
    };
    parts.push([code, apiId, message].filter(Boolean).join(' '));
    for (const inner of errors ?? []) visit(inner, depth + 1);
    visit(cause, depth + 1);
  };
  visit(error, 0);
  return parts.join(' / ');
}
