import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { arn, type KinesisEvent, LOCAL_CREDENTIALS, LOCAL_REGION } from '@streamkit/core';
import {
  type EventSourceSettings,
  type InvokeTarget,
  type KinesisEngine,
  KinesisEventSourceMapping,
  startKinesisEngine,
} from '../src/index.ts';

const settings: EventSourceSettings = {
  batchSize: 100,
  maxBatchingWindow: 0,
  parallelizationFactor: 1,
  retryAttempts: 3,
  bisectBatchOnError: true,
  maxRecordAge: -1,
  startingPosition: 'TRIM_HORIZON',
  startingPositionTimestamp: undefined,
  reportBatchItemFailures: true,
  tumblingWindow: 0,
  filters: [],
};

/** A function that records every batch it gets; `delayMs` makes each invocation take that long. */
function recordingFunction(delayMs = 0) {
  const batches: { data: string[]; keys: string[]; at: number }[] = [];
  let running = 0;
  let maxRunning = 0;
  const target: InvokeTarget = {
    functionName: 'recorder',
    functionArn: arn.function('recorder'),
    async invoke(raw) {
      running++;
      maxRunning = Math.max(maxRunning, running);
      const event = raw as KinesisEvent;
      batches.push({
        data: event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString()),
        keys: event.Records.map((r) => r.kinesis.partitionKey),
        at: Date.now(),
      });
      if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
      running--;
      return { requestId: String(batches.length), payload: null };
    },
  };
  return { target, batches, maxRunning: () => maxRunning, records: () => batches.flatMap((b) => b.data) };
}

const numbered = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `r${from + i}`);

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the Kinesis event source mapping against the local engine', () => {
  let engine: KinesisEngine;
  let kinesis: KinesisClient;
  let streams = 0;
  const mappings: KinesisEventSourceMapping[] = [];

  before(async () => {
    engine = await startKinesisEngine({ port: 0 });
    kinesis = new KinesisClient({ endpoint: engine.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  });
  after(async () => {
    await Promise.all(mappings.map((m) => m.stop()));
    kinesis.destroy();
    await engine.close();
  });

  async function stream(shardCount = 1): Promise<string> {
    const name = `esm-${++streams}`;
    await engine.dispatch('CreateStream', { StreamName: name, ShardCount: shardCount });
    return name;
  }

  async function put(streamName: string, data: string[], key = (i: number) => `key-${i}`) {
    for (let i = 0; i < data.length; i += 500) {
      const Records = data.slice(i, i + 500).map((d, j) => ({ Data: Buffer.from(d), PartitionKey: key(i + j) }));
      const out = await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records }));
      assert.equal(out.FailedRecordCount, 0);
    }
  }

  async function map(
    streamName: string,
    target: InvokeTarget,
    overrides: Partial<EventSourceSettings> = {},
    checkpointFile?: string,
  ) {
    const mapping = new KinesisEventSourceMapping({
      kinesis,
      streamName,
      streamArn: arn.stream(streamName),
      target,
      settings: { ...settings, ...overrides },
      idlePollMs: 20,
      retryBaseDelayMs: 1,
      ...(checkpointFile && { checkpointFile }),
    });
    mappings.push(mapping);
    assert.equal(mapping.state, 'Creating');
    await mapping.start();
    assert.equal(mapping.state, 'Enabled');
    return mapping;
  }

  test('TRIM_HORIZON reads records written before the mapping started, in order, in batches of at most batchSize', async () => {
    const name = await stream();
    await put(name, numbered(250));
    const fn = recordingFunction();
    await map(name, fn.target, { batchSize: 100 });
    await until(() => fn.records().length === 250, 'all 250 records arrived');
    assert.deepEqual(fn.records(), numbered(250));
    assert.ok(fn.batches.every((b) => b.data.length <= 100));
  });

  test('LATEST skips what was already in the stream', async () => {
    const name = await stream();
    await put(name, numbered(10));
    const fn = recordingFunction();
    await map(name, fn.target, { startingPosition: 'LATEST' });
    await put(name, numbered(5, 100));
    await until(() => fn.records().length === 5, 'the 5 new records arrived');
    assert.deepEqual(fn.records(), numbered(5, 100));
  });

  test('AT_TIMESTAMP starts at the first record written at or after the timestamp', async () => {
    const name = await stream();
    await put(name, numbered(3));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const from = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await put(name, numbered(4, 50));
    const fn = recordingFunction();
    await map(name, fn.target, { startingPosition: 'AT_TIMESTAMP', startingPositionTimestamp: from });
    await until(() => fn.records().length === 4, 'the 4 later records arrived');
    assert.deepEqual(fn.records(), numbered(4, 50));
  });

  test('a batching window gathers records written separately into one invocation', async () => {
    const name = await stream();
    const fn = recordingFunction();
    await map(name, fn.target, { batchSize: 1000, maxBatchingWindow: 1 });
    for (let i = 0; i < 5; i++) {
      await put(name, [`w${i}`]);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    await until(() => fn.records().length === 5, 'the 5 records arrived', 5000);
    assert.equal(fn.batches.length, 1, 'one invocation for records written 40 ms apart within a 1 s window');
  });

  test('a full batch does not wait for the batching window', async () => {
    const name = await stream();
    const fn = recordingFunction();
    await map(name, fn.target, { batchSize: 10, maxBatchingWindow: 300 });
    await put(name, numbered(30));
    await until(() => fn.records().length === 30, '3 full batches arrived', 5000);
    assert.deepEqual(
      fn.batches.map((b) => b.data.length),
      [10, 10, 10],
    );
  });

  test('with a parallelization factor, batches of one shard run concurrently and each partition key stays in order', async () => {
    const name = await stream();
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    await put(name, numbered(600), (i) => keys[i % keys.length]!);
    const fn = recordingFunction(30);
    await map(name, fn.target, { batchSize: 20, parallelizationFactor: 3 });
    await until(() => fn.records().length === 600, 'all 600 records arrived');
    assert.ok(fn.maxRunning() > 1, 'more than one batch of the shard ran at once');
    for (const key of keys) {
      const seen = fn.batches.flatMap((b) => b.data.filter((_, i) => b.keys[i] === key)).map((d) => Number(d.slice(1)));
      assert.deepEqual(
        seen,
        [...seen].sort((x, y) => x - y),
        `records of key ${key} arrived in order`,
      );
      assert.equal(seen.length, 100);
    }
  });

  test('every shard is read', async () => {
    const name = await stream(4);
    await put(name, numbered(400), (i) => `customer-${i}`);
    const fn = recordingFunction();
    await map(name, fn.target);
    await until(() => fn.records().length === 400, 'all 400 records arrived');
    assert.equal(new Set(fn.records()).size, 400);
  });

  test('stopping ends polling: records written afterwards are not delivered', async () => {
    const name = await stream();
    const fn = recordingFunction();
    const mapping = await map(name, fn.target);
    await put(name, ['before']);
    await until(() => fn.records().length === 1, 'the first record arrived');
    await mapping.stop();
    assert.equal(mapping.state, 'Disabled');
    await put(name, ['after']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(fn.records(), ['before']);
  });

  test('filters skip the records that match no pattern, and count them', async () => {
    const name = await stream();
    const polls: { filteredOut: number }[] = [];
    const onPoll = (m: unknown) => polls.push(m as { filteredOut: number });
    subscribe('streamkit:esm:poll', onPoll);
    try {
      const orders = Array.from({ length: 20 }, (_, i) =>
        JSON.stringify({ id: i, status: i % 4 === 0 ? 'paid' : 'open', total: i * 10 }),
      );
      await put(name, [...orders, 'not json']);
      const fn = recordingFunction();
      await map(name, fn.target, {
        filters: [{ data: { status: ['paid'] } }, { data: { total: [{ numeric: ['>=', 180] }] } }],
      });
      await until(() => fn.records().length === 7, '5 paid orders and 2 large ones arrived');
      assert.deepEqual(
        fn.records().map((r) => JSON.parse(r).id),
        [0, 4, 8, 12, 16, 18, 19],
      );
      await until(() => polls.reduce((sum, p) => sum + p.filteredOut, 0) === 14, '14 records were filtered out');
    } finally {
      unsubscribe('streamkit:esm:poll', onPoll);
    }
  });

  test('tumbling windows carry state between invocations and close with a final invocation', async () => {
    const name = await stream();
    const invocations: {
      records: number;
      state: Record<string, number>;
      final: boolean;
      window: { start: string; end: string };
    }[] = [];
    const target: InvokeTarget = {
      functionName: 'windowed',
      functionArn: arn.function('windowed'),
      async invoke(raw) {
        const event = raw as KinesisEvent & {
          state: Record<string, number>;
          isFinalInvokeForWindow: boolean;
          window: { start: string; end: string };
        };
        invocations.push({
          records: event.Records.length,
          state: event.state,
          final: event.isFinalInvokeForWindow,
          window: event.window,
        });
        const count = (event.state.count ?? 0) + event.Records.length;
        return { requestId: String(invocations.length), payload: { state: { count }, batchItemFailures: [] } };
      },
    };
    await map(name, target, { tumblingWindow: 1, batchSize: 2 });
    await put(name, numbered(5));
    await until(() => invocations.some((i) => i.final), 'the window closed', 5000);
    const window = invocations[0]!.window;
    const ofWindow = invocations.filter((i) => i.window.start === window.start);
    assert.equal(Date.parse(window.end) - Date.parse(window.start), 1000, 'a 1 s window');
    assert.deepEqual(
      ofWindow.map((i) => [i.records, i.state.count ?? 0, i.final]),
      [
        [2, 0, false],
        [2, 2, false],
        [1, 4, false],
        [0, 5, true],
      ],
      'batches of one window, state passed along, then a final invocation with the total',
    );
    await put(name, numbered(1, 10));
    await until(() => invocations.filter((i) => i.final).length === 2, 'the next window closed', 5000);
    const next = invocations.filter((i) => i.window.start !== window.start);
    assert.equal(next[0]!.state.count, undefined, 'a new window starts with a fresh state');
  });

  test('with tumbling windows, a response without state is a failed invocation', async () => {
    const name = await stream();
    let calls = 0;
    const target: InvokeTarget = {
      functionName: 'stateless',
      functionArn: arn.function('stateless'),
      async invoke() {
        calls++;
        return { requestId: String(calls), payload: { batchItemFailures: [] } };
      },
    };
    const deadLetters: unknown[] = [];
    const mapping = new KinesisEventSourceMapping({
      kinesis,
      streamName: name,
      streamArn: arn.stream(name),
      target,
      settings: { ...settings, tumblingWindow: 60, retryAttempts: 1, bisectBatchOnError: false },
      destination: { send: (r) => deadLetters.push(r) },
      idlePollMs: 20,
      retryBaseDelayMs: 1,
    });
    mappings.push(mapping);
    await mapping.start();
    await put(name, ['x']);
    await until(() => deadLetters.length === 1, 'the batch was dead-lettered after its retry');
    assert.equal(calls, 2);
  });

  describe('checkpoints kept in a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamkit-esm-checkpoints-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    let files = 0;
    const checkpointFile = () => join(dir, `mapping-${++files}.json`);

    test('a restarted mapping resumes after what was settled, across shards and parallel lanes', async () => {
      const name = await stream(2);
      const file = checkpointFile();
      await put(name, numbered(300));
      const first = recordingFunction();
      const mapping = await map(name, first.target, { batchSize: 7, parallelizationFactor: 3 }, file);
      await until(() => first.records().length === 300, 'the first 300 records arrived');
      await mapping.stop();
      await put(name, numbered(200, 300));
      const second = recordingFunction();
      await map(name, second.target, { batchSize: 7, parallelizationFactor: 3 }, file);
      await until(() => second.records().length >= 200, 'the next 200 records arrived');
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(second.records().sort(), numbered(200, 300).sort());
    });

    test('a record that never settled is read again after a restart; records settled after it do not move the checkpoint past it', async () => {
      const name = await stream(1);
      const file = checkpointFile();
      await put(name, numbered(20), (i) => `key-${i % 4}`);
      // The lane of key-1 keeps failing on r1 (retried without end); the other lanes settle everything.
      let failing = true;
      const seen: string[] = [];
      const target: InvokeTarget = {
        functionName: 'failing',
        functionArn: arn.function('failing'),
        async invoke(raw) {
          const data = (raw as KinesisEvent).Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString());
          if (failing && data.includes('r1')) {
            return { requestId: 'x', error: { errorType: 'Error', errorMessage: 'r1 fails for now' } };
          }
          seen.push(...data);
          return { requestId: 'x', payload: null };
        },
      };
      const failingSettings = { batchSize: 1, parallelizationFactor: 4, retryAttempts: -1, bisectBatchOnError: false };
      const mapping = await map(name, target, failingSettings, file);
      await until(() => seen.length === 15, '15 records of the three other lanes settled');
      await mapping.stop();
      failing = false;
      const again = recordingFunction();
      await map(name, again.target, failingSettings, file);
      await until(() => again.records().length >= 19, 'everything from r1 on was read again');
      assert.deepEqual(again.records().sort(), numbered(19, 1).sort());
    });

    test('LATEST resumes from when the mapping first started: records written while it was stopped are read', async () => {
      const name = await stream(1);
      const file = checkpointFile();
      await put(name, numbered(5));
      const first = recordingFunction();
      const mapping = await map(name, first.target, { startingPosition: 'LATEST' }, file);
      await mapping.stop();
      await put(name, numbered(5, 100));
      const second = recordingFunction();
      await map(name, second.target, { startingPosition: 'LATEST' }, file);
      await until(() => second.records().length === 5, 'the 5 records written while stopped arrived');
      assert.deepEqual(second.records(), numbered(5, 100));
      assert.deepEqual(first.records(), []);
    });

    test('checkpoints of a deleted and re-created stream of the same name are not used', async () => {
      const name = await stream(1);
      const file = checkpointFile();
      await put(name, numbered(10));
      const first = recordingFunction();
      const mapping = await map(name, first.target, {}, file);
      await until(() => first.records().length === 10, 'the 10 records arrived');
      await mapping.stop();
      await engine.dispatch('DeleteStream', { StreamName: name });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await engine.dispatch('CreateStream', { StreamName: name, ShardCount: 1 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await put(name, numbered(3, 50));
      const second = recordingFunction();
      await map(name, second.target, {}, file);
      await until(() => second.records().length === 3, 'the new stream’s 3 records arrived from its start');
      assert.deepEqual(second.records(), numbered(3, 50));
    });
  });

  test('after a split, the parent is read to its end before its children, so each key stays in order', async () => {
    const name = await stream(1);
    const fn = recordingFunction(5);
    await map(name, fn.target, { batchSize: 10 });
    await put(name, numbered(50), () => 'same-key');
    await engine.dispatch('SplitShard', {
      StreamName: name,
      ShardToSplit: 'shardId-000000000000',
      NewStartingHashKey: (2n ** 127n).toString(),
    });
    await put(name, numbered(50, 50), () => 'same-key');
    await until(() => fn.records().length === 100, 'all 100 records arrived across the split');
    assert.deepEqual(fn.records(), numbered(100), 'parent records first, then the child’s, in order');
  });

  test('after a merge, both parents are read before the child', async () => {
    const name = await stream(2);
    // One parent holds a single record, the other forty, and the function is slow: a child started after the first
    // parent alone would run alongside the second parent's batches.
    const fn = recordingFunction(40);
    await map(name, fn.target, { batchSize: 5 });
    const onShard = (shard: 0 | 1, data: string[]) =>
      kinesis.send(
        new PutRecordsCommand({
          StreamName: name,
          Records: data.map((d) => ({
            Data: Buffer.from(d),
            PartitionKey: d,
            ExplicitHashKey: shard === 0 ? '1' : (2n ** 127n + 1n).toString(),
          })),
        }),
      );
    await onShard(0, numbered(1));
    await onShard(1, numbered(40, 1));
    await engine.dispatch('MergeShards', {
      StreamName: name,
      ShardToMerge: 'shardId-000000000000',
      AdjacentShardToMerge: 'shardId-000000000001',
    });
    await put(name, numbered(10, 100), (i) => `k${i}`);
    await until(() => fn.records().length === 51, 'all 51 records arrived across the merge');
    const firstChildBatch = fn.batches.findIndex((b) => b.data.some((d) => Number(d.slice(1)) >= 100));
    const lastParentBatch = fn.batches.findLastIndex((b) => b.data.some((d) => Number(d.slice(1)) < 100));
    assert.ok(lastParentBatch < firstChildBatch, 'no child batch before the last parent batch');
  });

  test('with enhanced fan-out, the mapping registers a consumer and records are pushed through SubscribeToShard', async () => {
    const name = await stream(2);
    const fn = recordingFunction();
    const mapping = await map(name, fn.target, { enhancedFanOut: true } as Partial<EventSourceSettings>);
    assert.match(mapping.consumerArn ?? '', new RegExp(`stream/${name}/consumer/recorder:\\d+$`));
    await put(name, numbered(30), (i) => `k${i % 3}`);
    await until(() => fn.records().length === 30, 'all 30 records arrived');
    assert.deepEqual(new Set(fn.records()), new Set(numbered(30)));
  });
});

describe('enhanced fan-out across subscription renewals', () => {
  test('a mapping resubscribes after each subscription ends, without losing or repeating records', async () => {
    const engine = await startKinesisEngine({ port: 0, subscriptionDurationMs: 200, subscriptionHeartbeatMs: 50 });
    const kinesis = new KinesisClient({
      endpoint: engine.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    await engine.dispatch('CreateStream', { StreamName: 'renewals', ShardCount: 1 });
    const fn = recordingFunction();
    const mapping = new KinesisEventSourceMapping({
      kinesis,
      streamName: 'renewals',
      streamArn: arn.stream('renewals'),
      target: fn.target,
      settings: { ...settings, enhancedFanOut: true },
      idlePollMs: 20,
    });
    try {
      await mapping.start();
      for (let i = 0; i < 10; i++) {
        await kinesis.send(
          new PutRecordsCommand({
            StreamName: 'renewals',
            Records: [{ Data: Buffer.from(`r${i}`), PartitionKey: 'k' }],
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await until(() => fn.records().length >= 10, 'all 10 records arrived');
      assert.deepEqual(fn.records(), numbered(10), 'each record once, in order, over five subscriptions');
    } finally {
      await mapping.stop();
      kinesis.destroy();
      await engine.close();
    }
  });
});
