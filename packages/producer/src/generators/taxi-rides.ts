/**
 * Synthetic New York City taxi rides, in place of the original solution's download of the public NYC trip data (the
 * Kinesis Replay of `taxi-trips-partitioned.json.lz4`): nothing is downloaded, and the rides are consistent enough to
 * compute with. Pickups and dropoffs cluster around busy zones (Midtown, the Financial District, the airports…) inside
 * the city's bounds; the distance follows the coordinates (great-circle distance times a street-grid detour); the
 * duration follows the distance and the traffic of the hour; the fare follows the TLC's metered rate for distance and
 * slow time (or the JFK–Manhattan flat fare), with the usual surcharges, tips for card payments, and tolls.
 *
 * Fields follow the TLC trip records (snake_case, amounts in dollars, distance in miles), plus a `ride_id` (UUID) that
 * is also the partition key and a running `trip_id`. Seedable: the same seed and clock give the same rides.
 */
import { TAXI_FARE, trafficAt } from '@streamkit/core';

/** The fare schedule the rides are metered with (it lives in core, shared with the fare-estimate function). */
export { TAXI_FARE };

import type { IngestRecord } from '../ingest-record.ts';
import { createRandom, randomSeed } from './prng.ts';
import { formatEventTime } from './stock-ticker.ts';

export interface TaxiRide {
  readonly ride_id: string;
  /** Rides numbered from 0 in the order generated (the `tripId` the original's Flink job read). */
  readonly trip_id: number;
  /** 1 or 2, as in the TLC data (two technology providers). */
  readonly vendor_id: number;
  /** UTC, `YYYY-MM-DD HH:mm:ss.SSS`. */
  readonly pickup_datetime: string;
  /** UTC, `YYYY-MM-DD HH:mm:ss.SSS`; the ride is generated when it ends. */
  readonly dropoff_datetime: string;
  readonly passenger_count: number;
  /** Miles. */
  readonly trip_distance: number;
  readonly pickup_longitude: number;
  readonly pickup_latitude: number;
  readonly dropoff_longitude: number;
  readonly dropoff_latitude: number;
  /** The zone names of the two ends, for readable demos. */
  readonly pickup_zone: string;
  readonly dropoff_zone: string;
  /** 1 = standard rate, 2 = JFK flat fare. */
  readonly rate_code_id: 1 | 2;
  /** 1 = credit card, 2 = cash. */
  readonly payment_type: 1 | 2;
  readonly fare_amount: number;
  /** Rush-hour and overnight surcharges. */
  readonly extra: number;
  readonly mta_tax: number;
  readonly improvement_surcharge: number;
  readonly congestion_surcharge: number;
  readonly airport_fee: number;
  readonly tip_amount: number;
  readonly tolls_amount: number;
  readonly total_amount: number;
}

export interface TaxiRidesOptions {
  /** Seed of the random numbers: the same seed and clock give the same rides. @default - a random seed */
  readonly seed?: number;
  /** Clock for the dropoff time, in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

/** The bounding box of New York City's five boroughs. */
export const NYC_BOUNDS = {
  minLatitude: 40.4774,
  maxLatitude: 40.9176,
  minLongitude: -74.2591,
  maxLongitude: -73.7004,
};

interface Zone {
  readonly name: string;
  readonly latitude: number;
  readonly longitude: number;
  /** Spread of points around the center, in degrees of latitude. */
  readonly spread: number;
  /** Relative share of pickups. */
  readonly pickups: number;
  readonly manhattan: boolean;
  readonly airport?: 'JFK' | 'LGA';
}

/** Busy zones with their share of pickups, roughly as in the TLC data (Manhattan dominates). */
const ZONES: readonly Zone[] = [
  { name: 'Midtown', latitude: 40.7549, longitude: -73.984, spread: 0.008, pickups: 24, manhattan: true },
  { name: 'Upper East Side', latitude: 40.7736, longitude: -73.9566, spread: 0.008, pickups: 14, manhattan: true },
  { name: 'Upper West Side', latitude: 40.787, longitude: -73.9754, spread: 0.008, pickups: 10, manhattan: true },
  { name: 'Chelsea', latitude: 40.7465, longitude: -74.0014, spread: 0.006, pickups: 9, manhattan: true },
  { name: 'Greenwich Village', latitude: 40.7336, longitude: -74.0027, spread: 0.006, pickups: 8, manhattan: true },
  { name: 'Financial District', latitude: 40.7075, longitude: -74.0113, spread: 0.005, pickups: 7, manhattan: true },
  { name: 'Harlem', latitude: 40.8116, longitude: -73.9465, spread: 0.008, pickups: 4, manhattan: true },
  { name: 'Downtown Brooklyn', latitude: 40.6928, longitude: -73.9903, spread: 0.007, pickups: 4, manhattan: false },
  { name: 'Williamsburg', latitude: 40.7081, longitude: -73.9571, spread: 0.007, pickups: 4, manhattan: false },
  { name: 'Long Island City', latitude: 40.7447, longitude: -73.9485, spread: 0.006, pickups: 3, manhattan: false },
  { name: 'Astoria', latitude: 40.7644, longitude: -73.9235, spread: 0.007, pickups: 2, manhattan: false },
  {
    name: 'JFK Airport',
    latitude: 40.6413,
    longitude: -73.7781,
    spread: 0.004,
    pickups: 5,
    manhattan: false,
    airport: 'JFK',
  },
  {
    name: 'LaGuardia Airport',
    latitude: 40.7769,
    longitude: -73.874,
    spread: 0.003,
    pickups: 6,
    manhattan: false,
    airport: 'LGA',
  },
];
const TOTAL_PICKUPS = ZONES.reduce((sum, zone) => sum + zone.pickups, 0);
/** Distance over which a destination's pull halves, in kilometres: most rides are short. */
const DESTINATION_HALF_DISTANCE_KM = 3;
/** Destination weights from each zone: the zone's own share, halved every 3 km; never the same airport. */
const DESTINATIONS = new Map(
  ZONES.map((from) => [
    from,
    ZONES.map((to) =>
      to === from && from.airport
        ? 0
        : to.pickups * 0.5 ** (haversineKm(from, to) / DESTINATION_HALF_DISTANCE_KM) * (to === from ? 2 : 1),
    ),
  ]),
);
const DESTINATION_TOTALS = new Map(
  [...DESTINATIONS].map(([from, weights]) => [from, weights.reduce((a, b) => a + b, 0)]),
);

/** Street-grid detour: how much longer the drive is than the great-circle distance. */
const MIN_DETOUR = 1.25;
const MAX_DETOUR = 1.45;
const MILES_PER_KM = 0.621371;
/** Manhattan south of 96th Street, where the congestion surcharge applies. */
const CONGESTION_ZONE_MAX_LATITUDE = 40.7855;

/** An endless sequence of taxi rides, each keyed by its `ride_id`. */
export function taxiRides(options: TaxiRidesOptions = {}): Generator<IngestRecord<TaxiRide>, never, undefined> {
  return rides(createRandom(options.seed ?? randomSeed()), options.now ?? Date.now);
}

function* rides(random: () => number, now: () => number): Generator<IngestRecord<TaxiRide>, never, undefined> {
  const gaussian = () => {
    // Box–Muller, from two uniform numbers.
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const draw = (weights: readonly number[], total: number): Zone => {
    let roll = random() * total;
    for (let i = 0; i < ZONES.length; i++) {
      roll -= weights[i]!;
      if (roll < 0) return ZONES[i]!;
    }
    return ZONES[ZONES.length - 1]!;
  };
  const pickups = ZONES.map((zone) => zone.pickups);
  const pointIn = (zone: Zone) => ({
    latitude: clamp(zone.latitude + gaussian() * zone.spread, NYC_BOUNDS.minLatitude, NYC_BOUNDS.maxLatitude),
    longitude: clamp(
      zone.longitude + (gaussian() * zone.spread) / Math.cos((zone.latitude * Math.PI) / 180),
      NYC_BOUNDS.minLongitude,
      NYC_BOUNDS.maxLongitude,
    ),
  });

  for (let tripId = 0; ; tripId++) {
    const from = draw(pickups, TOTAL_PICKUPS);
    const to = draw(DESTINATIONS.get(from)!, DESTINATION_TOTALS.get(from)!);
    const pickup = pointIn(from);
    const dropoff = pointIn(to);

    const straightMiles = haversineKm(pickup, dropoff) * MILES_PER_KM;
    const tripDistance = round(Math.max(0.1, straightMiles * (MIN_DETOUR + random() * (MAX_DETOUR - MIN_DETOUR))), 2);

    const dropoffAt = now();
    const { rushHour, overnight, mph: baseMph } = trafficAt(dropoffAt);
    const mph = clamp(baseMph * (1 + gaussian() * 0.2), 4, 30);
    const minutes = 1 + random() * 2 + (tripDistance / mph) * 60;
    const durationMs = Math.round(minutes * 60_000);
    // Time the meter counts as slow: what it took beyond covering the distance at the slow-speed threshold.
    const slowMinutes = Math.max(0, minutes - (tripDistance / TAXI_FARE.slowBelowMph) * 60);

    const jfkManhattan = (from.airport === 'JFK' && to.manhattan) || (to.airport === 'JFK' && from.manhattan);
    const rateCode: 1 | 2 = jfkManhattan ? 2 : 1;
    const fare =
      rateCode === 2
        ? TAXI_FARE.jfkFlatFare
        : round(TAXI_FARE.initial + TAXI_FARE.perMile * tripDistance + TAXI_FARE.perSlowMinute * slowMinutes, 2);
    const extra =
      rateCode === 2
        ? rushHour
          ? 5
          : 0
        : rushHour
          ? TAXI_FARE.rushHourExtra
          : overnight
            ? TAXI_FARE.overnightExtra
            : 0;
    const congestion =
      (from.manhattan && pickup.latitude < CONGESTION_ZONE_MAX_LATITUDE) ||
      (to.manhattan && dropoff.latitude < CONGESTION_ZONE_MAX_LATITUDE)
        ? TAXI_FARE.congestionSurcharge
        : 0;
    const airportFee = from.airport ? TAXI_FARE.airportFee : 0;
    // Crossing between Manhattan and Queens or an airport often takes a tolled bridge or tunnel.
    const crossesRiver =
      from.manhattan !== to.manhattan && (from.airport !== undefined || to.airport !== undefined || random() < 0.3);
    const tolls = crossesRiver ? TAXI_FARE.bridgeToll : 0;
    const paymentType: 1 | 2 = random() < 0.72 ? 1 : 2;
    const beforeTip =
      fare + extra + TAXI_FARE.mtaTax + TAXI_FARE.improvementSurcharge + congestion + airportFee + tolls;
    const tip = paymentType === 1 ? round(beforeTip * (0.15 + random() * 0.1), 2) : 0;

    const ride: TaxiRide = {
      ride_id: uuid(random),
      trip_id: tripId,
      vendor_id: random() < 0.35 ? 1 : 2,
      pickup_datetime: formatEventTime(dropoffAt - durationMs),
      dropoff_datetime: formatEventTime(dropoffAt),
      passenger_count: passengers(random()),
      trip_distance: tripDistance,
      pickup_longitude: round(pickup.longitude, 6),
      pickup_latitude: round(pickup.latitude, 6),
      dropoff_longitude: round(dropoff.longitude, 6),
      dropoff_latitude: round(dropoff.latitude, 6),
      pickup_zone: from.name,
      dropoff_zone: to.name,
      rate_code_id: rateCode,
      payment_type: paymentType,
      fare_amount: fare,
      extra,
      mta_tax: TAXI_FARE.mtaTax,
      improvement_surcharge: TAXI_FARE.improvementSurcharge,
      congestion_surcharge: congestion,
      airport_fee: airportFee,
      tip_amount: tip,
      tolls_amount: tolls,
      total_amount: round(beforeTip + tip, 2),
    };
    yield { data: ride, partitionKey: ride.ride_id };
  }
}

/** Great-circle distance in kilometres. */
export function haversineKm(
  a: { latitude: number; longitude: number },
  b: { latitude: number; longitude: number },
): number {
  const radians = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * radians;
  const dLon = (b.longitude - a.longitude) * radians;
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * radians) * Math.cos(b.latitude * radians) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Passengers per ride, weighted like the TLC data: mostly one. */
function passengers(roll: number): number {
  if (roll < 0.7) return 1;
  if (roll < 0.85) return 2;
  if (roll < 0.9) return 3;
  if (roll < 0.93) return 4;
  if (roll < 0.97) return 5;
  return 6;
}

/** A version 4 UUID made of the generator's random numbers, so it is reproducible. */
export function uuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
