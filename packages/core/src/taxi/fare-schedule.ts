/**
 * New York City's taxi fare schedule and traffic, shared by the synthetic taxi rides of the producer (which meter
 * each ride) and the fare-estimate function of kinesis-flink-apigw (which estimates a ride before it is metered), so
 * that estimates and fares come from the same rules.
 */

/** TLC metered fare (2023 schedule): $3.00 initial, $0.70 per 1/5 mile, or per minute when slow or stopped. */
export const TAXI_FARE = {
  initial: 3,
  perMile: 3.5,
  perSlowMinute: 0.7,
  /** Below this speed the meter charges time instead of distance. */
  slowBelowMph: 12,
  jfkFlatFare: 70,
  mtaTax: 0.5,
  improvementSurcharge: 1,
  congestionSurcharge: 2.5,
  airportFee: 1.75,
  rushHourExtra: 2.5,
  overnightExtra: 1,
  bridgeToll: 6.94,
} as const;

/** The hour in New York (UTC−5; daylight saving time is ignored). */
export function newYorkHour(epochMs: number): number {
  return (new Date(epochMs).getUTCHours() + 19) % 24;
}

/** Monday to Friday in New York. */
export function isNewYorkWeekday(epochMs: number): boolean {
  const day = new Date(epochMs - 5 * 3_600_000).getUTCDay();
  return day >= 1 && day <= 5;
}

export interface Traffic {
  /** Weekdays 16:00–20:00: the rush-hour surcharge applies. */
  readonly rushHour: boolean;
  /** 20:00–06:00: the overnight surcharge applies. */
  readonly overnight: boolean;
  /** Typical average speed through traffic at that time, in miles per hour. */
  readonly mph: number;
}

/** Traffic at a moment: slowest in the morning and evening rush, fastest overnight. */
export function trafficAt(epochMs: number): Traffic {
  const hour = newYorkHour(epochMs);
  const rushHour = isNewYorkWeekday(epochMs) && hour >= 16 && hour < 20;
  const overnight = hour >= 20 || hour < 6;
  const mph = (hour >= 7 && hour < 10) || rushHour ? 8 : overnight ? 17 : 11;
  return { rushHour, overnight, mph };
}
