/**
 * Property-based fuzzing of the Kafka event path (fast-check, fixed seeds, bounded runs): the event check
 * (`kafkaEventProblem`), the partial batch response reader (`readKafkaBatchResponse`) and the built-in Kafka consumer.
 * Arbitrary and mutated events are either processed — with a response Lambda can follow — or refused as a whole with
 * a message saying where they are malformed; responses are read as success, a partial retry inside the batch, or a
 * failure with a reason. Nothing throws anything else.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type KafkaEvent, kafkaEventProblem, readKafkaBatchResponse } from '@streamkit/core';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';

// The consumer logs every record; the properties below run it thousands of times.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const { handler } = await import('../src/kafka-consumer/handler.ts');

const SEED = 20_261_126;
const context = { functionName: 'fuzz', awsRequestId: 'req', getRemainingTimeInMillis: () => 60_000 } as Context;
const json = fc.jsonValue({ maxDepth: 2 });

/** A record whose coordinates are right, and whose key, value, headers and timestamp are anything at all. */
const record = (topic: string, partition: number, offset: number) =>
  fc.record({
    topic: fc.constant(topic),
    partition: fc.constant(partition),
    offset: fc.constant(offset),
    timestamp: fc.oneof(fc.integer({ min: 0, max: 2 ** 45 }), json),
    timestampType: fc.oneof(fc.constantFrom('CREATE_TIME', 'LOG_APPEND_TIME'), json),
    key: fc.oneof(
      fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b).toString('base64')),
      json,
    ),
    value: fc.oneof(
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v)).toString('base64')),
      fc.uint8Array({ maxLength: 30 }).map((b) => Buffer.from(b).toString('base64')),
      fc.constant(null),
      json,
    ),
    headers: fc.oneof(
      fc.array(
        fc.dictionary(fc.string({ maxLength: 6 }), fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }), {
          maxKeys: 2,
        }),
        { maxLength: 2 },
      ),
      json,
    ),
  });

/** A well-formed event: partitions of two topics, offsets increasing, anything inside each record. */
const wellFormed = fc
  .array(fc.tuple(fc.constantFrom('orders', 'a.b-c_d'), fc.nat({ max: 3 }), fc.integer({ min: 1, max: 4 })), {
    minLength: 1,
    maxLength: 3,
  })
  .chain((partitions) =>
    fc
      .tuple(
        ...partitions.map(([topic, partition, count]) =>
          fc.tuple(...Array.from({ length: count }, (_, i) => record(topic, partition, 100 + i))),
        ),
      )
      .map((lists) => {
        const records: Record<string, unknown[]> = {};
        lists.forEach((list, i) => {
          const [topic, partition] = partitions[i]!;
          records[`${topic}-${partition}`] = list;
        });
        return { eventSource: 'aws:kafka', bootstrapServers: 'b-1:9098', records } as unknown as KafkaEvent;
      }),
  );

/** A well-formed event with one thing broken, or anything at all. */
const malformed = fc.oneof(
  json,
  fc
    .tuple(wellFormed, fc.nat(), fc.constantFrom('topic', 'partition', 'offset'), json)
    .map(([event, pick, field, value]) => {
      const keys = Object.keys(event.records);
      const key = keys[pick % keys.length]!;
      const list = [...event.records[key]!];
      list[0] = { ...list[0]!, [field]: value } as (typeof list)[number];
      return { ...event, records: { ...event.records, [key]: list } };
    }),
  fc.tuple(wellFormed, json).map(([event, records]) => ({ ...event, records })),
);

describe('fuzzing the Kafka event path', () => {
  test('the event check never throws, and accepts every well-formed event', () => {
    fc.assert(
      fc.property(fc.oneof(wellFormed, malformed), (event) => {
        const problem = kafkaEventProblem(event);
        assert.ok(problem === undefined || (typeof problem === 'string' && problem.length > 0));
      }),
      { seed: SEED, numRuns: 800 },
    );
    fc.assert(
      fc.property(wellFormed, (event) => assert.equal(kafkaEventProblem(event), undefined)),
      { seed: SEED, numRuns: 200 },
    );
  });

  test('partial batch responses of any shape are read as success, a retry inside the batch, or a failure', () => {
    const identifier = fc.record(
      {
        partition: fc.oneof(fc.constantFrom('orders-0', 'orders-1', 'a.b-c_d-2', 'x-9'), json),
        offset: fc.oneof(fc.integer({ min: 98, max: 105 }), json),
      },
      { requiredKeys: [] },
    );
    const response = fc.oneof(
      json,
      fc.record({
        batchItemFailures: fc.oneof(
          fc.array(fc.oneof(fc.record({ itemIdentifier: fc.oneof(identifier, json) }), json), { maxLength: 4 }),
          json,
        ),
      }),
    );
    fc.assert(
      fc.property(wellFormed, response, (event, answer) => {
        const result = readKafkaBatchResponse(answer, event);
        if (result.kind === 'failure') assert.ok(result.reason.length > 0);
        if (result.kind === 'partial') {
          for (const [partition, offset] of result.retryFrom) {
            assert.ok(event.records[partition]!.some((r) => r.offset === offset));
          }
        }
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  test('the built-in consumer answers every well-formed event in a way Lambda can follow, and refuses the rest whole', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(wellFormed, malformed), async (event) => {
        const problem = kafkaEventProblem(event);
        if (problem !== undefined) {
          await assert.rejects(handler(event as KafkaEvent, context), {
            name: 'TypeError',
            message: `malformed Kafka event: ${problem}`,
          });
          return;
        }
        const response = await handler(event as KafkaEvent, context);
        assert.notEqual(
          readKafkaBatchResponse(response, event as KafkaEvent).kind,
          'failure',
          JSON.stringify(response),
        );
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
