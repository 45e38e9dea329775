/**
 * The sections of the Amazon MSK presets: the `cluster` the stack creates (provisioned with Standard or Express
 * brokers, or serverless) or the `existingCluster` it uses, the `topics` it creates, and the Lambda `consumers` that
 * read them through Kafka event source mappings. Settings use MSK's and Lambda's own words.
 *
 * Field checks live in the sections; `checkKafka` ties fields together (brokers a multiple of the zones, settings that
 * apply to one kind of cluster only, topics the consumers read) and `resolveKafka` fills in defaults that depend on
 * other settings (the Kafka version and instance type of each kind, the replication factor).
 */
import { z } from 'zod';
import {
  type BrokerLogDestination,
  describeRange,
  type ExpressKafkaVersion,
  type KafkaAuth,
  type KafkaVersion,
  LIMITS,
  type MonitoringLevel,
} from '../limits.ts';
import { environmentVariables } from './components.ts';
import {
  checkChoice,
  dateTime,
  flag,
  oneOf,
  optionalRanged,
  ranged,
  section,
  show,
  startingTimestampProblem,
  text,
} from './fields.ts';

const M = LIMITS.msk;
const KE = LIMITS.kafkaEsm;
const L = LIMITS.lambda;

/**
 * The Apache Kafka release whose command-line tools the client instance installs for each MSK version (the newest
 * patch release of that line on archive.apache.org).
 */
export const KAFKA_TOOLS_RELEASE: Readonly<Record<KafkaVersion | ExpressKafkaVersion, string>> = {
  '3.7.x': '3.7.2',
  '3.8.x': '3.8.1',
  '3.9.x': '3.9.1',
  '4.0.x': '4.0.0',
};

/** Kafka topic names: letters, digits, `.`, `_` and `-`. */
export const TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;
const CONSUMER_NAME = /^[a-zA-Z][a-zA-Z0-9-]*$/;
const JS_IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const CONSUMER_GROUP_ID = /^[a-zA-Z0-9\-/*:_+=.@]+$/;
const TOPIC_CONFIG_KEY = /^[a-z][a-z0-9.]*$/;
export const MSK_CLUSTER_ARN = /^arn:aws[a-zA-Z-]*:kafka:[a-z0-9-]+:\d{12}:cluster\/[a-zA-Z0-9-]+\/[a-zA-Z0-9-]+$/;
const SECRET_ARN = /^arn:aws[a-zA-Z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;
const KMS_KEY_ARN = /^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:\d{12}:key\/[a-zA-Z0-9-]+$/;
const PCA_ARN = /^arn:aws[a-zA-Z-]*:acm-pca:[a-z0-9-]+:\d{12}:certificate-authority\/.+$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;

/** One of `values`, or undefined when absent (resolved later, as the default depends on another setting). */
function optionalChoice<T extends string>(values: readonly T[]) {
  return z
    .unknown()
    .transform((input, ctx): T | undefined => (input === undefined ? undefined : checkChoice(values, input, ctx)));
}

/** true or false, or undefined when absent. */
function optionalFlag() {
  return z.unknown().transform((input, ctx): boolean | undefined => {
    if (input === undefined || typeof input === 'boolean') return input;
    ctx.addIssue({ code: 'custom', message: `must be true or false (got ${show(input)})`, input });
    return z.NEVER as never;
  });
}

/** A list of texts each matching `pattern`. */
function textList(pattern: RegExp, rule: string, max: number) {
  return z.unknown().transform((input, ctx): string[] | undefined => {
    if (input === undefined) return undefined;
    if (!Array.isArray(input) || input.length > max) {
      const got = Array.isArray(input) ? `${input.length} items` : show(input);
      ctx.addIssue({ code: 'custom', message: `must be a list of at most ${max} ${rule}s (got ${got})`, input });
      return z.NEVER as never;
    }
    input.forEach((item, i) => {
      if (typeof item !== 'string' || !pattern.test(item)) {
        ctx.addIssue({ code: 'custom', path: [i], message: `must be ${rule} (got ${show(item)})`, input: item });
      }
    });
    return input as string[];
  });
}

/** Instance types of both broker kinds; the cross-field check says which kind allows which. */
const INSTANCE_TYPES = [...M.standardInstanceType.values, ...M.expressInstanceType.values] as const;
const KAFKA_VERSIONS = [...new Set([...M.kafkaVersion.values, ...M.expressKafkaVersion.values])] as const;

export const clusterSection = section({
  /** @default 'provisioned' (Standard brokers) */
  kind: oneOf(M.clusterKind),
  /** @default '3.8.x' */
  kafkaVersion: optionalChoice<KafkaVersion | ExpressKafkaVersion>(KAFKA_VERSIONS),
  /** Broker nodes of a provisioned cluster, a multiple of availabilityZones. @default 3 */
  brokers: optionalRanged(M.brokerCount),
  /** @default 3 */
  availabilityZones: ranged(M.availabilityZones),
  /** @default 'kafka.m7g.large' (Standard) or 'express.m7g.large' (Express) */
  instanceType: optionalChoice(INSTANCE_TYPES),
  /** EBS GiB per Standard broker. @default 100 */
  storageGiB: optionalRanged(M.storageGiB),
  /** @default 'DEFAULT' */
  monitoringLevel: optionalChoice<MonitoringLevel>(M.monitoringLevel.values),
  /** Prometheus JMX and Node exporters. @default false */
  openMonitoring: optionalFlag(),
  /** Where broker logs go. @default 'cloudwatch' for provisioned clusters */
  brokerLogs: optionalChoice<BrokerLogDestination>(M.brokerLogs.values),
  /** @default 'iam' */
  auth: oneOf(M.auth),
  /** Mutual TLS: the ACM Private CAs whose certificates clients present, and the ESM's client certificate secret. */
  tls: section({
    certificateAuthorityArns: textList(PCA_ARN, 'an ACM Private CA ARN', 3),
    /** A Secrets Manager secret with the client certificate, chain and key the Lambda event source mapping presents. */
    clientCertificateSecretArn: text({ pattern: SECRET_ARN, rule: 'a Secrets Manager secret ARN' }),
  }),
  /** Encryption at rest; in transit, clients and brokers always speak TLS. */
  encryption: section({
    /** @default 'MANAGED' */
    atRest: oneOf(M.encryptionAtRest),
  }),
  /** A new VPC (private subnets behind NAT) unless `id` names an existing one. */
  vpc: section({
    /** An existing VPC. @default - a new VPC */
    id: text({ pattern: VPC_ID, rule: 'a VPC id (vpc-…)' }),
    /** Private subnets of the existing VPC, one per Availability Zone (required with `id`). */
    subnetIds: textList(SUBNET_ID, 'a subnet id (subnet-…)', 3),
    /** NAT gateways of a new VPC. @default 1 */
    natGateways: optionalRanged(M.natGateways),
  }),
});

export const existingClusterSection = section({
  /** The cluster's ARN (required). */
  arn: text({ pattern: MSK_CLUSTER_ARN, rule: 'an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/…)' }),
  /** How the pipeline's clients authenticate to it. @default 'iam' */
  auth: oneOf(M.auth),
  /** SCRAM: the AmazonMSK_ secret with the username and password; mutual TLS: the client certificate secret. */
  secretArn: text({ pattern: SECRET_ARN, rule: 'a Secrets Manager secret ARN' }),
  /** SCRAM: the customer managed KMS key that encrypts the secret (MSK requires one); the consumers decrypt with it. */
  secretKeyArn: text({ pattern: KMS_KEY_ARN, rule: 'a KMS key ARN (arn:aws:kms:<region>:<account>:key/…)' }),
});

const topicConfig = z
  .record(z.string(), z.unknown(), {
    error: (i) => `must be a mapping of topic settings to values (got ${show(i.input)})`,
  })
  .optional()
  .superRefine((config, ctx) => {
    for (const [key, value] of Object.entries(config ?? {})) {
      if (!TOPIC_CONFIG_KEY.test(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'is not a Kafka topic setting name (lower-case words joined by dots, such as retention.ms)',
        });
      } else if (!['string', 'number', 'boolean'].includes(typeof value)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `must be text, a number or a boolean (got ${show(value)})`,
        });
      }
    }
  })
  .transform((config) => Object.fromEntries(Object.entries(config ?? {}).map(([k, v]) => [k, String(v)])));

export const topicSection = section({
  /** The topic's name (required). */
  name: text({
    pattern: TOPIC_NAME,
    rule: 'letters, digits, ".", "_" and "-"',
    min: M.topicNameLength.min,
    max: M.topicNameLength.max,
  }),
  /** @default 3 */
  partitions: ranged(M.partitions),
  /** @default 3, or the broker count when smaller */
  replicationFactor: optionalRanged(M.replicationFactor),
  /** Topic-level settings, such as retention.ms or cleanup.policy. @default - the cluster's */
  config: topicConfig,
});

/**
 * An existing cluster's topics are its own: a spec with `existingCluster` and no `topics` declares none (rather than
 * the `events` topic a new cluster gets). Wraps a preset's schema.
 */
export function existingClusterTopics<T extends z.ZodType>(schema: T) {
  return z.preprocess((raw) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
    const spec = raw as Record<string, unknown>;
    return spec.existingCluster !== undefined && spec.topics === undefined ? { ...spec, topics: [] } : raw;
  }, schema);
}

/** The topics list: absent means one topic, `events`, which the demo producer writes to. */
export const topicsList = z.preprocess(
  (value) => value ?? [{ name: 'events' }],
  z
    .array(topicSection, { error: (i) => `must be a list of topics (got ${show(i.input)})` })
    .superRefine((items, ctx) => {
      if (items.length > M.topics.max) {
        ctx.addIssue({ code: 'custom', message: `must have ${describeRange(M.topics)} (got ${items.length})` });
      }
      const seen = new Map<string, number>();
      items.forEach((topic, i) => {
        if (topic.name === undefined) {
          ctx.addIssue({ code: 'custom', path: [i, 'name'], message: 'is required' });
          return;
        }
        const first = seen.get(topic.name);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'name'],
            message: `"${topic.name}" is already declared by topics[${first}]; topic names must be unique`,
          });
        } else seen.set(topic.name, i);
      });
    }),
);

/**
 * A Lambda function reading one Kafka topic through an event source mapping (MSK or, locally, the local broker);
 * `defaultName` names it when the spec does not.
 */
export function kafkaConsumerSection(defaultName = 'consumer') {
  return section({
    /** Unique within the pipeline; names the function, its consumer group and its alarms. @default 'consumer' */
    name: text({
      pattern: CONSUMER_NAME,
      rule: 'letters, digits and hyphens, starting with a letter',
      min: 1,
      max: 32,
    }).transform((n) => n ?? defaultName),
    /** Your handler's file, relative to the spec file. @default - streamkit's built-in handler for the preset */
    handler: text({ min: 1, max: 1024 }),
    /** Name of the exported handler function. @default 'handler' */
    export: text({ pattern: JS_IDENTIFIER, rule: 'a JavaScript identifier' }).transform((e) => e ?? 'handler'),
    memorySize: ranged(L.memorySize),
    timeout: ranged(L.timeout, { duration: 's' }),
    environment: environmentVariables,
    /** The topic it reads. @default - the first of `topics` */
    topic: text({ pattern: TOPIC_NAME, rule: 'a Kafka topic name', min: 1, max: M.topicNameLength.max }),
    batchSize: ranged(KE.batchSize),
    /** @default - AWS's 500 ms */
    maxBatchingWindow: optionalRanged(KE.maxBatchingWindow, { duration: 's' }),
    startingPosition: oneOf(KE.startingPosition),
    /** Only with AT_TIMESTAMP: an ISO-8601 date-time. */
    startingPositionTimestamp: dateTime(),
    retryAttempts: ranged(KE.retryAttempts),
    maxRecordAge: ranged(KE.maxRecordAge, { duration: 's' }),
    bisectBatchOnError: flag(KE.bisectBatchOnError),
    reportBatchItemFailures: flag(KE.reportBatchItemFailures),
    /** Provisioned mode (needed for retries, bisecting and partial batch responses). */
    provisionedPollers: section({
      minimum: ranged(KE.minimumPollers),
      maximum: ranged(KE.maximumPollers),
    }),
    /** The Kafka consumer group. @default - derived from the stack and consumer names, unique per deployment */
    consumerGroupId: text({
      pattern: CONSUMER_GROUP_ID,
      rule: 'letters, digits and - / * : _ + = . @',
      min: KE.consumerGroupIdLength.min,
      max: KE.consumerGroupIdLength.max,
    }),
    /** Where discarded batches go. @default 's3' */
    onFailure: oneOf(KE.onFailure),
  });
}

/** The Kafka client instance (EC2 with the Kafka tools, reached through SSM Session Manager). */
export const clientSection = section({
  /** @default true */
  enabled: flag({ default: true }),
  /** @default 't3.small' */
  instanceType: text({
    pattern: /^[a-z][a-z0-9-]*\.[a-z0-9]+$/,
    rule: 'an EC2 instance type such as t3.small',
  }).transform((t) => t ?? M.clientInstanceType.default),
});

export type ClusterInput = z.output<typeof clusterSection>;
export type ExistingClusterSettings = z.output<typeof existingClusterSection>;
export type TopicInput = z.output<typeof topicSection>;
export type KafkaConsumerInput = z.output<ReturnType<typeof kafkaConsumerSection>>;
export type ClientSettings = z.output<typeof clientSection>;

/** The spec fields every MSK preset has: the cluster it creates or the one it uses, and the topics it creates. */
export const kafkaFields = {
  /** The MSK cluster the stack creates. @default - a provisioned cluster with every default (unless existingCluster) */
  cluster: clusterSection.optional(),
  /** An MSK cluster the pipeline uses instead of creating one. */
  existingCluster: existingClusterSection.optional(),
  /** Topics the stack creates. @default - one topic, events */
  topics: topicsList,
};

/** The parts of a spec `checkKafka` reads. */
interface KafkaParts {
  readonly cluster?: ClusterInput | undefined;
  readonly existingCluster?: ExistingClusterSettings | undefined;
  readonly topics: readonly TopicInput[];
  readonly consumers?: readonly KafkaConsumerInput[];
}

/** The cluster, existing cluster and topics of a checked spec, with their defaults resolved. */
export function resolveKafka(spec: {
  readonly cluster?: ClusterInput | undefined;
  readonly existingCluster?: ExistingClusterSettings | undefined;
  readonly topics: readonly TopicInput[];
}) {
  const cluster = clusterOrDefault(spec);
  return {
    cluster,
    existingCluster: spec.existingCluster && (spec.existingCluster as ExistingCluster),
    topics: resolveTopics(spec.topics, cluster),
  };
}

type Issue = (path: (string | number)[], message: string) => void;

function issuer(ctx: z.RefinementCtx): Issue {
  return (path, message) => ctx.addIssue({ code: 'custom', path, message });
}

/**
 * The rules tying MSK settings together, each AWS's (the cluster, topic or mapping would fail to create otherwise)
 * unless it says otherwise. `allowExisting` is false for presets that must create their cluster (msk-cluster, labs).
 */
export function checkKafka(spec: KafkaParts, ctx: z.RefinementCtx, options: { allowExisting: boolean }): void {
  const issue = issuer(ctx);
  if (spec.existingCluster && !options.allowExisting) {
    issue(['existingCluster'], 'is not a setting of this preset, which creates its own cluster (use cluster:)');
    return;
  }
  if (spec.existingCluster && spec.cluster) {
    issue(
      ['existingCluster'],
      'and cluster are mutually exclusive: give cluster to create one, or existingCluster to use one',
    );
    return;
  }
  if (spec.cluster) checkCluster(spec.cluster, issue);
  if (spec.existingCluster) checkExistingCluster(spec.existingCluster, issue);
  const brokers = clusterOrDefault(spec);
  spec.topics.forEach((topic, i) => {
    const rf = topic.replicationFactor;
    if (rf === undefined || !brokers) return;
    if (brokers.kind !== 'provisioned' && rf !== 3) {
      issue(
        ['topics', i, 'replicationFactor'],
        `must be 3 on ${brokers.kind === 'express' ? 'Express brokers' : 'MSK Serverless'}, which keep three replicas of every partition (got ${rf})`,
      );
    } else if (brokers.kind === 'provisioned' && rf > brokers.brokers) {
      issue(
        ['topics', i, 'replicationFactor'],
        `must be at most the broker count, ${brokers.brokers} (cluster.brokers) (got ${rf})`,
      );
    }
  });
  if (spec.consumers) checkConsumers(spec, issue);
}

function checkCluster(cluster: ClusterInput, issue: Issue): void {
  const at = (field: string) => ['cluster', ...field.split('.')];
  const kind = cluster.kind;
  const onlyProvisioned = (field: string, value: unknown) => {
    if (value !== undefined) {
      issue(at(field), `applies only to provisioned clusters (cluster.kind is serverless) (got ${show(value)})`);
    }
  };
  if (kind === 'serverless') {
    onlyProvisioned('kafkaVersion', cluster.kafkaVersion);
    onlyProvisioned('brokers', cluster.brokers);
    onlyProvisioned('instanceType', cluster.instanceType);
    onlyProvisioned('storageGiB', cluster.storageGiB);
    onlyProvisioned('monitoringLevel', cluster.monitoringLevel);
    onlyProvisioned('openMonitoring', cluster.openMonitoring);
    onlyProvisioned('brokerLogs', cluster.brokerLogs);
    if (cluster.auth !== 'iam') {
      issue(at('auth'), `must be iam: MSK Serverless authenticates clients with IAM only (got ${show(cluster.auth)})`);
    }
    if (cluster.encryption.atRest === 'KMS') {
      issue(
        at('encryption.atRest'),
        'must be MANAGED: MSK Serverless encrypts at rest with a key it manages (got "KMS")',
      );
    }
  } else {
    const express = kind === 'express';
    const versions: readonly string[] = express ? M.expressKafkaVersion.values : M.kafkaVersion.values;
    if (cluster.kafkaVersion !== undefined && !versions.includes(cluster.kafkaVersion)) {
      issue(
        at('kafkaVersion'),
        `must be one of ${versions.join(', ')} for ${express ? 'Express' : 'Standard'} brokers (got ${show(cluster.kafkaVersion)})`,
      );
    }
    const types: readonly string[] = express ? M.expressInstanceType.values : M.standardInstanceType.values;
    if (cluster.instanceType !== undefined && !types.includes(cluster.instanceType)) {
      issue(
        at('instanceType'),
        `must be one of ${types.join(', ')} for ${express ? 'Express' : 'Standard'} brokers (cluster.kind is ${kind}) (got ${show(cluster.instanceType)})`,
      );
    }
    if (express && cluster.storageGiB !== undefined) {
      issue(
        at('storageGiB'),
        `applies only to Standard brokers; Express brokers have storage without a size to set (got ${cluster.storageGiB})`,
      );
    }
    if (express && cluster.availabilityZones !== 3) {
      issue(at('availabilityZones'), `must be 3 for Express brokers (got ${cluster.availabilityZones})`);
    }
    const brokers = cluster.brokers ?? cluster.availabilityZones;
    if (brokers % cluster.availabilityZones !== 0) {
      issue(
        at('brokers'),
        `must be a multiple of cluster.availabilityZones (${cluster.availabilityZones}), so that each zone has as many brokers (got ${brokers})`,
      );
    }
  }
  const tls = cluster.tls;
  if (cluster.auth === 'tls') {
    if (!tls.certificateAuthorityArns?.length) {
      issue(at('tls.certificateAuthorityArns'), 'must list at least one ACM Private CA ARN when cluster.auth is tls');
    }
    if (tls.clientCertificateSecretArn === undefined) {
      issue(
        at('tls.clientCertificateSecretArn'),
        'is required when cluster.auth is tls: the Lambda event source mapping presents that certificate',
      );
    }
  } else {
    if (tls.certificateAuthorityArns !== undefined) {
      issue(at('tls.certificateAuthorityArns'), `applies only when cluster.auth is tls (it is ${cluster.auth})`);
    }
    if (tls.clientCertificateSecretArn !== undefined) {
      issue(at('tls.clientCertificateSecretArn'), `applies only when cluster.auth is tls (it is ${cluster.auth})`);
    }
  }
  const { vpc } = cluster;
  if (vpc.id === undefined) {
    if (vpc.subnetIds !== undefined) issue(at('vpc.subnetIds'), 'applies only with vpc.id (an existing VPC)');
  } else {
    if (vpc.natGateways !== undefined) {
      issue(at('vpc.natGateways'), 'applies only to a new VPC (remove vpc.id to create one)');
    }
    const count = vpc.subnetIds?.length ?? 0;
    if (count !== cluster.availabilityZones) {
      issue(
        at('vpc.subnetIds'),
        `must list one private subnet per Availability Zone, ${cluster.availabilityZones} (cluster.availabilityZones), when vpc.id is given (got ${count})`,
      );
    }
  }
}

function checkExistingCluster(existing: ExistingClusterSettings, issue: Issue): void {
  if (existing.arn === undefined) {
    issue(['existingCluster', 'arn'], 'is required: the ARN of the MSK cluster to read from');
  }
  const needsSecret = existing.auth === 'scram' || existing.auth === 'tls';
  if (needsSecret && existing.secretArn === undefined) {
    const what =
      existing.auth === 'scram'
        ? 'the AmazonMSK_ secret with the SASL/SCRAM username and password'
        : 'the secret with the client certificate';
    issue(['existingCluster', 'secretArn'], `is required when existingCluster.auth is ${existing.auth}: ${what}`);
  }
  if (existing.auth === 'scram' && existing.secretKeyArn === undefined) {
    issue(
      ['existingCluster', 'secretKeyArn'],
      'is required when existingCluster.auth is scram: the KMS key that encrypts the secret (MSK requires a customer managed key)',
    );
  }
  if (existing.auth !== 'scram' && existing.secretKeyArn !== undefined) {
    issue(
      ['existingCluster', 'secretKeyArn'],
      `applies only when existingCluster.auth is scram (it is ${existing.auth})`,
    );
  }
  if (!needsSecret && existing.secretArn !== undefined) {
    issue(
      ['existingCluster', 'secretArn'],
      `applies only when existingCluster.auth is scram or tls (it is ${existing.auth})`,
    );
  }
}

function checkConsumers(spec: KafkaParts, issue: Issue): void {
  const names = new Map<string, number>();
  const groups = new Map<string, number>();
  const declared = spec.topics.map((t) => t.name);
  (spec.consumers ?? []).forEach((consumer, i) => {
    const at = (field: string) => ['consumers', i, field];
    const first = names.get(consumer.name);
    if (first !== undefined) {
      issue(at('name'), `"${consumer.name}" is already used by consumers[${first}]; give each consumer its own name`);
    } else names.set(consumer.name, i);
    if (consumer.consumerGroupId !== undefined) {
      const firstGroup = groups.get(consumer.consumerGroupId);
      if (firstGroup !== undefined) {
        issue(
          at('consumerGroupId'),
          `"${consumer.consumerGroupId}" is already used by consumers[${firstGroup}]; each event source mapping needs its own consumer group`,
        );
      } else groups.set(consumer.consumerGroupId, i);
    }
    if (consumer.topic !== undefined && !spec.existingCluster && !declared.includes(consumer.topic)) {
      issue(
        at('topic'),
        `must be one of the topics the stack creates: ${declared.join(', ') || '(none)'} (got ${show(consumer.topic)})`,
      );
    }
    if (consumer.topic === undefined && declared.length === 0) {
      issue(at('topic'), 'is required when topics is empty: the topic this consumer reads');
    }
    const timestampProblem = startingTimestampProblem(consumer);
    if (timestampProblem) issue(at('startingPositionTimestamp'), timestampProblem);
    const { minimum, maximum } = consumer.provisionedPollers;
    if (minimum > maximum) {
      issue(
        ['consumers', i, 'provisionedPollers', 'minimum'],
        `must be at most provisionedPollers.maximum (${maximum}) (got ${minimum})`,
      );
    }
  });
}

/** The cluster with every default that depends on its kind resolved. */
export function resolveCluster(cluster: ClusterInput) {
  const { kind } = cluster;
  const provisioned = kind !== 'serverless';
  const express = kind === 'express';
  return {
    kind,
    kafkaVersion: provisioned
      ? (cluster.kafkaVersion ?? (express ? M.expressKafkaVersion.default : M.kafkaVersion.default))
      : undefined,
    availabilityZones: cluster.availabilityZones,
    brokers: provisioned ? (cluster.brokers ?? cluster.availabilityZones) : 0,
    instanceType: provisioned
      ? (cluster.instanceType ?? (express ? M.expressInstanceType.default : M.standardInstanceType.default))
      : undefined,
    storageGiB: kind === 'provisioned' ? (cluster.storageGiB ?? M.storageGiB.default) : undefined,
    monitoringLevel: provisioned ? (cluster.monitoringLevel ?? M.monitoringLevel.default) : undefined,
    openMonitoring: provisioned ? (cluster.openMonitoring ?? M.openMonitoring.default) : false,
    brokerLogs: provisioned ? (cluster.brokerLogs ?? M.brokerLogs.default) : undefined,
    auth: cluster.auth as KafkaAuth,
    tls: {
      certificateAuthorityArns: cluster.tls.certificateAuthorityArns ?? [],
      clientCertificateSecretArn: cluster.tls.clientCertificateSecretArn,
    },
    encryption: { atRest: cluster.encryption.atRest },
    vpc:
      cluster.vpc.id === undefined
        ? { kind: 'new' as const, natGateways: cluster.vpc.natGateways ?? M.natGateways.default }
        : { kind: 'existing' as const, id: cluster.vpc.id, subnetIds: cluster.vpc.subnetIds ?? [] },
  };
}

/** Topics with their replication factor resolved: the spec's, or 3 (at most the broker count). */
export function resolveTopics(topics: readonly TopicInput[], cluster: ResolvedCluster | undefined) {
  const fallback = M.replicationFactor.default;
  return topics.map((topic) => ({
    name: topic.name!,
    partitions: topic.partitions,
    replicationFactor:
      topic.replicationFactor ?? (cluster?.kind === 'provisioned' ? Math.min(fallback, cluster.brokers) : fallback),
    config: topic.config,
  }));
}

/** Consumers with their topic resolved: the spec's, or the first declared topic. */
export function resolveConsumers(consumers: readonly KafkaConsumerInput[], topics: readonly ResolvedTopic[]) {
  return consumers.map((consumer) => ({ ...consumer, topic: consumer.topic ?? topics[0]!.name }));
}

/** An absent cluster section (and no existingCluster) means a cluster with every default. */
export function clusterOrDefault(spec: {
  readonly cluster?: ClusterInput | undefined;
  readonly existingCluster?: ExistingClusterSettings | undefined;
}): ResolvedCluster | undefined {
  if (spec.existingCluster) return undefined;
  return resolveCluster(spec.cluster ?? clusterSection.parse(undefined));
}

export type ResolvedCluster = ReturnType<typeof resolveCluster>;
export type ResolvedTopic = ReturnType<typeof resolveTopics>[number];
export type KafkaConsumerSettings = ReturnType<typeof resolveConsumers>[number];
/** The resolved existing cluster: its ARN is known to be there. */
export type ExistingCluster = Omit<ExistingClusterSettings, 'arn'> & { readonly arn: string };
