import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, test } from 'node:test';
import type { KinesisBatchFailureRecord, KinesisEvent } from '@streamkit/core';
import { BatchProcessor } from '../src/esm/batch-processor.ts';
import type { EventSourceSettings, InvokeTarget, StreamRecord, Timer } from '../src/esm/types.ts';

const NOW = Date.parse('2026-11-26T12:00:00Z');

/** A record with a two-digit sequence number; `poison` in its data makes the fake handlers fail it. */
function records(count: number, poison: number[] = [], arrival = new Date(NOW - 1000)): StreamRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    shardId: 'shardId-000000000000',
    sequenceNumber: String(100 + i),
    partitionKey: `key-${i % 3}`,
    data: Buffer.from(poison.includes(i) ? 'poison' : `record ${i}`),
    arrival,
  }));
}

const defaults: EventSourceSettings = {
  batchSize: 100,
  maxBatchingWindow: 0,
  parallelizationFactor: 1,
  retryAttempts: 3,
  bisectBatchOnError: true,
  maxRecordAge: 86_400,
  startingPosition: 'TRIM_HORIZON',
  startingPositionTimestamp: undefined,
  reportBatchItemFailures: true,
  tumblingWindow: 0,
  filters: [],
};

type Behaviour = 'partial' | 'throw' | ((event: KinesisEvent) => unknown);

/** A fake function: 'partial' answers like Powertools' batch processor, 'throw' fails the whole batch on any poison. */
function fakeFunction(behaviour: Behaviour) {
  const invocations: string[][] = [];
  const processed = new Set<string>();
  const target: InvokeTarget = {
    functionName: 'orders-consumer',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:orders-consumer',
    async invoke(raw) {
      const event = raw as KinesisEvent;
      const requestId = `req-${invocations.length + 1}`;
      invocations.push(event.Records.map((r) => r.kinesis.sequenceNumber));
      const isPoison = (r: KinesisEvent['Records'][number]) =>
        Buffer.from(r.kinesis.data, 'base64').toString() === 'poison';
      if (typeof behaviour === 'function') return { requestId, payload: behaviour(event) };
      if (behaviour === 'throw') {
        if (event.Records.some(isPoison)) return { requestId, error: { errorType: 'Error', errorMessage: 'poison' } };
        for (const r of event.Records) processed.add(r.kinesis.sequenceNumber);
        return { requestId, payload: null };
      }
      const failures = event.Records.filter(isPoison).map((r) => ({ itemIdentifier: r.kinesis.sequenceNumber }));
      for (const r of event.Records) if (!isPoison(r)) processed.add(r.kinesis.sequenceNumber);
      return { requestId, payload: { batchItemFailures: failures } };
    },
  };
  return { target, invocations, processed };
}

function fakeTimer(): Timer & { sleeps: number[] } {
  const sleeps: number[] = [];
  return { sleeps, now: () => NOW, sleep: async (ms) => void sleeps.push(ms) };
}

function processor(
  target: InvokeTarget,
  settings: Partial<EventSourceSettings> = {},
  signal = new AbortController().signal,
) {
  const deadLetters: KinesisBatchFailureRecord[] = [];
  const timer = fakeTimer();
  const p = new BatchProcessor({
    target,
    settings: { ...defaults, ...settings },
    streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/orders-stream',
    region: 'us-east-1',
    destination: { send: (r) => deadLetters.push(r) },
    timer,
    signal,
    retryBaseDelayMs: 100,
  });
  return { p, deadLetters, timer };
}

const deadSequenceNumbers = (dlq: KinesisBatchFailureRecord[]) =>
  dlq.flatMap((d) => {
    const start = Number(d.KinesisBatchInfo.startSequenceNumber);
    return Array.from({ length: d.KinesisBatchInfo.batchSize }, (_, i) => String(start + i));
  });

describe('the Kinesis event source mapping’s batch processor', () => {
  test('a successful batch is invoked once and checkpointed', async () => {
    const fn = fakeFunction('partial');
    const { p, deadLetters } = processor(fn.target);
    assert.equal(await p.process(records(10)), true);
    assert.equal(fn.invocations.length, 1);
    assert.equal(fn.processed.size, 10);
    assert.deepEqual(deadLetters, []);
  });

  test('with bisect and partial responses, exactly the poison records reach the DLQ, each alone', async () => {
    const fn = fakeFunction('partial');
    const { p, deadLetters } = processor(fn.target);
    await p.process(records(100, [0, 37, 38, 99]));
    assert.deepEqual(deadSequenceNumbers(deadLetters), ['100', '137', '138', '199']);
    assert.ok(deadLetters.every((d) => d.KinesisBatchInfo.batchSize === 1));
    assert.equal(fn.processed.size, 96, 'every good record was processed');
    for (const d of deadLetters) {
      assert.equal(d.requestContext.condition, 'RetryAttemptsExhausted');
      assert.equal(d.requestContext.approximateInvokeCount >= 4, true, 'first try plus 3 retries');
    }
  });

  test('with bisect and a function that throws, halving isolates the poison records', async () => {
    const fn = fakeFunction('throw');
    const { p, deadLetters } = processor(fn.target);
    await p.process(records(64, [5, 40]));
    assert.deepEqual(deadSequenceNumbers(deadLetters), ['105', '140']);
    assert.equal(fn.processed.size, 62);
    assert.equal(deadLetters[0]?.responseContext.functionError, 'Unhandled');
  });

  test('splitting a batch does not consume retries: a lone poison record is tried 1 + retryAttempts times', async () => {
    const fn = fakeFunction('throw');
    const { p, deadLetters } = processor(fn.target, { retryAttempts: 2 });
    await p.process(records(8, [3]));
    const triesOfPoison = fn.invocations.filter((batch) => batch.length === 1 && batch[0] === '103').length;
    assert.equal(triesOfPoison, 3);
    assert.equal(deadLetters.length, 1);
  });

  test('without bisect, a failing batch is retried whole and then dead-lettered whole', async () => {
    const fn = fakeFunction('throw');
    const { p, deadLetters, timer } = processor(fn.target, { bisectBatchOnError: false, retryAttempts: 3 });
    await p.process(records(10, [4]));
    assert.equal(fn.invocations.length, 4);
    assert.equal(deadLetters.length, 1);
    assert.equal(deadLetters[0]?.KinesisBatchInfo.batchSize, 10);
    assert.equal(deadLetters[0]?.KinesisBatchInfo.startSequenceNumber, '100');
    assert.equal(deadLetters[0]?.KinesisBatchInfo.endSequenceNumber, '109');
    assert.equal(deadLetters[0]?.requestContext.approximateInvokeCount, 4);
    assert.deepEqual(timer.sleeps, [100, 200, 400], 'retries back off exponentially');
  });

  test('without bisect, a partial response checkpoints before the lowest failure and retries the rest', async () => {
    const fn = fakeFunction('partial');
    const { p, deadLetters } = processor(fn.target, { bisectBatchOnError: false, retryAttempts: 1 });
    await p.process(records(10, [6]));
    assert.deepEqual(fn.invocations[1], ['106', '107', '108', '109']);
    assert.deepEqual(deadSequenceNumbers(deadLetters), ['106', '107', '108', '109']);
  });

  test('an invalid partial batch response fails the whole batch', async () => {
    const fn = fakeFunction(() => ({ batchItemFailures: [{ itemIdentifier: '' }] }));
    const { p, deadLetters } = processor(fn.target, { bisectBatchOnError: false, retryAttempts: 0 });
    await p.process(records(3));
    assert.equal(deadLetters[0]?.KinesisBatchInfo.batchSize, 3);
    assert.equal(deadLetters[0]?.responseContext.functionError, 'Handled');
  });

  test('partial responses are ignored unless reportBatchItemFailures is on', async () => {
    const fn = fakeFunction('partial');
    const { p, deadLetters } = processor(fn.target, { reportBatchItemFailures: false });
    await p.process(records(5, [2]));
    assert.equal(fn.invocations.length, 1);
    assert.deepEqual(deadLetters, []);
  });

  test('records older than maxRecordAge go to the DLQ without an invocation', async () => {
    const fn = fakeFunction('partial');
    const { p, deadLetters } = processor(fn.target, { maxRecordAge: 60 });
    const old = records(3, [], new Date(NOW - 61_000));
    const fresh = records(2).map((r, i) => ({ ...r, sequenceNumber: String(200 + i) }));
    await p.process([...old, ...fresh]);
    assert.deepEqual(fn.invocations, [['200', '201']]);
    assert.equal(deadLetters[0]?.requestContext.condition, 'RecordAgeExceeded');
    assert.equal(deadLetters[0]?.requestContext.approximateInvokeCount, 0);
    assert.equal(deadLetters[0]?.KinesisBatchInfo.batchSize, 3);
  });

  test('the DLQ record has the shape Lambda sends to SQS', async () => {
    const fn = fakeFunction('throw');
    const { p, deadLetters } = processor(fn.target, { retryAttempts: 0 });
    await p.process(records(1, [0]));
    const [record] = deadLetters;
    assert.deepEqual(Object.keys(record!).sort(), [
      'KinesisBatchInfo',
      'requestContext',
      'responseContext',
      'timestamp',
      'version',
    ]);
    assert.deepEqual(record!.KinesisBatchInfo, {
      shardId: 'shardId-000000000000',
      startSequenceNumber: '100',
      endSequenceNumber: '100',
      approximateArrivalOfFirstRecord: new Date(NOW - 1000).toISOString(),
      approximateArrivalOfLastRecord: new Date(NOW - 1000).toISOString(),
      batchSize: 1,
      streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/orders-stream',
    });
    assert.equal(record!.requestContext.functionArn, 'arn:aws:lambda:us-east-1:000000000000:function:orders-consumer');
    assert.equal(record!.requestContext.requestId, 'req-1');
  });

  test('with infinite retries, stopping the mapping leaves the batch unsettled', async () => {
    const fn = fakeFunction('throw');
    const abort = new AbortController();
    const { p, deadLetters } = processor(fn.target, { retryAttempts: -1, bisectBatchOnError: false }, abort.signal);
    const origInvoke = fn.target.invoke.bind(fn.target);
    let calls = 0;
    (fn.target as { invoke: InvokeTarget['invoke'] }).invoke = async (e) => {
      if (++calls === 5) abort.abort();
      return origInvoke(e);
    };
    assert.equal(await p.process(records(2, [1])), false);
    assert.deepEqual(deadLetters, []);
  });

  test('each invocation is published with the records it checkpointed', async () => {
    const seen: { outcome: string; succeeded: number }[] = [];
    const listener = (m: unknown) => seen.push(m as { outcome: string; succeeded: number });
    subscribe('streamkit:esm:invoke', listener);
    try {
      const { p } = processor(fakeFunction('partial').target, { bisectBatchOnError: false, retryAttempts: 1 });
      await p.process(records(4, [2]));
    } finally {
      unsubscribe('streamkit:esm:invoke', listener);
    }
    assert.deepEqual(
      seen.map((s) => [s.outcome, s.succeeded]),
      [
        ['partial', 2],
        ['partial', 0],
      ],
    );
  });

  test('a window whose state grows over 1 MiB is terminated early and continues with a fresh state', async () => {
    const seen: { records: number; final: boolean; early: boolean; stateBytes: number }[] = [];
    const target: InvokeTarget = {
      functionName: 'windowed',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:windowed',
      async invoke(raw) {
        const event = raw as KinesisEvent & {
          state: object;
          isFinalInvokeForWindow: boolean;
          isWindowTerminatedEarly: boolean;
        };
        seen.push({
          records: event.Records.length,
          final: event.isFinalInvokeForWindow,
          early: event.isWindowTerminatedEarly,
          stateBytes: JSON.stringify(event.state).length,
        });
        return { requestId: String(seen.length), payload: { state: { blob: 'x'.repeat(1_100_000) } } };
      },
    };
    const { p } = processor(target, { bisectBatchOnError: false });
    const window = { shardId: 'shardId-000000000000', start: NOW - 1000, end: NOW + 59_000, state: {} };
    await p.process(records(2), window);
    assert.deepEqual(
      seen.map((s) => [s.records, s.final, s.early, s.stateBytes > 1_000_000]),
      [
        [2, false, false, false],
        [0, true, true, true],
      ],
    );
    assert.deepEqual(window.state, {}, 'the rest of the window starts from a fresh state');
  });
});
