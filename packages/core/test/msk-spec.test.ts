import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  alarmsFor,
  DEFAULT_KAFKA_FLINK_SQL,
  LIMITS,
  parseSpecText,
  presetSpec,
  requirePreset,
  SpecValidationError,
} from '../src/index.ts';

/** Parses `yaml` expecting failure; returns the problem messages. */
function problemsOf(yaml: string): string[] {
  try {
    parseSpecText(yaml, { source: 'streamkit.yaml', skipFileChecks: true });
  } catch (error) {
    assert.ok(error instanceof SpecValidationError, `expected a SpecValidationError, got ${error}`);
    assert.equal(error.code, 'SK_VALIDATION');
    return error.problems.map((p) => p.message);
  }
  assert.fail(`expected the spec to be rejected:\n${yaml}`);
}

const parse = (yaml: string) => parseSpecText(yaml, { source: 'streamkit.yaml', skipFileChecks: true });
const ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/orders/0b1c2d3e-aaaa-bbbb-cccc-1234567890ab-2';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:AmazonMSK_orders-AbCdEf';
const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const PCA = 'arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555';

describe('every MSK preset resolves with defaults alone', () => {
  test('msk-cluster: a provisioned cluster of 3 Standard brokers over 3 zones in a new VPC, with topic events', () => {
    const spec = presetSpec('msk-cluster');
    assert.deepEqual(spec.cluster, {
      kind: 'provisioned',
      kafkaVersion: LIMITS.msk.kafkaVersion.default,
      availabilityZones: 3,
      brokers: 3,
      instanceType: 'kafka.m7g.large',
      storageGiB: 100,
      monitoringLevel: 'DEFAULT',
      openMonitoring: false,
      brokerLogs: 'cloudwatch',
      auth: 'iam',
      tls: { certificateAuthorityArns: [], clientCertificateSecretArn: undefined },
      encryption: { atRest: 'MANAGED' },
      vpc: { kind: 'new', natGateways: 1 },
    });
    assert.deepEqual(spec.topics, [{ name: 'events', partitions: 3, replicationFactor: 3, config: {} }]);
    assert.deepEqual(spec.client, { enabled: true, instanceType: 't3.small' });
    assert.equal(spec.name, 'msk-cluster');
  });

  test('msk-lambda: one consumer reading events from the start, retried 3 times, bisected, kept in S3', () => {
    const spec = presetSpec('msk-lambda');
    assert.equal(spec.consumers.length, 1);
    const [c] = spec.consumers;
    assert.equal(c!.name, 'consumer');
    assert.equal(c!.topic, 'events');
    assert.equal(c!.batchSize, 100);
    assert.equal(c!.maxBatchingWindow, undefined);
    assert.equal(c!.startingPosition, 'TRIM_HORIZON');
    assert.equal(c!.retryAttempts, 3);
    assert.equal(c!.maxRecordAge, -1);
    assert.equal(c!.bisectBatchOnError, true);
    assert.equal(c!.reportBatchItemFailures, true);
    assert.deepEqual(c!.provisionedPollers, { minimum: 1, maximum: 200 });
    assert.equal(c!.onFailure, 's3');
    assert.equal(c!.consumerGroupId, undefined);
    assert.ok(spec.cluster);
    assert.equal(spec.existingCluster, undefined);
  });

  test('msk-lambda-firehose-s3: a forwarder and the Firehose delivery defaults of kinesis-firehose-s3', () => {
    const spec = presetSpec('msk-lambda-firehose-s3');
    assert.equal(spec.forwarder.name, 'forwarder');
    assert.equal(spec.forwarder.topic, 'events');
    assert.equal(spec.delivery.compression, 'GZIP');
    assert.deepEqual(spec.delivery.bufferingHints, { sizeInMBs: 5, intervalInSeconds: 300 });
    assert.equal(spec.delivery.prefix, LIMITS.firehose.prefix.default);
  });

  test('an existing cluster’s topics are its own: without topics the stack declares none, and consumers name theirs', () => {
    const spec = requirePreset(
      parse(`preset: msk-lambda\nexistingCluster: { arn: ${ARN} }\nconsumers:\n  - topic: payments`),
      'msk-lambda',
    );
    assert.deepEqual(spec.topics, []);
    assert.equal(spec.consumers[0]!.topic, 'payments');
    assert.ok(
      problemsOf(`preset: msk-lambda\nexistingCluster: { arn: ${ARN} }`).includes(
        'consumers[0].topic is required when topics is empty: the topic this consumer reads',
      ),
    );
  });

  test('msk-connect-s3 runs locally without a plugin; then auto scaling between 1 and 2 workers, every declared topic', () => {
    assert.equal(requirePreset(parse('preset: msk-connect-s3'), 'msk-connect-s3').connector.plugin, undefined);
    const spec = requirePreset(
      parse('preset: msk-connect-s3\nconnector:\n  plugin: s3://my-plugins/kafka-connect-s3.zip'),
      'msk-connect-s3',
    );
    assert.equal(spec.connector.plugin, 's3://my-plugins/kafka-connect-s3.zip');
    assert.equal(spec.connector.connectorClass, 'io.confluent.connect.s3.S3SinkConnector');
    assert.deepEqual(spec.connector.topics, ['events']);
    assert.equal(spec.connector.capacity.mode, 'autoScaling');
    assert.equal(spec.connector.capacity.minWorkerCount, 1);
    assert.equal(spec.connector.capacity.maxWorkerCount, 2);
    assert.equal(spec.connector.capacity.mcuCount, '1');
    assert.equal(spec.connector.kafkaConnectVersion, '3.7.x');
  });

  test('msk-labs: a cluster, a client and the Lambda role', () => {
    const spec = presetSpec('msk-labs');
    assert.equal(spec.cluster.kind, 'provisioned');
    assert.equal(spec.client.enabled, true);
    assert.equal(spec.lambdaRole.enabled, true);
  });

  test('msk-flink-s3 runs the stock-ticks SQL over Kafka unless the spec names a SQL file', () => {
    assert.equal(presetSpec('msk-flink-s3').flink.sql, DEFAULT_KAFKA_FLINK_SQL);
    assert.match(readFileSync(DEFAULT_KAFKA_FLINK_SQL, 'utf8'), /'connector' = 'kafka'/);
    const spec = requirePreset(parse('preset: msk-flink-s3\nflink:\n  sql: job.sql'), 'msk-flink-s3');
    assert.equal(spec.flink.topic, 'events');
    assert.equal(spec.flink.runtime, 'FLINK-2_2');
    assert.equal(spec.flink.checkpointInterval, 60);
    assert.equal(spec.flink.snapshots, true, 'the Flink presets’ settings, with their defaults');
    assert.equal(spec.flink.metricsLevel, 'APPLICATION');
  });

  test('msk-flink-s3 takes the Flink presets’ application section, and says where the old one went', () => {
    assert.deepEqual(problemsOf('preset: msk-flink-s3\napplication:\n  sql: job.sql'), [
      'application was renamed flink, the section the Flink presets use: move its settings (sql, topic, runtime, parallelism, parallelismPerKpu, autoScaling, checkpointInterval) under flink',
    ]);
    assert.deepEqual(
      problemsOf(
        'preset: msk-flink-s3\nflink:\n  sql: job.sql\n  vpc: { subnetIds: [subnet-0123456789abcdef0], securityGroupIds: [sg-0123456789abcdef0] }',
      ),
      [
        'flink.vpc is not a known setting (allowed: sql, topic, runtime, parallelism, parallelismPerKpu, autoScaling, checkpointing, checkpointInterval, minPauseBetweenCheckpoints, snapshots, logLevel, metricsLevel)',
      ],
    );
    assert.deepEqual(
      problemsOf('preset: msk-flink-s3\nflink:\n  sql: job.sql\n  checkpointing: false\n  checkpointInterval: 30'),
      ['flink.checkpointInterval applies only when checkpointing is true (got false)'],
    );
  });
});

describe('valid MSK specs keep every setting', () => {
  test('Express brokers take their own version and instance type defaults, and no storage', () => {
    const spec = requirePreset(parse('preset: msk-cluster\ncluster:\n  kind: express\n  brokers: 6'), 'msk-cluster');
    assert.equal(spec.cluster.instanceType, 'express.m7g.large');
    assert.equal(spec.cluster.kafkaVersion, '3.8.x');
    assert.equal(spec.cluster.storageGiB, undefined);
    assert.equal(spec.cluster.brokers, 6);
  });

  test('a serverless cluster has no brokers, broker logs or open monitoring, and topics keep 3 replicas', () => {
    const spec = requirePreset(parse('preset: msk-cluster\ncluster:\n  kind: serverless'), 'msk-cluster');
    assert.equal(spec.cluster.brokers, 0);
    assert.equal(spec.cluster.instanceType, undefined);
    assert.equal(spec.cluster.brokerLogs, undefined);
    assert.equal(spec.topics[0]!.replicationFactor, 3);
  });

  test('a two-zone cluster of 2 brokers gets topics with 2 replicas', () => {
    const spec = requirePreset(
      parse('preset: msk-cluster\ncluster:\n  availabilityZones: 2\n  brokers: 2'),
      'msk-cluster',
    );
    assert.equal(spec.topics[0]!.replicationFactor, 2);
  });

  test('every cluster setting is kept', () => {
    const spec = requirePreset(
      parse(`preset: msk-cluster
cluster:
  kind: provisioned
  kafkaVersion: 3.9.x
  brokers: 6
  availabilityZones: 3
  instanceType: kafka.m5.xlarge
  storageGiB: 2000
  monitoringLevel: PER_TOPIC_PER_BROKER
  openMonitoring: true
  brokerLogs: s3
  auth: tls
  tls:
    certificateAuthorityArns: [${PCA}]
    clientCertificateSecretArn: ${SECRET}
  encryption: { atRest: KMS }
  vpc:
    id: vpc-0123456789abcdef0
    subnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1, subnet-0123456789abcdef2]
topics:
  - name: orders
    partitions: 12
    replicationFactor: 3
    config: { retention.ms: 604800000, cleanup.policy: delete }
client:
  instanceType: m7g.large
`),
      'msk-cluster',
    );
    assert.deepEqual(spec.cluster, {
      kind: 'provisioned',
      kafkaVersion: '3.9.x',
      availabilityZones: 3,
      brokers: 6,
      instanceType: 'kafka.m5.xlarge',
      storageGiB: 2000,
      monitoringLevel: 'PER_TOPIC_PER_BROKER',
      openMonitoring: true,
      brokerLogs: 's3',
      auth: 'tls',
      tls: { certificateAuthorityArns: [PCA], clientCertificateSecretArn: SECRET },
      encryption: { atRest: 'KMS' },
      vpc: {
        kind: 'existing',
        id: 'vpc-0123456789abcdef0',
        subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1', 'subnet-0123456789abcdef2'],
      },
    });
    assert.deepEqual(spec.topics, [
      {
        name: 'orders',
        partitions: 12,
        replicationFactor: 3,
        config: { 'retention.ms': '604800000', 'cleanup.policy': 'delete' },
      },
    ]);
    assert.equal(spec.client.instanceType, 'm7g.large');
  });

  test('consumers of an existing cluster may read any topic, with a SCRAM secret', () => {
    const spec = requirePreset(
      parse(`preset: msk-lambda
existingCluster: { arn: ${ARN}, auth: scram, secretArn: ${SECRET}, secretKeyArn: ${KEY} }
topics: []
consumers:
  - name: audit
    topic: payments
    batchSize: 500
    maxBatchingWindow: 10s
    startingPosition: AT_TIMESTAMP
    startingPositionTimestamp: 2026-01-31T12:00:00Z
    retryAttempts: -1
    maxRecordAge: 1h
    bisectBatchOnError: false
    reportBatchItemFailures: false
    provisionedPollers: { minimum: 2, maximum: 10 }
    consumerGroupId: audit-group
    onFailure: sqs
`),
      'msk-lambda',
    );
    assert.equal(spec.cluster, undefined);
    assert.deepEqual(spec.existingCluster, { arn: ARN, auth: 'scram', secretArn: SECRET, secretKeyArn: KEY });
    const [c] = spec.consumers;
    assert.equal(c!.topic, 'payments');
    assert.equal(c!.maxBatchingWindow, 10);
    assert.equal(c!.startingPositionTimestamp, '2026-01-31T12:00:00.000Z');
    assert.equal(c!.maxRecordAge, 3600);
    assert.deepEqual(c!.provisionedPollers, { minimum: 2, maximum: 10 });
    assert.equal(c!.consumerGroupId, 'audit-group');
    assert.equal(c!.onFailure, 'sqs');
  });

  test('msk-connect-s3 keeps a plugin of your own, its class, capacity and configuration', () => {
    const spec = requirePreset(
      parse(`preset: msk-connect-s3
connector:
  plugin: s3://my-plugins/s3-sink.zip
  connectorClass: io.confluent.connect.s3.S3SinkConnector
  capacity: { mode: provisioned, workerCount: 3, mcuCount: "2" }
  workerConfiguration: { key.converter: org.apache.kafka.connect.storage.StringConverter }
  connectorConfiguration: { s3.part.size: 5242880 }
  tasksMax: 6
  flushSize: 100
`),
      'msk-connect-s3',
    );
    assert.equal(spec.connector.plugin, 's3://my-plugins/s3-sink.zip');
    assert.equal(spec.connector.connectorClass, 'io.confluent.connect.s3.S3SinkConnector');
    assert.equal(spec.connector.capacity.mode, 'provisioned');
    assert.equal(spec.connector.capacity.workerCount, 3);
    assert.equal(spec.connector.capacity.mcuCount, '2');
    assert.deepEqual(spec.connector.workerConfiguration, {
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    });
    assert.deepEqual(spec.connector.connectorConfiguration, { 's3.part.size': '5242880' });
  });
});

describe('invalid MSK specs are rejected with the path, the allowed values and the value received', () => {
  const cases: [string, string, string][] = [
    [
      'an unknown cluster kind',
      'preset: msk-cluster\ncluster:\n  kind: dedicated',
      'cluster.kind must be one of provisioned, express, serverless (got "dedicated")',
    ],
    [
      'a Kafka version MSK does not offer',
      'preset: msk-cluster\ncluster:\n  kafkaVersion: 2.8.1',
      'cluster.kafkaVersion must be one of 3.7.x, 3.8.x, 3.9.x, 4.0.x (got "2.8.1")',
    ],
    [
      'a Standard-only version on Express brokers',
      'preset: msk-cluster\ncluster:\n  kind: express\n  kafkaVersion: 3.7.x',
      'cluster.kafkaVersion must be one of 3.8.x, 3.9.x for Express brokers (got "3.7.x")',
    ],
    [
      'brokers that are not a multiple of the zones',
      'preset: msk-cluster\ncluster:\n  brokers: 4',
      'cluster.brokers must be a multiple of cluster.availabilityZones (3), so that each zone has as many brokers (got 4)',
    ],
    [
      'more brokers than the quota',
      'preset: msk-cluster\ncluster:\n  brokers: 33',
      'cluster.brokers must be between 2 and 30 brokers (got 33)',
    ],
    [
      'an Express instance type on Standard brokers',
      'preset: msk-cluster\ncluster:\n  instanceType: express.m7g.large',
      `cluster.instanceType must be one of ${LIMITS.msk.standardInstanceType.values.join(', ')} for Standard brokers (cluster.kind is provisioned) (got "express.m7g.large")`,
    ],
    [
      'an instance type MSK does not have',
      'preset: msk-cluster\ncluster:\n  instanceType: kafka.m6i.large',
      `cluster.instanceType must be one of ${[...LIMITS.msk.standardInstanceType.values, ...LIMITS.msk.expressInstanceType.values].join(', ')} (got "kafka.m6i.large")`,
    ],
    [
      'storage on Express brokers',
      'preset: msk-cluster\ncluster:\n  kind: express\n  storageGiB: 500',
      'cluster.storageGiB applies only to Standard brokers; Express brokers have storage without a size to set (got 500)',
    ],
    [
      'Express brokers over two zones',
      'preset: msk-cluster\ncluster:\n  kind: express\n  availabilityZones: 2',
      'cluster.availabilityZones must be 3 for Express brokers (got 2)',
    ],
    [
      'storage beyond 16 TiB',
      'preset: msk-cluster\ncluster:\n  storageGiB: 20000',
      'cluster.storageGiB must be between 1 and 16384 GiB (got 20000)',
    ],
    [
      'SCRAM on MSK Serverless',
      'preset: msk-cluster\ncluster:\n  kind: serverless\n  auth: scram',
      'cluster.auth must be iam: MSK Serverless authenticates clients with IAM only (got "scram")',
    ],
    [
      'brokers on MSK Serverless',
      'preset: msk-cluster\ncluster:\n  kind: serverless\n  brokers: 3',
      'cluster.brokers applies only to provisioned clusters (cluster.kind is serverless) (got 3)',
    ],
    [
      'open monitoring on MSK Serverless',
      'preset: msk-cluster\ncluster:\n  kind: serverless\n  openMonitoring: true',
      'cluster.openMonitoring applies only to provisioned clusters (cluster.kind is serverless) (got true)',
    ],
    [
      'a customer managed key on MSK Serverless',
      'preset: msk-cluster\ncluster:\n  kind: serverless\n  encryption: { atRest: KMS }',
      'cluster.encryption.atRest must be MANAGED: MSK Serverless encrypts at rest with a key it manages (got "KMS")',
    ],
    [
      'plaintext between clients and brokers',
      'preset: msk-cluster\ncluster:\n  encryption: { inTransit: PLAINTEXT }',
      'cluster.encryption.inTransit is not a known setting (allowed: atRest)',
    ],
    [
      'a broker log destination MSK streamkit does not offer',
      'preset: msk-cluster\ncluster:\n  brokerLogs: false',
      'cluster.brokerLogs must be one of cloudwatch, s3 (got false)',
    ],
    [
      'mutual TLS without a certificate authority',
      `preset: msk-cluster\ncluster:\n  auth: tls\n  tls: { clientCertificateSecretArn: ${SECRET} }`,
      'cluster.tls.certificateAuthorityArns must list at least one ACM Private CA ARN when cluster.auth is tls',
    ],
    [
      'mutual TLS without the client certificate of the event source mapping',
      `preset: msk-cluster\ncluster:\n  auth: tls\n  tls: { certificateAuthorityArns: [${PCA}] }`,
      'cluster.tls.clientCertificateSecretArn is required when cluster.auth is tls: the Lambda event source mapping presents that certificate',
    ],
    [
      'certificate authorities without mutual TLS',
      `preset: msk-cluster\ncluster:\n  tls: { certificateAuthorityArns: [${PCA}] }`,
      'cluster.tls.certificateAuthorityArns applies only when cluster.auth is tls (it is iam)',
    ],
    [
      'a certificate authority that is not an ARN',
      'preset: msk-cluster\ncluster:\n  auth: tls\n  tls: { certificateAuthorityArns: [my-ca] }',
      'cluster.tls.certificateAuthorityArns[0] must be an ACM Private CA ARN (got "my-ca")',
    ],
    [
      'an existing VPC without subnets',
      'preset: msk-cluster\ncluster:\n  vpc: { id: vpc-0123456789abcdef0 }',
      'cluster.vpc.subnetIds must list one private subnet per Availability Zone, 3 (cluster.availabilityZones), when vpc.id is given (got 0)',
    ],
    [
      'subnets without an existing VPC',
      'preset: msk-cluster\ncluster:\n  vpc: { subnetIds: [subnet-0123456789abcdef0] }',
      'cluster.vpc.subnetIds applies only with vpc.id (an existing VPC)',
    ],
    [
      'NAT gateways in an existing VPC',
      'preset: msk-cluster\ncluster:\n  availabilityZones: 2\n  brokers: 2\n  vpc: { id: vpc-0123456789abcdef0, subnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1], natGateways: 2 }',
      'cluster.vpc.natGateways applies only to a new VPC (remove vpc.id to create one)',
    ],
    [
      'a VPC id that is not one',
      'preset: msk-cluster\ncluster:\n  vpc: { id: my-vpc }',
      'cluster.vpc.id must be a VPC id (vpc-…) (got "my-vpc")',
    ],
    [
      'an existing cluster in the cluster preset',
      `preset: msk-cluster\nexistingCluster: { arn: ${ARN} }`,
      'existingCluster is not a setting of this preset, which creates its own cluster (use cluster:)',
    ],
    [
      'both a cluster and an existing cluster',
      `preset: msk-lambda\ncluster: {}\nexistingCluster: { arn: ${ARN} }`,
      'existingCluster and cluster are mutually exclusive: give cluster to create one, or existingCluster to use one',
    ],
    [
      'an existing cluster without its ARN',
      'preset: msk-lambda\nexistingCluster: { auth: iam }',
      'existingCluster.arn is required: the ARN of the MSK cluster to read from',
    ],
    [
      'an ARN that is not an MSK cluster’s',
      'preset: msk-lambda\nexistingCluster: { arn: "arn:aws:kinesis:eu-west-1:123456789012:stream/orders" }',
      'existingCluster.arn must be an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/…) (got "arn:aws:kinesis:eu-west-1:123456789012:stream/orders")',
    ],
    [
      'SCRAM on an existing cluster without its secret',
      `preset: msk-lambda\nexistingCluster: { arn: ${ARN}, auth: scram }`,
      'existingCluster.secretArn is required when existingCluster.auth is scram: the AmazonMSK_ secret with the SASL/SCRAM username and password',
    ],
    [
      'SCRAM on an existing cluster without the key of its secret',
      `preset: msk-lambda\nexistingCluster: { arn: ${ARN}, auth: scram, secretArn: ${SECRET} }`,
      'existingCluster.secretKeyArn is required when existingCluster.auth is scram: the KMS key that encrypts the secret (MSK requires a customer managed key)',
    ],
    [
      'a secret with IAM authentication',
      `preset: msk-lambda\nexistingCluster: { arn: ${ARN}, secretArn: ${SECRET} }`,
      'existingCluster.secretArn applies only when existingCluster.auth is scram or tls (it is iam)',
    ],
    [
      'a topic name Kafka does not allow',
      'preset: msk-cluster\ntopics:\n  - name: "orders/eu"',
      'topics[0].name must be letters, digits, ".", "_" and "-" (got "orders/eu")',
    ],
    ['a topic without a name', 'preset: msk-cluster\ntopics:\n  - partitions: 3', 'topics[0].name is required'],
    [
      'two topics of one name',
      'preset: msk-cluster\ntopics:\n  - name: orders\n  - name: orders',
      'topics[1].name "orders" is already declared by topics[0]; topic names must be unique',
    ],
    [
      'zero partitions',
      'preset: msk-cluster\ntopics:\n  - name: orders\n    partitions: 0',
      'topics[0].partitions must be between 1 and 1000 partitions (got 0)',
    ],
    [
      'more replicas than brokers',
      'preset: msk-cluster\ntopics:\n  - name: orders\n    replicationFactor: 4',
      'topics[0].replicationFactor must be at most the broker count, 3 (cluster.brokers) (got 4)',
    ],
    [
      'two replicas on MSK Serverless',
      'preset: msk-cluster\ncluster: { kind: serverless }\ntopics:\n  - name: orders\n    replicationFactor: 2',
      'topics[0].replicationFactor must be 3 on MSK Serverless, which keep three replicas of every partition (got 2)',
    ],
    [
      'a topic setting that is not a name',
      'preset: msk-cluster\ntopics:\n  - name: orders\n    config: { "Retention MS": 1 }',
      'topics[0].config.Retention MS is not a Kafka topic setting name (lower-case words joined by dots, such as retention.ms)',
    ],
    [
      'a batch size above the Kafka event source maximum',
      'preset: msk-lambda\nconsumers:\n  - batchSize: 10001',
      'consumers[0].batchSize must be between 1 and 10000 records (got 10001)',
    ],
    [
      'a batching window above 5 minutes',
      'preset: msk-lambda\nconsumers:\n  - maxBatchingWindow: 6m',
      'consumers[0].maxBatchingWindow must be between 0 and 300 seconds (got "6m")',
    ],
    [
      'retries of -2',
      'preset: msk-lambda\nconsumers:\n  - retryAttempts: -2',
      'consumers[0].retryAttempts must be -1, or between 0 and 10000 retries (got -2)',
    ],
    [
      'a record age below a minute',
      'preset: msk-lambda\nconsumers:\n  - maxRecordAge: 30',
      'consumers[0].maxRecordAge must be -1, or between 60 and 604800 seconds (got 30)',
    ],
    [
      'more minimum than maximum pollers',
      'preset: msk-lambda\nconsumers:\n  - provisionedPollers: { minimum: 20, maximum: 10 }',
      'consumers[0].provisionedPollers.minimum must be at most provisionedPollers.maximum (10) (got 20)',
    ],
    [
      'a consumer of a topic the stack does not create',
      'preset: msk-lambda\nconsumers:\n  - topic: payments',
      'consumers[0].topic must be one of the topics the stack creates: events (got "payments")',
    ],
    [
      'two consumers of one name',
      'preset: msk-lambda\nconsumers:\n  - name: a\n  - name: a',
      'consumers[1].name "a" is already used by consumers[0]; give each consumer its own name',
    ],
    [
      'two consumers in one consumer group',
      'preset: msk-lambda\nconsumers:\n  - { name: a, consumerGroupId: g }\n  - { name: b, consumerGroupId: g }',
      'consumers[1].consumerGroupId "g" is already used by consumers[0]; each event source mapping needs its own consumer group',
    ],
    [
      'a consumer group id with spaces',
      'preset: msk-lambda\nconsumers:\n  - consumerGroupId: "my group"',
      'consumers[0].consumerGroupId must be letters, digits and - / * : _ + = . @ (got "my group")',
    ],
    [
      'AT_TIMESTAMP without a timestamp',
      'preset: msk-lambda\nconsumers:\n  - startingPosition: AT_TIMESTAMP',
      'consumers[0].startingPositionTimestamp is required when startingPosition is AT_TIMESTAMP',
    ],
    [
      'a timestamp without AT_TIMESTAMP',
      'preset: msk-lambda\nconsumers:\n  - startingPositionTimestamp: 2026-01-01T00:00:00Z',
      'consumers[0].startingPositionTimestamp applies only when startingPosition is AT_TIMESTAMP (it is TRIM_HORIZON)',
    ],
    [
      'an on-failure destination Kafka event sources do not have',
      'preset: msk-lambda\nconsumers:\n  - onFailure: sns',
      'consumers[0].onFailure must be one of s3, sqs, none (got "sns")',
    ],
    [
      'six consumers',
      `preset: msk-lambda\nconsumers:\n${[1, 2, 3, 4, 5, 6].map((i) => `  - name: c${i}`).join('\n')}`,
      'consumers must have between 1 and 5 consumers (got 6)',
    ],
    [
      'a forwarder setting that is misspelled',
      'preset: msk-lambda-firehose-s3\nforwarder:\n  batchsize: 10',
      'forwarder.batchsize is not a known setting (did you mean "batchSize"? allowed: name, handler, export, memorySize, timeout, environment, topic, batchSize, maxBatchingWindow, startingPosition, startingPositionTimestamp, retryAttempts, maxRecordAge, bisectBatchOnError, reportBatchItemFailures, provisionedPollers, consumerGroupId, onFailure)',
    ],
    [
      'the delivery rules of kinesis-firehose-s3 apply to the MSK forwarder’s delivery stream',
      'preset: msk-lambda-firehose-s3\ndelivery:\n  dynamicPartitioning: { enabled: true, metadataExtractionQuery: "{t: .ticker}" }\n  prefix: "data/"',
      'delivery.prefix must use the partition keys, as !{partitionKeyFromQuery:<key>}, when dynamicPartitioning.enabled is true (got "data/")',
    ],
    [
      'a connector plugin that is not an S3 URI',
      'preset: msk-connect-s3\nconnector:\n  plugin: https://example.com/s3-sink.zip',
      'connector.plugin must be the S3 URI of a plugin ZIP or JAR, such as s3://my-bucket/plugins/kafka-connect-s3.zip (got "https://example.com/s3-sink.zip")',
    ],
    [
      'a connector on a SCRAM cluster',
      'preset: msk-connect-s3\ncluster: { auth: scram }\nconnector:\n  plugin: s3://my-plugins/sink.zip',
      'cluster.auth must be iam or unauthenticated: MSK Connect connects to clusters with IAM or without authentication only (got "scram")',
    ],
    [
      'more minimum than maximum workers',
      'preset: msk-connect-s3\nconnector:\n  capacity: { minWorkerCount: 3, maxWorkerCount: 2 }',
      'connector.capacity.minWorkerCount must be at most capacity.maxWorkerCount (2) (got 3)',
    ],
    [
      'a scale-in threshold above the scale-out one',
      'preset: msk-connect-s3\nconnector:\n  capacity: { scaleInPercentage: 90 }',
      'connector.capacity.scaleInPercentage must be below capacity.scaleOutPercentage (80) (got 90)',
    ],
    [
      'an MCU count MSK Connect does not offer',
      'preset: msk-connect-s3\nconnector:\n  capacity: { mcuCount: "3" }',
      'connector.capacity.mcuCount must be one of 1, 2, 4, 8 (got "3")',
    ],
    [
      'a connector reading a topic the stack does not create',
      'preset: msk-connect-s3\nconnector:\n  topics: [payments]',
      'connector.topics[0] must be one of the topics the stack creates: events (got "payments")',
    ],
    [
      'a worker property that is not a name',
      'preset: msk-connect-s3\nconnector:\n  workerConfiguration: { "key converter": x }',
      'connector.workerConfiguration.key converter is not a property name (such as key.converter)',
    ],
    [
      'a Flink runtime Managed Flink does not offer',
      'preset: msk-flink-s3\nflink:\n  sql: job.sql\n  runtime: FLINK-1_11',
      'flink.runtime must be one of FLINK-2_2 (got "FLINK-1_11")',
    ],
    [
      'a Flink application reading a topic the stack does not create',
      'preset: msk-flink-s3\nflink:\n  sql: job.sql\n  topic: payments',
      'flink.topic must be one of the topics the stack creates: events (got "payments")',
    ],
  ];
  for (const [what, yaml, message] of cases) {
    test(what, () => {
      assert.ok(problemsOf(yaml).includes(message), `expected «${message}» among:\n${problemsOf(yaml).join('\n')}`);
    });
  }
});

describe('MSK alarms', () => {
  test('a provisioned cluster alarms on each broker’s disk, CPU and under-replicated partitions, and on offline partitions', () => {
    const ids = alarmsFor(presetSpec('msk-cluster')).map((a) => a.id);
    assert.deepEqual(ids, [
      'ClusterOfflinePartitions',
      'Broker1DiskUsed',
      'Broker1Cpu',
      'Broker1UnderReplicatedPartitions',
      'Broker2DiskUsed',
      'Broker2Cpu',
      'Broker2UnderReplicatedPartitions',
      'Broker3DiskUsed',
      'Broker3Cpu',
      'Broker3UnderReplicatedPartitions',
    ]);
  });

  test('Express brokers have no disk alarm; MSK Serverless has no broker alarms at all', () => {
    const express = alarmsFor(parse('preset: msk-cluster\ncluster: { kind: express }')).map((a) => a.id);
    assert.ok(!express.some((id) => id.endsWith('DiskUsed')));
    assert.ok(express.includes('Broker3Cpu'));
    assert.deepEqual(alarmsFor(parse('preset: msk-cluster\ncluster: { kind: serverless }')), []);
  });

  test('consumers alarm on their consumer group’s lag, their errors and throttles, and their SQS dead letters', () => {
    const spec = parse(
      `preset: msk-lambda\nexistingCluster: { arn: ${ARN} }\nconsumers:\n  - { name: a, topic: t, onFailure: sqs }\n  - { name: b, topic: t }`,
    );
    assert.deepEqual(
      alarmsFor(spec).map((a) => a.id),
      ['aOffsetLag', 'bOffsetLag', 'aErrors', 'aThrottles', 'aDeadLetters', 'bErrors', 'bThrottles'],
    );
    const lag = alarmsFor(spec)[0]!;
    assert.equal(lag.namespace, 'AWS/Kafka');
    assert.equal(lag.metricName, 'MaxOffsetLag');
    assert.deepEqual(lag.resource, { kind: 'consumerGroup', consumer: 'a' });
  });

  test('the forwarder’s Direct PUT delivery stream alarms on throttled records rather than stream reads', () => {
    const ids = alarmsFor(presetSpec('msk-lambda-firehose-s3')).map((a) => a.id);
    assert.ok(ids.includes('DeliveryThrottledRecords'));
    assert.ok(!ids.includes('DeliveryThrottledGetRecords'));
    assert.ok(ids.includes('forwarderOffsetLag'));
    assert.ok(ids.includes('DeliveryDataFreshness'));
  });
});
