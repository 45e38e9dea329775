import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { parseSpecText, SpecValidationError, StreamkitError } from '@streamkit/core';
import { checkSpec, describeJqError } from '../src/check-spec.ts';
import { findJq } from '../src/firehose/jq/find-jq.ts';
import { JqBinary } from '../src/firehose/jq/jq-binary.ts';
import type { JqEngine } from '../src/firehose/jq/jq-engine.ts';
import { JqWasm } from '../src/firehose/jq/jq-wasm.ts';
import { deliverySettings, lines, objects, records, testDelivery } from './support/firehose.ts';

const QUERY = '{ticker: (.ticker | ascii_downcase), day: (.ts | strftime("%Y-%m-%d"))}';
const PREFIX = 'ticker=!{partitionKeyFromQuery:ticker}/day=!{partitionKeyFromQuery:day}/';
const SETTINGS = `compression: GZIP
bufferingHints: { sizeInMBs: 64, intervalInSeconds: 60 }
prefix: "${PREFIX}"
dynamicPartitioning: { enabled: true, metadataExtractionQuery: '${QUERY}' }
appendDelimiterToRecord: true`;

/** 50 records over 5 tickers and 2 days, then 10 that the query fails on. */
const GOOD = Array.from({ length: 50 }, (_, i) =>
  JSON.stringify({
    id: i,
    ticker: ['AMZN', 'MSFT', 'Goog', 'aapl', 'TSLA'][i % 5],
    ts: 1_783_900_000 + (i % 2) * 86_400,
  }),
);
const BAD = [
  JSON.stringify({ id: 50, ticker: 42, ts: 1_783_900_000 }), // ascii_downcase of a number
  JSON.stringify({ id: 51, ticker: null, ts: 1_783_900_000 }),
  JSON.stringify({ id: 52, ticker: 'AMZN' }), // strftime of null
  JSON.stringify({ id: 53, ticker: 'AMZN', ts: 'yesterday' }),
  'not json at all',
  '{"id": 55, "ticker": "AMZN", "ts": 1783900000', // cut short
  JSON.stringify([1, 2, 3]),
  JSON.stringify('a string'),
  JSON.stringify({ id: 58, ticker: ['AMZN'], ts: 1_783_900_000, nested: { deep: [1, { x: '}' }] } }),
  '\u00ff\u00fe',
];

const engines: [string, () => Promise<JqEngine | undefined>][] = [
  ['the jq binary on PATH', () => JqBinary.find()],
  ['jq-wasm (WebAssembly)', async () => new JqWasm()],
];

for (const [label, make] of engines) {
  describe(`dynamic partitioning with ${label}`, async () => {
    const found = await make();
    test('is there', () => {
      assert.ok(found, 'a jq binary is required on PATH: apt-get install jq (.ci/run installs Debian’s jq 1.6)');
    });
    if (!found) return;
    const engine: JqEngine = found;

    /** What jq itself says of one record, run on its own with the query as written. */
    async function jqSays(record: string): Promise<{ ticker: string; day: string }> {
      if (engine instanceof JqBinary) {
        return JSON.parse(execFileSync(engine.path, ['-c', QUERY], { input: record, encoding: 'utf8' }));
      }
      return JSON.parse(await engine.run(QUERY, [record]));
    }

    test('records land under the prefix jq computes for each, one object per partition; jq gets the batch at once', async () => {
      let runs = 0;
      const counting: JqEngine = {
        description: engine.description,
        version: engine.version,
        compileError: (p) => engine.compileError(p),
        run: (program, inputs) => engine.run(program, inputs),
        runUntil: (program, inputs, endLine) => {
          runs++;
          return engine.runUntil(program, inputs, endLine);
        },
        close: () => engine.close(),
      };
      const { stream, store, timer } = testDelivery(deliverySettings(SETTINGS), { jq: counting });
      const arrival = timer.now();
      await stream.put(records(GOOD.length + BAD.length, (i) => (GOOD[i] ?? BAD[i - GOOD.length])!, arrival));
      assert.equal(runs, 1, 'jq was given the whole batch at once');
      await stream.flushAll();

      const expected = new Map<string, number[]>();
      for (const record of GOOD) {
        const keys = await jqSays(record);
        const prefix = `ticker=${keys.ticker}/day=${keys.day}/`;
        expected.set(prefix, [...(expected.get(prefix) ?? []), (JSON.parse(record) as { id: number }).id]);
      }
      assert.equal(expected.size, 10, 'five tickers over two days');
      const data = await objects(store, 'GZIP', 'ticker=');
      assert.deepEqual(data.map((o) => o.key.slice(0, o.key.lastIndexOf('/') + 1)).sort(), [...expected.keys()].sort());
      for (const object of data) {
        const prefix = object.key.slice(0, object.key.lastIndexOf('/') + 1);
        const ids = lines(object.content).map((l) => (JSON.parse(l) as { id: number }).id);
        assert.deepEqual(
          ids.sort((a, b) => a - b),
          expected.get(prefix),
          prefix,
        );
        assert.match(object.key.slice(prefix.length), /^orders-delivery-1-\d{4}(-\d\d){5}-[0-9a-f-]{36}\.gz$/);
      }

      // Every record the query failed on is under the error prefix, with its original bytes and the reason.
      const errors = await objects(store, 'GZIP', 'errors/');
      assert.equal(errors.length, 1);
      assert.match(errors[0]!.key, /^errors\/year=2026\/month=07\/day=13\/hour=14\/processing-failed\//);
      const failed = lines(errors[0]!.content).map(
        (l) =>
          JSON.parse(l) as {
            errorCode: string;
            errorMessage: string;
            rawData: string;
            attemptsMade: number;
            arrivalTimestamp: number;
          },
      );
      assert.equal(failed.length, BAD.length);
      assert.deepEqual(
        failed.map((f) => Buffer.from(f.rawData, 'base64').toString('utf8')).sort(),
        BAD.map((b) => Buffer.from(b).toString('utf8')).sort(),
      );
      for (const f of failed) {
        assert.equal(f.errorCode, 'DynamicPartitioning.MetadataExtractionFailed');
        assert.equal(f.arrivalTimestamp, arrival);
        assert.ok(f.errorMessage.length > 0);
      }
      const byRaw = new Map(failed.map((f) => [Buffer.from(f.rawData, 'base64').toString('utf8'), f.errorMessage]));
      assert.match(byRaw.get(BAD[4]!)!, /^the record is not JSON/);
      assert.match(byRaw.get(BAD[6]!)!, /Cannot index array with string "ticker"/);
      assert.equal(stream.counts.delivered + stream.counts.errored, GOOD.length + BAD.length);
    });

    test('a query that stops jq (halt_error) fails only the records it stops on; later batches still run', async () => {
      const halting = `compression: UNCOMPRESSED
bufferingHints: { sizeInMBs: 64, intervalInSeconds: 60 }
prefix: "t=!{partitionKeyFromQuery:ticker}/"
dynamicPartitioning: { enabled: true, metadataExtractionQuery: '{ticker: (if .ticker == "STOP" then ("stopped" | halt_error) else .ticker end)}' }`;
      const { stream, store, timer } = testDelivery(deliverySettings(halting), { jq: engine });
      const tickers = ['AMZN', 'STOP', 'MSFT', 'STOP', 'GOOG'];
      await stream.put(records(5, (i) => `${JSON.stringify({ i, ticker: tickers[i] })}\n`, timer.now()));
      await stream.put(records(3, (i) => `${JSON.stringify({ i: 5 + i, ticker: 'AAPL' })}\n`, timer.now()));
      await stream.flushAll();
      const delivered = await objects(store, 'UNCOMPRESSED', 't=');
      assert.deepEqual(delivered.map((o) => o.key.split('/')[0]).sort(), ['t=AAPL', 't=AMZN', 't=GOOG', 't=MSFT']);
      assert.deepEqual(
        { delivered: stream.counts.delivered, errored: stream.counts.errored },
        { delivered: 6, errored: 2 },
      );
    });

    test('a query that does not compile is reported by jq', async () => {
      assert.match(describeJqError((await engine.compileError('{ticker: .ticker')) ?? ''), /syntax error/);
      assert.match(
        (await engine.compileError('{ticker: (.ticker | nosuchfunction)}')) ?? '',
        /nosuchfunction\/0 is not defined/,
      );
      assert.equal(await engine.compileError(QUERY), undefined);
      assert.match(engine.version, /^jq-1\.[67]/);
    });
  });
}

describe('which jq dynamic partitioning uses', () => {
  test('a binary that is not there is no engine; STREAMKIT_JQ=wasm picks WebAssembly; a bad STREAMKIT_JQ is refused', async () => {
    assert.equal(await JqBinary.find('/nonexistent/jq'), undefined);
    assert.equal((await findJq({ STREAMKIT_JQ: 'wasm' })).description, 'jq-1.7.1 (WebAssembly, jq-wasm)');
    await assert.rejects(findJq({ STREAMKIT_JQ: '/nonexistent/jq' }), (error: unknown) => {
      assert.ok(StreamkitError.is(error));
      assert.equal(error.code, 'SK_UNAVAILABLE');
      assert.match(error.message, /STREAMKIT_JQ names \/nonexistent\/jq, which does not run as jq/);
      return true;
    });
  });
});

describe('validation with the jq engine', () => {
  const spec = (query: string) =>
    parseSpecText(
      `preset: kinesis-firehose-s3
delivery:
  prefix: "t=!{partitionKeyFromQuery:ticker}/"
  dynamicPartitioning: { enabled: true, metadataExtractionQuery: '${query}' }
`,
      { source: 'streamkit.yaml', skipFileChecks: true },
    );

  test('an invalid jq query passes core (which runs nothing) and is rejected where validation meets jq', async () => {
    const parsed = spec('{ticker: .ticker | nosuchfunction}');
    await assert.rejects(checkSpec(parsed, { source: 'streamkit.yaml' }), (error: unknown) => {
      assert.ok(error instanceof SpecValidationError);
      assert.equal(error.problems[0]?.path, 'delivery.dynamicPartitioning.metadataExtractionQuery');
      assert.match(
        error.message,
        /^streamkit\.yaml has 1 problem:\n {2}- delivery\.dynamicPartitioning\.metadataExtractionQuery is not a valid jq program \(jq-1\.\d(\.\d)?\): nosuchfunction\/0 is not defined \(got "\{ticker: \.ticker \| nosuchfunction\}"\)$/,
      );
      return true;
    });
    await checkSpec(spec('{ticker: .ticker}'));
  });
});
