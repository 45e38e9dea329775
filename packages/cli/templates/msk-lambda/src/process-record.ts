/**
 * Your record logic, free of Lambda: one stock tick in, a result out. Throwing marks only this record as failed; the
 * handler reports it in a partial batch response, and the event source mapping retries it or, after its last retry,
 * sends it to the on-failure destination.
 */
export interface StockTick {
  readonly ticker: string;
  readonly price: number;
  readonly event_time: string;
}

export function processTick(tick: StockTick): { ticker: string; priceInCents: number } {
  if (typeof tick.ticker !== 'string' || tick.ticker === '') throw new Error('a tick needs a ticker');
  if (typeof tick.price !== 'number' || !(tick.price > 0)) {
    throw new Error(`tick of ${tick.ticker}: price must be a positive number (got ${JSON.stringify(tick.price)})`);
  }
  return { ticker: tick.ticker, priceInCents: Math.round(tick.price * 100) };
}
