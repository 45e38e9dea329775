import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { alarmsFor, LIMITS, parseSpecText, presetSpec, requirePreset, SpecValidationError } from '../src/index.ts';

const preset = 'preset: kinesis-firehose-s3\n';

/** The resolved kinesis-firehose-s3 spec of `yaml`. */
function specOf(yaml: string) {
  return requirePreset(parseSpecText(`${preset}${yaml}`, { skipFileChecks: true }), 'kinesis-firehose-s3');
}

function problemsOf(yaml: string): string[] {
  try {
    parseSpecText(`${preset}${yaml}`, { source: 'streamkit.yaml', skipFileChecks: true });
  } catch (error) {
    assert.ok(error instanceof SpecValidationError, `expected a SpecValidationError, got ${error}`);
    return error.problems.map((p) => p.message);
  }
  assert.fail(`expected the spec to be rejected:\n${yaml}`);
}

const DP = `delivery:
  bufferingHints: { sizeInMBs: 64, intervalInSeconds: 60 }
  prefix: "ticker=!{partitionKeyFromQuery:ticker}/"
  dynamicPartitioning:
    enabled: true
    metadataExtractionQuery: "{ticker: .ticker}"
`;

describe('kinesis-firehose-s3: invalid settings are rejected with the field, the allowed values and the value received', () => {
  const cases: [string, string, string][] = [
    [
      'a buffer of 0 MiB',
      'delivery:\n  bufferingHints: { sizeInMBs: 0 }',
      'delivery.bufferingHints.sizeInMBs must be between 1 and 128 MiB (got 0)',
    ],
    [
      'a buffer of 129 MiB',
      'delivery:\n  bufferingHints: { sizeInMBs: 129 }',
      'delivery.bufferingHints.sizeInMBs must be between 1 and 128 MiB (got 129)',
    ],
    [
      'a buffer interval of 901 s',
      'delivery:\n  bufferingHints: { intervalInSeconds: 901 }',
      'delivery.bufferingHints.intervalInSeconds must be between 0 and 900 seconds (got 901)',
    ],
    [
      'a buffer interval of 16 minutes',
      'delivery:\n  bufferingHints: { intervalInSeconds: 16m }',
      'delivery.bufferingHints.intervalInSeconds must be between 0 and 900 seconds (got "16m")',
    ],
    [
      'an unknown compression',
      'delivery:\n  compression: LZ4',
      'delivery.compression must be one of UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY (got "LZ4")',
    ],
    [
      'a compression in the wrong case',
      'delivery:\n  compression: SNAPPY',
      'delivery.compression must be one of UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY (got "SNAPPY") — did you mean "Snappy"?',
    ],
    [
      'a small buffer with dynamic partitioning',
      DP.replace('sizeInMBs: 64', 'sizeInMBs: 5'),
      'delivery.bufferingHints.sizeInMBs must be between 64 and 128 MiB when dynamicPartitioning.enabled is true (got 5)',
    ],
    [
      'zero buffering with dynamic partitioning',
      DP.replace('intervalInSeconds: 60', 'intervalInSeconds: 0'),
      'delivery.bufferingHints.intervalInSeconds must be between 60 and 900 seconds when dynamicPartitioning.enabled is true; zero buffering is not available with dynamic partitioning (got 0)',
    ],
    [
      'a small buffer with Parquet',
      'delivery:\n  bufferingHints: { sizeInMBs: 10 }\n  compression: UNCOMPRESSED\n  dataFormatConversion: { enabled: true, columns: [{ name: a, type: string }] }',
      'delivery.bufferingHints.sizeInMBs must be between 64 and 128 MiB when dataFormatConversion.enabled is true (got 10)',
    ],
    [
      'GZIP objects with Parquet',
      'delivery:\n  compression: GZIP\n  dataFormatConversion: { enabled: true, columns: [{ name: a, type: string }] }',
      'delivery.compression must be UNCOMPRESSED when dataFormatConversion.enabled is true; Parquet files compress their pages themselves (dataFormatConversion.compression: SNAPPY, GZIP, UNCOMPRESSED) (got "GZIP")',
    ],
    [
      'Parquet without columns',
      'delivery:\n  dataFormatConversion: { enabled: true }',
      'delivery.dataFormatConversion.columns must list at least one column ({name, type}) when dataFormatConversion.enabled is true',
    ],
    [
      'an unknown column type',
      'delivery:\n  dataFormatConversion: { enabled: true, columns: [{ name: a, type: varchar }] }',
      'delivery.dataFormatConversion.columns[0].type must be one of string, boolean, int, bigint, float, double, timestamp, date (got "varchar")',
    ],
    [
      'a column name in capitals',
      'delivery:\n  dataFormatConversion: { enabled: true, columns: [{ name: Price, type: double }] }',
      'delivery.dataFormatConversion.columns[0].name must be lower-case letters, digits and underscores (got "Price")',
    ],
    [
      'two columns of one name',
      'delivery:\n  dataFormatConversion: { enabled: true, columns: [{ name: a, type: int }, { name: a, type: string }] }',
      'delivery.dataFormatConversion.columns[1].name "a" is already the name of columns[0]; column names must be unique',
    ],
    [
      'a Parquet compression of LZO',
      'delivery:\n  dataFormatConversion: { enabled: true, compression: LZO, columns: [{ name: a, type: int }] }',
      'delivery.dataFormatConversion.compression must be one of SNAPPY, GZIP, UNCOMPRESSED (got "LZO")',
    ],
    [
      'an error type in the data prefix',
      'delivery:\n  prefix: "data/!{firehose:error-output-type}/"',
      'delivery.prefix must not contain !{firehose:error-output-type}, which only errorOutputPrefix may use (got "data/!{firehose:error-output-type}/")',
    ],
    [
      'an error prefix with expressions but no error type',
      'delivery:\n  errorOutputPrefix: "errors/!{timestamp:yyyy}/"',
      'delivery.errorOutputPrefix must contain !{firehose:error-output-type} when it has expressions (got "errors/!{timestamp:yyyy}/")',
    ],
    [
      'no error prefix for a prefix with expressions',
      'delivery:\n  errorOutputPrefix: ""',
      'delivery.errorOutputPrefix is required when delivery.prefix has expressions (got "")',
    ],
    [
      'an unknown namespace',
      'delivery:\n  prefix: "!{time:yyyy}/"',
      'delivery.prefix is not a valid prefix: !{time:yyyy} has an unknown namespace "time" (allowed: timestamp, firehose, partitionKeyFromQuery, partitionKeyFromLambda) (got "!{time:yyyy}/")',
    ],
    [
      'a timestamp pattern with a letter Java does not know',
      'delivery:\n  prefix: "!{timestamp:yyyy-bb}/"',
      'delivery.prefix is not a valid prefix: !{timestamp:yyyy-bb}: pattern letter \'b\' in "yyyy-bb" is not supported',
    ],
    [
      'too many letters for a day',
      'delivery:\n  prefix: "!{timestamp:ddd}/"',
      'delivery.prefix is not a valid prefix: !{timestamp:ddd}: too many pattern letters \'d\' in "ddd" (at most 2)',
    ],
    [
      'an unclosed quote in a timestamp pattern',
      `delivery:\n  prefix: "!{timestamp:'year=yyyy}/"`,
      'delivery.prefix is not a valid prefix: !{timestamp:\'year=yyyy}: the quote at position 1 of "\'year=yyyy" is never closed',
    ],
    [
      'an unknown firehose value',
      'delivery:\n  prefix: "!{firehose:uuid}/"',
      'delivery.prefix is not a valid prefix: !{firehose:uuid} has an unknown value "uuid" (allowed: random-string, error-output-type)',
    ],
    [
      'a stray "!{"',
      'delivery:\n  prefix: "data/!{oops/"',
      'delivery.prefix is not a valid prefix: "!{" at position 6 does not start a !{namespace:value} expression',
    ],
    [
      'a prefix over 1024 characters',
      `delivery:\n  prefix: "${'a'.repeat(1025)}"`,
      'delivery.prefix must be at most 1024 characters long (got 1025)',
    ],
    [
      'a partition key without dynamic partitioning',
      'delivery:\n  prefix: "t=!{partitionKeyFromQuery:ticker}/"',
      'delivery.prefix uses !{partitionKeyFromQuery:ticker}, which needs dynamicPartitioning.enabled: true (got false)',
    ],
    [
      'dynamic partitioning without a query',
      DP.replace('    metadataExtractionQuery: "{ticker: .ticker}"\n', ''),
      'delivery.dynamicPartitioning.metadataExtractionQuery is required when dynamicPartitioning.enabled is true',
    ],
    [
      'a query that is not an object construction',
      DP.replace('"{ticker: .ticker}"', '".ticker"'),
      'delivery.dynamicPartitioning.metadataExtractionQuery must be a jq object construction such as {ticker: .ticker, day: .time | strftime("%d")} (got ".ticker")',
    ],
    [
      'a query that pipes its object further',
      DP.replace('"{ticker: .ticker}"', '"{ticker: .ticker} | .ticker"'),
      'delivery.dynamicPartitioning.metadataExtractionQuery must be a single object construction, with nothing after its closing brace',
    ],
    [
      'a query with a computed key',
      DP.replace('"{ticker: .ticker}"', '"{(.k): .ticker}"'),
      'delivery.dynamicPartitioning.metadataExtractionQuery has an entry whose key is not a name or a string',
    ],
    [
      'a query key the prefix does not use',
      DP.replace('"{ticker: .ticker}"', '"{ticker: .ticker, day: .day}"'),
      'delivery.dynamicPartitioning.metadataExtractionQuery produces partition key "day", which delivery.prefix does not use; Firehose needs every key in the prefix, e.g. day=!{partitionKeyFromQuery:day}/',
    ],
    [
      'a prefix key the query does not produce',
      DP.replace(
        '"ticker=!{partitionKeyFromQuery:ticker}/"',
        '"ticker=!{partitionKeyFromQuery:ticker}/d=!{partitionKeyFromQuery:day}/"',
      ),
      'delivery.prefix uses !{partitionKeyFromQuery:day}, but dynamicPartitioning.metadataExtractionQuery produces only ticker (got key "day")',
    ],
    [
      'a partition key in the error prefix',
      `${DP}  errorOutputPrefix: "e/!{partitionKeyFromQuery:ticker}/!{firehose:error-output-type}/"`,
      'delivery.errorOutputPrefix cannot use partition keys (records there failed before their keys were known)',
    ],
    [
      'dynamic partitioning whose prefix uses no key',
      DP.replace('"ticker=!{partitionKeyFromQuery:ticker}/"', '"data/!{timestamp:yyyy}/"'),
      'delivery.prefix must use the partition keys, as !{partitionKeyFromQuery:<key>}, when dynamicPartitioning.enabled is true (got "data/!{timestamp:yyyy}/")',
    ],
    [
      'a retry duration of 2 hours and a second',
      DP.replace('    enabled: true\n', '    enabled: true\n    retryDuration: 7201\n'),
      'delivery.dynamicPartitioning.retryDuration must be between 0 and 7200 seconds (got 7201)',
    ],
    [
      'a query with dynamic partitioning off',
      'delivery:\n  dynamicPartitioning: { metadataExtractionQuery: "{a: .a}" }',
      'delivery.dynamicPartitioning.metadataExtractionQuery applies only when dynamicPartitioning.enabled is true',
    ],
    [
      'a new-line delimiter without dynamic partitioning',
      'delivery:\n  appendDelimiterToRecord: true',
      'delivery.appendDelimiterToRecord applies only when dynamicPartitioning.enabled is true (got true)',
    ],
    [
      'a processor without a handler',
      'delivery:\n  processor: { memorySize: 512 }',
      'delivery.processor.handler is required: the file of your record transformation handler, relative to the spec',
    ],
    [
      'a processor buffer of 4 MiB',
      'delivery:\n  processor: { handler: ./t.ts, bufferSizeInMBs: 4 }',
      'delivery.processor.bufferSizeInMBs must be between 1 and 3 MiB (got 4)',
    ],
    [
      'a lifecycle rule of 0 days',
      'bucket:\n  abortIncompleteMultipartUploadDays: 0',
      'bucket.abortIncompleteMultipartUploadDays must be between 1 and 3650 days (got 0)',
    ],
    [
      'a misspelt delivery setting',
      'delivery:\n  bufferingHint: { sizeInMBs: 5 }',
      'delivery.bufferingHint is not a known setting (did you mean "bufferingHints"?',
    ],
    ['a consumer, which this preset has not', 'consumers: [{ name: a }]', 'consumers is not a known setting'],
  ];
  for (const [what, yaml, expected] of cases) {
    test(`rejects ${what}`, () => {
      const problems = problemsOf(yaml);
      assert.ok(
        problems.some((p) => p.startsWith(expected)),
        `expected a problem starting with:\n  ${expected}\ngot:\n  ${problems.join('\n  ')}`,
      );
    });
  }
});

describe('kinesis-firehose-s3: defaults', () => {
  test('the preset alone gets the original solution’s delivery settings from LIMITS', () => {
    const spec = presetSpec('kinesis-firehose-s3');
    const F = LIMITS.firehose;
    assert.equal(spec.name, 'kinesis-firehose-s3');
    assert.equal(spec.stream.mode, 'ON_DEMAND');
    assert.deepEqual(spec.delivery.bufferingHints, { sizeInMBs: 5, intervalInSeconds: 300 });
    assert.equal(spec.delivery.compression, 'GZIP');
    assert.equal(spec.delivery.prefix, F.prefix.default);
    assert.equal(spec.delivery.errorOutputPrefix, F.errorOutputPrefix.default);
    assert.deepEqual(spec.delivery.dynamicPartitioning, {
      enabled: false,
      metadataExtractionQuery: undefined,
      retryDuration: 300,
    });
    assert.equal(spec.delivery.appendDelimiterToRecord, false);
    assert.deepEqual(spec.delivery.dataFormatConversion, { enabled: false, compression: 'SNAPPY', columns: [] });
    assert.equal(spec.delivery.processor, undefined);
    assert.deepEqual(spec.bucket, { abortIncompleteMultipartUploadDays: 7, intelligentTieringDays: 1 });
    assert.equal(spec.local.firehosePort, LIMITS.local.firehosePort.value);
  });

  test('dynamic partitioning and Parquet make the buffer 128 MiB and the objects uncompressed unless set', () => {
    const spec = specOf(`delivery:
  prefix: "ticker=!{partitionKeyFromQuery:ticker}/"
  dynamicPartitioning: { enabled: true, metadataExtractionQuery: "{ticker: .ticker}", retryDuration: 10m }
  appendDelimiterToRecord: true
  dataFormatConversion: { enabled: true, columns: [{ name: ticker, type: string }, { name: price, type: double }] }
  processor: { handler: ./transform.ts, timeout: 2m }
`);
    assert.deepEqual(spec.delivery.bufferingHints, { sizeInMBs: 128, intervalInSeconds: 300 });
    assert.equal(spec.delivery.compression, 'UNCOMPRESSED');
    assert.equal(spec.delivery.dynamicPartitioning.retryDuration, 600);
    assert.equal(spec.delivery.processor?.timeout, 120);
    assert.equal(spec.delivery.processor?.export, 'handler');
    assert.equal(spec.delivery.processor?.numberOfRetries, 3);
    assert.equal(spec.delivery.processor?.bufferSizeInMBs, 1);
  });

  test('a prefix without expressions needs no error prefix', () => {
    const spec = specOf('delivery:\n  prefix: legacy/\n  errorOutputPrefix: ""\n');
    assert.equal(spec.delivery.errorOutputPrefix, '');
  });

  test('keys may be named by strings, variables and shorthand, and the query may span lines with comments', () => {
    const spec = specOf(`delivery:
  prefix: "c=!{partitionKeyFromQuery:customer id}/t=!{partitionKeyFromQuery:ticker}/"
  dynamicPartitioning:
    enabled: true
    metadataExtractionQuery: |
      # partition by customer and ticker
      { "customer id": .customer.id, ticker }
`);
    assert.equal(spec.delivery.dynamicPartitioning.enabled, true);
  });
});

describe('kinesis-firehose-s3: alarms', () => {
  test('the original’s DataFreshness alarm (> 900 s, Maximum, 5 minutes) is keyed by the delivery stream, with the stream’s alarms', () => {
    const alarms = alarmsFor(presetSpec('kinesis-firehose-s3'));
    const freshness = alarms.find((a) => a.id === 'DeliveryDataFreshness');
    assert.deepEqual(
      freshness && {
        namespace: freshness.namespace,
        metric: freshness.metricName,
        statistic: freshness.statistic,
        comparison: freshness.comparison,
        threshold: freshness.threshold,
        period: freshness.periodSeconds,
        resource: freshness.resource,
        origin: freshness.origin,
      },
      {
        namespace: 'AWS/Firehose',
        metric: 'DeliveryToS3.DataFreshness',
        statistic: 'Maximum',
        comparison: 'GreaterThanThreshold',
        threshold: 900,
        period: 300,
        resource: { kind: 'deliveryStream' },
        origin: 'original',
      },
    );
    assert.deepEqual(
      alarms.map((a) => a.id),
      [
        'StreamIteratorAge',
        'StreamReadThrottled',
        'StreamWriteThrottled',
        'StreamPutRecordSuccess',
        'StreamPutRecordsSuccess',
        'StreamGetRecordsSuccess',
        'DeliveryDataFreshness',
        'DeliveryToS3Success',
        'DeliveryThrottledGetRecords',
      ],
    );
    for (const alarm of alarms) assert.equal(alarm.treatMissingData, 'notBreaching', alarm.id);
  });

  test('dynamic partitioning, Parquet and a processor each add their alarms', () => {
    const spec = specOf(`delivery:
  prefix: "t=!{partitionKeyFromQuery:ticker}/"
  dynamicPartitioning: { enabled: true, metadataExtractionQuery: "{ticker: .ticker}" }
  dataFormatConversion: { enabled: true, columns: [{ name: ticker, type: string }] }
  processor: { handler: ./t.ts }
`);
    const ids = alarmsFor(spec).map((a) => a.id);
    for (const id of [
      'DeliveryPartitionCountExceeded',
      'DeliveryFormatConversionFailed',
      'DeliveryProcessingSuccess',
      'processorErrors',
      'processorThrottles',
    ]) {
      assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
    }
    assert.equal(new Set(ids).size, ids.length, 'alarm ids are unique');
    const errors = alarmsFor(spec).find((a) => a.id === 'processorErrors');
    assert.deepEqual(errors?.resource, { kind: 'processor' });
  });
});
