import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StreamkitError, TAXI_FARE } from '@streamkit/core';
import { taxiRides } from '@streamkit/producer';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { estimateFare } from '../src/fare-estimate/estimate-fare.ts';
import { handler } from '../src/fare-estimate/handler.ts';
import { BUILTIN_HANDLERS } from '../src/index.ts';

// Wednesday 2026-01-28; New York is UTC−5.
const MIDDAY = '2026-01-28 17:00:00.000'; // 12:00 in New York: 11 mph
const RUSH = '2026-01-28 22:30:00.000'; // 17:30: rush hour, 8 mph
const NIGHT = '2026-01-29 07:00:00.000'; // 02:00: overnight, 17 mph
const SATURDAY_EVENING = '2026-01-31 22:30:00.000'; // 17:30 on a Saturday: no rush-hour surcharge

const ride = (overrides: Record<string, unknown> = {}) => ({
  ride_id: 'r-1',
  trip_id: 7,
  pickup_datetime: MIDDAY,
  passenger_count: 1,
  trip_distance: 2,
  ...overrides,
});

describe('estimateFare', () => {
  test('a 2-mile ride at noon: 2 kerb minutes + 2 miles at 11 mph, charged per mile and for the minutes below 12 mph', () => {
    const minutes = 2 + (2 / 11) * 60;
    const slow = minutes - (2 / 12) * 60;
    const fare = TAXI_FARE.initial + TAXI_FARE.perMile * 2 + TAXI_FARE.perSlowMinute * slow;
    const estimate = estimateFare(ride());
    assert.equal(estimate.expected_fare, Math.round(fare * 100) / 100);
    assert.equal(
      estimate.expected_total,
      Math.round((fare + TAXI_FARE.mtaTax + TAXI_FARE.improvementSurcharge) * 100) / 100,
    );
    assert.equal(estimate.expected_minutes, Math.round(minutes * 10) / 10);
    assert.equal(estimate.ride_id, 'r-1');
    assert.equal(estimate.trip_id, 7);
    assert.equal(estimate.currency, 'USD');
  });

  test('the same ride always gets the same estimate', () => {
    assert.deepEqual(estimateFare(ride({ trip_distance: 5.3 })), estimateFare(ride({ trip_distance: 5.3 })));
  });

  test('longer rides cost more', () => {
    const fares = [0.5, 1, 3, 10, 20].map((d) => estimateFare(ride({ trip_distance: d })).expected_fare);
    assert.deepEqual(
      [...fares].sort((a, b) => a - b),
      fares,
    );
    assert.ok(new Set(fares).size === fares.length);
  });

  test('rush hour is slower and carries its surcharge; overnight is faster and carries the overnight one', () => {
    const noon = estimateFare(ride());
    const rush = estimateFare(ride({ pickup_datetime: RUSH }));
    const night = estimateFare(ride({ pickup_datetime: NIGHT }));
    assert.ok(rush.expected_fare > noon.expected_fare, 'slow traffic adds metered minutes');
    assert.ok(night.expected_fare < noon.expected_fare, 'fast traffic is charged by distance only');
    assert.equal(
      Math.round((rush.expected_total - rush.expected_fare) * 100) / 100,
      TAXI_FARE.rushHourExtra + TAXI_FARE.mtaTax + TAXI_FARE.improvementSurcharge,
    );
    assert.equal(
      Math.round((night.expected_total - night.expected_fare) * 100) / 100,
      TAXI_FARE.overnightExtra + TAXI_FARE.mtaTax + TAXI_FARE.improvementSurcharge,
    );
  });

  test('no rush-hour surcharge at the weekend', () => {
    const saturday = estimateFare(ride({ pickup_datetime: SATURDAY_EVENING }));
    assert.equal(
      Math.round((saturday.expected_total - saturday.expected_fare) * 100) / 100,
      TAXI_FARE.mtaTax + TAXI_FARE.improvementSurcharge,
    );
  });

  test('each passenger beyond the first adds half a minute at the kerb', () => {
    const one = estimateFare(ride({ passenger_count: 1 }));
    const five = estimateFare(ride({ passenger_count: 5 }));
    assert.equal(Math.round((five.expected_minutes - one.expected_minutes) * 10) / 10, 2);
    assert.equal(five.expected_fare, Math.round((one.expected_fare + 2 * TAXI_FARE.perSlowMinute) * 100) / 100);
  });

  test('the estimates meet the producer’s metered fares: half of 5000 seeded rides within 10 %, nine in ten within 30 %', () => {
    let now = Date.UTC(2026, 0, 26);
    const rides = taxiRides({ seed: 42, now: () => (now += 47_000) });
    const errors: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const { data } = rides.next().value;
      if (data.rate_code_id !== 1) continue; // the JFK flat fare is not metered
      errors.push(Math.abs(estimateFare(data).expected_fare - data.fare_amount) / data.fare_amount);
    }
    errors.sort((a, b) => a - b);
    assert.ok(errors[Math.floor(errors.length / 2)]! < 0.1, `median error ${errors[Math.floor(errors.length / 2)]}`);
    assert.ok(
      errors[Math.floor(errors.length * 0.9)]! < 0.3,
      `90th percentile ${errors[Math.floor(errors.length * 0.9)]}`,
    );
  });

  test('ISO-8601 pickup times are read too', () => {
    assert.deepEqual(estimateFare(ride({ pickup_datetime: '2026-01-28T17:00:00Z' })), estimateFare(ride()));
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ['no distance', { trip_distance: undefined }, 'trip_distance is required: a number of miles (got nothing)'],
    ['a distance as text', { trip_distance: '2' }, 'trip_distance is required: a number of miles (got "2")'],
    ['a negative distance', { trip_distance: -1 }, 'trip_distance must be between 0 and 200 miles (got -1)'],
    ['no passengers', { passenger_count: 0 }, 'passenger_count must be between 1 and 9 (got 0)'],
    [
      'half a passenger',
      { passenger_count: 1.5 },
      'passenger_count is required: a whole number of passengers (got 1.5)',
    ],
    [
      'no pickup time',
      { pickup_datetime: undefined },
      'pickup_datetime is required: a UTC date-time such as "2026-01-31 12:00:00.000" (got nothing)',
    ],
    [
      'a pickup time that is not one',
      { pickup_datetime: 'yesterday' },
      'pickup_datetime must be a UTC date-time such as "2026-01-31 12:00:00.000" (got "yesterday")',
    ],
  ];
  for (const [what, overrides, message] of invalid) {
    test(`rejects ${what}`, () => {
      assert.throws(
        () => estimateFare(ride(overrides) as never),
        (error: unknown) =>
          error instanceof StreamkitError && error.code === 'SK_VALIDATION' && error.message === message,
      );
    });
  }
});

describe('the fare API handler (API Gateway Lambda proxy integration)', () => {
  const context = { functionName: 'fare', awsRequestId: 'req-1' } as Context;
  const event = (body: string | null, isBase64Encoded = false) =>
    ({
      httpMethod: 'POST',
      path: '/fare-estimate',
      body,
      isBase64Encoded,
      headers: {},
    }) as unknown as APIGatewayProxyEvent;

  test('answers 200 with the estimate as JSON', async () => {
    const result = await handler(event(JSON.stringify(ride())), context);
    assert.equal(result.statusCode, 200);
    assert.equal(result.headers?.['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(result.body), estimateFare(ride()));
  });

  test('reads base64-encoded bodies', async () => {
    const result = await handler(event(Buffer.from(JSON.stringify(ride())).toString('base64'), true), context);
    assert.deepEqual(JSON.parse(result.body), estimateFare(ride()));
  });

  test('answers 400 to a body that is not JSON, or not a ride, naming the field', async () => {
    const notJson = await handler(event('{"trip'), context);
    assert.equal(notJson.statusCode, 400);
    assert.match(JSON.parse(notJson.body).message, /must be a JSON object/);
    const empty = await handler(event(null), context);
    assert.equal(empty.statusCode, 400);
    const list = await handler(event('[1]'), context);
    assert.equal(list.statusCode, 400);
    assert.equal(JSON.parse(list.body).message, '(body) must be a JSON object describing a ride (got a list)');
    const bad = await handler(event(JSON.stringify(ride({ passenger_count: 12 }))), context);
    assert.equal(bad.statusCode, 400);
    assert.equal(JSON.parse(bad.body).message, 'passenger_count must be between 1 and 9 (got 12)');
  });

  test('is registered as a built-in handler', () => {
    assert.match(BUILTIN_HANDLERS.fareEstimate, /fare-estimate\/handler\.ts$/);
  });
});
