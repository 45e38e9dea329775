/**
 * The request of the fare API of kinesis-flink-apigw: one taxi ride, as the producer's taxi rides carry it (TLC
 * field names, snake_case). API Gateway validates bodies against `FARE_REQUEST_MODEL` before the function runs; the
 * function checks the same rules itself, so it answers alike without API Gateway (locally, in tests).
 */

export interface FareRequest {
  /** Echoed in the answer so the caller can match it. */
  readonly ride_id?: string;
  readonly trip_id?: number;
  /** UTC, `YYYY-MM-DD HH:mm:ss.SSS` or ISO-8601. */
  readonly pickup_datetime: string;
  readonly passenger_count: number;
  /** Miles. */
  readonly trip_distance: number;
}

export const FARE_LIMITS = {
  passengerCount: { min: 1, max: 9 },
  /** Miles; New York City is about 35 miles across. */
  tripDistance: { min: 0, max: 200 },
} as const;

/** The request model (JSON Schema draft 4, as API Gateway takes it). */
export const FARE_REQUEST_MODEL = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  title: 'FareRequest',
  type: 'object',
  required: ['pickup_datetime', 'passenger_count', 'trip_distance'],
  properties: {
    ride_id: { type: 'string', maxLength: 64 },
    trip_id: { type: 'integer', minimum: 0 },
    pickup_datetime: { type: 'string', minLength: 10, maxLength: 40 },
    passenger_count: {
      type: 'integer',
      minimum: FARE_LIMITS.passengerCount.min,
      maximum: FARE_LIMITS.passengerCount.max,
    },
    trip_distance: { type: 'number', minimum: FARE_LIMITS.tripDistance.min, maximum: FARE_LIMITS.tripDistance.max },
  },
} as const;
