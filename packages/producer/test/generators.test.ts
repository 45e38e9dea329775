/**
 * The taxi ride and clickstream generators: reproducible from a seed, inside their domain (NYC, a shop), and
 * internally consistent (distance from coordinates, fare from distance and time; sessions that make sense).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StreamkitError } from '@streamkit/core';
import { type ClickEvent, clickstream } from '../src/generators/clickstream.ts';
import { haversineKm, NYC_BOUNDS, TAXI_FARE, type TaxiRide, taxiRides } from '../src/generators/taxi-rides.ts';
import type { IngestRecord } from '../src/ingest-record.ts';

const T0 = Date.UTC(2026, 0, 14, 22, 30, 0); // a Wednesday, 17:30 in New York: evening rush hour

function take<T>(n: number, source: Iterator<IngestRecord<T>>): IngestRecord<T>[] {
  return Array.from({ length: n }, () => source.next().value as IngestRecord<T>);
}

const parseTime = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('taxiRides', () => {
  test('the same seed and clock give the same rides; another seed gives others', () => {
    const clock = () => T0;
    assert.deepEqual(take(300, taxiRides({ seed: 7, now: clock })), take(300, taxiRides({ seed: 7, now: clock })));
    assert.notDeepEqual(take(20, taxiRides({ seed: 7, now: clock })), take(20, taxiRides({ seed: 8, now: clock })));
  });

  test('rides are keyed by a unique ride_id (a UUID) and numbered by trip_id', () => {
    const rides = take(2000, taxiRides({ seed: 1, now: () => T0 }));
    assert.ok(rides.every((r) => r.partitionKey === r.data.ride_id && UUID_V4.test(r.data.ride_id)));
    assert.equal(new Set(rides.map((r) => r.data.ride_id)).size, rides.length);
    assert.deepEqual(
      rides.map((r) => r.data.trip_id),
      rides.map((_, i) => i),
    );
  });

  test('pickups and dropoffs lie within New York City, clustered in busy zones', () => {
    const rides = take(5000, taxiRides({ seed: 2, now: () => T0 })).map((r) => r.data);
    for (const ride of rides) {
      for (const [lat, lon] of [
        [ride.pickup_latitude, ride.pickup_longitude],
        [ride.dropoff_latitude, ride.dropoff_longitude],
      ] as const) {
        assert.ok(lat >= NYC_BOUNDS.minLatitude && lat <= NYC_BOUNDS.maxLatitude, `latitude ${lat}`);
        assert.ok(lon >= NYC_BOUNDS.minLongitude && lon <= NYC_BOUNDS.maxLongitude, `longitude ${lon}`);
      }
    }
    const midtown = rides.filter((r) => r.pickup_zone === 'Midtown').length / rides.length;
    assert.ok(midtown > 0.15 && midtown < 0.35, `${(midtown * 100).toFixed(1)} % of pickups in Midtown`);
    assert.ok(
      rides.some((r) => r.pickup_zone === 'JFK Airport') && rides.some((r) => r.dropoff_zone === 'LaGuardia Airport'),
    );
  });

  test('the distance follows the coordinates: the great-circle distance times a street-grid detour', () => {
    for (const { data: r } of take(3000, taxiRides({ seed: 3, now: () => T0 }))) {
      const straight =
        haversineKm(
          { latitude: r.pickup_latitude, longitude: r.pickup_longitude },
          { latitude: r.dropoff_latitude, longitude: r.dropoff_longitude },
        ) * 0.621371;
      if (r.trip_distance === 0.1) continue; // the shortest ride
      assert.ok(
        r.trip_distance >= straight * 1.25 - 0.01 && r.trip_distance <= straight * 1.45 + 0.01,
        `${r.trip_distance} mi for ${straight.toFixed(3)} mi`,
      );
    }
  });

  test('the duration fits the distance at city speeds, and the ride ends at the clock’s time', () => {
    for (const { data: r } of take(3000, taxiRides({ seed: 4, now: () => T0 }))) {
      assert.equal(parseTime(r.dropoff_datetime), T0);
      const minutes = (parseTime(r.dropoff_datetime) - parseTime(r.pickup_datetime)) / 60_000;
      const mph = r.trip_distance / ((minutes - 3) / 60);
      assert.ok(
        minutes >= 1 && minutes <= 3 + (r.trip_distance / 4) * 60 + 0.01,
        `${minutes} min for ${r.trip_distance} mi`,
      );
      assert.ok(minutes < 3 || mph >= 3.9, `${mph} mph`);
    }
  });

  test('the fare is the metered fare for distance and slow time (or the JFK flat fare), and the total adds up', () => {
    let flat = 0;
    for (const { data: r } of take(5000, taxiRides({ seed: 5, now: () => T0 }))) {
      if (r.rate_code_id === 2) {
        flat++;
        assert.equal(r.fare_amount, TAXI_FARE.jfkFlatFare);
        assert.ok(
          [r.pickup_zone, r.dropoff_zone].includes('JFK Airport'),
          `${r.pickup_zone} → ${r.dropoff_zone} at the flat fare`,
        );
      } else {
        const minutes = (parseTime(r.dropoff_datetime) - parseTime(r.pickup_datetime)) / 60_000;
        const slowMinutes = Math.max(0, minutes - (r.trip_distance / TAXI_FARE.slowBelowMph) * 60);
        const metered = TAXI_FARE.initial + TAXI_FARE.perMile * r.trip_distance + TAXI_FARE.perSlowMinute * slowMinutes;
        assert.ok(Math.abs(r.fare_amount - metered) <= 0.02, `fare ${r.fare_amount}, metered ${metered.toFixed(2)}`);
      }
      const parts = [
        r.fare_amount,
        r.extra,
        r.mta_tax,
        r.improvement_surcharge,
        r.congestion_surcharge,
        r.airport_fee,
        r.tip_amount,
        r.tolls_amount,
      ];
      assert.ok(Math.abs(r.total_amount - parts.reduce((a, b) => a + b, 0)) <= 0.011, `total ${r.total_amount}`);
      assert.ok(r.payment_type === 1 || r.tip_amount === 0, 'cash rides record no tip');
      assert.equal(r.extra, r.rate_code_id === 2 ? 5 : TAXI_FARE.rushHourExtra, 'Wednesday 17:30 is rush hour');
    }
    assert.ok(flat > 0, 'some JFK–Manhattan rides');
  });

  test('longer rides cost more, and slower rides of the same length too', () => {
    const rides = take(5000, taxiRides({ seed: 6, now: () => T0 }))
      .map((r) => r.data)
      .filter((r) => r.rate_code_id === 1);
    const perMile = (rs: TaxiRide[]) => rs.reduce((n, r) => n + r.fare_amount, 0) / rs.length;
    const short = rides.filter((r) => r.trip_distance < 1);
    const long = rides.filter((r) => r.trip_distance > 5);
    assert.ok(short.length > 0 && long.length > 0);
    assert.ok(perMile(long) > perMile(short) * 2);
  });

  test('passenger counts are mostly one, never above six', () => {
    const counts = take(5000, taxiRides({ seed: 9, now: () => T0 })).map((r) => r.data.passenger_count);
    assert.ok(counts.every((c) => c >= 1 && c <= 6));
    const ones = counts.filter((c) => c === 1).length / counts.length;
    assert.ok(ones > 0.6 && ones < 0.8, `${ones}`);
  });
});

describe('clickstream', () => {
  test('the same seed and clock give the same events; another seed gives others', () => {
    const clock = () => T0;
    assert.deepEqual(
      take(500, clickstream({ seed: 11, now: clock })),
      take(500, clickstream({ seed: 11, now: clock })),
    );
    assert.notDeepEqual(
      take(20, clickstream({ seed: 11, now: clock })),
      take(20, clickstream({ seed: 12, now: clock })),
    );
  });

  test('events are keyed by session; sessions interleave and number their events 1, 2, 3…', () => {
    const events = take(5000, clickstream({ seed: 13, concurrentSessions: 20, now: () => T0 }));
    assert.ok(events.every((e) => e.partitionKey === e.data.session_id && UUID_V4.test(e.data.event_id)));
    const bySession = new Map<string, ClickEvent[]>();
    for (const { data } of events) bySession.set(data.session_id, [...(bySession.get(data.session_id) ?? []), data]);
    assert.ok(bySession.size > 100, `${bySession.size} sessions`);
    for (const [id, session] of bySession) {
      assert.deepEqual(
        session.map((e) => e.sequence),
        session.map((_, i) => i + 1),
        id,
      );
      assert.equal(new Set(session.map((e) => e.user_agent)).size, 1, 'one user agent per session');
      assert.equal(new Set(session.map((e) => e.ip_address)).size, 1);
      assert.equal(new Set(session.map((e) => e.user_id)).size, 1);
    }
    // Interleaved: the events of the first few sessions are not contiguous.
    const first = events[0]!.data.session_id;
    const positions = events.flatMap((e, i) => (e.data.session_id === first ? [i] : []));
    assert.ok(positions.length > 1 && positions.at(-1)! - positions[0]! > positions.length);
  });

  test('a session arrives from an outside referrer (or directly), then each page refers to the previous one', () => {
    const events = take(5000, clickstream({ seed: 14, now: () => T0 })).map((e) => e.data);
    const previous = new Map<string, ClickEvent>();
    let direct = 0;
    for (const event of events) {
      const before = previous.get(event.session_id);
      if (before === undefined) {
        assert.equal(event.sequence, 1);
        if (event.referrer === null) direct++;
        else assert.ok(!event.referrer.startsWith('https://shop.example.com'), event.referrer);
      } else {
        assert.equal(event.referrer, `https://shop.example.com${before.page}`);
      }
      previous.set(event.session_id, event);
    }
    assert.ok(direct > 0);
  });

  test('carts, checkouts and purchases make sense: a purchase follows a checkout of a non-empty cart', () => {
    const events = take(20_000, clickstream({ seed: 15, now: () => T0 })).map((e) => e.data);
    const purchases = events.filter((e) => e.event_type === 'purchase');
    assert.ok(purchases.length > 10, `${purchases.length} purchases`);
    const bySession = new Map<string, ClickEvent[]>();
    for (const e of events) bySession.set(e.session_id, [...(bySession.get(e.session_id) ?? []), e]);
    for (const purchase of purchases) {
      const session = bySession.get(purchase.session_id)!;
      const index = session.indexOf(purchase);
      assert.equal(session[index - 1]?.event_type, 'checkout');
      assert.ok(session.slice(0, index).some((e) => e.event_type === 'add_to_cart'));
      assert.ok(purchase.cart_value! > 0);
      assert.equal(index, session.length - 1, 'the visitor leaves after buying');
    }
    for (const e of events) {
      if (e.event_type === 'add_to_cart') assert.equal(e.page, `/product/${e.product_id}`);
      if (e.device_type === 'bot') assert.equal(e.event_type, 'page_view');
      assert.match(e.ip_address, /^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+$/);
    }
  });

  test('refuses a number of sessions outside its range', () => {
    assert.throws(
      () => clickstream({ concurrentSessions: 0 }),
      (error: unknown) =>
        StreamkitError.is(error) && error.code === 'SK_VALIDATION' && /concurrentSessions/.test(error.message),
    );
  });
});
