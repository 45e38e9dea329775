/**
 * The MSK Serverless topics function: which topics it creates or grows (pure), and the same against a real local
 * Kafka broker on PLAINTEXT (the IAM listener's TLS and SASL/OAUTHBEARER are what the connection leaves out).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { StreamkitError } from '@streamkit/core';
import { useLocalKafka } from '../../local/test/support/kafka.ts';
import {
  ensureTopics,
  iamConnection,
  parseTopicsProperty,
  planTopics,
} from '../src/custom-resources/msk-serverless-topics.ts';

describe('the plan brings the cluster to the declared topics', () => {
  const declared = [
    { name: 'orders', partitions: 3 },
    { name: 'payments', partitions: 6 },
    { name: 'audit', partitions: 1 },
  ];

  test('creates the missing topics, grows those with fewer partitions and keeps the rest', () => {
    const plan = planTopics(
      declared,
      new Map([
        ['payments', 2],
        ['audit', 1],
        ['unrelated', 12],
      ]),
    );
    assert.deepEqual(plan, {
      create: [{ name: 'orders', partitions: 3 }],
      grow: [{ name: 'payments', partitions: 6, from: 2 }],
      unchanged: ['audit'],
    });
  });

  test('a topic with more partitions than declared is a conflict naming it (Kafka cannot remove partitions)', () => {
    assert.throws(
      () => planTopics(declared, new Map([['payments', 8]])),
      (error: unknown) =>
        StreamkitError.is(error) &&
        error.code === 'SK_CONFLICT' &&
        /payments has 8 partitions, declared 6/.test(error.message),
    );
  });

  test('the Topics property as CloudFormation sends it (strings) is typed; bad elements are named', () => {
    assert.deepEqual(parseTopicsProperty([{ Name: 'orders', Partitions: '3' }]), [{ name: 'orders', partitions: 3 }]);
    assert.throws(
      () => parseTopicsProperty('orders'),
      /Topics must be a list of \{ Name, Partitions \} \(got string\)/,
    );
    assert.throws(
      () => parseTopicsProperty([{ Name: 'orders', Partitions: '0' }]),
      /Topics\[0\]\.Partitions must be a whole number between 1 and 1000 \(got "0"\)/,
    );
    assert.throws(
      () => parseTopicsProperty([{ Name: 'a b', Partitions: '1' }]),
      /Topics\[0\]\.Name must be 1-249 of \[a-zA-Z0-9._-\] \(got "a b"\)/,
    );
    assert.throws(
      () =>
        parseTopicsProperty([
          { Name: 'orders', Partitions: '1' },
          { Name: 'orders', Partitions: '2' },
        ]),
      /Topics\[1\]\.Name must be unique/,
    );
  });

  test('the IAM connection is TLS with SASL/OAUTHBEARER on every bootstrap broker', () => {
    const connection = iamConnection('b-1.x:9098,b-2.x:9098', 'eu-west-1');
    assert.deepEqual(connection.bootstrapBrokers, ['b-1.x:9098', 'b-2.x:9098']);
    assert.equal(connection.tls, true);
    assert.equal(connection.sasl?.mechanism, 'OAUTHBEARER');
    assert.equal(typeof connection.sasl?.token, 'function');
  });

  test('the OAUTHBEARER token is MSK’s signed kafka-cluster:Connect URL for the region, from the role’s credentials', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_SESSION_TOKEN: 'session',
    });
    try {
      const provider = iamConnection('b-1.x:9098', 'eu-west-1').sasl?.token as () => Promise<string>;
      const url = new URL(Buffer.from(await provider(), 'base64url').toString('utf8'));
      assert.equal(url.host, 'kafka.eu-west-1.amazonaws.com');
      assert.equal(url.searchParams.get('Action'), 'kafka-cluster:Connect');
      assert.match(
        url.searchParams.get('X-Amz-Credential') ?? '',
        /^AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/kafka-cluster\//,
      );
      assert.ok(url.searchParams.get('X-Amz-Signature'));
    } finally {
      for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });
});

describe('against a real local Kafka broker', () => {
  const kafka = useLocalKafka({ brokers: 1 });

  async function partitions(bootstrapBrokers: readonly string[], names: readonly string[]) {
    const admin = new Admin({ clientId: 'test', bootstrapBrokers: [...bootstrapBrokers] });
    try {
      const metadata = await admin.metadata({ topics: [...names], forceUpdate: true });
      return Object.fromEntries(names.map((n) => [n, metadata.topics.get(n)?.partitions.length]));
    } finally {
      await admin.close();
    }
  }

  test('creates N declared topics with their partitions; a second run changes nothing', async () => {
    const connection = { bootstrapBrokers: kafka.cluster().bootstrapServers };
    const declared = [
      { name: 'orders', partitions: 3 },
      { name: 'payments', partitions: 2 },
      { name: 'audit', partitions: 1 },
    ];
    const first = await ensureTopics(connection, declared);
    assert.deepEqual(
      first.create.map((t) => t.name),
      ['orders', 'payments', 'audit'],
    );
    assert.deepEqual(await partitions(connection.bootstrapBrokers, ['orders', 'payments', 'audit']), {
      orders: 3,
      payments: 2,
      audit: 1,
    });
    const second = await ensureTopics(connection, declared);
    assert.deepEqual(second, { create: [], grow: [], unchanged: ['orders', 'payments', 'audit'] });
  });

  test('grows a topic to more partitions, and refuses fewer', async () => {
    const connection = { bootstrapBrokers: kafka.cluster().bootstrapServers };
    await ensureTopics(connection, [{ name: 'growing', partitions: 1 }]);
    const grown = await ensureTopics(connection, [{ name: 'growing', partitions: 4 }]);
    assert.deepEqual(grown.grow, [{ name: 'growing', partitions: 4, from: 1 }]);
    assert.deepEqual(await partitions(connection.bootstrapBrokers, ['growing']), { growing: 4 });
    await assert.rejects(
      ensureTopics(connection, [{ name: 'growing', partitions: 2 }]),
      /growing has 4 partitions, declared 2/,
    );
    assert.deepEqual(await partitions(connection.bootstrapBrokers, ['growing']), { growing: 4 });
  });
});
