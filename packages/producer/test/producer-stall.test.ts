/**
 * A Kinesis endpoint that stops answering: the producer's memory stays within maxBufferedBytes and `addUserRecord`
 * makes its caller wait instead of buffering without limit; once the endpoint answers again, every record is
 * delivered and `flush()` resolves. A real AWS SDK client talks to the local engine through a proxy that can hold
 * requests; the producer's clock is moved by hand, so nothing depends on how fast this machine is.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '@streamkit/core';
import { deaggregateRecord } from '../src/aggregation/deaggregate.ts';
import { KinesisProducer, type UserRecordResult } from '../src/kinesis-producer/kinesis-producer.ts';
import { createStream, readStream, startLocalKinesis } from './support/local-kinesis.ts';
import { ManualClock } from './support/manual-clock.ts';
import { startStallingProxy } from './support/stalling-proxy.ts';

const RECORDS = 4000;
const RECORD_BYTES = 1000;
const MAX_BUFFERED_BYTES = 256 * 1024;

test('a stalled endpoint: memory stays bounded, addUserRecord waits, and everything is delivered on resume', {
  timeout: 60_000,
}, async (t) => {
  const { engine, kinesis: direct } = await startLocalKinesis(t);
  await createStream(direct, 'stall', 2);
  const proxy = await startStallingProxy(t, engine.endpoint);
  const kinesis = new KinesisClient({ endpoint: proxy.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  t.after(() => kinesis.destroy());
  const clock = new ManualClock();
  const producer = new KinesisProducer({
    kinesis,
    streamName: 'stall',
    clock,
    maxBufferedBytes: MAX_BUFFERED_BYTES,
    // Held requests must not time out (in real time) while the test looks at them.
    requestTimeout: 600_000,
  });

  // Warm up while the endpoint answers: the shard map is loaded and one record is delivered.
  const warmUp = producer.addUserRecord({ partitionKey: 'warm-up', data: 'hello' });
  await producer.flush();
  await warmUp;

  proxy.stall();
  const acks: Promise<UserRecordResult>[] = [];
  let added = 0;
  const producing = (async () => {
    for (let i = 0; i < RECORDS; i++) {
      const ack = producer.addUserRecord({
        partitionKey: `device-${i % 50}`,
        data: Buffer.from(`${String(i).padStart(8, '0')}:`.padEnd(RECORD_BYTES, '.')),
      });
      acks.push(ack);
      await ack.buffered;
      added++;
    }
  })();

  // Ten seconds of the producer's time pass with the endpoint silent.
  for (let ms = 0; ms < 10_000; ms += 50) await clock.advance(50);
  const addedWhileStalled = added;
  assert.ok(proxy.held > 0, 'requests reached the endpoint and were held');
  assert.ok(
    addedWhileStalled < RECORDS / 10,
    `the producer took ${addedWhileStalled} of ${RECORDS} records, then made the caller wait`,
  );
  assert.ok(producer.bufferedBytes <= MAX_BUFFERED_BYTES, `${producer.bufferedBytes} bytes buffered`);
  assert.ok(producer.metrics.peakBufferedBytes <= MAX_BUFFERED_BYTES, `peak ${producer.metrics.peakBufferedBytes}`);
  assert.ok(
    producer.bufferedBytes > MAX_BUFFERED_BYTES - 2 * (RECORD_BYTES + 300),
    `the buffer is full (${producer.bufferedBytes} bytes), which is why the caller waits`,
  );
  // Still waiting, however long the silence lasts.
  for (let ms = 0; ms < 5000; ms += 50) await clock.advance(50);
  assert.equal(added, addedWhileStalled, 'no more records taken while the endpoint is silent');
  assert.equal(producer.metrics.userRecordsPut, 1, 'only the warm-up record is acknowledged');

  // The endpoint answers again: the held requests go through, the caller resumes, flush() resolves.
  proxy.resume();
  let finished = false;
  const finishing = producing
    .then(() => producer.flush())
    .then(() => {
      finished = true;
    });
  for (let step = 0; !finished && step < 2000; step++) await clock.advance(50);
  await finishing;
  const results = await Promise.all(acks);
  assert.equal(results.length, RECORDS);
  assert.equal(producer.metrics.userRecordsPut, RECORDS + 1);
  assert.equal(producer.bufferedBytes, 0);
  assert.ok(producer.metrics.peakBufferedBytes <= MAX_BUFFERED_BYTES);

  // Everything is in the stream.
  const stored = (await readStream(direct, 'stall')).flatMap((shard) =>
    shard.records.flatMap((r) =>
      deaggregateRecord({ partitionKey: r.PartitionKey!, sequenceNumber: r.SequenceNumber!, data: r.Data! }),
    ),
  );
  const numbers = new Set(
    stored.filter((u) => u.partitionKey !== 'warm-up').map((u) => Buffer.from(u.data).subarray(0, 8).toString()),
  );
  assert.equal(numbers.size, RECORDS, 'every record delivered');
});
