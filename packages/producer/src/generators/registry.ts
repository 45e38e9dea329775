/** The demo data streamkit can produce, by name: what `streamkit produce --data <name>` offers. */
import type { IngestRecord } from '../ingest-record.ts';
import { clickstream } from './clickstream.ts';
import { stockTicker } from './stock-ticker.ts';
import { taxiRides } from './taxi-rides.ts';

export const DEMO_DATA = {
  /** The original solution's `{event_time, ticker, price}`, partitioned by ticker. */
  stock: (seed?: number) => stockTicker(seed === undefined ? {} : { seed }),
  /** Synthetic NYC taxi rides (pickup/dropoff, distance, fare), partitioned by ride. */
  taxi: (seed?: number) => taxiRides(seed === undefined ? {} : { seed }),
  /** Web sessions: page views, carts and purchases, partitioned by session. */
  clickstream: (seed?: number) => clickstream(seed === undefined ? {} : { seed }),
} satisfies Record<string, (seed?: number) => Iterator<IngestRecord> | Iterable<IngestRecord>>;

export type DemoDataName = keyof typeof DEMO_DATA;
export const DEMO_DATA_NAMES = Object.keys(DEMO_DATA) as DemoDataName[];
