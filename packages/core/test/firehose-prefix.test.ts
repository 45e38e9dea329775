import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  deliveryPrefixes,
  evaluatePrefix,
  formatTimestamp,
  LIMITS,
  objectExtension,
  objectSuffix,
  parsePrefix,
  parseTimestampPattern,
  partitionKeysOfQuery,
} from '../src/index.ts';

const at = (iso: string) => Date.parse(iso);

function format(pattern: string, iso: string): string {
  const parsed = parseTimestampPattern(pattern);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.problem);
  return formatTimestamp(parsed.tokens, at(iso));
}

describe('timestamp patterns format as Java’s DateTimeFormatter does in UTC', () => {
  const cases: [string, string, string][] = [
    ['yyyy/MM/dd/HH/', '2026-07-03T04:05:06.007Z', '2026/07/03/04/'],
    ["yyyy-MM-dd'T'HH:mm:ss.SSSXXX", '2026-07-03T04:05:06.007Z', '2026-07-03T04:05:06.007Z'],
    ["'year='yyyy'/month='MM'/day='dd'/hour='HH", '2018-07-06T23:00:00Z', 'year=2018/month=07/day=06/hour=23'],
    ['yy M d H m s', '2026-01-02T03:04:05Z', '26 1 2 3 4 5'],
    ['EEE, d MMM yyyy', '2026-01-31T12:00:00Z', 'Sat, 31 Jan 2026'],
    ['EEEE MMMM', '2026-11-02T12:00:00Z', 'Monday November'],
    ['D DDD', '2026-02-01T00:00:00Z', '32 032'],
    ['hh a, KK, kk', '2026-02-01T00:30:00Z', '12 AM, 00, 24'],
    ['hh a', '2026-02-01T13:30:00Z', '01 PM'],
    ['Q QQQ QQQQ', '2026-08-01T00:00:00Z', '3 Q3 3rd quarter'],
    ["'it''s' HH''mm", '2026-08-01T09:41:00Z', "it's 09'41"],
    ['SSSSSS', '2026-08-01T09:41:00.123Z', '123000'],
    ['xxx Z', '2026-08-01T09:41:00Z', '+00:00 +0000'],
  ];
  for (const [pattern, iso, expected] of cases) {
    test(`${pattern} at ${iso} → ${expected}`, () => assert.equal(format(pattern, iso), expected));
  }

  test('letters Java reserves but streamkit does not format are refused, listing the supported ones', () => {
    const parsed = parseTimestampPattern('yyyy-ww');
    assert.equal(parsed.ok, false);
    assert.match(!parsed.ok ? parsed.problem : '', /pattern letter 'w' .* not supported \(supported: G/);
  });
});

describe('prefixes evaluate as AWS documents (custom prefixes for S3 objects)', () => {
  const values = { arrival: at('2018-07-06T23:10:00Z'), randomString: () => '5abf82daaa5' };

  test('AWS’s examples', () => {
    const prefixes = deliveryPrefixes(
      'myPrefix/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/',
      "myErrorPrefix/!{timestamp:'year='yyyy'/month='MM'/day='dd'/hour='HH}/!{firehose:error-output-type}",
    );
    assert.equal(evaluatePrefix(prefixes.data, values), 'myPrefix/year=2018/month=07/day=06/hour=23/');
    assert.equal(
      evaluatePrefix(prefixes.error, { ...values, errorOutputType: 'processing-failed' }),
      'myErrorPrefix/year=2018/month=07/day=06/hour=23/processing-failed',
    );
    const random = deliveryPrefixes(
      'myFirehose/DeliveredYear=!{timestamp:yyyy}/anyMonth/rand=!{firehose:random-string}',
      'e/!{firehose:error-output-type}',
    );
    assert.equal(evaluatePrefix(random.data, values), 'myFirehose/DeliveredYear=2018/anyMonth/rand=5abf82daaa5');
  });

  test('a prefix without expressions gets yyyy/MM/dd/HH/ appended as it is, with no slash added', () => {
    const prefixes = deliveryPrefixes('legacy', '');
    assert.equal(evaluatePrefix(prefixes.data, values), 'legacy2018/07/06/23/');
    assert.equal(
      evaluatePrefix(prefixes.error, { ...values, errorOutputType: 'processing-failed' }),
      'legacyprocessing-failed/2018/07/06/23/',
    );
    assert.equal(evaluatePrefix(deliveryPrefixes('', '').data, values), '2018/07/06/23/');
  });

  test('every use of random-string is a new string; partition keys come from the record', () => {
    let n = 0;
    const parts = parsePrefix('!{firehose:random-string}/!{firehose:random-string}/t=!{partitionKeyFromQuery:ticker}/');
    assert.ok(parts.ok);
    const out = evaluatePrefix(parts.parts, {
      ...values,
      randomString: () => `r${n++}`,
      partitionKeyFromQuery: { ticker: 'AMZN' },
    });
    assert.equal(out, 'r0/r1/t=AMZN/');
    assert.throws(
      () => evaluatePrefix(parts.parts, values),
      /partition key "ticker" \(partitionKeyFromQuery\) has no value/,
    );
  });

  test('the default prefixes are the original solution’s', () => {
    const prefixes = deliveryPrefixes(LIMITS.firehose.prefix.default, LIMITS.firehose.errorOutputPrefix.default);
    assert.equal(evaluatePrefix(prefixes.data, values), 'data/year=2018/month=07/day=06/hour=23/');
    assert.equal(
      evaluatePrefix(prefixes.error, { ...values, errorOutputType: 'format-conversion-failed' }),
      'errors/year=2018/month=07/day=06/hour=23/format-conversion-failed/',
    );
  });

  test('object names are <name>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid><extension>', () => {
    const name = objectSuffix({
      deliveryStreamName: 'orders-delivery',
      version: 1,
      time: at('2026-01-31T09:08:07.654Z'),
      uuid: '5d0c4c4e-7f2b-4b8e-9a5a-1f2e3d4c5b6a',
      extension: objectExtension('GZIP'),
    });
    assert.equal(name, 'orders-delivery-1-2026-01-31-09-08-07-5d0c4c4e-7f2b-4b8e-9a5a-1f2e3d4c5b6a.gz');
    assert.deepEqual(
      ['UNCOMPRESSED', 'GZIP', 'ZIP', 'Snappy', 'HADOOP_SNAPPY'].map((c) => objectExtension(c)),
      ['', '.gz', '.zip', '.snappy', '.snappy'],
    );
    assert.equal(objectExtension('UNCOMPRESSED', 'PARQUET'), '.parquet');
  });
});

describe('the partition keys of a metadata extraction query', () => {
  const keys = (query: string) => {
    const result = partitionKeysOfQuery(query);
    return result.ok ? result.keys : result.problem;
  };

  test('are the keys of its object construction, however they are written', () => {
    assert.deepEqual(keys('{ticker: .ticker}'), ['ticker']);
    assert.deepEqual(keys('{ "customer id": .c, day: (.t | strftime("%d")), $region, sector }'), [
      'customer id',
      'day',
      'region',
      'sector',
    ]);
    assert.deepEqual(keys('{a: "x,}\\(.b | "y}")", b: [.c, {d: 1}] | length}'), ['a', 'b']);
    assert.deepEqual(keys('# a comment with {braces}\n{a: .a # and another\n}'), ['a']);
  });

  test('anything else is explained', () => {
    assert.match(keys('.ticker') as string, /^must be a jq object construction/);
    assert.match(keys('{a: 1} | .') as string, /with nothing after its closing brace/);
    assert.match(keys('{(.k): 1}') as string, /computed keys cannot be checked/);
    assert.match(keys('{"\\(.k)": 1}') as string, /partition keys must be named literally/);
    assert.match(keys('{}') as string, /at least one partition key/);
    assert.match(keys('{a: 1,}') as string, /empty entry/);
    assert.match(keys('{a: 1, a: 2}') as string, /twice/);
    assert.match(keys('{a: (1}') as string, /closes nothing that is open|is never closed/);
  });
});
