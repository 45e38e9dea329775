import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type KafkaBatchResponse, readKafkaBatchResponse } from '@streamkit/core';
import type { Context } from 'aws-lambda';
import { processKafkaRecords } from '../src/kafka/partial-batch.ts';
import { handler } from '../src/kafka-consumer/handler.ts';
import { decodeKafkaRecord, processKafkaRecord } from '../src/kafka-consumer/process-record.ts';
import { kafkaEvent, kafkaRecord, sample } from './kafka-records.ts';

const context = { functionName: 'test', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 60_000 } as Context;

describe('decodeKafkaRecord', () => {
  test('decodes the AWS sample record as Powertools gives it: text value, key and headers', async () => {
    let seen: unknown;
    const { kafkaConsumer } = await import('@aws-lambda-powertools/kafka');
    await kafkaConsumer(async (event) => {
      seen = decodeKafkaRecord(event.records[0] as never);
    })(sample as never, context);
    const decoded = seen as ReturnType<typeof decodeKafkaRecord>;
    assert.equal(decoded.text, 'Hello, this is a test.');
    assert.equal(decoded.json, undefined);
    assert.equal(decoded.topic, 'mytopic');
    assert.equal(decoded.offset, 15);
    assert.equal(decoded.timestamp.toISOString(), '2018-12-17T22:10:50.987Z');
    assert.deepEqual(decoded.headers, { headerKey: 'headerValue' });
  });

  test('parses JSON values and keeps tombstones (no value) as undefined', () => {
    const json = decodeKafkaRecord({ topic: 't', partition: 0, offset: 1, timestamp: 0, value: '{"price":1.5}' });
    assert.deepEqual(json.json, { price: 1.5 });
    const tombstone = decodeKafkaRecord({ topic: 't', partition: 0, offset: 2, timestamp: 0, value: null });
    assert.equal(tombstone.text, undefined);
  });

  test('throws on a record without its offset', () => {
    assert.throws(
      () => decodeKafkaRecord({ topic: 't', partition: 0, timestamp: 0, value: 'x' } as never),
      /malformed/,
    );
  });

  test('processKafkaRecord logs the decoded record', () => {
    const logged: Record<string, unknown>[] = [];
    processKafkaRecord(
      { topic: 't', partition: 2, offset: 7, timestamp: 0, key: 'k', value: '{"a":1}' },
      { info: (_m, extra) => logged.push(extra) },
    );
    assert.deepEqual(logged, [
      { topic: 't', partition: 2, offset: 7, timestamp: '1970-01-01T00:00:00.000Z', key: 'k', data: { a: 1 } },
    ]);
  });
});

describe('processKafkaRecords (partial batch responses)', () => {
  const records = [
    ...[0, 1, 2, 3].map((o) => ({ topic: 'orders', partition: 0, offset: o })),
    ...[10, 11, 12].map((o) => ({ topic: 'orders', partition: 1, offset: o })),
  ];

  test('reports, per partition, the first failed record and leaves the rest of that partition alone', async () => {
    const handled: string[] = [];
    const response = await processKafkaRecords(records, (r) => {
      handled.push(`${r.partition}@${r.offset}`);
      if (r.offset === 1 || r.offset === 11) throw new Error('poison');
    });
    assert.deepEqual(handled, ['0@0', '0@1', '1@10', '1@11']);
    assert.deepEqual(response, {
      batchItemFailures: [
        { itemIdentifier: { partition: 'orders-0', offset: 1 } },
        { itemIdentifier: { partition: 'orders-1', offset: 11 } },
      ],
    });
  });

  test('answers an empty list when every record succeeds', async () => {
    assert.deepEqual(await processKafkaRecords(records, () => {}), { batchItemFailures: [] });
  });

  test('its answers read as Lambda reads them: resume each partition at its failed offset', async () => {
    const event = kafkaEvent([0, 1, 2].map((o) => kafkaRecord({ n: o }, o)));
    const response = await processKafkaRecords(Object.values(event.records).flat(), (r) => {
      if (r.offset === 1) throw new Error('poison');
    });
    const read = readKafkaBatchResponse(response, event);
    assert.equal(read.kind, 'partial');
    assert.deepEqual([...(read.kind === 'partial' ? read.retryFrom : [])], [['orders-0', 1]]);
  });
});

describe('readKafkaBatchResponse', () => {
  const event = kafkaEvent([kafkaRecord('a', 5), kafkaRecord('b', 6)]);
  const read = (response: unknown) => readKafkaBatchResponse(response, event).kind;

  test('nothing, null, an empty object or an empty list is success', () => {
    for (const response of [undefined, null, {}, { batchItemFailures: [] }, { batchItemFailures: null }]) {
      assert.equal(read(response), 'success');
    }
  });

  test('an identifier of another partition, an offset not in the batch or a string identifier fails the batch', () => {
    assert.equal(read({ batchItemFailures: [{ itemIdentifier: { partition: 'orders-9', offset: 5 } }] }), 'failure');
    assert.equal(read({ batchItemFailures: [{ itemIdentifier: { partition: 'orders-0', offset: 7 } }] }), 'failure');
    assert.equal(read({ batchItemFailures: [{ itemIdentifier: '5' }] }), 'failure');
    assert.equal(read({ batchItemFailures: 'all' }), 'failure');
  });

  test('several failures of a partition resume at the lowest', () => {
    const response: KafkaBatchResponse = {
      batchItemFailures: [
        { itemIdentifier: { partition: 'orders-0', offset: 6 } },
        { itemIdentifier: { partition: 'orders-0', offset: 5 } },
      ],
    };
    const result = readKafkaBatchResponse(response, event);
    assert.deepEqual(result.kind === 'partial' && [...result.retryFrom], [['orders-0', 5]]);
  });
});

describe('the built-in Kafka consumer handler', () => {
  test('processes the AWS sample event with no failures', async () => {
    assert.deepEqual(await handler(sample, context), { batchItemFailures: [] });
  });

  test('a record that cannot be named in a partial batch response fails the batch, saying where', async () => {
    // An identifier with offset "zero" would fail the whole batch anyway (Lambda refuses it, see readKafkaBatchResponse):
    // the handler says so up front, before processing anything twice.
    const good = kafkaRecord({ n: 1 }, 3, 1);
    const bad = { ...kafkaRecord({ n: 0 }, 0, 0), offset: 'zero' as unknown as number };
    await assert.rejects(handler(kafkaEvent([bad, good]), context), {
      name: 'TypeError',
      message:
        /^malformed Kafka event: records\["orders-0"\]\[0\]\.offset must be a whole number of at least 0 \(got "zero"\)$/,
    });
  });

  test('a record whose value is not text fails alone; the other partition is processed', async () => {
    const good = kafkaRecord({ n: 1 }, 3, 1);
    const bad = { ...kafkaRecord({ n: 0 }, 0, 0), value: 5 as unknown as string };
    const response = await handler(kafkaEvent([bad, good]), context);
    assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: { partition: 'orders-0', offset: 0 } }] });
  });
});
