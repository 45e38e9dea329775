import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { answer, type CustomResourceRequest } from '../src/custom-resources/cloudformation-response.ts';
import { bootstrapServers, clusterNetwork } from '../src/custom-resources/msk-cluster-lookup.ts';

const BROKERS = {
  BootstrapBrokerStringTls:
    'b-1.orders.kafka.eu-west-1.amazonaws.com:9094,b-2.orders.kafka.eu-west-1.amazonaws.com:9094',
  BootstrapBrokerStringSaslIam:
    'b-1.orders.kafka.eu-west-1.amazonaws.com:9098,b-2.orders.kafka.eu-west-1.amazonaws.com:9098',
};

describe('the cluster lookup reads what the pipeline’s clients need', () => {
  test('the bootstrap string of each authentication method', () => {
    assert.equal(bootstrapServers('iam', BROKERS), BROKERS.BootstrapBrokerStringSaslIam);
    assert.equal(bootstrapServers('unauthenticated', BROKERS), BROKERS.BootstrapBrokerStringTls);
    assert.throws(
      () => bootstrapServers('scram', BROKERS),
      /no BootstrapBrokerStringSaslScram: is scram authentication turned on/,
    );
  });

  test('the client subnets and security groups of provisioned and serverless clusters', () => {
    assert.deepEqual(
      clusterNetwork({
        Provisioned: { BrokerNodeGroupInfo: { ClientSubnets: ['subnet-a', 'subnet-b'], SecurityGroups: ['sg-1'] } },
      }),
      { subnetIds: ['subnet-a', 'subnet-b'], securityGroupIds: ['sg-1'] },
    );
    assert.deepEqual(
      clusterNetwork({ Serverless: { VpcConfigs: [{ SubnetIds: ['subnet-c'], SecurityGroupIds: ['sg-2'] }] } }),
      { subnetIds: ['subnet-c'], securityGroupIds: ['sg-2'] },
    );
  });
});

describe('the custom resource protocol (against an HTTP server standing in for the pre-signed ResponseURL)', () => {
  const received: { method: string; contentType: string | undefined; body: Record<string, unknown> }[] = [];
  let url = '';
  const server = createServer(async (req: IncomingMessage, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    received.push({ method: req.method!, contentType: req.headers['content-type'], body: JSON.parse(text) });
    res.end();
  });
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/response?X-Amz-Signature=abc`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const request = (type: CustomResourceRequest['RequestType']): CustomResourceRequest => ({
    RequestType: type,
    ResponseURL: url,
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/orders/1',
    RequestId: `req-${type}`,
    LogicalResourceId: 'ClusterLookup',
    ...(type !== 'Create' && { PhysicalResourceId: 'cluster#iam' }),
    ResourceProperties: {},
  });

  test('Create answers SUCCESS with the data, by PUT with an empty content type', async () => {
    await answer(request('Create'), 'cluster#iam', async () => ({ BootstrapServers: 'b-1:9098' }));
    const last = received.at(-1)!;
    assert.equal(last.method, 'PUT');
    assert.equal(last.contentType, '');
    assert.deepEqual(last.body, {
      Status: 'SUCCESS',
      Reason: 'OK',
      PhysicalResourceId: 'cluster#iam',
      StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/orders/1',
      RequestId: 'req-Create',
      LogicalResourceId: 'ClusterLookup',
      Data: { BootstrapServers: 'b-1:9098' },
    });
  });

  test('a failing lookup answers FAILED with its message instead of leaving the stack waiting', async () => {
    await answer(request('Update'), 'cluster#iam', async () => {
      throw new Error('the cluster has no BootstrapBrokerStringSaslIam');
    });
    const last = received.at(-1)!.body;
    assert.equal(last.Status, 'FAILED');
    assert.equal(last.Reason, 'the cluster has no BootstrapBrokerStringSaslIam');
  });

  test('Delete succeeds without looking anything up, keeping the physical id', async () => {
    let looked = false;
    await answer(request('Delete'), 'other', async () => {
      looked = true;
      return {};
    });
    assert.equal(looked, false);
    assert.deepEqual(
      [received.at(-1)!.body.Status, received.at(-1)!.body.PhysicalResourceId],
      ['SUCCESS', 'cluster#iam'],
    );
  });
});
