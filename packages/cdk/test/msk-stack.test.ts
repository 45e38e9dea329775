import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { alarmsFor, type PipelineSpec, StreamkitError } from '@streamkit/core';
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MskPipelineStack } from '../src/msk-pipeline-stack.ts';
import { applyNag, NAG_ACKNOWLEDGEMENTS } from '../src/nag.ts';
import { createPipelineApp, readFindings } from '../src/synth.ts';
import { specOf, synthMskPipeline, tempDir } from './support/stacks.ts';

const ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/orders/0b1c2d3e-aaaa-bbbb-cccc-1234567890ab-2';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:AmazonMSK_orders-AbCdEf';
const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const PCA = 'arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555';
const CERT = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-client-cert-AbCdEf';

const msk = (yaml: string, preset: PipelineSpec['preset']) => specOf(yaml, preset);
const logicalId = (p: { stack: MskPipelineStack }, c: { node: { defaultChild?: unknown } }) =>
  p.stack.getLogicalId(c.node.defaultChild as never);
const topicArn = (clusterArn: unknown, topic: string) => ({
  'Fn::Join': [
    '',
    [
      { 'Fn::Select': [0, { 'Fn::Split': [':cluster/', clusterArn] }] },
      ':topic/',
      { 'Fn::Select': [1, { 'Fn::Split': [':cluster/', clusterArn] }] },
      `/${topic}`,
    ],
  ],
});

describe('msk-cluster with the defaults', () => {
  const p = synthMskPipeline(msk('', 'msk-cluster'), { bundle: false });
  const cluster = { 'Fn::GetAtt': [logicalId(p, p.stack.cluster!), 'Arn'] };

  test('a provisioned cluster of 3 Standard brokers, IAM auth, TLS only, broker logs in CloudWatch', () => {
    p.template.resourceCountIs('AWS::MSK::Cluster', 1);
    p.template.hasResourceProperties('AWS::MSK::Cluster', {
      KafkaVersion: '3.8.x',
      NumberOfBrokerNodes: 3,
      BrokerNodeGroupInfo: {
        InstanceType: 'kafka.m7g.large',
        ClientSubnets: Match.arrayWith([Match.objectLike({ Ref: Match.stringLikeRegexp('private') })]),
        StorageInfo: { EBSStorageInfo: { VolumeSize: 100 } },
      },
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } }, Unauthenticated: { Enabled: false } },
      EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true } },
      EnhancedMonitoring: 'DEFAULT',
      OpenMonitoring: {
        Prometheus: { JmxExporter: { EnabledInBroker: false }, NodeExporter: { EnabledInBroker: false } },
      },
      LoggingInfo: { BrokerLogs: { CloudWatchLogs: { Enabled: true, LogGroup: Match.anyValue() } } },
    });
    const subnets = p.template.findResources('AWS::MSK::Cluster');
    const props = Object.values(subnets)[0]!.Properties;
    assert.equal(props.BrokerNodeGroupInfo.ClientSubnets.length, 3, 'one subnet per zone');
    assert.equal(props.EncryptionInfo.EncryptionAtRest, undefined, 'the AWS managed key');
  });

  test('the brokers’ security group admits IAM clients (9098) from itself and nothing from anywhere else', () => {
    const sg = logicalId(p, p.stack.cluster!.securityGroup);
    p.template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [sg, 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [sg, 'GroupId'] },
      FromPort: 9098,
      ToPort: 9098,
    });
    const open = p.template.findResources('AWS::EC2::SecurityGroup', {
      Properties: { SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: '0.0.0.0/0' })]) },
    });
    assert.deepEqual(Object.keys(open), [], 'no security group is open to the internet');
  });

  test('the stack creates topic events (3 partitions, 3 replicas) through MSK’s topic API', () => {
    p.template.hasResourceProperties('AWS::MSK::Topic', {
      ClusterArn: cluster,
      TopicName: 'events',
      PartitionCount: 3,
      ReplicationFactor: 3,
    });
  });

  test('a new VPC over 3 zones: private subnets behind one NAT gateway, flow logs, an S3 gateway endpoint', () => {
    p.template.resourceCountIs('AWS::EC2::NatGateway', 1);
    const privateSubnets = Object.keys(p.template.findResources('AWS::EC2::Subnet')).filter((id) =>
      id.includes('private'),
    );
    assert.equal(privateSubnets.length, 3);
    p.template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'REJECT' });
    p.template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['.s3'])]) }),
    });
  });

  test('the client instance: one instance in an Auto Scaling group, IMDSv2, encrypted volume, detailed monitoring', () => {
    p.template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        InstanceType: 't3.small',
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        Monitoring: { Enabled: true },
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeSize: 20, VolumeType: 'gp3' } }],
      }),
    });
    p.template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '1',
      MaxSize: '1',
      NotificationConfigurations: [Match.objectLike({ TopicARN: { Ref: logicalId(p, p.stack.monitoring.topic) } })],
    });
    const template = JSON.stringify(p.template.toJSON());
    assert.ok(!template.includes('KeyName'), 'no SSH key pair');
  });

  test('its user data installs Kafka 3.8.1 and aws-msk-iam-auth, checking each download, and writes the IAM client config', () => {
    const data = JSON.stringify(
      Object.values(p.template.findResources('AWS::EC2::LaunchTemplate'))[0]!.Properties.LaunchTemplateData.UserData,
    );
    for (const expected of [
      'https://archive.apache.org/dist/kafka/3.8.1/kafka_2.13-3.8.1.tgz',
      'sha512sum -c',
      'software/amazon/msk/aws-msk-iam-auth/2.2.0/aws-msk-iam-auth-2.2.0-all.jar',
      'sha1sum -c',
      'BootstrapBrokerStringSaslIam',
      'sasl.mechanism=AWS_MSK_IAM',
    ]) {
      assert.ok(data.includes(expected), `user data has ${expected}`);
    }
  });

  test('the client role reads and writes exactly the declared topics, and Session Manager is its only wildcard', () => {
    const role = logicalId(p, p.stack.client!.role);
    p.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: role }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'SessionManager', Resource: '*' }),
          Match.objectLike({ Sid: 'ReadTopics', Resource: topicArn(cluster, 'events') }),
          Match.objectLike({ Sid: 'WriteTopics', Resource: topicArn(cluster, 'events') }),
        ]),
      },
    });
    const managed = p.template.findResources('AWS::IAM::Role', { Properties: { ManagedPolicyArns: Match.anyValue() } });
    assert.deepEqual(
      Object.keys(managed).filter((id) => !id.startsWith('CustomVpcRestrictDefaultSG')),
      [],
      'no role of ours has an AWS managed policy (only CDK’s own custom resource that empties the default security group)',
    );
  });

  test('alarms: offline partitions, and per broker disk, CPU and under-replicated partitions, each notifying the topic', () => {
    const definitions = alarmsFor(p.stack.spec);
    p.template.resourceCountIs('AWS::CloudWatch::Alarm', definitions.length);
    p.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Kafka',
      MetricName: 'KafkaDataLogsDiskUsed',
      Dimensions: [
        { Name: 'Broker ID', Value: '2' },
        { Name: 'Cluster Name', Value: p.stack.clusterName },
      ],
      Threshold: 80,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: logicalId(p, p.stack.monitoring.topic) }],
    });
    p.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'OfflinePartitionsCount',
      Dimensions: [{ Name: 'Cluster Name', Value: p.stack.clusterName }],
    });
    p.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'CpuUser',
      EvaluationPeriods: 3,
      Period: 300,
      Threshold: 60,
    });
  });

  test('the dashboard draws per-broker graphs of the cluster', () => {
    const body = JSON.stringify(p.template.findResources('AWS::CloudWatch::Dashboard'));
    for (const metric of ['CpuUser', 'KafkaDataLogsDiskUsed', 'BytesInPerSec', 'UnderReplicatedPartitions']) {
      assert.ok(body.includes(metric), `dashboard shows ${metric}`);
    }
  });
});

describe('msk-cluster with every setting changed', () => {
  test('Express brokers: 6 of express.m7g.xlarge, Kafka 3.9.x, no storage size, per-broker metrics, Prometheus', () => {
    const p = synthMskPipeline(
      msk(
        `cluster:
  kind: express
  kafkaVersion: 3.9.x
  brokers: 6
  instanceType: express.m7g.xlarge
  monitoringLevel: PER_BROKER
  openMonitoring: true
  brokerLogs: s3
  encryption: { atRest: KMS }
  vpc: { natGateways: 3 }
topics:
  - name: orders
    partitions: 12
    config: { retention.ms: 604800000, cleanup.policy: delete }
client:
  instanceType: m7g.large`,
        'msk-cluster',
      ),
      { bundle: false },
    );
    p.template.hasResourceProperties('AWS::MSK::Cluster', {
      KafkaVersion: '3.9.x',
      NumberOfBrokerNodes: 6,
      BrokerNodeGroupInfo: Match.objectLike({ InstanceType: 'express.m7g.xlarge', StorageInfo: Match.absent() }),
      EnhancedMonitoring: 'PER_BROKER',
      OpenMonitoring: {
        Prometheus: { JmxExporter: { EnabledInBroker: true }, NodeExporter: { EnabledInBroker: true } },
      },
      LoggingInfo: {
        BrokerLogs: { S3: { Enabled: true, Bucket: Match.anyValue(), Prefix: 'msk-broker-logs/' } },
      },
      EncryptionInfo: Match.objectLike({
        EncryptionAtRest: { DataVolumeKMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ClusterKey'), 'Arn'] } },
      }),
    });
    p.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      Description: Match.stringLikeRegexp('broker storage'),
    });
    p.template.resourceCountIs('AWS::EC2::NatGateway', 3);
    p.template.hasResourceProperties('AWS::MSK::Topic', {
      TopicName: 'orders',
      PartitionCount: 12,
      ReplicationFactor: 3,
      Configs: Buffer.from('retention.ms=604800000\ncleanup.policy=delete\n').toString('base64'),
    });
    p.template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        InstanceType: 'm7g.large',
        ImageId: Match.objectLike({ Ref: Match.stringLikeRegexp('arm64') }),
      }),
    });
    const ids = alarmsFor(p.stack.spec).map((a) => a.id);
    assert.ok(!ids.some((id) => id.endsWith('DiskUsed')), 'Express brokers have no disk to alarm on');
    assert.deepEqual(p.findings, []);
  });

  test('SASL/SCRAM: an AmazonMSK_ secret encrypted by a key of its own, associated with the cluster, read by the client', () => {
    const p = synthMskPipeline(msk('cluster: { auth: scram }', 'msk-cluster'), { bundle: false });
    p.template.hasResourceProperties('AWS::MSK::Cluster', {
      ClientAuthentication: { Sasl: { Scram: { Enabled: true } }, Unauthenticated: { Enabled: false } },
    });
    p.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: Match.stringLikeRegexp('^AmazonMSK_'),
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ClusterScramSecretKey'), 'Arn'] },
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password' }),
    });
    p.template.hasResourceProperties('AWS::MSK::BatchScramSecret', {
      ClusterArn: { 'Fn::GetAtt': [logicalId(p, p.stack.cluster!), 'Arn'] },
      SecretArnList: [{ Ref: logicalId(p, p.stack.scramSecret!) }],
    });
    p.template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 9096, ToPort: 9096 });
    const data = JSON.stringify(p.template.findResources('AWS::EC2::LaunchTemplate'));
    assert.ok(data.includes('ScramLoginModule') && data.includes('BootstrapBrokerStringSaslScram'));
    assert.deepEqual(p.findings, []);
    assert.ok(p.acknowledgements.some((a) => a.id === 'AwsSolutions-SMG4'));
  });

  test('mutual TLS: the private CAs, port 9094', () => {
    const p = synthMskPipeline(
      msk(
        `cluster:\n  auth: tls\n  tls: { certificateAuthorityArns: [${PCA}], clientCertificateSecretArn: ${CERT} }`,
        'msk-cluster',
      ),
      { bundle: false },
    );
    p.template.hasResourceProperties('AWS::MSK::Cluster', {
      ClientAuthentication: {
        Tls: { Enabled: true, CertificateAuthorityArnList: [PCA] },
        Unauthenticated: { Enabled: false },
      },
    });
    p.template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 9094, ToPort: 9094 });
  });

  test('unauthenticated clients, still over TLS', () => {
    const p = synthMskPipeline(msk('cluster: { auth: unauthenticated }', 'msk-cluster'), { bundle: false });
    p.template.hasResourceProperties('AWS::MSK::Cluster', {
      ClientAuthentication: { Unauthenticated: { Enabled: true } },
      EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true } },
    });
  });

  test('an existing VPC: the brokers go in its subnets and the stack creates no network', () => {
    const p = synthMskPipeline(
      msk(
        'cluster:\n  availabilityZones: 2\n  brokers: 4\n  vpc: { id: vpc-0123456789abcdef0, subnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1] }',
        'msk-cluster',
      ),
      { bundle: false },
    );
    p.template.resourceCountIs('AWS::EC2::VPC', 0);
    p.template.hasResourceProperties('AWS::MSK::Cluster', {
      NumberOfBrokerNodes: 4,
      BrokerNodeGroupInfo: Match.objectLike({
        ClientSubnets: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
      }),
    });
    p.template.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: 'vpc-0123456789abcdef0' });
  });

  test('MSK Serverless: IAM only, in the VPC’s private subnets, no broker alarms', () => {
    const p = synthMskPipeline(msk('cluster: { kind: serverless }', 'msk-cluster'), { bundle: false });
    p.template.resourceCountIs('AWS::MSK::Cluster', 0);
    p.template.hasResourceProperties('AWS::MSK::ServerlessCluster', {
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
      VpcConfigs: [{ SubnetIds: Match.anyValue(), SecurityGroups: Match.anyValue() }],
    });
    p.template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    assert.deepEqual(p.findings, []);
  });
});

describe('msk-cluster on MSK Serverless: the declared topics, created by a function at deploy time', () => {
  const p = synthMskPipeline(
    msk(
      'cluster: { kind: serverless }\ntopics:\n  - { name: orders, partitions: 6 }\n  - { name: payments }',
      'msk-cluster',
    ),
    { bundle: false },
  );
  const cluster = () => p.stack.cluster!;
  const clusterArn = () => ({ 'Fn::GetAtt': [logicalId(p, cluster()), 'Arn'] });
  const topics = () => p.stack.serverlessTopics!;

  test('a Custom::MskServerlessTopics with the topics and partitions, the cluster and its IAM brokers', () => {
    p.template.resourceCountIs('AWS::MSK::Topic', 0);
    p.template.hasResourceProperties('Custom::MskServerlessTopics', {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TopicsFunction'), 'Arn'] },
      ClusterArn: clusterArn(),
      BootstrapServers: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterLookup'), 'BootstrapServers'] },
      Topics: [
        { Name: 'orders', Partitions: '6' },
        { Name: 'payments', Partitions: '3' },
      ],
    });
    p.template.hasResourceProperties('Custom::MskClusterLookup', { ClusterArn: clusterArn(), Auth: 'iam' });
    // The function connects with its role's policy, through the cluster's ingress rule for it.
    const [resource] = Object.values(p.template.findResources('Custom::MskServerlessTopics'));
    const roleLogicalId = p.stack.getLogicalId(topics().role.node.defaultChild as never);
    assert.ok((resource!.DependsOn as string[]).includes(roleLogicalId));
  });

  test('the function runs in the cluster’s private subnets with a group the cluster admits on 9098', () => {
    const fn = p.stack.getLogicalId(topics().function.node.defaultChild as never);
    const group = p.stack.getLogicalId(topics().securityGroup.node.defaultChild as never);
    p.template.hasResource('AWS::Lambda::Function', {
      Properties: Match.objectLike({
        VpcConfig: {
          SubnetIds: Match.arrayWith([Match.objectLike({ Ref: Match.stringLikeRegexp('private') })]),
          SecurityGroupIds: [{ 'Fn::GetAtt': [group, 'GroupId'] }],
        },
      }),
    });
    assert.ok(fn.startsWith('TopicsFunction'));
    p.template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 9098,
      ToPort: 9098,
      SourceSecurityGroupId: { 'Fn::GetAtt': [group, 'GroupId'] },
      GroupId: { 'Fn::GetAtt': [logicalId(p, cluster().securityGroup), 'GroupId'] },
    });
  });

  test('its role may connect to this cluster and create, describe and alter the declared topics only', () => {
    p.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: p.stack.getLogicalId(topics().role.node.defaultChild as never) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'PlaceTheFunctionInTheVpc', Resource: '*' }),
          {
            Sid: 'ConnectToTheCluster',
            Effect: 'Allow',
            Action: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'],
            Resource: clusterArn(),
          },
          {
            Sid: 'CreateTheDeclaredTopics',
            Effect: 'Allow',
            Action: ['kafka-cluster:AlterTopic', 'kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic'],
            Resource: [topicArn(clusterArn(), 'orders'), topicArn(clusterArn(), 'payments')],
          },
        ]),
      },
    });
  });

  test('no warning left, and cdk-nag has nothing unacknowledged', () => {
    assert.deepEqual(p.findings, []);
  });

  test('consumers of msk-lambda on MSK Serverless wait for their topic', () => {
    const q = synthMskPipeline(msk('cluster: { kind: serverless }', 'msk-lambda'), { bundle: false });
    const [mapping] = Object.values(q.template.findResources('AWS::Lambda::EventSourceMapping'));
    const resource = q.stack.getLogicalId(q.stack.serverlessTopics!.resource.node.defaultChild as never);
    assert.ok((mapping!.DependsOn as string[]).includes(resource), `${JSON.stringify(mapping!.DependsOn)}`);
  });

  test('topic config is not applied on MSK Serverless, and the synth says so', () => {
    const q = synthMskPipeline(
      msk(
        'cluster: { kind: serverless }\ntopics:\n  - { name: orders, config: { retention.ms: "3600000" } }',
        'msk-cluster',
      ),
      { bundle: false },
    );
    Annotations.fromStack(q.stack).hasWarning(
      '*',
      Match.stringLikeRegexp('creates orders with the cluster.s topic settings'),
    );
  });
});

describe('msk-lambda', () => {
  test('the defaults: provisioned mode, TRIM_HORIZON, 3 retries, bisecting, partial batch responses, S3 destination', () => {
    const p = synthMskPipeline(msk('', 'msk-lambda'), { bundle: false });
    const consumer = p.stack.consumers[0]!;
    p.template.hasResource('AWS::Lambda::EventSourceMapping', {
      Properties: {
        EventSourceArn: { 'Fn::GetAtt': [logicalId(p, p.stack.cluster!), 'Arn'] },
        Topics: ['events'],
        AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'streamkit-msk-lambda-consumer' },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: Match.absent(),
        MaximumRetryAttempts: 3,
        MaximumRecordAgeInSeconds: -1,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 200 },
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(p, p.stack.failureBucket!.bucket), 'Arn'] } },
        },
        SourceAccessConfigurations: Match.absent(),
      },
      DependsOn: Match.arrayWith([p.stack.getLogicalId(p.stack.topics[0]!.topic)]),
    });
    assert.equal(consumer.topic, 'events');
  });

  test('the consumer role reads topic events and joins its own group by name; the built-in handler is bundled', () => {
    const p = synthMskPipeline(msk('', 'msk-lambda'), { bundle: false });
    const cluster = { 'Fn::GetAtt': [logicalId(p, p.stack.cluster!), 'Arn'] };
    p.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(p, p.stack.consumers[0]!.role) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'ReadTheClusterMetadata', Resource: cluster }),
          Match.objectLike({ Sid: 'ReadTopics', Resource: topicArn(cluster, 'events') }),
          Match.objectLike({
            Sid: 'JoinConsumerGroups',
            Action: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'],
          }),
          Match.objectLike({ Sid: 'WriteDiscardedBatches', Action: 's3:PutObject' }),
        ]),
      },
    });
  });

  test('every consumer setting changed, on an existing SCRAM cluster, with an SQS destination', () => {
    const p = synthMskPipeline(
      msk(
        `existingCluster: { arn: ${ARN}, auth: scram, secretArn: ${SECRET}, secretKeyArn: ${KEY} }
topics: []
consumers:
  - name: audit
    topic: payments
    memorySize: 512
    timeout: 2m
    environment: { TABLE: audit }
    batchSize: 500
    maxBatchingWindow: 10s
    startingPosition: AT_TIMESTAMP
    startingPositionTimestamp: 2026-01-31T12:00:00Z
    retryAttempts: 7
    maxRecordAge: 1h
    bisectBatchOnError: false
    reportBatchItemFailures: false
    provisionedPollers: { minimum: 2, maximum: 10 }
    consumerGroupId: audit-group
    onFailure: sqs`,
        'msk-lambda',
      ),
      { bundle: false },
    );
    p.template.resourceCountIs('AWS::MSK::Cluster', 0);
    p.template.resourceCountIs('AWS::MSK::Topic', 0);
    p.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: ARN,
      Topics: ['payments'],
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'audit-group' },
      StartingPosition: 'AT_TIMESTAMP',
      StartingPositionTimestamp: Date.parse('2026-01-31T12:00:00Z') / 1000,
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 10,
      MaximumRetryAttempts: 7,
      MaximumRecordAgeInSeconds: 3600,
      BisectBatchOnFunctionError: false,
      FunctionResponseTypes: Match.absent(),
      ProvisionedPollerConfig: { MinimumPollers: 2, MaximumPollers: 10 },
      SourceAccessConfigurations: [{ Type: 'SASL_SCRAM_512_AUTH', URI: SECRET }],
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterQueue'), 'Arn'] } },
      },
    });
    p.template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 512,
      Timeout: 120,
      Environment: { Variables: Match.objectLike({ TABLE: 'audit' }) },
    });
    p.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['secretsmanager:GetSecretValue']), Resource: SECRET }),
          Match.objectLike({ Action: 'kms:Decrypt', Resource: KEY }),
        ]),
      },
    });
    p.template.resourceCountIs('AWS::S3::Bucket', 0);
    p.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'MaxOffsetLag',
      Dimensions: Match.arrayWith([
        { Name: 'Cluster Name', Value: 'orders' },
        { Name: 'Consumer Group', Value: 'audit-group' },
        { Name: 'Topic', Value: 'payments' },
      ]),
    });
    assert.deepEqual(p.findings, []);
  });

  test('mutual TLS: the mapping presents the client certificate', () => {
    const p = synthMskPipeline(
      msk(
        `existingCluster: { arn: ${ARN}, auth: tls, secretArn: ${CERT} }\nconsumers:\n  - topic: payments`,
        'msk-lambda',
      ),
      {
        bundle: false,
      },
    );
    p.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      SourceAccessConfigurations: [{ Type: 'CLIENT_CERTIFICATE_TLS_AUTH', URI: CERT }],
    });
  });

  test('an SQS destination on a new VPC gets the SQS interface endpoint the mapping sends through', () => {
    const p = synthMskPipeline(msk('consumers:\n  - onFailure: sqs', 'msk-lambda'), { bundle: false });
    p.template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      ServiceName: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['.sqs'])]) }),
    });
    // Only the cluster's security group (which the pollers use) reaches the endpoint, on HTTPS.
    const clusterSg = logicalId(p, p.stack.cluster!.securityGroup);
    p.template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      SourceSecurityGroupId: { 'Fn::GetAtt': [clusterSg, 'GroupId'] },
      FromPort: 443,
      ToPort: 443,
    });
  });
});

describe('msk-lambda-firehose-s3', () => {
  const p = synthMskPipeline(msk('delivery:\n  compression: Snappy', 'msk-lambda-firehose-s3'), { bundle: false });

  test('a Direct PUT delivery stream, encrypted by Firehose, with the delivery settings of the spec', () => {
    p.template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      ExtendedS3DestinationConfiguration: Match.objectLike({ CompressionFormat: 'Snappy' }),
    });
  });

  test('the forwarder knows the delivery stream and may put records to it, and only to it', () => {
    const stream = logicalId(p, p.stack.delivery!.deliveryStream);
    p.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DELIVERY_STREAM_NAME: { Ref: stream } }) },
    });
    p.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(p, p.stack.consumers[0]!.role) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'PutRecordsToTheDeliveryStream',
            Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
            Resource: { 'Fn::GetAtt': [stream, 'Arn'] },
          }),
        ]),
      },
    });
    p.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'streamkit-msk-lambda-firehose-s3-forwarder' },
    });
  });

  test('alarms watch the forwarder’s lag and errors and the delivery', () => {
    for (const metric of ['MaxOffsetLag', 'Errors', 'DeliveryToS3.DataFreshness', 'ThrottledRecords']) {
      p.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: metric });
    }
  });
});

describe('msk-labs', () => {
  test('the workshop role reads the declared topics and writes its own log group', () => {
    const p = synthMskPipeline(msk('', 'msk-labs'), { bundle: false });
    const role = logicalId(p, p.stack.labRole!);
    p.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
      }),
    });
    p.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: role }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'ReadTheClusterMetadata' }),
          Match.objectLike({ Sid: 'ReadTopics' }),
        ]),
      },
    });
    assert.ok(p.template.findOutputs('LabLambdaRoleArn').LabLambdaRoleArn);
    assert.ok(p.stack.client);
  });
});

describe('msk-connect-s3', () => {
  const PLUGIN = 's3://my-plugins/connectors/kafka-connect-s3.zip';
  test('a spec without a plugin runs locally but does not synthesize: the error names connector.plugin', () => {
    assert.throws(
      () => synthMskPipeline(msk('', 'msk-connect-s3'), { bundle: false }),
      (e: unknown) =>
        e instanceof StreamkitError &&
        e.code === 'SK_VALIDATION' &&
        /connector\.plugin is required to deploy/.test(e.message),
    );
  });
  test('the defaults: plugin, worker configuration, an auto-scaled connector in the cluster’s subnets over IAM and TLS', () => {
    const p = synthMskPipeline(msk(`connector: { plugin: "${PLUGIN}" }`, 'msk-connect-s3'), { bundle: false });
    p.template.hasResourceProperties('AWS::KafkaConnect::CustomPlugin', {
      ContentType: 'ZIP',
      Location: {
        S3Location: {
          BucketArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::my-plugins']] },
          FileKey: 'connectors/kafka-connect-s3.zip',
        },
      },
    });
    p.template.hasResourceProperties('AWS::KafkaConnect::WorkerConfiguration', {
      PropertiesFileContent: Buffer.from(
        'key.converter=org.apache.kafka.connect.storage.StringConverter\nvalue.converter=org.apache.kafka.connect.json.JsonConverter\nvalue.converter.schemas.enable=false\n',
      ).toString('base64'),
    });
    const lookup = p.stack.clusterLookup!;
    p.template.hasResourceProperties('Custom::MskClusterLookup', {
      ClusterArn: { 'Fn::GetAtt': [logicalId(p, p.stack.cluster!), 'Arn'] },
      Auth: 'iam',
    });
    p.template.hasResourceProperties('AWS::KafkaConnect::Connector', {
      ConnectorName: p.stack.connector!.connectorName,
      KafkaConnectVersion: '3.7.x',
      Capacity: {
        AutoScaling: {
          McuCount: 1,
          MinWorkerCount: 1,
          MaxWorkerCount: 2,
          ScaleInPolicy: { CpuUtilizationPercentage: 20 },
          ScaleOutPolicy: { CpuUtilizationPercentage: 80 },
        },
      },
      ConnectorConfiguration: Match.objectLike({
        'connector.class': 'io.confluent.connect.s3.S3SinkConnector',
        'tasks.max': '2',
        topics: 'events',
        's3.bucket.name': { Ref: logicalId(p, p.stack.output!.bucket) },
        'flush.size': '1000',
        'rotate.schedule.interval.ms': '60000',
        'format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
      }),
      KafkaCluster: {
        ApacheKafkaCluster: {
          BootstrapServers: { 'Fn::GetAtt': [logicalId(p, lookup.resource), 'BootstrapServers'] },
          Vpc: {
            SecurityGroups: [{ 'Fn::GetAtt': [logicalId(p, p.stack.cluster!.securityGroup), 'GroupId'] }],
            Subnets: Match.anyValue(),
          },
        },
      },
      KafkaClusterClientAuthentication: { AuthenticationType: 'IAM' },
      KafkaClusterEncryptionInTransit: { EncryptionType: 'TLS' },
      ServiceExecutionRoleArn: { 'Fn::GetAtt': [logicalId(p, p.stack.connector!.role), 'Arn'] },
      LogDelivery: { WorkerLogDelivery: { CloudWatchLogs: { Enabled: true, LogGroup: Match.anyValue() } } },
    });
    const cluster = { 'Fn::GetAtt': [logicalId(p, p.stack.cluster!), 'Arn'] };
    p.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(p, p.stack.connector!.role) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'ReadTopics', Resource: topicArn(cluster, 'events') }),
          Match.objectLike({ Sid: 'UseTheInternalTopicsOfMskConnect' }),
        ]),
      },
    });
    p.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(p, lookup.role) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'ReadTheCluster',
            Action: ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'],
            Resource: cluster,
          }),
        ]),
      },
    });
    p.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/KafkaConnect',
      MetricName: 'ErroredTaskCount',
      Dimensions: [{ Name: 'ConnectorName', Value: p.stack.connector!.connectorName }],
    });
    assert.deepEqual(p.findings, []);
  });

  test('every connector setting changed, on an existing cluster whose subnets and groups are looked up', () => {
    const p = synthMskPipeline(
      msk(
        `existingCluster: { arn: ${ARN}, auth: unauthenticated }
topics: []
connector:
  topics: [payments, refunds]
  plugin: s3://my-plugins/sink.jar
  connectorClass: com.example.S3Sink
  kafkaConnectVersion: 2.7.1
  capacity: { mode: provisioned, workerCount: 3, mcuCount: "4" }
  tasksMax: 6
  flushSize: 50
  rotateIntervalMs: 5000
  workerConfiguration: { value.converter.schemas.enable: true }
  connectorConfiguration: { s3.part.size: 5242880, topics.dir: archive }`,
        'msk-connect-s3',
      ),
      { bundle: false },
    );
    const lookup = logicalId(p, p.stack.clusterLookup!.resource);
    p.template.hasResourceProperties('AWS::KafkaConnect::CustomPlugin', { ContentType: 'JAR' });
    p.template.hasResourceProperties('AWS::KafkaConnect::Connector', {
      KafkaConnectVersion: '2.7.1',
      Capacity: { ProvisionedCapacity: { McuCount: 4, WorkerCount: 3 } },
      ConnectorConfiguration: Match.objectLike({
        'connector.class': 'com.example.S3Sink',
        'tasks.max': '6',
        topics: 'payments,refunds',
        'flush.size': '50',
        'rotate.schedule.interval.ms': '5000',
        's3.part.size': '5242880',
        'topics.dir': 'archive',
      }),
      KafkaCluster: {
        ApacheKafkaCluster: {
          BootstrapServers: { 'Fn::GetAtt': [lookup, 'BootstrapServers'] },
          Vpc: {
            Subnets: { 'Fn::Split': [',', { 'Fn::GetAtt': [lookup, 'SubnetIds'] }] },
            SecurityGroups: { 'Fn::Split': [',', { 'Fn::GetAtt': [lookup, 'SecurityGroupIds'] }] },
          },
        },
      },
      KafkaClusterClientAuthentication: { AuthenticationType: 'NONE' },
    });
    const workers = Object.values(p.template.findResources('AWS::KafkaConnect::WorkerConfiguration'))[0]!;
    assert.ok(
      Buffer.from(workers.Properties.PropertiesFileContent, 'base64')
        .toString()
        .includes('value.converter.schemas.enable=true'),
    );
    assert.deepEqual(p.findings, []);
  });
});

/** A stand-in runner JAR and a SQL file: CDK only uploads them as assets. */
function flinkFiles() {
  const dir = tempDir('streamkit-flink-');
  writeFileSync(join(dir, 'runner.jar'), 'the Flink SQL runner of the Flink presets');
  writeFileSync(join(dir, 'job.sql'), 'INSERT INTO s3_sink SELECT * FROM kafka_source;\n');
  return { jar: join(dir, 'runner.jar'), sql: join(dir, 'job.sql') };
}

function synthFlink(yaml: string, options: { acknowledge?: boolean } = {}) {
  const files = flinkFiles();
  const app = createPipelineApp(tempDir());
  app.node.setContext('aws:cdk:bundling-stacks', []);
  const withSql = yaml.includes('flink:\n')
    ? yaml.replace('flink:\n', `flink:\n  sql: ${files.sql}\n`)
    : `${yaml}\nflink:\n  sql: ${files.sql}`;
  const spec = msk(withSql, 'msk-flink-s3');
  const stack = new MskPipelineStack(app, 'streamkit-msk-flink-s3', { spec, flinkJobJars: { sqlRunner: files.jar } });
  const acknowledgements = options.acknowledge === false ? [] : applyNag(app);
  if (options.acknowledge === false) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  return { stack, template: Template.fromStack(stack), findings: readFindings(assembly.directory), acknowledgements };
}

describe('msk-flink-s3', () => {
  test('without the Flink SQL runner jar the stack says how to build it', () => {
    const app = createPipelineApp(tempDir());
    assert.throws(
      () =>
        new MskPipelineStack(app, 'f', {
          spec: msk('flink: { sql: job.sql }', 'msk-flink-s3'),
          flinkJobJars: { sqlRunner: join(tempDir(), 'missing.jar') },
        }),
      (error: unknown) =>
        StreamkitError.is(error) && error.code === 'SK_NOT_FOUND' && /build the jobs first/.test(error.message),
    );
  });

  test('a Managed Flink application in the cluster’s VPC with the spec’s runtime, parallelism and checkpoints', () => {
    const p = synthFlink('');
    const app = p.stack.flinkApplication!;
    const name = app.application.applicationName!;
    assert.match(name, /^streamkitmskflinks3-Application$/, 'named at synthesis: its consumer group is its name');
    const lookup = p.stack.getLogicalId(p.stack.clusterLookup!.resource.node.defaultChild as never);
    p.template.hasResourceProperties('AWS::KinesisAnalyticsV2::Application', {
      ApplicationName: name,
      RuntimeEnvironment: 'FLINK-2_2',
      ServiceExecutionRole: { 'Fn::GetAtt': [p.stack.getLogicalId(app.role.node.defaultChild as never), 'Arn'] },
      ApplicationConfiguration: {
        ApplicationCodeConfiguration: {
          CodeContentType: 'ZIPFILE',
          CodeContent: { S3ContentLocation: Match.anyValue() },
        },
        EnvironmentProperties: {
          PropertyGroups: [
            { PropertyGroupId: 'streamkit.sql', PropertyMap: { 'sql.uri': Match.anyValue() } },
            {
              PropertyGroupId: 'streamkit.sql.variables',
              PropertyMap: Match.objectLike({
                BOOTSTRAP_SERVERS: { 'Fn::GetAtt': [lookup, 'BootstrapServers'] },
                TOPIC: 'events',
                GROUP_ID: name,
                KAFKA_AUTH: 'iam',
              }),
            },
          ],
        },
        FlinkApplicationConfiguration: {
          CheckpointConfiguration: {
            ConfigurationType: 'CUSTOM',
            CheckpointingEnabled: true,
            CheckpointInterval: 60_000,
            MinPauseBetweenCheckpoints: 5000,
          },
          MonitoringConfiguration: { ConfigurationType: 'CUSTOM', LogLevel: 'INFO', MetricsLevel: 'APPLICATION' },
          ParallelismConfiguration: {
            ConfigurationType: 'CUSTOM',
            Parallelism: 1,
            ParallelismPerKPU: 1,
            AutoScalingEnabled: true,
          },
        },
        ApplicationSnapshotConfiguration: { SnapshotsEnabled: true },
        VpcConfigurations: [
          {
            SubnetIds: Match.anyValue(),
            SecurityGroupIds: [
              {
                'Fn::GetAtt': [
                  p.stack.getLogicalId(p.stack.cluster!.securityGroup.node.defaultChild as never),
                  'GroupId',
                ],
              },
            ],
          },
        ],
      },
    });
    p.template.resourceCountIs('AWS::KinesisAnalyticsV2::ApplicationCloudWatchLoggingOption', 1);
    for (const metric of ['downtime', 'numberOfFailedCheckpoints', 'cpuUtilization', 'heapMemoryUtilization']) {
      p.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/KinesisAnalytics',
        MetricName: metric,
        Dimensions: [{ Name: 'Application', Value: p.stack.resolve(app.applicationName) }],
      });
    }
    assert.deepEqual(p.findings, []);
  });

  test('it is the Flink presets’ application: started with the stack, stopped before delete, VPC calls scoped', () => {
    const p = synthFlink('');
    const app = p.stack.flinkApplication!;
    p.template.hasResourceProperties('Custom::FlinkApplicationLifecycle', {
      ApplicationName: p.stack.resolve(app.applicationName),
      Start: 'true',
    });
    const role = p.stack.getLogicalId(app.role.node.defaultChild as never);
    const statements = Object.values(p.template.findResources('AWS::IAM::Policy')).flatMap((policy) => {
      const props = (policy as { Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: never[] } } })
        .Properties;
      return props.Roles.some((r) => r.Ref === role) ? props.PolicyDocument.Statement : [];
    }) as { Sid?: string; Action: unknown; Resource: unknown }[];
    for (const s of statements) {
      if (s.Resource === '*') {
        assert.ok(
          [s.Action].flat().every((a) => String(a).startsWith('ec2:Describe')),
          `only Describe calls on *: ${JSON.stringify(s.Action)}`,
        );
      }
    }
    assert.ok(statements.some((s) => s.Sid === 'CreateNetworkInterfacesInTheGivenSubnets'));
    assert.ok(statements.some((s) => s.Sid === 'WriteTheOutputObjects'));
    assert.ok(statements.some((s) => s.Sid === 'ReadTheSql'));
  });

  test('every application setting changed', () => {
    const p = synthFlink(
      `topics: [{ name: ticks }]
flink:
  topic: ticks
  parallelism: 8
  parallelismPerKpu: 2
  autoScaling: false
  checkpointInterval: 5m
  snapshots: false
  logLevel: WARN
  metricsLevel: TASK`,
    );
    p.template.hasResourceProperties('AWS::KinesisAnalyticsV2::Application', {
      ApplicationConfiguration: Match.objectLike({
        ApplicationSnapshotConfiguration: { SnapshotsEnabled: false },
        FlinkApplicationConfiguration: Match.objectLike({
          MonitoringConfiguration: { ConfigurationType: 'CUSTOM', LogLevel: 'WARN', MetricsLevel: 'TASK' },
        }),
      }),
      RunConfiguration: { ApplicationRestoreConfiguration: { ApplicationRestoreType: 'SKIP_RESTORE_FROM_SNAPSHOT' } },
    });
    p.template.hasResourceProperties('AWS::KinesisAnalyticsV2::Application', {
      RuntimeEnvironment: 'FLINK-2_2',
      ApplicationConfiguration: Match.objectLike({
        FlinkApplicationConfiguration: Match.objectLike({
          CheckpointConfiguration: Match.objectLike({ CheckpointInterval: 300_000 }),
          ParallelismConfiguration: {
            ConfigurationType: 'CUSTOM',
            Parallelism: 8,
            ParallelismPerKPU: 2,
            AutoScalingEnabled: false,
          },
        }),
      }),
    });
  });

  test('cdk-nag: every finding acknowledged, every acknowledgement answers a finding', () => {
    const acknowledged = synthFlink('');
    assert.deepEqual(acknowledged.findings, []);
    const raw = synthFlink('', { acknowledge: false }).findings;
    for (const a of acknowledged.acknowledgements) {
      assert.ok(
        raw.some((f) => f.rule === a.id && f.constructPaths.some((path) => path.startsWith(a.constructPath))),
        `${a.id} on ${a.constructPath} answers no finding`,
      );
    }
  });
});

describe('cdk-nag on the MSK presets', () => {
  const variants: [string, PipelineSpec][] = [
    ['msk-cluster defaults', msk('', 'msk-cluster')],
    ['msk-cluster with SCRAM and S3 broker logs', msk('cluster: { auth: scram, brokerLogs: s3 }', 'msk-cluster')],
    ['msk-cluster serverless', msk('cluster: { kind: serverless }', 'msk-cluster')],
    ['msk-lambda defaults', msk('', 'msk-lambda')],
    ['msk-lambda with an SQS destination', msk('consumers:\n  - onFailure: sqs', 'msk-lambda')],
    ['msk-lambda-firehose-s3 defaults', msk('', 'msk-lambda-firehose-s3')],
    ['msk-labs defaults', msk('', 'msk-labs')],
    ['msk-connect-s3 defaults', msk('connector: { plugin: "s3://my-plugins/kafka-connect-s3.zip" }', 'msk-connect-s3')],
    [
      'msk-connect-s3 on an existing cluster',
      msk(
        `existingCluster: { arn: ${ARN} }\nconnector: { plugin: "s3://my-plugins/kafka-connect-s3.zip", topics: [payments] }`,
        'msk-connect-s3',
      ),
    ],
  ];
  for (const [what, spec] of variants) {
    test(`${what}: every finding acknowledged with a reason, every acknowledgement answers a finding`, () => {
      const nagFinding = (f: { rule: string }) => !f.rule.startsWith('Annotation::@streamkit/');
      const acknowledged = synthMskPipeline(spec, { bundle: false });
      assert.deepEqual(acknowledged.findings.filter(nagFinding), []);
      const raw = synthMskPipeline(spec, { bundle: false, acknowledge: false }).findings.filter(nagFinding);
      const covers = (a: { id: string; constructPath: string }, rule: string, path: string) =>
        a.id === rule && (path === a.constructPath || path.startsWith(`${a.constructPath}/`));
      for (const finding of raw) {
        for (const path of finding.constructPaths) {
          assert.ok(
            acknowledged.acknowledgements.some((a) => covers(a, finding.rule, path)),
            `${finding.rule} on ${path}`,
          );
        }
      }
      for (const a of acknowledged.acknowledgements) {
        assert.ok(
          raw.some((f) => f.constructPaths.some((path) => covers(a, f.rule, path))),
          `${a.id} on ${a.constructPath} answers no finding`,
        );
      }
    });
  }

  test('the project-wide budget holds: at most 13 kinds of acknowledgement, at most 5 of them for wildcard IAM', () => {
    const kinds = Object.values(NAG_ACKNOWLEDGEMENTS);
    assert.ok(kinds.length <= 13, `${kinds.length} kinds`);
    assert.ok(kinds.filter((k) => k.id.startsWith('AwsSolutions-IAM5')).length <= 5);
  });
});

describe('two deployments of one preset side by side', () => {
  for (const preset of ['msk-cluster', 'msk-lambda', 'msk-lambda-firehose-s3', 'msk-connect-s3'] as const) {
    test(`${preset}: two stacks in one app synthesize, and no physical name is shared`, () => {
      const app = createPipelineApp(tempDir());
      app.node.setContext('aws:cdk:bundling-stacks', []);
      const spec =
        preset === 'msk-connect-s3'
          ? msk('connector: { plugin: "s3://my-plugins/kafka-connect-s3.zip" }', preset)
          : msk('cluster: { auth: scram }', preset);
      const a = new MskPipelineStack(app, 'streamkit-orders-eu', { spec });
      const b = new MskPipelineStack(app, 'streamkit-orders-us', { spec });
      applyNag(app);
      const assembly = app.synth();
      assert.deepEqual(readFindings(assembly.directory), []);
      const names = (stack: MskPipelineStack) => {
        const resources = Template.fromStack(stack).toJSON().Resources as Record<
          string,
          { Properties?: Record<string, unknown> }
        >;
        return Object.values(resources).flatMap((r) =>
          [
            'ClusterName',
            'Name',
            'ConsumerGroupId',
            'DeliveryStreamName',
            'BucketName',
            'QueueName',
            'DashboardName',
          ].flatMap((key) => {
            const props = r.Properties ?? {};
            const direct = props[key];
            const nested = (props.AmazonManagedKafkaEventSourceConfig as Record<string, unknown> | undefined)?.[key];
            return [direct, nested].filter((v): v is string => typeof v === 'string');
          }),
        );
      };
      const shared = names(a).filter((n) => names(b).includes(n));
      assert.deepEqual(shared, []);
      assert.notEqual(a.clusterName, b.clusterName);
    });
  }
});
