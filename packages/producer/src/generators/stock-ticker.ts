/**
 * The demo records of the original solution: stock ticks `{ event_time, ticker, price }` — its KPL demo and its
 * MSK labs produced them, and its Flink/Studio examples read them. Here each ticker's price is a random walk (rounded
 * to cents), the partition key is the ticker (so one ticker's ticks stay in order), and the randomness is seedable,
 * so a run can be repeated exactly.
 */
import { StreamkitError } from '@streamkit/core';
import type { IngestRecord } from '../ingest-record.ts';
import { createRandom, randomSeed } from './prng.ts';

/** The original solution's tickers. */
export const STOCK_TICKERS = ['AAPL', 'AMZN', 'MSFT', 'INTC', 'TBV'] as const;

export interface StockTick {
  /** When the tick was generated, UTC, as `YYYY-MM-DD HH:mm:ss.SSS` (the original's java.sql.Timestamp text). */
  readonly event_time: string;
  readonly ticker: string;
  /** Price in dollars, two decimals. */
  readonly price: number;
}

export interface StockTickerOptions {
  /** Seed of the random numbers: the same seed and clock give the same ticks. @default - a random seed */
  readonly seed?: number;
  /** Tickers to pick from, uniformly. @default STOCK_TICKERS */
  readonly tickers?: readonly string[];
  /** Clock for `event_time`, in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

/** Largest move of a price in one tick, as a fraction of the price (±1 %). */
const MAX_STEP = 0.01;
const MIN_PRICE = 0.01;

/** An endless sequence of stock ticks, each as an ingest record keyed by its ticker. */
export function stockTicker(options: StockTickerOptions = {}): Generator<IngestRecord<StockTick>, never, undefined> {
  const tickers = options.tickers ?? STOCK_TICKERS;
  const bad = tickers.find((t) => typeof t !== 'string' || t.length < 1 || t.length > 256);
  if (tickers.length === 0 || bad !== undefined) {
    throw new StreamkitError(
      'SK_VALIDATION',
      `tickers must list 1 or more tickers of 1 to 256 characters (they are partition keys) (got ${JSON.stringify(tickers)})`,
      { path: 'tickers' },
    );
  }
  return ticks(tickers, createRandom(options.seed ?? randomSeed()), options.now ?? Date.now);
}

function* ticks(
  tickers: readonly string[],
  random: () => number,
  now: () => number,
): Generator<IngestRecord<StockTick>, never, undefined> {
  // Opening prices between $10 and $100, as the original's prices were below $100.
  const prices = new Map(tickers.map((ticker) => [ticker, cents(10 + random() * 90)]));
  for (;;) {
    const ticker = tickers[Math.floor(random() * tickers.length)]!;
    const previous = prices.get(ticker)!;
    const price = Math.max(MIN_PRICE, cents(previous * (1 + (random() * 2 - 1) * MAX_STEP)));
    prices.set(ticker, price);
    yield { data: { event_time: formatEventTime(now()), ticker, price }, partitionKey: ticker };
  }
}

/** `2020-08-01 12:00:00.123` (UTC). */
export function formatEventTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '');
}

function cents(value: number): number {
  return Math.round(value * 100) / 100;
}
