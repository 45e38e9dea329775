import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { deliverySettings, lines, objects, records, testDelivery } from './support/firehose.ts';

const COLUMNS = `columns:
    - { name: ticker, type: string }
    - { name: price, type: double }
    - { name: volume, type: bigint }
    - { name: shares, type: int }
    - { name: halted, type: boolean }
    - { name: event_time, type: timestamp }`;

/** hyparquet reads an ArrayBuffer; GZIP pages need a decompressor (it ships Snappy itself). */
async function readParquet(body: Uint8Array) {
  const file = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
  const rows = await parquetReadObjects({ file, compressors: { GZIP: (input) => new Uint8Array(gunzipSync(input)) } });
  return { rows, metadata: parquetMetadata(file) };
}

const tick = (i: number) => ({
  Ticker: ['AMZN', 'MSFT', 'GOOG'][i % 3], // OpenX JSON matches keys case-insensitively
  price: 100 + i / 4,
  volume: String(10_000_000_000 + i), // numbers written as strings are read as numbers
  shares: i,
  halted: i % 10 === 0,
  event_time: '2026-07-13T14:05:09.000Z',
  ignored: 'not a column',
});

describe('record format conversion to Parquet', () => {
  for (const compression of ['SNAPPY', 'GZIP', 'UNCOMPRESSED'] as const) {
    test(`${compression}: a Parquet file written locally is read back, row for row, by hyparquet`, async () => {
      const { stream, store, timer } = testDelivery(
        deliverySettings(`dataFormatConversion:
  enabled: true
  compression: ${compression}
  ${COLUMNS}`),
      );
      await stream.put(records(1000, tick, timer.now()));
      await stream.flushAll();
      const [object] = await objects(store, 'UNCOMPRESSED', 'data/');
      assert.match(object!.key, /\/orders-delivery-1-[\d-]{19}-[0-9a-f-]{36}\.parquet$/);
      const { rows, metadata } = await readParquet(object!.body);
      assert.equal(rows.length, 1000);
      assert.deepEqual(rows[5], {
        ticker: 'GOOG',
        price: 101.25,
        volume: 10_000_000_005n,
        shares: 5,
        halted: false,
        event_time: new Date('2026-07-13T14:05:09.000Z'),
      });
      assert.equal(rows[10]!.halted, true);
      assert.deepEqual(
        parquetSchema(metadata).children.map((c) => [c.element.name, c.element.type]),
        [
          ['ticker', 'BYTE_ARRAY'],
          ['price', 'DOUBLE'],
          ['volume', 'INT64'],
          ['shares', 'INT32'],
          ['halted', 'BOOLEAN'],
          ['event_time', 'INT64'],
        ],
      );
      assert.ok(metadata.row_groups.every((g) => g.columns.every((c) => c.meta_data?.codec === compression)));
    });
  }

  test('records that are not JSON objects, or whose values the columns cannot hold, go to format-conversion-failed', async () => {
    const { stream, store, timer } = testDelivery(
      deliverySettings(`dataFormatConversion:
  enabled: true
  ${COLUMNS}`),
    );
    const bad = ['not json', '[1, 2]', JSON.stringify({ price: 'cheap' }), JSON.stringify({ shares: 2 ** 40 })];
    await stream.put([...records(10, tick, timer.now()), ...records(bad.length, (i) => bad[i]!, timer.now())]);
    await stream.flushAll();
    const [data] = await objects(store, 'UNCOMPRESSED', 'data/');
    assert.equal((await readParquet(data!.body)).rows.length, 10);
    const [errors] = await objects(store, 'UNCOMPRESSED', 'errors/');
    assert.match(
      errors!.key,
      /\/format-conversion-failed\/orders-delivery-1-[^.]+$/,
      'error objects are JSON lines, not Parquet',
    );
    const failed = lines(errors!.content).map(
      (l) => JSON.parse(l) as { errorCode: string; rawData: string; errorMessage: string },
    );
    assert.deepEqual(
      failed.map((f) => Buffer.from(f.rawData, 'base64').toString()),
      bad,
    );
    assert.ok(failed.every((f) => f.errorCode === 'DataFormatConversion.MalformedData'));
    assert.match(failed[2]!.errorMessage, /column price \(double\) cannot hold "cheap"/);
    assert.equal(stream.counts.delivered + stream.counts.errored, 14);
  });
});
