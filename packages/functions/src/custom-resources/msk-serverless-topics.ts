/**
 * `Custom::MskServerlessTopics`: the topics a spec declares, created on an MSK Serverless cluster, which has no topic
 * API (`AWS::MSK::Topic` is for provisioned clusters only). The function speaks Kafka's admin protocol to the
 * cluster's IAM listener (SASL/OAUTHBEARER with a SigV4 token from `aws-msk-iam-sasl-signer-js`), from the cluster's
 * VPC.
 *
 * Create and Update bring the cluster to the declaration: missing topics are created, topics with fewer partitions
 * grow (Kafka can add partitions, never remove them), a topic with more partitions than declared fails the
 * deployment with a message naming it. Replication is MSK Serverless's own (3), so the request leaves it to the broker.
 * Delete deletes nothing: topics hold data, and they go with the cluster when the stack deletes it.
 */
import { Admin, type SASLOptions } from '@platformatic/kafka';
import { LIMITS, StreamkitError } from '@streamkit/core';
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import { answer, type CustomResourceRequest } from './cloudformation-response.ts';

export interface DeclaredTopic {
  readonly name: string;
  readonly partitions: number;
}

/** What the function does to bring the cluster to the declaration. */
export interface TopicPlan {
  /** Topics that do not exist yet. */
  readonly create: readonly DeclaredTopic[];
  /** Existing topics with fewer partitions than declared: grown to `partitions`. */
  readonly grow: readonly (DeclaredTopic & { readonly from: number })[];
  /** Existing topics with the declared partitions. */
  readonly unchanged: readonly string[];
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/**
 * The `Topics` property as CloudFormation sends it — every scalar a string — checked and typed. Errors name the
 * element, the allowed values and what was received.
 */
export function parseTopicsProperty(value: unknown): DeclaredTopic[] {
  if (!Array.isArray(value)) {
    throw new StreamkitError('SK_VALIDATION', `Topics must be a list of { Name, Partitions } (got ${typeof value})`, {
      path: 'Topics',
    });
  }
  const { min, max } = LIMITS.msk.partitions;
  const seen = new Set<string>();
  return value.map((item, i) => {
    const { Name: name, Partitions: partitions } = (item ?? {}) as { Name?: unknown; Partitions?: unknown };
    if (typeof name !== 'string' || !TOPIC_NAME.test(name)) {
      throw new StreamkitError(
        'SK_VALIDATION',
        `Topics[${i}].Name must be 1-249 of [a-zA-Z0-9._-] (got ${JSON.stringify(name)})`,
        { path: `Topics[${i}].Name` },
      );
    }
    if (seen.has(name)) {
      throw new StreamkitError('SK_VALIDATION', `Topics[${i}].Name must be unique (got ${name} twice)`, {
        path: `Topics[${i}].Name`,
      });
    }
    seen.add(name);
    const count = Number(partitions);
    if (!Number.isInteger(count) || count < min || count > max) {
      throw new StreamkitError(
        'SK_VALIDATION',
        `Topics[${i}].Partitions must be a whole number between ${min} and ${max} (got ${JSON.stringify(partitions)})`,
        { path: `Topics[${i}].Partitions` },
      );
    }
    return { name, partitions: count };
  });
}

/**
 * Which declared topics to create and which to grow, given the partition counts of the topics that exist. A topic
 * with more partitions than declared is an error: Kafka cannot remove partitions, and silently keeping more would
 * make the spec lie about the cluster.
 */
export function planTopics(declared: readonly DeclaredTopic[], existing: ReadonlyMap<string, number>): TopicPlan {
  const shrinking = declared.filter((t) => (existing.get(t.name) ?? 0) > t.partitions);
  if (shrinking.length > 0) {
    const list = shrinking.map((t) => `${t.name} has ${existing.get(t.name)} partitions, declared ${t.partitions}`);
    throw new StreamkitError(
      'SK_CONFLICT',
      `Kafka cannot remove partitions: ${list.join('; ')}. Declare at least the existing count, or recreate the topic by hand`,
      { details: { topics: shrinking.map((t) => t.name) } },
    );
  }
  return {
    create: declared.filter((t) => !existing.has(t.name)),
    grow: declared
      .filter((t) => existing.has(t.name) && existing.get(t.name)! < t.partitions)
      .map((t) => ({ ...t, from: existing.get(t.name)! })),
    unchanged: declared.filter((t) => existing.get(t.name) === t.partitions).map((t) => t.name),
  };
}

/** How to reach the cluster: its bootstrap brokers and, on MSK, TLS with SASL (left out by tests on PLAINTEXT). */
export interface KafkaConnection {
  readonly bootstrapBrokers: readonly string[];
  readonly tls?: boolean;
  readonly sasl?: SASLOptions;
}

/** MSK's IAM listener: TLS, and SASL/OAUTHBEARER with a fresh SigV4 token (from the function's role) per connection. */
export function iamConnection(bootstrapServers: string, region: string): KafkaConnection {
  return {
    bootstrapBrokers: bootstrapServers.split(',').filter(Boolean),
    tls: true,
    sasl: { mechanism: 'OAUTHBEARER', token: async () => (await generateAuthToken({ region })).token },
  };
}

/** Brings the cluster to `declared` (see planTopics) and returns what was done. */
export async function ensureTopics(
  connection: KafkaConnection,
  declared: readonly DeclaredTopic[],
): Promise<TopicPlan> {
  const admin = new Admin({
    clientId: 'streamkit-msk-serverless-topics',
    bootstrapBrokers: [...connection.bootstrapBrokers],
    ...(connection.tls && { tls: {} }),
    ...(connection.sasl && { sasl: connection.sasl }),
    retries: 3,
  });
  try {
    const plan = planTopics(declared, await partitionCounts(admin, declared));
    if (plan.create.length > 0) {
      // One request per partition count; replicas -1 leaves replication to the cluster (fixed at 3 on Serverless).
      for (const partitions of new Set(plan.create.map((t) => t.partitions))) {
        const topics = plan.create.filter((t) => t.partitions === partitions).map((t) => t.name);
        await admin.createTopics({ topics, partitions, replicas: -1 });
      }
    }
    if (plan.grow.length > 0) {
      await admin.createPartitions({ topics: plan.grow.map((t) => ({ name: t.name, count: t.partitions })) });
    }
    return plan;
  } finally {
    await admin.close();
  }
}

/** Partition counts of the declared topics that exist (listed first: a metadata request could auto-create them). */
async function partitionCounts(admin: Admin, declared: readonly DeclaredTopic[]): Promise<Map<string, number>> {
  const listed = new Set(await admin.listTopics());
  const names = declared.map((t) => t.name).filter((name) => listed.has(name));
  if (names.length === 0) return new Map();
  const metadata = await admin.metadata({ topics: names, forceUpdate: true });
  return new Map(names.map((name) => [name, metadata.topics.get(name)?.partitions.length ?? 0]));
}

export const handler = async (request: CustomResourceRequest) => {
  const clusterArn = String(request.ResourceProperties.ClusterArn ?? '');
  const bootstrapServers = String(request.ResourceProperties.BootstrapServers ?? '');
  // Delete answers at once (answer() runs no work for it): the topics stay until the cluster goes.
  return answer(request, `${clusterArn}#topics`, async () => {
    const declared = parseTopicsProperty(request.ResourceProperties.Topics);
    const region = process.env.AWS_REGION ?? clusterArn.split(':')[3] ?? '';
    const plan = await ensureTopics(iamConnection(bootstrapServers, region), declared);
    return {
      Created: plan.create.map((t) => t.name).join(','),
      Grown: plan.grow.map((t) => t.name).join(','),
      Unchanged: plan.unchanged.join(','),
    };
  });
};
