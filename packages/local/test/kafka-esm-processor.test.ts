/**
 * The Kafka batch processor's rules, without a broker (a function that fails as told, a clock that does not wait):
 * the retry cap with a destination, record age, payload size, partial responses, and the S3 destination's object.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { arn, type KafkaEvent, LIMITS } from '@streamkit/core';
import {
  type InvokeTarget,
  type KafkaBatchFailureRecord,
  KafkaBatchProcessor,
  type KafkaEventSourceSettings,
  type KafkaRecord,
  s3KafkaFailureDestination,
} from '../src/esm/index.ts';
import type { Timer } from '../src/esm/types.ts';
import { LocalObjectStore } from '../src/s3/object-store.ts';

const settings: KafkaEventSourceSettings = {
  batchSize: 100,
  startingPosition: 'TRIM_HORIZON',
  retryAttempts: -1,
  maxRecordAge: -1,
  bisectBatchOnError: false,
  reportBatchItemFailures: true,
};

/** Time that moves only when something sleeps (each sleep jumps the clock). */
function jumpingTimer(start = Date.parse('2026-11-26T12:00:00Z')): Timer {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  };
}

const record = (offset: number, extra: Partial<KafkaRecord> = {}): KafkaRecord => ({
  topic: 'orders',
  partition: offset % 2,
  offset: BigInt(offset),
  timestamp: Date.parse('2026-11-26T12:00:00Z'),
  value: Buffer.from(`v${offset}`),
  headers: [],
  ...extra,
});

function fn(answer: (event: KafkaEvent) => unknown | Error) {
  const events: KafkaEvent[] = [];
  const target: InvokeTarget = {
    functionName: 'orders',
    functionArn: arn.function('orders'),
    async invoke(raw) {
      const event = raw as KafkaEvent;
      events.push(event);
      const result = answer(event);
      if (result instanceof Error) {
        return { requestId: String(events.length), error: { errorType: 'Error', errorMessage: result.message } };
      }
      return { requestId: String(events.length), payload: result };
    },
  };
  return { target, events };
}

function processor(
  target: InvokeTarget,
  overrides: Partial<KafkaEventSourceSettings>,
  failures?: KafkaBatchFailureRecord[],
) {
  return new KafkaBatchProcessor({
    target,
    settings: { ...settings, ...overrides },
    event: { eventSource: 'aws:kafka', bootstrapServers: ['127.0.0.1:9092'], eventSourceArn: 'arn:aws:kafka:x' },
    ...(failures && { destination: { send: (f) => void failures.push(f) } }),
    timer: jumpingTimer(),
    signal: new AbortController().signal,
    retryBaseDelayMs: 100,
  });
}

describe('the Kafka batch processor', () => {
  test('retryAttempts -1 with an on-failure destination stops after AWS’s 10 retries', async () => {
    const failing = fn(() => new Error('down'));
    const failures: KafkaBatchFailureRecord[] = [];
    const p = processor(failing.target, {}, failures);
    assert.equal(p.retryLimit, LIMITS.local.kafkaEsmRetryAttemptsWithDestination.value);
    assert.equal(await p.process([record(0), record(1)]), true);
    assert.equal(failing.events.length, 11, 'the first invocation and 10 retries');
    assert.equal(failures.length, 1);
    assert.equal(failures[0]!.requestContext.condition, 'RetryAttemptsExhausted');
    assert.equal(failures[0]!.requestContext.approximateInvokeCount, 11);
    assert.equal(failures[0]!.KafkaBatchInfo.batchSize, 2);
    assert.deepEqual(Object.keys(failures[0]!.KafkaBatchInfo.recordsInfo).sort(), ['orders-0', 'orders-1']);
    assert.equal(processor(failing.target, {}).retryLimit, Number.POSITIVE_INFINITY, 'without a destination: no cap');
  });

  test('records older than maxRecordAge go to the destination without an invocation', async () => {
    const ok = fn(() => null);
    const failures: KafkaBatchFailureRecord[] = [];
    const old = record(0, { timestamp: Date.parse('2026-11-26T10:00:00Z') });
    assert.equal(await processor(ok.target, { maxRecordAge: 60 }, failures).process([old, record(1)]), true);
    assert.equal(failures[0]!.requestContext.condition, 'RecordAgeExceeded');
    assert.equal(failures[0]!.requestContext.approximateInvokeCount, 0);
    assert.equal(ok.events.length, 1);
    assert.deepEqual(Object.keys(ok.events[0]!.records), ['orders-1']);
  });

  test('a record too large for any invocation is MaximumPayloadSizeExceeded, with no response context', async () => {
    const ok = fn(() => null);
    const failures: KafkaBatchFailureRecord[] = [];
    const huge = record(0, { value: Buffer.alloc(LIMITS.esm.invokePayloadMaxBytes.value) });
    assert.equal(await processor(ok.target, {}, failures).process([huge, record(1)]), true);
    assert.equal(failures[0]!.requestContext.condition, 'MaximumPayloadSizeExceeded');
    assert.equal(failures[0]!.responseContext, null);
    assert.equal(ok.events.length, 1);
  });

  test('a partial response retries each named partition from its lowest failed offset; others are settled', async () => {
    let calls = 0;
    const partial = fn((event) => {
      calls++;
      if (calls > 1) return null;
      const [first] = event.records['orders-0']!.filter((r) => r.offset >= 2);
      return { batchItemFailures: [{ itemIdentifier: { partition: 'orders-0', offset: first!.offset } }] };
    });
    const batch = [0, 1, 2, 3, 4, 5].map((o) => record(o));
    assert.equal(await processor(partial.target, {}).process(batch), true);
    const retried = Object.values(partial.events[1]!.records).flat();
    assert.deepEqual(
      retried.map((r) => `${r.partition}@${r.offset}`),
      ['0@2', '0@4'],
      'partition 0 from offset 2; partition 1 was settled by the first answer',
    );
  });

  test('an identifier that is not in the batch fails the whole batch', async () => {
    let calls = 0;
    const wrong = fn(() =>
      ++calls === 1 ? { batchItemFailures: [{ itemIdentifier: { partition: 'orders-9', offset: 0 } }] } : null,
    );
    assert.equal(await processor(wrong.target, {}).process([record(0), record(1)]), true);
    assert.equal(Object.values(wrong.events[1]!.records).flat().length, 2, 'the whole batch again');
  });

  test('the S3 destination writes the failure record with the whole event at Lambda’s key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamkit-kafka-s3-dlq-'));
    try {
      const store = new LocalObjectStore({ root: dir });
      const failing = fn(() => new Error('down'));
      const p = new KafkaBatchProcessor({
        target: failing.target,
        settings: { ...settings, retryAttempts: 0 },
        event: { eventSource: 'aws:kafka', bootstrapServers: ['127.0.0.1:9092'] },
        destination: s3KafkaFailureDestination({ store, bucket: 'failures', mappingUuid: 'esm-1' }),
        timer: jumpingTimer(),
        signal: new AbortController().signal,
        retryBaseDelayMs: 100,
      });
      assert.equal(await p.process([record(0)]), true);
      const keys = await store.listObjects('failures');
      assert.equal(keys.length, 1);
      assert.match(keys[0]!, /^aws\/lambda\/esm-1\/orders-0\/2026\/11\/26\/2026-11-26T12\.00\.00-[0-9a-f-]{36}$/);
      const body = JSON.parse(Buffer.from(await store.getObject('failures', keys[0]!)).toString());
      assert.equal(body.requestContext.condition, 'RetryAttemptsExhausted');
      assert.equal(JSON.parse(body.payload).records['orders-0'][0].value, Buffer.from('v0').toString('base64'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
