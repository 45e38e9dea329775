/**
 * Enhanced fan-out against an unmodified AWS SDK v3 KinesisClient: stream consumers (Register, Describe, List,
 * Deregister) and SubscribeToShard over the SDK's default HTTP/2 handler, iterating `EventStream` as an application
 * would. Subscriptions are given a heartbeat far longer than any test, so an event that arrives after a put was pushed,
 * not polled; time-dependent rules (the 5-second takeover) run on a clock the test moves by hand.
 */
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { crc32 } from 'node:zlib';
import {
  DeleteStreamCommand,
  DeregisterStreamConsumerCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListStreamConsumersCommand,
  PutRecordCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  SplitShardCommand,
  type StartingPosition,
  StartStreamEncryptionCommand,
  SubscribeToShardCommand,
  type SubscribeToShardEvent,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import type { KinesisEngineOptions } from '../src/kinesis/index.ts';
import { createStream, type Harness, manualClock, shardId, start, streamArn, texts } from './kinesis-harness.ts';

/** No heartbeat event within a test: every event after the first is there because records arrived. */
const QUIET: KinesisEngineOptions = { subscriptionHeartbeatMs: 10 * 60_000 };
/** A subscription test that waits for an event that never comes fails after this, instead of hanging the run. */
const WAITS = { timeout: 10_000 };
const CONSUMER_ARN = /^arn:aws:kinesis:us-east-1:000000000000:stream\/orders\/consumer\/audit:\d+$/;

async function registerConsumer(client: KinesisClient, stream: string, name: string): Promise<string> {
  const { Consumer } = await client.send(
    new RegisterStreamConsumerCommand({ StreamARN: streamArn(stream), ConsumerName: name }),
  );
  assert.ok(Consumer?.ConsumerARN);
  return Consumer.ConsumerARN;
}

async function putAll(client: KinesisClient, stream: string, data: readonly string[]): Promise<string[]> {
  const out = await client.send(
    new PutRecordsCommand({
      StreamName: stream,
      Records: data.map((d) => ({ Data: Buffer.from(d), PartitionKey: 'same-key' })),
    }),
  );
  return (out.Records ?? []).map((r) => r.SequenceNumber!);
}

interface Subscription {
  /** The next event, which must be a SubscribeToShardEvent. */
  nextEvent(): Promise<SubscribeToShardEvent>;
  /** The next item of the event stream as the SDK gives it (done, an event, or the exception it throws). */
  next(): Promise<IteratorResult<SubscribeToShardEventStream>>;
  /** Closes the HTTP/2 stream, as an application does by aborting the request. */
  close(): void;
}

async function subscribe(
  t: TestContext,
  client: KinesisClient,
  consumerArn: string,
  startingPosition: StartingPosition,
  shard = shardId(0),
): Promise<Subscription> {
  const controller = new AbortController();
  t.after(() => controller.abort());
  const out = await client.send(
    new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: shard, StartingPosition: startingPosition }),
    { abortSignal: controller.signal },
  );
  assert.ok(out.EventStream);
  const iterator = out.EventStream[Symbol.asyncIterator]();
  return {
    next: () => iterator.next(),
    async nextEvent() {
      const result = await iterator.next();
      assert.equal(result.done, false, 'the event stream ended');
      assert.ok(
        result.value.SubscribeToShardEvent,
        `expected a SubscribeToShardEvent, got ${JSON.stringify(result.value)}`,
      );
      return result.value.SubscribeToShardEvent;
    },
    close: () => controller.abort(),
  };
}

/** Reads events until `count` records have come. */
async function nextRecords(subscription: Subscription, count: number): Promise<SubscribeToShardEvent[]> {
  const events: SubscribeToShardEvent[] = [];
  let received = 0;
  while (received < count) {
    const event = await subscription.nextEvent();
    events.push(event);
    received += event.Records?.length ?? 0;
  }
  assert.equal(received, count);
  return events;
}

async function withConsumer(t: TestContext, options: KinesisEngineOptions = QUIET, shards = 1) {
  const harness: Harness = await start(t, options);
  await createStream(harness.client, 'orders', shards);
  const consumerArn = await registerConsumer(harness.client, 'orders', 'audit');
  return { ...harness, consumerArn };
}

describe('stream consumers', () => {
  test('register, describe, list and deregister, going CREATING → ACTIVE → DELETING → gone', async (t) => {
    const clock = manualClock();
    const { client } = await start(t, {
      clock: clock.now,
      registerStreamConsumerDelayMs: 2000,
      deregisterStreamConsumerDelayMs: 3000,
    });
    await createStream(client, 'orders', 1);
    const { Consumer } = await client.send(
      new RegisterStreamConsumerCommand({ StreamARN: streamArn('orders'), ConsumerName: 'audit' }),
    );
    assert.equal(Consumer?.ConsumerName, 'audit');
    assert.equal(Consumer?.ConsumerStatus, 'CREATING');
    assert.match(Consumer?.ConsumerARN ?? '', CONSUMER_ARN);
    assert.equal(Consumer?.ConsumerCreationTimestamp?.getTime(), clock.now());

    const describeByArn = () => client.send(new DescribeStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN }));
    assert.equal((await describeByArn()).ConsumerDescription?.ConsumerStatus, 'CREATING');
    clock.advance(2000);
    const described = await client.send(
      new DescribeStreamConsumerCommand({ StreamARN: streamArn('orders'), ConsumerName: 'audit' }),
    );
    assert.deepEqual(described.ConsumerDescription, {
      ...Consumer,
      ConsumerStatus: 'ACTIVE',
      StreamARN: streamArn('orders'),
    });
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'orders' }));
    assert.equal(summary.StreamDescriptionSummary?.ConsumerCount, 1);

    await client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN }));
    assert.equal((await describeByArn()).ConsumerDescription?.ConsumerStatus, 'DELETING');
    await assert.rejects(client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN })), {
      name: 'ResourceInUseException',
    });
    clock.advance(3000);
    await assert.rejects(describeByArn(), {
      name: 'ResourceNotFoundException',
      message: `Consumer ${Consumer!.ConsumerARN} under account 000000000000 not found.`,
    });
    const listed = await client.send(new ListStreamConsumersCommand({ StreamARN: streamArn('orders') }));
    assert.deepEqual(listed.Consumers, []);

    // Registered again, the same name gets a new ARN.
    clock.advance(1000);
    const again = await registerConsumer(client, 'orders', 'audit');
    assert.notEqual(again, Consumer!.ConsumerARN);
  });

  test('ListStreamConsumers pages in registration order', async (t) => {
    const { client } = await start(t);
    await createStream(client, 'orders', 1);
    const names = ['c', 'a', 'e', 'b', 'd'];
    for (const name of names) await registerConsumer(client, 'orders', name);
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new ListStreamConsumersCommand({ StreamARN: streamArn('orders'), MaxResults: 2, NextToken: nextToken }),
      );
      assert.ok((page.Consumers ?? []).length <= 2);
      seen.push(...(page.Consumers ?? []).map((c) => c.ConsumerName!));
      nextToken = page.NextToken;
    } while (nextToken);
    assert.deepEqual(seen, names);
  });

  test('keeps AWS limits: unique names, 20 per stream, 5 CREATING at once, and valid names', async (t) => {
    const clock = manualClock();
    const { onceClient: client } = await start(t, { clock: clock.now, registerStreamConsumerDelayMs: 1000 });
    await createStream(client, 'orders', 1);
    for (let i = 0; i < 5; i++) await registerConsumer(client, 'orders', `c${i}`);
    await assert.rejects(registerConsumer(client, 'orders', 'c5'), {
      name: 'LimitExceededException',
      message:
        'Account 000000000000 already has 5 consumers in CREATING status; at most 5 can be created at the same time',
    });
    clock.advance(1000);
    for (let i = 5; i < 20; i++) {
      await registerConsumer(client, 'orders', `c${i}`);
      if (i % 5 === 4) clock.advance(1000);
    }
    await assert.rejects(registerConsumer(client, 'orders', 'c20'), {
      name: 'LimitExceededException',
      message:
        'Stream orders under account 000000000000 already has 20 registered consumers; a stream can have at most 20',
    });
    await assert.rejects(registerConsumer(client, 'orders', 'c3'), {
      name: 'ResourceInUseException',
      message: 'Consumer c3 under stream orders already exists for account 000000000000.',
    });
    await assert.rejects(registerConsumer(client, 'orders', 'no spaces'), {
      name: 'ValidationException',
      message:
        "1 validation error detected: Value 'no spaces' at 'consumerName' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+',
    });
    await assert.rejects(registerConsumer(client, 'missing', 'x'), {
      name: 'ResourceNotFoundException',
      message: 'Stream missing under account 000000000000 not found.',
    });
    await assert.rejects(client.send(new DescribeStreamConsumerCommand({ ConsumerName: 'c1' })), {
      name: 'InvalidArgumentException',
      message: 'Either ConsumerARN, or both StreamARN and ConsumerName, must be provided',
    });
    await assert.rejects(client.send(new DescribeStreamConsumerCommand({ ConsumerARN: 'arn:aws:kinesis:x' })), {
      name: 'ValidationException',
      message:
        /^1 validation error detected: Value 'arn:aws:kinesis:x' at 'consumerARN' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    });
  });

  test('DeleteStream refuses a stream with consumers unless EnforceConsumerDeletion is set', async (t) => {
    const { client, consumerArn } = await withConsumer(t);
    await assert.rejects(client.send(new DeleteStreamCommand({ StreamName: 'orders' })), {
      name: 'ResourceInUseException',
      message:
        'Stream orders under account 000000000000 has 1 registered consumers (audit); deregister them first or ' +
        'set EnforceConsumerDeletion',
    });
    await client.send(new DeleteStreamCommand({ StreamName: 'orders', EnforceConsumerDeletion: true }));
    await assert.rejects(client.send(new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn })), {
      name: 'ResourceNotFoundException',
    });
  });
});

describe('SubscribeToShard', () => {
  test('pushes records put after subscribing, as they arrive', WAITS, async (t) => {
    const { client, consumerArn } = await withConsumer(t);
    const subscription = await subscribe(t, client, consumerArn, { Type: 'LATEST' });
    const first = await subscription.nextEvent();
    assert.deepEqual(first.Records, []);
    assert.equal(first.MillisBehindLatest, 0);

    const sequenceNumbers = await putAll(client, 'orders', ['one', 'two', 'three']);
    const events = await nextRecords(subscription, 3);
    const records = events.flatMap((e) => e.Records ?? []);
    assert.deepEqual(texts(records), ['one', 'two', 'three']);
    assert.deepEqual(
      records.map((r) => r.SequenceNumber),
      sequenceNumbers,
    );
    assert.ok(records.every((r) => r.PartitionKey === 'same-key' && r.ApproximateArrivalTimestamp instanceof Date));
    assert.equal(events.at(-1)?.ContinuationSequenceNumber, sequenceNumbers.at(-1));

    await client.send(new PutRecordCommand({ StreamName: 'orders', PartitionKey: 'k', Data: Buffer.from('four') }));
    assert.deepEqual(texts((await nextRecords(subscription, 1)).flatMap((e) => e.Records ?? [])), ['four']);
  });

  test(
    'starts at TRIM_HORIZON, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, AT_TIMESTAMP or LATEST',
    WAITS,
    async (t) => {
      const clock = manualClock();
      const { client, consumerArn } = await withConsumer(t, { ...QUIET, clock: clock.now });
      const early = await putAll(client, 'orders', ['a', 'b']);
      clock.advance(10_000);
      await putAll(client, 'orders', ['c', 'd']);
      const firstRecords = async (position: StartingPosition) => {
        const subscription = await subscribe(t, client, consumerArn, position);
        const event = await subscription.nextEvent();
        subscription.close();
        clock.advance(5000); // past the 5-second takeover rule, whether or not the close has reached the engine yet
        return texts(event.Records ?? []);
      };
      assert.deepEqual(await firstRecords({ Type: 'TRIM_HORIZON' }), ['a', 'b', 'c', 'd']);
      assert.deepEqual(await firstRecords({ Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: early[1] }), ['b', 'c', 'd']);
      assert.deepEqual(await firstRecords({ Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: early[1] }), ['c', 'd']);
      assert.deepEqual(await firstRecords({ Type: 'AT_TIMESTAMP', Timestamp: new Date(clock.now() - 15_000) }), [
        'c',
        'd',
      ]);
      assert.deepEqual(await firstRecords({ Type: 'LATEST' }), []);
    },
  );

  test('a new subscription after ContinuationSequenceNumber resumes without gaps or duplicates', WAITS, async (t) => {
    const clock = manualClock();
    const { client, consumerArn } = await withConsumer(t, { ...QUIET, clock: clock.now });
    const received: string[] = [];
    const sent: string[] = [];

    // On an empty shard the continuation is the number just below the shard's first one.
    let subscription = await subscribe(t, client, consumerArn, { Type: 'TRIM_HORIZON' });
    let continuation = (await subscription.nextEvent()).ContinuationSequenceNumber;
    assert.ok(continuation);
    // A first round of one record makes the continuation the shard's first sequence number, which must not be
    // mistaken for the number before it.
    for (const [round, size] of [1, 2, 3, 1].entries()) {
      subscription.close();
      const batch = Array.from({ length: size }, (_, i) => `r${round}-${i}`);
      sent.push(...batch);
      await putAll(client, 'orders', batch);
      clock.advance(5000);
      subscription = await subscribe(t, client, consumerArn, {
        Type: 'AFTER_SEQUENCE_NUMBER',
        SequenceNumber: continuation,
      });
      const events = await nextRecords(subscription, batch.length);
      received.push(...texts(events.flatMap((e) => e.Records ?? [])));
      continuation = events.at(-1)?.ContinuationSequenceNumber;
    }
    assert.deepEqual(received, sent);
  });

  test('ends after the subscription lifetime, and a new one can follow', WAITS, async (t) => {
    const { client, consumerArn } = await withConsumer(t, { ...QUIET, subscriptionDurationMs: 300 });
    await putAll(client, 'orders', ['x']);
    const subscription = await subscribe(t, client, consumerArn, { Type: 'TRIM_HORIZON' });
    const events: SubscribeToShardEventStream[] = [];
    for (let result = await subscription.next(); !result.done; result = await subscription.next()) {
      events.push(result.value);
    }
    assert.ok(events.length >= 1);
    assert.deepEqual(texts(events[0]!.SubscribeToShardEvent?.Records ?? []), ['x']);
    // The engine released the subscription when it ended, so a new one is not refused.
    const next = await subscribe(t, client, consumerArn, { Type: 'LATEST' });
    assert.ok(await next.nextEvent());
  });

  test('a second subscription within 5 seconds is refused; a later one takes over', WAITS, async (t) => {
    const clock = manualClock();
    const { client, consumerArn } = await withConsumer(t, { ...QUIET, clock: clock.now });
    const first = await subscribe(t, client, consumerArn, { Type: 'LATEST' });
    await first.nextEvent();
    clock.advance(4999);
    await assert.rejects(subscribe(t, client, consumerArn, { Type: 'LATEST' }), {
      name: 'ResourceInUseException',
      message:
        `Another active subscription exists for consumer ${consumerArn} and shard ${shardId(0)}; it started ` +
        '4999 ms ago, and a subscription can be taken over 5000 ms after it started',
    });
    clock.advance(1);
    const second = await subscribe(t, client, consumerArn, { Type: 'LATEST' });
    await assert.rejects(first.next(), {
      name: 'ResourceInUseException',
      message: `Another subscription took over consumer ${consumerArn} and shard ${shardId(0)} 5000 ms after this one started`,
    });
    await putAll(client, 'orders', ['for the second']);
    await second.nextEvent();
    assert.deepEqual(texts((await nextRecords(second, 1)).flatMap((e) => e.Records ?? [])), ['for the second']);
  });

  test(
    "a closed shard's subscription ends with its ChildShards and no ContinuationSequenceNumber",
    WAITS,
    async (t) => {
      const { client, consumerArn } = await withConsumer(t);
      await putAll(client, 'orders', ['before']);
      const subscription = await subscribe(t, client, consumerArn, { Type: 'TRIM_HORIZON' });
      assert.deepEqual(texts((await subscription.nextEvent()).Records ?? []), ['before']);

      await client.send(
        new SplitShardCommand({
          StreamName: 'orders',
          ShardToSplit: shardId(0),
          NewStartingHashKey: (2n ** 127n).toString(),
        }),
      );
      const last = await subscription.nextEvent();
      assert.deepEqual(last.Records, []);
      assert.equal(last.ContinuationSequenceNumber, undefined);
      assert.deepEqual(
        last.ChildShards?.map((c) => [c.ShardId, c.ParentShards]),
        [
          [shardId(1), [shardId(0)]],
          [shardId(2), [shardId(0)]],
        ],
      );
      assert.equal((await subscription.next()).done, true);

      const child = await subscribe(t, client, consumerArn, { Type: 'TRIM_HORIZON' }, shardId(2));
      assert.ok((await child.nextEvent()).ContinuationSequenceNumber);
    },
  );

  test('ends with ResourceNotFoundException when its consumer is deregistered', WAITS, async (t) => {
    const { client, consumerArn } = await withConsumer(t);
    const subscription = await subscribe(t, client, consumerArn, { Type: 'LATEST' });
    await subscription.nextEvent();
    await client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: consumerArn }));
    await assert.rejects(subscription.next(), {
      name: 'ResourceNotFoundException',
      message: `Consumer ${consumerArn} under account 000000000000 not found (it was deregistered).`,
    });
  });

  test('ends with ResourceNotFoundException when its stream is deleted', WAITS, async (t) => {
    const { client, consumerArn } = await withConsumer(t);
    const subscription = await subscribe(t, client, consumerArn, { Type: 'LATEST' });
    await subscription.nextEvent();
    await client.send(new DeleteStreamCommand({ StreamName: 'orders', EnforceConsumerDeletion: true }));
    await assert.rejects(subscription.next(), {
      name: 'ResourceNotFoundException',
      message: 'Stream orders under account 000000000000 not found (it was deleted).',
    });
  });

  test('marks records written while the stream is encrypted', WAITS, async (t) => {
    const { client, consumerArn } = await withConsumer(t);
    await putAll(client, 'orders', ['plain']);
    await client.send(
      new StartStreamEncryptionCommand({ StreamName: 'orders', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }),
    );
    await putAll(client, 'orders', ['secret']);
    const subscription = await subscribe(t, client, consumerArn, { Type: 'TRIM_HORIZON' });
    const { Records } = await subscription.nextEvent();
    assert.deepEqual(
      Records?.map((r) => [Buffer.from(r.Data!).toString(), r.EncryptionType]),
      [
        ['plain', undefined],
        ['secret', 'KMS'],
      ],
    );
  });

  test('sends an event without records after the heartbeat interval on an idle shard', WAITS, async (t) => {
    const { client, consumerArn } = await withConsumer(t, { subscriptionHeartbeatMs: 50 });
    const subscription = await subscribe(t, client, consumerArn, { Type: 'LATEST' });
    const first = await subscription.nextEvent();
    const heartbeat = await subscription.nextEvent();
    assert.deepEqual(heartbeat.Records, []);
    assert.equal(heartbeat.ContinuationSequenceNumber, first.ContinuationSequenceNumber);
  });

  test('answers errors found before the subscription starts as ordinary errors', WAITS, async (t) => {
    const clock = manualClock();
    const { client } = await start(t, { ...QUIET, clock: clock.now, registerStreamConsumerDelayMs: 1000 });
    await createStream(client, 'orders', 1);
    const consumerArn = await registerConsumer(client, 'orders', 'audit');
    const sub = (input: { ConsumerARN?: string; ShardId?: string; StartingPosition?: StartingPosition }) =>
      client.send(
        new SubscribeToShardCommand({
          ConsumerARN: consumerArn,
          ShardId: shardId(0),
          StartingPosition: { Type: 'LATEST' },
          ...input,
        } as never),
      );
    await assert.rejects(sub({}), {
      name: 'ResourceInUseException',
      message: `Consumer ${consumerArn} under account 000000000000 is not ACTIVE, instead in state CREATING`,
    });
    clock.advance(1000);
    await assert.rejects(sub({ ShardId: shardId(3) }), {
      name: 'ResourceNotFoundException',
      message: `Shard ${shardId(3)} in stream orders under account 000000000000 does not exist`,
    });
    await assert.rejects(sub({ ConsumerARN: `${streamArn('orders')}/consumer/other:1700000000` }), {
      name: 'ResourceNotFoundException',
    });
    await assert.rejects(sub({ StartingPosition: { Type: 'AT_SEQUENCE_NUMBER' } }), {
      name: 'InvalidArgumentException',
      message: 'StartingPosition of type AT_SEQUENCE_NUMBER needs a SequenceNumber (got none)',
    });
    await assert.rejects(sub({ StartingPosition: { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: '12345' } }), {
      name: 'InvalidArgumentException',
      message:
        /^SequenceNumber 12345 used in SubscribeToShard on shard shardId-000000000000 in stream orders .* did not come from this stream\.$/,
    });
    await assert.rejects(
      sub({ StartingPosition: { Type: 'AT_TIMESTAMP', Timestamp: new Date(clock.now() + 60_000) } }),
      { name: 'InvalidArgumentException', message: /^StartingPosition Timestamp .* is in the future/ },
    );
    await assert.rejects(sub({ StartingPosition: undefined }), {
      name: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null",
    });
    await assert.rejects(sub({ StartingPosition: { Type: 'OLDEST' as never } }), {
      name: 'ValidationException',
      message: /at 'startingPosition.type' failed to satisfy constraint: Member must satisfy enum value set/,
    });
  });

  test('works in process too: dispatch answers an async iterator of events', WAITS, async (t) => {
    const { engine, client, consumerArn } = await withConsumer(t);
    await putAll(client, 'orders', ['in process']);
    const { EventStream } = await engine.dispatch('SubscribeToShard', {
      ConsumerARN: consumerArn,
      ShardId: shardId(0),
      StartingPosition: { Type: 'TRIM_HORIZON' },
    });
    const first = await EventStream.next();
    assert.ok(!first.done && 'SubscribeToShardEvent' in first.value);
    assert.equal(Buffer.from(first.value.SubscribeToShardEvent.Records[0]!.Data, 'base64').toString(), 'in process');
    await EventStream.return?.();
    assert.equal((await EventStream.next()).done, true);
  });

  test('over HTTP/1.1 too, the body is event-stream messages with valid lengths and checksums', WAITS, async (t) => {
    const { engine, client, consumerArn } = await withConsumer(t, { ...QUIET, subscriptionDurationMs: 200 });
    await putAll(client, 'orders', ['framed']);
    const response = await fetch(engine.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.SubscribeToShard',
      },
      body: JSON.stringify({
        ConsumerARN: consumerArn,
        ShardId: shardId(0),
        StartingPosition: { Type: 'TRIM_HORIZON' },
      }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/vnd.amazon.eventstream');
    const body = Buffer.from(await response.arrayBuffer()); // the subscription ends after 200 ms

    const messages: { headers: Record<string, string>; payload: unknown }[] = [];
    for (let offset = 0; offset < body.length; ) {
      const total = body.readUInt32BE(offset);
      const headersLength = body.readUInt32BE(offset + 4);
      assert.equal(body.readUInt32BE(offset + 8), crc32(body.subarray(offset, offset + 8)), 'prelude CRC');
      assert.equal(
        body.readUInt32BE(offset + total - 4),
        crc32(body.subarray(offset, offset + total - 4)),
        'message CRC',
      );
      const headers: Record<string, string> = {};
      for (let at = offset + 12; at < offset + 12 + headersLength; ) {
        const nameLength = body.readUInt8(at);
        const name = body.toString('utf8', at + 1, at + 1 + nameLength);
        assert.equal(body.readUInt8(at + 1 + nameLength), 7, `header ${name} is a string`);
        const valueLength = body.readUInt16BE(at + 2 + nameLength);
        headers[name] = body.toString('utf8', at + 4 + nameLength, at + 4 + nameLength + valueLength);
        at += 4 + nameLength + valueLength;
      }
      const payload = JSON.parse(body.toString('utf8', offset + 12 + headersLength, offset + total - 4));
      messages.push({ headers, payload });
      offset += total;
    }
    assert.deepEqual(messages[0], {
      headers: { ':message-type': 'event', ':event-type': 'initial-response', ':content-type': 'application/json' },
      payload: {},
    });
    assert.equal(messages[1]?.headers[':event-type'], 'SubscribeToShardEvent');
    const event = messages[1]?.payload as { Records: { Data: string }[] };
    assert.equal(Buffer.from(event.Records[0]!.Data, 'base64').toString(), 'framed');
  });
});
