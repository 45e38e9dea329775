import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StreamkitError } from '@streamkit/core';
import { createRandom } from '../src/generators/prng.ts';
import { formatEventTime, STOCK_TICKERS, type StockTick, stockTicker } from '../src/generators/stock-ticker.ts';
import type { IngestRecord } from '../src/ingest-record.ts';

const T0 = Date.UTC(2020, 7, 1, 12, 0, 0, 123);

function take(n: number, options: Parameters<typeof stockTicker>[0]): IngestRecord<StockTick>[] {
  const ticks = stockTicker(options);
  return Array.from({ length: n }, () => ticks.next().value);
}

describe('stockTicker', () => {
  test('the same seed and clock give the same ticks', () => {
    let now = T0;
    const clock = () => now++;
    const first = take(200, { seed: 42, now: clock });
    now = T0;
    const second = take(200, { seed: 42, now: clock });
    assert.deepEqual(first, second);
  });

  test('different seeds give different ticks', () => {
    assert.notDeepEqual(take(50, { seed: 1, now: () => T0 }), take(50, { seed: 2, now: () => T0 }));
  });

  test('each tick is {event_time, ticker, price} keyed by its ticker, as the original demo', () => {
    for (const record of take(1000, { seed: 7, now: () => T0 })) {
      assert.deepEqual(Object.keys(record.data), ['event_time', 'ticker', 'price']);
      assert.equal(record.data.event_time, '2020-08-01 12:00:00.123');
      assert.ok((STOCK_TICKERS as readonly string[]).includes(record.data.ticker));
      assert.equal(record.partitionKey, record.data.ticker);
      assert.equal(record.explicitHashKey, undefined);
      assert.ok(record.data.price > 0);
      assert.equal(Math.round(record.data.price * 100) / 100, record.data.price, `${record.data.price} has 2 decimals`);
    }
  });

  test('every ticker appears and each price walks by at most 1 % (plus a cent of rounding) per tick', () => {
    const last = new Map<string, number>();
    for (const { data } of take(5000, { seed: 3, now: () => T0 })) {
      const previous = last.get(data.ticker);
      if (previous !== undefined) {
        assert.ok(Math.abs(data.price - previous) <= previous * 0.01 + 0.01, `${previous} → ${data.price}`);
      }
      last.set(data.ticker, data.price);
    }
    assert.deepEqual([...last.keys()].sort(), [...STOCK_TICKERS].sort());
  });

  test('custom tickers are used and an empty list is refused with SK_VALIDATION', () => {
    assert.deepEqual(new Set(take(100, { seed: 5, tickers: ['ABC'] }).map((r) => r.partitionKey)), new Set(['ABC']));
    assert.throws(
      () => stockTicker({ tickers: [] }),
      (error: unknown) => StreamkitError.is(error) && error.code === 'SK_VALIDATION' && /tickers/.test(error.message),
    );
  });
});

describe('formatEventTime', () => {
  test('writes UTC as YYYY-MM-DD HH:mm:ss.SSS', () => {
    assert.equal(formatEventTime(T0), '2020-08-01 12:00:00.123');
    assert.equal(formatEventTime(Date.UTC(1999, 11, 31, 23, 59, 59, 9)), '1999-12-31 23:59:59.009');
  });
});

describe('createRandom', () => {
  test('is reproducible and stays in [0, 1)', () => {
    const a = createRandom(123);
    const b = createRandom(123);
    for (let i = 0; i < 10_000; i++) {
      const x = a();
      assert.equal(x, b());
      assert.ok(x >= 0 && x < 1);
    }
  });
});
