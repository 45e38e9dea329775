import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StreamkitError } from '@streamkit/core';
import { BUILTIN_HANDLERS } from '@streamkit/functions';
import { Duration } from 'aws-cdk-lib';
import { KafkaConsumer } from '../src/msk/kafka-consumer.ts';
import { KafkaTopic, topicConfigs } from '../src/msk/kafka-topic.ts';
import { KafkaVpc } from '../src/msk/kafka-vpc.ts';
import { MskCluster } from '../src/msk/msk-cluster.ts';
import { bareStack } from './support/stacks.ts';

const ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/orders/0b1c2d3e-aaaa-bbbb-cccc-1234567890ab-2';
const refused = (pattern: RegExp) => (error: unknown) =>
  StreamkitError.is(error) && error.code === 'SK_VALIDATION' && pattern.test(error.message);

describe('the MSK constructs check their props before CloudFormation would', () => {
  test('MskCluster: brokers a multiple of the zones, storage only on Standard brokers, CAs with mutual TLS', () => {
    const stack = bareStack();
    const vpc = new KafkaVpc(stack, 'Network', { kind: 'new', availabilityZones: 3 });
    assert.throws(
      () => new MskCluster(stack, 'A', { vpc, brokers: 4 }),
      refused(/A: brokers must be a multiple of the 3 zones \(got 4\)/),
    );
    assert.throws(
      () => new MskCluster(stack, 'B', { vpc, kind: 'express', storageGiB: 100 }),
      refused(/B: storageGiB does not apply to Express brokers/),
    );
    assert.throws(
      () => new MskCluster(stack, 'C', { vpc, auth: 'tls' }),
      refused(/C: certificateAuthorityArns must list/),
    );
    assert.throws(
      () => new MskCluster(stack, 'D', { vpc, brokerLogs: 's3' }),
      refused(/D: logBucket is required with brokerLogs s3/),
    );
    assert.throws(
      () => new MskCluster(stack, 'E', { vpc, storageGiB: 0 }),
      refused(/E: storageGiB must be between 1 and 16384 GiB \(got 0\)/),
    );
  });

  test('KafkaVpc: 2 or 3 zones, at most 3 NAT gateways', () => {
    const stack = bareStack();
    assert.throws(
      () => new KafkaVpc(stack, 'A', { kind: 'new', availabilityZones: 4 }),
      refused(/availabilityZones must be between 2 and 3/),
    );
    assert.throws(
      () => new KafkaVpc(stack, 'B', { kind: 'new', availabilityZones: 3, natGateways: 4 }),
      refused(/natGateways must be between 1 and 3/),
    );
  });

  test('KafkaTopic: partitions and replicas within the limits; settings base64-encoded as key=value lines', () => {
    const stack = bareStack();
    assert.throws(
      () => new KafkaTopic(stack, 'A', { clusterArn: ARN, topicName: 't', partitions: 0 }),
      refused(/partitions must be between 1 and 1000/),
    );
    assert.equal(
      Buffer.from(topicConfigs({ 'retention.ms': '1000', 'min.insync.replicas': '2' }), 'base64').toString(),
      'retention.ms=1000\nmin.insync.replicas=2\n',
    );
  });

  test('KafkaConsumer: a timestamp exactly with AT_TIMESTAMP, a bucket with an S3 destination, a secret with SCRAM', () => {
    const stack = bareStack();
    const base = {
      cluster: { clusterArn: ARN, auth: 'iam' as const },
      topic: 'orders',
      consumerGroupId: 'g',
      entry: BUILTIN_HANDLERS.kafkaConsumer,
      onFailure: 'none' as const,
    };
    assert.throws(
      () => new KafkaConsumer(stack, 'A', { ...base, startingPosition: 'AT_TIMESTAMP' }),
      refused(/startingPositionTimestamp is required with AT_TIMESTAMP/),
    );
    assert.throws(
      () => new KafkaConsumer(stack, 'B', { ...base, onFailure: 's3' }),
      refused(/failureBucket is required/),
    );
    assert.throws(
      () => new KafkaConsumer(stack, 'C', { ...base, cluster: { clusterArn: ARN, auth: 'scram' } }),
      refused(/cluster.scramSecret is required with auth scram/),
    );
    assert.throws(
      () => new KafkaConsumer(stack, 'D', { ...base, maxBatchingWindow: Duration.minutes(6) }),
      refused(/maxBatchingWindow must be between 0 and 300 seconds/),
    );
    assert.throws(
      () => new KafkaConsumer(stack, 'E', { ...base, maximumPollers: 2001 }),
      refused(/maximumPollers must be between 1 and 2000/),
    );
  });
});
