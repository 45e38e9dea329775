import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { LIMITS, StreamkitError } from '@streamkit/core';
import { startFirehoseApi } from '../../local/src/firehose/api/server.ts';
import { deliverySettings, lines, objects, testDelivery } from '../../local/test/support/firehose.ts';
import { envelope, firehoseData } from '../src/firehose-forwarder/firehose-record.ts';
import { chunk, forwardToFirehose, type PutRecordBatchResult } from '../src/firehose-forwarder/put-record-batch.ts';
import { kafkaEvent, kafkaRecord, sample } from './kafka-records.ts';

const bytes = (n: number) => new Uint8Array(n);

describe('the Firehose record of a Kafka record', () => {
  test('is a JSON line with its coordinates, key, decoded value and headers', () => {
    const record = sample.records['mytopic-0']![0]!;
    assert.deepEqual(envelope(record), {
      topic: 'mytopic',
      partition: 0,
      offset: 15,
      timestamp: 1545084650987,
      timestampType: 'CREATE_TIME',
      key: Buffer.from('abcDEFghiJKLmnoPQRstuVWXyz1234==', 'base64').toString('utf8'),
      value: 'Hello, this is a test.',
      headers: { headerKey: 'headerValue' },
    });
    const line = Buffer.from(firehoseData(kafkaRecord({ ticker: 'AMZN' }, 4))).toString('utf8');
    assert.ok(line.endsWith('}\n'));
    assert.deepEqual(JSON.parse(line).value, { ticker: 'AMZN' });
  });

  test('a record over Firehose’s 1,000 KiB is refused, naming the record, so the batch fails rather than drops it', () => {
    const big = kafkaRecord('x'.repeat(LIMITS.firehose.recordMaxBytes.value), 9, 2);
    assert.throws(
      () => firehoseData(big),
      (error: unknown) =>
        StreamkitError.is(error) && error.code === 'SK_VALIDATION' && /orders-2@9 is \d+ bytes/.test(error.message),
    );
  });
});

describe('chunk', () => {
  test('splits at 500 records', () => {
    assert.deepEqual(
      chunk(Array.from({ length: 1201 }, () => bytes(1))).map((c) => c.length),
      [500, 500, 201],
    );
  });

  test('splits at 4 MiB', () => {
    const mib = 1024 * 1024;
    assert.deepEqual(
      chunk([bytes(mib), bytes(mib), bytes(mib), bytes(mib - 10), bytes(20), bytes(5)]).map((c) => c.length),
      [4, 2],
    );
  });
});

/**
 * A Firehose that refuses records by a rule, as the real one does under throttling (per-record
 * ServiceUnavailableException); the local Firehose API never refuses single records, so this is how those paths run.
 */
function refusingFirehose(refuse: (data: string, call: number) => boolean) {
  const accepted: string[] = [];
  let calls = 0;
  const put = async (batch: readonly Uint8Array[]): Promise<PutRecordBatchResult> => {
    calls++;
    const responses = batch.map((record) => {
      const data = Buffer.from(record).toString('utf8');
      if (refuse(data, calls)) return { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' };
      accepted.push(data);
      return {};
    });
    return { FailedPutCount: responses.filter((r) => r.ErrorCode).length, RequestResponses: responses };
  };
  return { put, accepted, calls: () => calls };
}

const records = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`r${i}`));

describe('forwardToFirehose', () => {
  test('sends only the refused records again, with growing jittered waits, until all are in', async () => {
    const firehose = refusingFirehose((data, call) => call <= 2 && Number(data.slice(1)) % 3 === 0);
    const waits: number[] = [];
    const result = await forwardToFirehose(records(9), firehose.put, {
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0.5,
    });
    assert.deepEqual(result, { records: 9, calls: 3, resent: 6 });
    assert.deepEqual(firehose.accepted.sort(), records(9).map(String).sort());
    assert.deepEqual(waits, [50, 100]);
  });

  test('throws SK_THROTTLED when records are still refused after the last attempt — it never drops them', async () => {
    const firehose = refusingFirehose((data) => data === 'r4');
    await assert.rejects(
      forwardToFirehose(records(6), firehose.put, { attempts: 3, sleep: async () => {} }),
      (error: unknown) =>
        StreamkitError.is(error) &&
        error.code === 'SK_THROTTLED' &&
        error.retriable &&
        error.message.startsWith('Firehose refused 1 of 6 records after 3 attempts (ServiceUnavailableException'),
    );
    assert.equal(firehose.calls(), 3);
  });

  test('a record without a response entry counts as refused', async () => {
    let calls = 0;
    const result = await forwardToFirehose(
      records(2),
      async () => {
        calls++;
        return calls === 1 ? { FailedPutCount: 1, RequestResponses: [{}] } : { FailedPutCount: 0 };
      },
      { sleep: async () => {} },
    );
    assert.equal(result.resent, 1);
  });

  test('retries calls that fail with a retriable error and rethrows the others at once', async () => {
    let calls = 0;
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const result = await forwardToFirehose(
      records(3),
      async () => {
        calls++;
        if (calls === 1) throw throttled;
        return { FailedPutCount: 0 };
      },
      { sleep: async () => {} },
    );
    assert.deepEqual(result, { records: 3, calls: 2, resent: 3 });

    const missing = Object.assign(new Error('Firehose orders not found'), { name: 'ResourceNotFoundException' });
    let tries = 0;
    await assert.rejects(
      forwardToFirehose(records(3), async () => {
        tries++;
        throw missing;
      }),
      missing,
    );
    assert.equal(tries, 1);
  });
});

describe('the forwarder handler against the local Firehose API (an unmodified AWS SDK v3 FirehoseClient)', () => {
  const direct = testDelivery(deliverySettings('compression: UNCOMPRESSED'), { name: 'orders-delivery' });
  let api: Awaited<ReturnType<typeof startFirehoseApi>>;
  let handler: typeof import('../src/firehose-forwarder/handler.ts').handler;
  const saved = { ...process.env };

  before(async () => {
    api = await startFirehoseApi({ deliveryStreams: [direct.stream] });
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_FIREHOSE: api.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'streamkit-local',
      AWS_SECRET_ACCESS_KEY: 'streamkit-local-secret',
      DELIVERY_STREAM_NAME: 'orders-delivery',
      POWERTOOLS_LOG_LEVEL: 'WARN',
    });
    ({ handler } = await import('../src/firehose-forwarder/handler.ts'));
  });
  after(async () => {
    process.env = saved;
    await api?.close();
  });

  test('every record of a 1,200-record batch over three partitions lands in S3, once, with its coordinates', async () => {
    const batch = [0, 1, 2].flatMap((p) =>
      Array.from({ length: 400 }, (_, i) => kafkaRecord({ ticker: 'AMZN', n: p * 400 + i }, 1000 + i, p)),
    );
    const result = await handler(kafkaEvent(batch));
    assert.deepEqual(result, { records: 1200, calls: 3, resent: 0 });
    await direct.stream.flushAll();
    const delivered = (await objects(direct.store, 'UNCOMPRESSED'))
      .flatMap((o) => lines(o.content))
      .map((l) => JSON.parse(l));
    assert.equal(delivered.length, 1200);
    assert.deepEqual(
      delivered.map((r) => r.value.n).sort((a, b) => a - b),
      Array.from({ length: 1200 }, (_, i) => i),
    );
    assert.deepEqual(
      new Set(delivered.map((r) => `${r.topic}-${r.partition}@${r.offset}`)).size,
      1200,
      'each record is identifiable by its coordinates',
    );
  });

  test('an unknown delivery stream fails the invocation (the event source mapping retries, then keeps the batch)', async () => {
    process.env.DELIVERY_STREAM_NAME = 'no-such-stream';
    try {
      await assert.rejects(handler(kafkaEvent([kafkaRecord('x', 1)])), { name: 'ResourceNotFoundException' });
    } finally {
      process.env.DELIVERY_STREAM_NAME = 'orders-delivery';
    }
  });

  test('an empty batch makes no call', async () => {
    assert.deepEqual(await handler(kafkaEvent([])), { records: 0 });
  });
});

describe('the forwarder when Firehose cannot be reached', () => {
  test('retries, then fails the invocation with SK_THROTTLED rather than returning', async () => {
    // A port nothing listens on: take a free one and close it.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const { FirehoseClient, PutRecordBatchCommand } = await import('@aws-sdk/client-firehose');
    const firehose = new FirehoseClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'streamkit-local', secretAccessKey: 'streamkit-local-secret' },
      maxAttempts: 1,
    });
    try {
      await assert.rejects(
        forwardToFirehose(
          records(2),
          (batch) =>
            firehose.send(
              new PutRecordBatchCommand({ DeliveryStreamName: 'orders', Records: batch.map((Data) => ({ Data })) }),
            ),
          { attempts: 2, sleep: async () => {} },
        ),
        (error: unknown) =>
          StreamkitError.is(error) && error.code === 'SK_THROTTLED' && /refused 2 of 2/.test(error.message),
      );
    } finally {
      firehose.destroy();
    }
  });
});
