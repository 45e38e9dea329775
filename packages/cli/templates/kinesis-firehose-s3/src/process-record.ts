/**
 * Your record logic, free of Lambda: one stock tick in, the line to store out — or `undefined` to drop the record.
 * Throwing marks the record as failed: Firehose writes it under the error prefix.
 */
export interface StockTick {
  readonly ticker: string;
  readonly price: number;
  readonly event_time: string;
}

export function transformTick(tick: StockTick): string | undefined {
  if (typeof tick.price !== 'number') throw new Error(`tick of ${tick.ticker}: price is not a number`);
  if (tick.price <= 0) return undefined;
  return `${JSON.stringify({ ...tick, ticker: tick.ticker.toUpperCase(), priceInCents: Math.round(tick.price * 100) })}\n`;
}
