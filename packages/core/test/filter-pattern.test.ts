import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type FilterPattern,
  kinesisFilterSubject,
  matchesFilters,
  matchesPattern,
  parseFilterPattern,
} from '../src/esm/filter-pattern.ts';

function pattern(p: unknown): FilterPattern {
  const parsed = parseFilterPattern(p);
  assert.ok(parsed.ok, `valid pattern: ${JSON.stringify(parsed)}`);
  return parsed.pattern;
}

const matches = (event: unknown, p: unknown) => matchesPattern(event, pattern(p));

describe('Lambda filter patterns (the syntax table of "Lambda event filtering")', () => {
  const order = {
    status: 'paid',
    region: 'us-east-1',
    file: 'a.png',
    price: 15,
    tags: ['gift', 'rush'],
    note: '',
    coupon: null,
  };

  test('equals and or', () => {
    assert.equal(matches(order, { status: ['paid'] }), true);
    assert.equal(matches(order, { status: ['refunded', 'paid'] }), true);
    assert.equal(matches(order, { status: ['refunded'] }), false);
  });

  test('null and empty', () => {
    assert.equal(matches(order, { coupon: [null] }), true);
    assert.equal(matches(order, { note: [''] }), true);
    assert.equal(matches(order, { status: [null] }), false);
  });

  test('equals ignoring case', () => {
    assert.equal(matches(order, { status: [{ 'equals-ignore-case': 'PAID' }] }), true);
  });

  test('and across fields', () => {
    assert.equal(matches(order, { status: ['paid'], region: ['us-east-1'] }), true);
    assert.equal(matches(order, { status: ['paid'], region: ['eu-west-1'] }), false);
  });

  test('or across fields with $or', () => {
    assert.equal(matches(order, { $or: [{ status: ['refunded'] }, { region: ['us-east-1'] }] }), true);
    assert.equal(matches(order, { $or: [{ status: ['refunded'] }, { region: ['eu-west-1'] }] }), false);
  });

  test('anything-but', () => {
    assert.equal(matches(order, { status: [{ 'anything-but': ['refunded', 'cancelled'] }] }), true);
    assert.equal(matches(order, { status: [{ 'anything-but': 'paid' }] }), false);
  });

  test('numeric equals and ranges', () => {
    assert.equal(matches(order, { price: [{ numeric: ['=', 15] }] }), true);
    assert.equal(matches(order, { price: [{ numeric: ['>', 10, '<=', 20] }] }), true);
    assert.equal(matches(order, { price: [{ numeric: ['>', 15] }] }), false);
    assert.equal(matches(order, { status: [{ numeric: ['>', 0] }] }), false, 'text is never numeric');
  });

  test('exists and does not exist', () => {
    assert.equal(matches(order, { price: [{ exists: true }] }), true);
    assert.equal(matches(order, { discount: [{ exists: false }] }), true);
    assert.equal(matches(order, { price: [{ exists: false }] }), false);
  });

  test('begins with and ends with', () => {
    assert.equal(matches(order, { region: [{ prefix: 'us-' }] }), true);
    assert.equal(matches(order, { file: [{ suffix: '.png' }] }), true);
    assert.equal(matches(order, { file: [{ suffix: '.jpg' }] }), false);
  });

  test('a list in the event matches when any element does', () => {
    assert.equal(matches(order, { tags: ['rush'] }), true);
    assert.equal(matches(order, { tags: ['fragile'] }), false);
  });

  test('nested fields', () => {
    assert.equal(matches({ data: { customer: { tier: 'gold' } } }, { data: { customer: { tier: ['gold'] } } }), true);
    assert.equal(matches({ data: { customer: 'x' } }, { data: { customer: { tier: ['gold'] } } }), false);
  });

  test('filters are OR-ed, and no filters match everything', () => {
    const filters = [pattern({ status: ['refunded'] }), pattern({ price: [{ numeric: ['<', 20] }] })];
    assert.equal(matchesFilters(order, filters), true);
    assert.equal(matchesFilters(order, [filters[0]!]), false);
    assert.equal(matchesFilters(order, []), true);
  });
});

describe('invalid filter patterns are rejected with the place of the problem', () => {
  const cases: [unknown, RegExp][] = [
    ['status', /must be a mapping/],
    [{}, /the pattern is an empty mapping/],
    [{ status: 'paid' }, /status must be a list of values to match, such as \["paid"\]/],
    [{ status: [] }, /status is an empty list/],
    [{ data: { price: [{ numeric: ['>>', 1] }] } }, /data\.price: numeric takes \[operator, number\]/],
    [{ price: [{ between: [1, 2] }] }, /price has an unknown operator "between"/],
    [{ $or: [{ a: ['x'] }] }, /\$or must be a list of at least two mappings/],
    [{ a: [{ prefix: 1 }] }, /a: prefix takes text/],
  ];
  for (const [p, expected] of cases) {
    test(`rejects ${JSON.stringify(p)}`, () => {
      const parsed = parseFilterPattern(p);
      assert.ok(!parsed.ok);
      assert.match(parsed.problem, expected);
    });
  }
});

describe('the subject a Kinesis record is matched against', () => {
  const base = { partitionKey: 'AMZN', sequenceNumber: '1', approximateArrivalTimestamp: 1_700_000_000 };

  test('has the metadata and the JSON data under `data`', () => {
    const subject = kinesisFilterSubject({ ...base, data: Buffer.from('{"price": 181.5}') });
    assert.equal(
      matchesPattern(subject, pattern({ partitionKey: ['AMZN'], data: { price: [{ numeric: ['>', 100] }] } })),
      true,
    );
  });

  test('a record whose data is not JSON matches only metadata filters', () => {
    const subject = kinesisFilterSubject({ ...base, data: Buffer.from('plain text') });
    assert.equal(matchesPattern(subject, pattern({ partitionKey: ['AMZN'] })), true);
    assert.equal(matchesPattern(subject, pattern({ data: { price: [{ exists: true }] } })), false);
  });
});
