/**
 * Bad-input catalogue: the Kafka event path into functions. Malformed events to the built-in Kafka consumer (which
 * fails the batch with a message naming the place, so Lambda retries it and nothing is dropped), and malformed
 * partial batch responses as Lambda reads them (`readKafkaBatchResponse`: anything it cannot follow fails the batch,
 * with the reason).
 */
import { describe } from 'node:test';
import { type KafkaEvent, readKafkaBatchResponse } from '@streamkit/core';
import type { Context } from 'aws-lambda';
import { type BadInput, catalogue, type Observed } from '../../core/test/support/bad-input.ts';
import { handler } from '../src/kafka-consumer/handler.ts';
import { kafkaEvent, kafkaRecord } from './kafka-records.ts';

const context = { functionName: 'test', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 60_000 } as Context;
const good = kafkaRecord({ n: 1 }, 4);
const base = { eventSource: 'aws:kafka', bootstrapServers: 'b-1:9098' };
const malformed = (message: RegExp) => ({ code: 'TypeError', message });

const eventRows: BadInput<unknown>[] = [
  {
    name: 'an event that is null',
    input: null,
    expect: malformed(/^malformed Kafka event: the event must be an object \(got null\)$/),
  },
  { name: 'an event that is a list', input: [good], expect: malformed(/the event must be an object \(got a list\)$/) },
  {
    name: 'an event without records',
    input: base,
    expect: malformed(/records must be a mapping of "<topic>-<partition>" to lists of records \(got undefined\)$/),
  },
  {
    name: 'records as a list',
    input: { ...base, records: [good] },
    expect: malformed(/records must be a mapping .* \(got a list\)$/),
  },
  {
    name: 'records as text',
    input: { ...base, records: 'orders-0' },
    expect: malformed(/records must be a mapping .* \(got "orders-0"\)$/),
  },
  {
    name: 'a partition that is one record, not a list',
    input: { ...base, records: { 'orders-0': good } },
    expect: malformed(/records\["orders-0"\] must be a list of records \(got an object\)$/),
  },
  {
    name: 'a record that is null',
    input: { ...base, records: { 'orders-0': [good, null] } },
    expect: malformed(/records\["orders-0"\]\[1\] must be a record object \(got null\)$/),
  },
  {
    name: 'a record without a topic',
    input: { ...base, records: { 'orders-0': [{ ...good, topic: undefined }] } },
    expect: malformed(/records\["orders-0"\]\[0\]\.topic must be a topic name \(got undefined\)$/),
  },
  {
    name: 'a record with a negative partition',
    input: { ...base, records: { 'orders--1': [{ ...good, partition: -1 }] } },
    expect: malformed(/records\["orders--1"\]\[0\]\.partition must be a whole number of at least 0 \(got -1\)$/),
  },
  {
    name: 'a record with a fractional offset',
    input: { ...base, records: { 'orders-0': [{ ...good, offset: 1.5 }] } },
    expect: malformed(/records\["orders-0"\]\[0\]\.offset must be a whole number of at least 0 \(got 1.5\)$/),
  },
  {
    name: 'a record with its offset as text',
    input: { ...base, records: { 'orders-0': [{ ...good, offset: '4' }] } },
    expect: malformed(/\.offset must be a whole number of at least 0 \(got "4"\)$/),
  },
  {
    name: 'a record listed under another partition',
    input: { ...base, records: { 'orders-1': [good] } },
    expect: malformed(
      /records\["orders-1"\]\[0\] is of orders-0, not of the partition it is listed under \(orders-1\)$/,
    ),
  },
];

describe('bad input: Kafka events to the built-in Kafka consumer', () => {
  catalogue(eventRows, async (event): Promise<Observed> => {
    try {
      await handler(event as KafkaEvent, context);
    } catch (error) {
      return { code: (error as Error).name, message: (error as Error).message };
    }
    return { code: 'accepted', message: '' };
  });
});

const batch = kafkaEvent([
  kafkaRecord({ n: 0 }, 7),
  kafkaRecord({ n: 1 }, 8),
  kafkaRecord({ n: 2 }, 3, 1),
]) as KafkaEvent;
const failed = (message: RegExp) => ({ code: 'failure', message });

const responseRows: BadInput<unknown>[] = [
  {
    name: 'batchItemFailures as an object',
    input: { batchItemFailures: { partition: 'orders-0', offset: 7 } },
    expect: failed(/^batchItemFailures is not a list$/),
  },
  {
    name: 'batchItemFailures as text',
    input: { batchItemFailures: 'orders-0' },
    expect: failed(/^batchItemFailures is not a list$/),
  },
  {
    name: 'a failure without itemIdentifier',
    input: { batchItemFailures: [{ partition: 'orders-0', offset: 7 }] },
    expect: failed(/^an itemIdentifier is missing$/),
  },
  {
    name: 'a failure that is null',
    input: { batchItemFailures: [null] },
    expect: failed(/^an itemIdentifier is missing$/),
  },
  {
    name: 'an itemIdentifier that is a string (the Kinesis shape)',
    input: { batchItemFailures: [{ itemIdentifier: '7' }] },
    expect: failed(/^an itemIdentifier is missing$/),
  },
  {
    name: 'a partition not in the batch',
    input: { batchItemFailures: [{ itemIdentifier: { partition: 'orders-9', offset: 7 } }] },
    expect: failed(/^itemIdentifier.partition "orders-9" is not in the batch$/),
  },
  {
    name: 'a partition named by its number only',
    input: { batchItemFailures: [{ itemIdentifier: { partition: 0, offset: 7 } }] },
    expect: failed(/^itemIdentifier.partition 0 is not in the batch$/),
  },
  {
    name: 'an offset not in the partition',
    input: { batchItemFailures: [{ itemIdentifier: { partition: 'orders-0', offset: 3 } }] },
    expect: failed(/^itemIdentifier.offset 3 is not in orders-0$/),
  },
  {
    name: 'an offset as text',
    input: { batchItemFailures: [{ itemIdentifier: { partition: 'orders-0', offset: '7' } }] },
    expect: failed(/^itemIdentifier.offset "7" is not in orders-0$/),
  },
  {
    name: 'one good identifier and one bad',
    input: {
      batchItemFailures: [
        { itemIdentifier: { partition: 'orders-0', offset: 8 } },
        { itemIdentifier: { partition: 'orders-1' } },
      ],
    },
    expect: failed(/^itemIdentifier.offset undefined is not in orders-1$/),
  },
];

describe('bad input: Kafka partial batch responses, as Lambda reads them', () => {
  catalogue(responseRows, (response): Observed => {
    const result = readKafkaBatchResponse(response, batch);
    return { code: result.kind, message: result.kind === 'failure' ? result.reason : '' };
  });
});
