/**
 * The Kafka event source mapping against a real Apache Kafka broker (one per file): every record reaches the handler,
 * in partition order, in MSK-shaped events; a broker restart loses nothing; a client that is not ours (kcat) feeds
 * it; a poison record is retried and then described in the on-failure destination.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { arn, type KafkaEvent } from '@streamkit/core';
import {
  type InvokeTarget,
  type KafkaBatchFailureRecord,
  KafkaEventSourceMapping,
  type KafkaEventSourceSettings,
  sqsKafkaFailureDestination,
} from '../src/esm/index.ts';
import { bundleHandler, type HandlerBundle } from '../src/lambda/bundle.ts';
import { LocalFunction } from '../src/lambda/local-function.ts';
import { DeadLetterQueue } from '../src/sqs/dead-letter-queue.ts';
import { offsets, produce, until, useLocalKafka } from './support/kafka.ts';

const settings: KafkaEventSourceSettings = {
  batchSize: 100,
  maxBatchingWindow: 0,
  startingPosition: 'TRIM_HORIZON',
  retryAttempts: 3,
  maxRecordAge: -1,
  bisectBatchOnError: true,
  reportBatchItemFailures: true,
};

/** A function that keeps every event it gets. */
function recordingFunction(options: { delayMs?: number } = {}) {
  const events: KafkaEvent[] = [];
  const target: InvokeTarget = {
    functionName: 'recorder',
    functionArn: arn.function('recorder'),
    async invoke(raw) {
      events.push(raw as KafkaEvent);
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      return { requestId: String(events.length), payload: null };
    },
  };
  const records = () => events.flatMap((e) => Object.values(e.records).flat());
  const values = () => records().map((r) => Buffer.from(r.value ?? '', 'base64').toString());
  return { target, events, records, values };
}

const orders = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({ key: `customer-${(from + i) % 7}`, value: `order-${from + i}` }));

describe('the Kafka event source mapping against a local Apache Kafka broker', () => {
  const kafka = useLocalKafka();
  const mappings: KafkaEventSourceMapping[] = [];
  let topics = 0;

  after(async () => {
    await Promise.all(mappings.map((m) => m.stop()));
  });

  async function topic(partitions = 3): Promise<string> {
    const name = `orders-${++topics}`;
    await kafka.cluster().createTopics([{ name, partitions }]);
    return name;
  }

  function mapping(name: string, target: InvokeTarget, overrides: Partial<KafkaEventSourceSettings> = {}, extra = {}) {
    const m = new KafkaEventSourceMapping({
      bootstrapServers: kafka.cluster().bootstrapServers,
      topic: name,
      target,
      settings: { ...settings, ...overrides },
      eventSourceArn: 'arn:aws:kafka:us-east-1:000000000000:cluster/local/1',
      retryBaseDelayMs: 10,
      ...extra,
    });
    mappings.push(m);
    return m;
  }

  test('N messages in, exactly N records to the handler, in partition order, in MSK-shaped events', async () => {
    const name = await topic(3);
    const fn = recordingFunction();
    const m = mapping(name, fn.target);
    await m.start();
    const n = 1000;
    await produce(kafka.cluster().bootstrapServers, name, [
      { key: 'k', value: 'with-headers', headers: { 'trace-id': 'abc' } },
      ...orders(1, n),
    ]);
    await until(() => fn.records().length >= n, `${n} records reached the handler`);
    await m.stop();

    assert.equal(fn.records().length, n, 'no record twice');
    assert.equal(new Set(fn.values()).size, n);
    assert.ok(fn.events.every((e) => Object.values(e.records).flat().length <= settings.batchSize));
    const event = fn.events[0]!;
    assert.equal(event.eventSource, 'aws:kafka');
    assert.equal(event.eventSourceArn, 'arn:aws:kafka:us-east-1:000000000000:cluster/local/1');
    assert.equal(event.bootstrapServers, kafka.cluster().bootstrapServers.join(','));
    for (const [group, records] of Object.entries(event.records)) {
      assert.match(group, new RegExp(`^${name}-[0-2]$`));
      for (const r of records) assert.equal(`${r.topic}-${r.partition}`, group);
    }
    const withHeaders = fn.records().find((r) => Buffer.from(r.value ?? '', 'base64').toString() === 'with-headers')!;
    assert.equal(Buffer.from(withHeaders.key!, 'base64').toString(), 'k');
    assert.deepEqual(withHeaders.headers, [{ 'trace-id': [...Buffer.from('abc')] }]);
    assert.equal(withHeaders.timestampType, 'CREATE_TIME');
    assert.ok(Math.abs(withHeaders.timestamp - Date.now()) < 10 * 60_000);
    // Each partition's offsets reach the handler in order, without gaps.
    const byPartition = new Map<number, number[]>();
    for (const r of fn.records()) byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r.offset]);
    for (const [, list] of byPartition)
      assert.deepEqual(
        list,
        Array.from({ length: list.length }, (_, i) => i),
      );
    const { committed, end } = await offsets(kafka.cluster().bootstrapServers, m.consumerGroupId, name, 3);
    assert.deepEqual(committed, end, 'every offset is committed after success');
  });

  test('a broker restart mid-stream: consumption resumes from the committed offsets and nothing is lost', async () => {
    const name = await topic(3);
    const fn = recordingFunction({ delayMs: 20 });
    const m = mapping(name, fn.target, { batchSize: 20 });
    await m.start();
    await produce(kafka.cluster().bootstrapServers, name, orders(0, 300));
    await until(() => fn.records().length >= 60, 'the first batches were processed');
    const pids = kafka.cluster().pids;
    assert.ok(new Set(fn.values()).size < 300, 'the broker restarts while records are still waiting');
    await kafka.cluster().restart();
    assert.notDeepEqual(kafka.cluster().pids, pids, 'a new broker process');
    await produce(kafka.cluster().bootstrapServers, name, orders(300, 500));
    await until(
      () => new Set(fn.values()).size >= 500,
      'all 500 records reached the handler after the restart',
      120_000,
    );
    const seen = new Set(fn.values());
    for (let i = 0; i < 500; i++) assert.ok(seen.has(`order-${i}`), `order-${i} was lost`);
    await until(async () => {
      const { committed, end } = await offsets(kafka.cluster().bootstrapServers, m.consumerGroupId, name, 3);
      return committed.every((c, i) => c === end[i]);
    }, 'the group committed every offset');
    // At least once: a batch in flight during the restart may be delivered again, but only such a batch.
    const positions = fn.records().map((r) => `${r.partition}@${r.offset}`);
    const again = positions.length - new Set(positions).size;
    assert.ok(again <= 3 * 20, `${again} records delivered twice`);
  });

  test('records kcat (a Kafka client that is not ours) produces reach the handler', async () => {
    assert.equal(
      spawnSync('kcat', ['-V']).error,
      undefined,
      'kcat is required: apt-get install kcat (.ci/run installs it)',
    );
    const name = await topic(2);
    const fn = recordingFunction();
    const m = mapping(name, fn.target);
    await m.start();
    const input = Array.from({ length: 50 }, (_, i) => `kcat-key-${i}:kcat-value-${i}`).join('\n');
    const run = spawnSync(
      'kcat',
      [
        '-P',
        '-b',
        kafka.cluster().bootstrapServers.join(','),
        '-t',
        name,
        '-K',
        ':',
        '-H',
        'source=kcat',
        '-X',
        'acks=all',
      ],
      { input, encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    await until(() => fn.records().length >= 50, '50 kcat records reached the handler');
    const got = fn
      .records()
      .map((r) => [Buffer.from(r.key!, 'base64').toString(), Buffer.from(r.value!, 'base64').toString()]);
    assert.deepEqual(got.sort(), Array.from({ length: 50 }, (_, i) => [`kcat-key-${i}`, `kcat-value-${i}`]).sort());
    assert.deepEqual(fn.records()[0]!.headers, [{ source: [...Buffer.from('kcat')] }]);
  });

  describe('with the handler in the local Lambda runtime', () => {
    let bundle: HandlerBundle;
    let dir: string;
    const functions: LocalFunction[] = [];

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'streamkit-kafka-esm-'));
      const entry = new URL('./fixtures/kafka-orders-handler.ts', import.meta.url).pathname;
      bundle = await bundleHandler({ entry, outdir: join(dir, 'bundle') });
    });
    after(async () => {
      await Promise.all(functions.map((f) => f.close()));
    });

    function ordersFunction(name: string, environment: Record<string, string> = {}) {
      const log = join(dir, `${name}.log`);
      writeFileSync(log, '');
      const fn = new LocalFunction({ functionName: name, bundle, environment: { PROCESSED_LOG: log, ...environment } });
      functions.push(fn);
      const processed = () =>
        readFileSync(log, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map(Number);
      return { fn, processed };
    }

    const ordersWithPoison = (n: number, poison: number) =>
      Array.from({ length: n }, (_, id) => ({
        key: `c-${id % 3}`,
        value: JSON.stringify({ id, ...(id === poison && { poison: true }) }),
      }));

    test('a poison record is retried, bisected down to itself and sent to the on-failure destination', async () => {
      const name = await topic(1);
      const { fn, processed } = ordersFunction('orders-poison');
      const queue = new DeadLetterQueue<KafkaBatchFailureRecord>({ queueName: 'orders-poison-dlq', dir });
      const m = mapping(
        name,
        fn,
        { retryAttempts: 2, reportBatchItemFailures: false },
        {
          destination: sqsKafkaFailureDestination(queue),
        },
      );
      await produce(kafka.cluster().bootstrapServers, name, ordersWithPoison(20, 13));
      await m.start();
      await until(() => queue.messages().length === 1, 'the poison record reached the on-failure destination');
      await until(() => new Set(processed()).size === 19, 'every other record was processed');
      const [failure] = queue.messages();
      assert.equal(failure!.requestContext.condition, 'RetryAttemptsExhausted');
      // Invocations that included the record: the halvings (20, 10, 5, 3, 2, 1) and then 2 retries of it alone.
      assert.ok(failure!.requestContext.approximateInvokeCount >= 3, 'at least the first invocation and 2 retries');
      assert.equal(failure!.responseContext?.functionError, 'Unhandled');
      assert.equal(failure!.KafkaBatchInfo.batchSize, 1);
      assert.equal(failure!.KafkaBatchInfo.bootstrapServers, kafka.cluster().bootstrapServers.join(','));
      assert.deepEqual(Object.keys(failure!.KafkaBatchInfo.recordsInfo), [`${name}-0`]);
      assert.equal(failure!.KafkaBatchInfo.recordsInfo[`${name}-0`]!.firstRecordOffset, '13');
      assert.equal(failure!.KafkaBatchInfo.recordsInfo[`${name}-0`]!.lastRecordOffset, '13');
      assert.ok(!processed().includes(13));
      await until(async () => {
        const { committed, end } = await offsets(kafka.cluster().bootstrapServers, m.consumerGroupId, name, 1);
        return committed[0] === end[0];
      }, 'the offsets moved past the dead-lettered record');
      queue.close();
    });

    test('a partial batch response retries from the failed record of its partition only', async () => {
      const name = await topic(1);
      const { fn, processed } = ordersFunction('orders-partial', { PARTIAL: 'true' });
      const queue = new DeadLetterQueue<KafkaBatchFailureRecord>({ queueName: 'orders-partial-dlq', dir });
      const m = mapping(
        name,
        fn,
        { retryAttempts: 1, bisectBatchOnError: false },
        {
          destination: sqsKafkaFailureDestination(queue),
        },
      );
      await produce(kafka.cluster().bootstrapServers, name, ordersWithPoison(10, 6));
      await m.start();
      await until(() => queue.messages().length === 1, 'the failed records reached the on-failure destination');
      const [failure] = queue.messages();
      // Records 6..9 were retried together (the partition's records from the failed offset on), then discarded.
      assert.equal(failure!.KafkaBatchInfo.recordsInfo[`${name}-0`]!.firstRecordOffset, '6');
      assert.equal(failure!.KafkaBatchInfo.recordsInfo[`${name}-0`]!.lastRecordOffset, '9');
      assert.deepEqual(
        [...new Set(processed())].sort((a, b) => a - b),
        [0, 1, 2, 3, 4, 5, 7, 8, 9],
      );
      queue.close();
    });
  });

  test('LATEST skips records produced before the mapping started; AT_TIMESTAMP starts at the time given', async () => {
    const name = await topic(2);
    await produce(kafka.cluster().bootstrapServers, name, orders(0, 10));
    const boundary = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await produce(kafka.cluster().bootstrapServers, name, orders(10, 15));
    const latest = recordingFunction();
    const latestMapping = mapping(name, latest.target, { startingPosition: 'LATEST' });
    await latestMapping.start();
    await produce(kafka.cluster().bootstrapServers, name, orders(15, 20));
    const atTime = recordingFunction();
    const atTimeMapping = mapping(name, atTime.target, {
      startingPosition: 'AT_TIMESTAMP',
      startingPositionTimestamp: new Date(boundary).toISOString(),
    });
    await atTimeMapping.start();
    await until(() => latest.records().length >= 5 && atTime.records().length >= 10, 'both mappings caught up');
    await latestMapping.stop();
    await atTimeMapping.stop();
    assert.deepEqual(
      latest.values().sort(),
      orders(15, 20)
        .map((o) => o.value)
        .sort(),
    );
    assert.deepEqual(
      atTime.values().sort(),
      orders(10, 20)
        .map((o) => o.value)
        .sort(),
    );
  });
});
