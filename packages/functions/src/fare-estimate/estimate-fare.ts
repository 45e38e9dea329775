/**
 * The fare estimate of kinesis-flink-apigw's enrichment endpoint: what the meter will likely show for a ride, from its
 * distance, the traffic at its pickup time and its passengers. Pure and deterministic — the same ride always gets the
 * same estimate — and built on the fare schedule the producer meters its synthetic rides with, so the estimate and
 * the ride's `fare_amount` can be compared.
 *
 * The meter charges per mile while the cab moves faster than 12 mph and per minute below; so the estimate is the
 * distance charge plus the minutes the ride is expected to spend below that speed at the traffic's typical speed,
 * plus time at the kerb: two minutes, and half a minute more for each passenger beyond the first.
 */
import { FARE_LIMITS, type FareRequest, StreamkitError, TAXI_FARE, trafficAt } from '@streamkit/core';

export interface FareEstimate {
  readonly ride_id?: string;
  readonly trip_id?: number;
  /** Metered fare: initial charge, distance and slow time, in dollars. */
  readonly expected_fare: number;
  /** With the time-of-day surcharge, the MTA tax and the improvement surcharge (no tolls, tips or airport fees). */
  readonly expected_total: number;
  readonly expected_minutes: number;
  readonly currency: 'USD';
}

const KERB_MINUTES = 2;
const KERB_MINUTES_PER_EXTRA_PASSENGER = 0.5;

/** The estimate for one ride; SK_VALIDATION naming the field when the ride is not one. */
export function estimateFare(ride: FareRequest): FareEstimate {
  const checked = checkRide(ride);
  const traffic = trafficAt(checked.pickupMs);
  const distance = checked.trip_distance;
  const minutes =
    KERB_MINUTES + KERB_MINUTES_PER_EXTRA_PASSENGER * (checked.passenger_count - 1) + (distance / traffic.mph) * 60;
  const slowMinutes = Math.max(0, minutes - (distance / TAXI_FARE.slowBelowMph) * 60);
  const fare = TAXI_FARE.initial + TAXI_FARE.perMile * distance + TAXI_FARE.perSlowMinute * slowMinutes;
  const extra = traffic.rushHour ? TAXI_FARE.rushHourExtra : traffic.overnight ? TAXI_FARE.overnightExtra : 0;
  return {
    ...(ride.ride_id !== undefined && { ride_id: ride.ride_id }),
    ...(ride.trip_id !== undefined && { trip_id: ride.trip_id }),
    expected_fare: cents(fare),
    expected_total: cents(fare + extra + TAXI_FARE.mtaTax + TAXI_FARE.improvementSurcharge),
    expected_minutes: Math.round(minutes * 10) / 10,
    currency: 'USD',
  };
}

/** `2026-01-31 12:00:00.000` (the producer's UTC form) or any ISO-8601 date-time. */
const PRODUCER_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)$/;

function checkRide(ride: unknown): FareRequest & { pickupMs: number } {
  const fail = (path: string, message: string): never => {
    throw new StreamkitError('SK_VALIDATION', `${path} ${message}`, { path });
  };
  if (typeof ride !== 'object' || ride === null || Array.isArray(ride)) {
    return fail('(body)', `must be a JSON object describing a ride (got ${describe(ride)})`);
  }
  const r = ride as Record<string, unknown>;
  const { passengerCount, tripDistance } = FARE_LIMITS;
  if (typeof r.trip_distance !== 'number' || !Number.isFinite(r.trip_distance)) {
    fail('trip_distance', `is required: a number of miles (got ${describe(r.trip_distance)})`);
  }
  const distance = r.trip_distance as number;
  if (distance < tripDistance.min || distance > tripDistance.max) {
    fail('trip_distance', `must be between ${tripDistance.min} and ${tripDistance.max} miles (got ${distance})`);
  }
  if (typeof r.passenger_count !== 'number' || !Number.isInteger(r.passenger_count)) {
    fail('passenger_count', `is required: a whole number of passengers (got ${describe(r.passenger_count)})`);
  }
  const passengers = r.passenger_count as number;
  if (passengers < passengerCount.min || passengers > passengerCount.max) {
    fail('passenger_count', `must be between ${passengerCount.min} and ${passengerCount.max} (got ${passengers})`);
  }
  if (typeof r.pickup_datetime !== 'string') {
    fail(
      'pickup_datetime',
      `is required: a UTC date-time such as "2026-01-31 12:00:00.000" (got ${describe(r.pickup_datetime)})`,
    );
  }
  const text = r.pickup_datetime as string;
  const match = PRODUCER_TIME.exec(text);
  const pickupMs = Date.parse(match ? `${match[1]}T${match[2]}Z` : text);
  if (Number.isNaN(pickupMs)) {
    fail('pickup_datetime', `must be a UTC date-time such as "2026-01-31 12:00:00.000" (got ${JSON.stringify(text)})`);
  }
  return { ...(ride as FareRequest), pickupMs };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : String(value);
}

function cents(dollars: number): number {
  return Math.round(dollars * 100) / 100;
}
