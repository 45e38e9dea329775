/**
 * Bad-input catalogue: the spec. Every preset's sections fed wrong types, numbers out of the LIMITS ranges, unknown
 * enum values and keys, broken cross-field rules and YAML that does not parse; each row names the field, the allowed
 * values and the value received it expects in the SpecValidationError. Rows with `fields` check that every problem is
 * reported at once, as the parser promises.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe } from 'node:test';
import { loadSpec, parseSpec, parseSpecText } from '../src/index.ts';
import { type BadInput, catalogue, type Expected, thrown } from './support/bad-input.ts';

/** A validation failure naming `field`. */
const at = (field: string, message: RegExp, fields?: readonly string[]): Expected =>
  fields ? { code: 'SK_VALIDATION', field, fields, message } : { code: 'SK_VALIDATION', field, message };

const AKL = 'preset: apigw-kinesis-lambda\n';
const KFS = 'preset: kinesis-firehose-s3\n';
const KPL = 'preset: kpl-kinesis-flink-s3\n';
const KFA = 'preset: kinesis-flink-apigw\n';
const MSK = 'preset: msk-cluster\n';
const ML = 'preset: msk-lambda\n';
const MLF = 'preset: msk-lambda-firehose-s3\n';
const MFS = 'preset: msk-flink-s3\n';
const MCS = 'preset: msk-connect-s3\n';
const LABS = 'preset: msk-labs\n';

const yamlRows: BadInput<string>[] = [
  // The document itself.
  {
    name: 'YAML: an unclosed flow mapping, with its line',
    input: `${AKL}stream: {mode: PROVISIONED\n`,
    expect: at('(root)', /not valid YAML or JSON: .*line 3/),
  },
  {
    name: 'YAML: a tab indentation, with its line',
    input: `${AKL}stream:\n\tmode: ON_DEMAND\n`,
    expect: at('(root)', /not valid YAML or JSON: .*line 3/),
  },
  {
    name: 'YAML: a key given twice, with its line',
    input: `${AKL}name: a\nname: b\n`,
    expect: at('(root)', /not valid YAML or JSON: Map keys must be unique.*line 3/),
  },
  {
    name: 'YAML: bad indentation of a nested key',
    input: `${AKL}stream:\n  mode: ON_DEMAND\n shardCount: 2\n`,
    expect: at('(root)', /not valid YAML or JSON: .*line 4/),
  },
  {
    name: 'YAML: two problems reported at once',
    input: `${AKL}name: a\nname: b\nstream: {mode: x\n`,
    expect: at('(root)', /has 2 problems/, ['(root)', '(root)']),
  },
  {
    name: 'JSON: a trailing comma',
    input: '{"preset": "apigw-kinesis-lambda",, "name": "x"}',
    expect: at('(root)', /not valid YAML or JSON: .*line 1/),
  },
  {
    name: 'a document that is a list',
    input: '- preset: apigw-kinesis-lambda\n',
    expect: at('(root)', /must be a mapping of settings \(got a list\)/),
  },
  {
    name: 'a document that is a number',
    input: '42\n',
    expect: at('(root)', /must be a mapping of settings \(got 42\)/),
  },
  { name: 'an empty document', input: '', expect: at('(root)', /must be a mapping of settings \(got null\)/) },
  {
    name: 'YAML: an alias of an anchor never set',
    input: `${AKL}name: *missing\n`,
    expect: at(
      '(root)',
      /not valid YAML or JSON: Unresolved alias \(the anchor must be set before the alias\): missing/,
    ),
  },
  {
    name: 'YAML: aliases that expand past the budget (billion laughs)',
    input: `${AKL}a: &a [x, x, x, x, x, x, x, x, x]\n${Array.from(
      { length: 9 },
      (_, i) =>
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(', ')}]`,
    ).join('\n')}\n`,
    expect: at('(root)', /not valid YAML or JSON: Excessive alias count indicates a resource exhaustion attack/),
  },
  {
    name: 'YAML tag: a section written as an !!omap',
    input: `${AKL}stream: !!omap [mode: PROVISIONED]\n`,
    expect: at('stream', /stream must be a mapping of settings \(got a Map\)/),
  },
  {
    name: 'YAML tag: a section written as a !!timestamp',
    input: `${AKL}ingest: !!timestamp 2026-01-01\n`,
    expect: at('ingest', /ingest must be a mapping of settings \(got a date \(2026-01-01T00:00:00.000Z\)\)/),
  },
  {
    name: 'YAML tag: a section written as !!binary',
    input: `${AKL}local: !!binary aGVsbG8=\n`,
    expect: at('local', /local must be a mapping of settings \(got a Buffer\)/),
  },
  {
    name: 'YAML tag: a list written as a !!set',
    input: `${AKL}consumers: !!set {a}\n`,
    expect: at('consumers', /consumers must be a list \(got a Set\)/),
  },
  {
    name: 'YAML tag: a filter pattern written as an !!omap',
    input: `${AKL}consumers: [{filters: [!!omap [data: x]]}]\n`,
    expect: at(
      'consumers[0].filters[0]',
      /consumers\[0\].filters\[0\] is invalid: must be a mapping such as .* \(got a Map\)/,
    ),
  },
  {
    name: 'YAML tag: a name written as !!binary',
    input: `${AKL}name: !!binary aGVsbG8=\n`,
    expect: at('name', /name must be text \(got a Buffer\)/),
  },
  {
    name: 'YAML tag: the whole spec as an !!omap',
    input: '!!omap [preset: apigw-kinesis-lambda]\n',
    expect: at('(root)', /the spec must be a mapping of settings \(got a Map\)/),
  },
  // preset, version, name, description, tags, monitoring, local: every preset has them.
  {
    name: 'preset missing',
    input: 'name: orders\n',
    expect: at('preset', /preset is required: one of apigw-kinesis-lambda, .*msk-labs/),
  },
  {
    name: 'preset unknown, with a suggestion',
    input: 'preset: apigw-kinesis-lamda\n',
    expect: at(
      'preset',
      /must be one of apigw-kinesis-lambda, .* \(got "apigw-kinesis-lamda"\) — did you mean "apigw-kinesis-lambda"\?/,
    ),
  },
  { name: 'preset of the wrong type', input: 'preset: 3\n', expect: at('preset', /must be one of .* \(got 3\)/) },
  {
    name: 'preset named after an Object method',
    input: 'preset: toString\n',
    expect: at('preset', /must be one of .* \(got "toString"\)/),
  },
  {
    name: 'version 2',
    input: `${AKL}version: 2\n`,
    expect: at('version', /version must be 1, the only spec version so far \(got 2\)/),
  },
  {
    name: 'name with capitals',
    input: `${AKL}name: Orders\n`,
    expect: at('name', /name must be lowercase letters, digits and hyphens, starting with a letter \(got "Orders"\)/),
  },
  {
    name: 'name over 40 characters',
    input: `${AKL}name: ${'a'.repeat(41)}\n`,
    expect: at('name', /name must be 1 to 40 characters long \(got 41: /),
  },
  { name: 'name that is a number', input: `${AKL}name: 7\n`, expect: at('name', /name must be text \(got 7\)/) },
  {
    name: 'description over 1024 characters',
    input: `${AKL}description: ${'d'.repeat(1025)}\n`,
    expect: at('description', /description must be 0 to 1024 characters long \(got 1025/),
  },
  {
    name: 'an unknown top-level key, with a suggestion',
    input: `${AKL}consumer: []\n`,
    expect: at(
      'consumer',
      /consumer is not a known setting \(did you mean "consumers"\? allowed: version, name, preset, .*consumers\)/,
    ),
  },
  {
    name: 'a key of another preset',
    input: `${AKL}delivery: {}\n`,
    expect: at('delivery', /delivery is not a known setting \(allowed: .*stream, consumers\)/),
  },
  {
    name: 'tags as a list',
    input: `${AKL}tags: [a, b]\n`,
    expect: at('tags', /tags must be a mapping of tag names to values \(got a list\)/),
  },
  {
    name: 'a tag starting with aws:',
    input: `${AKL}tags: {"aws:owner": me}\n`,
    expect: at('tags.aws:owner', /must be at most 128 characters and not start with "aws:"/),
  },
  {
    name: 'a tag value that is a mapping',
    input: `${AKL}tags: {team: {a: 1}}\n`,
    expect: at('tags.team', /tags.team must be text of at most 256 characters \(got a mapping\)/),
  },
  {
    name: 'an alarm email without @',
    input: `${AKL}monitoring: {alarmEmail: ops.example.com}\n`,
    expect: at('monitoring.alarmEmail', /must be an email address \(got "ops.example.com"\)/),
  },
  {
    name: 'dashboard as text',
    input: `${AKL}monitoring: {dashboard: "yes"}\n`,
    expect: at('monitoring.dashboard', /must be true or false \(got "yes"\)/),
  },
  {
    name: 'an unknown monitoring key',
    input: `${AKL}monitoring: {alarmMail: a@b.c}\n`,
    expect: at(
      'monitoring.alarmMail',
      /is not a known setting \(did you mean "alarmEmail"\? allowed: alarmEmail, dashboard\)/,
    ),
  },
  {
    name: 'a local port above 65535',
    input: `${AKL}local: {kinesisPort: 70000}\n`,
    expect: at('local.kinesisPort', /must be between 0 and 65535 .*\(got 70000\)/),
  },
  {
    name: 'a negative ingest port',
    input: `${AKL}local: {ingestPort: -1}\n`,
    expect: at('local.ingestPort', /must be between 0 and 65535 .*\(got -1\)/),
  },
  {
    name: 'a port as text',
    input: `${AKL}local: {firehosePort: "4573"}\n`,
    expect: at('local.firehosePort', /must be a number between 0 and 65535 .*\(got "4573"\)/),
  },
  {
    name: 'an empty data directory',
    input: `${AKL}local: {dataDir: ""}\n`,
    expect: at('local.dataDir', /must be 1 to 1024 characters long \(got 0: ""\)/),
  },
  {
    name: 'a section that is a list',
    input: `${AKL}local: [1]\n`,
    expect: at('local', /local must be a mapping of settings \(got a list\)/),
  },

  // apigw-kinesis-lambda: ingest, stream, consumers.
  {
    name: 'ingest.auth unknown',
    input: `${AKL}ingest: {auth: basic}\n`,
    expect: at('ingest.auth', /must be one of iam, cognito, apiKey \(got "basic"\)/),
  },
  {
    name: 'ingest.auth in the wrong case, with a suggestion',
    input: `${AKL}ingest: {auth: IAM}\n`,
    expect: at('ingest.auth', /must be one of iam, cognito, apiKey \(got "IAM"\) — did you mean "iam"\?/),
  },
  {
    name: 'throttling.rateLimit of 0',
    input: `${AKL}ingest: {throttling: {rateLimit: 0}}\n`,
    expect: at('ingest.throttling.rateLimit', /must be between 1 and 10000 .*\(got 0\)/),
  },
  {
    name: 'throttling.burstLimit over 5000',
    input: `${AKL}ingest: {throttling: {burstLimit: 5001}}\n`,
    expect: at('ingest.throttling.burstLimit', /must be between 0 and 5000 .*\(got 5001\)/),
  },
  {
    name: 'ingest.tracing as a number',
    input: `${AKL}ingest: {tracing: 1}\n`,
    expect: at('ingest.tracing', /must be true or false \(got 1\)/),
  },
  {
    name: 'stream.mode unknown, with a suggestion',
    input: `${AKL}stream: {mode: on-demand}\n`,
    expect: at('stream.mode', /must be one of ON_DEMAND, PROVISIONED \(got "on-demand"\) — did you mean "ON_DEMAND"\?/),
  },
  {
    name: 'stream.shardCount over 500',
    input: `${AKL}stream: {mode: PROVISIONED, shardCount: 501}\n`,
    expect: at('stream.shardCount', /must be between 1 and 500 .*\(got 501\)/),
  },
  {
    name: 'stream.shardCount of 0',
    input: `${AKL}stream: {mode: PROVISIONED, shardCount: 0}\n`,
    expect: at('stream.shardCount', /must be between 1 and 500 .*\(got 0\)/),
  },
  {
    name: 'stream.shardCount with ON_DEMAND',
    input: `${AKL}stream: {mode: ON_DEMAND, shardCount: 4}\n`,
    expect: at('stream.shardCount', /applies only to PROVISIONED streams \(stream.mode is ON_DEMAND\)/),
  },
  {
    name: 'stream.retentionHours under 24',
    input: `${AKL}stream: {retentionHours: 23}\n`,
    expect: at('stream.retentionHours', /must be between 24 and 8760 .*\(got 23\)/),
  },
  {
    name: 'stream.retentionHours as a bad duration',
    input: `${AKL}stream: {retentionHours: 2 weeks}\n`,
    expect: at('stream.retentionHours', /stream.retentionHours .*\(got "2 weeks"\)/),
  },
  {
    name: 'stream.encryption unknown',
    input: `${AKL}stream: {encryption: AES}\n`,
    expect: at('stream.encryption', /must be one of MANAGED, KMS \(got "AES"\)/),
  },
  {
    name: 'stream.shardLevelMetrics unknown metric',
    input: `${AKL}stream: {shardLevelMetrics: [IncomingBytes, Bytes]}\n`,
    expect: at('stream.shardLevelMetrics', /must be one of IncomingBytes, .*IteratorAgeMilliseconds \(got "Bytes"\)/),
  },
  {
    name: 'stream.shardLevelMetrics as text',
    input: `${AKL}stream: {shardLevelMetrics: ALL}\n`,
    expect: at(
      'stream.shardLevelMetrics',
      /must be true \(all\), false \(none\) or a list of IncomingBytes, .* \(got "ALL"\)/,
    ),
  },
  {
    name: 'consumers as a mapping',
    input: `${AKL}consumers: {name: a}\n`,
    expect: at('consumers', /consumers must be a list \(got a mapping\)/),
  },
  {
    name: 'no consumers',
    input: `${AKL}consumers: []\n`,
    expect: at('consumers', /consumers must have between 1 and 5 .*\(got 0\)/),
  },
  {
    name: 'six consumers',
    input: `${AKL}consumers: [{name: a}, {name: b}, {name: c}, {name: d}, {name: e}, {name: f}]\n`,
    expect: at('consumers', /must have between 1 and 5 .*\(got 6\)/),
  },
  {
    name: 'a consumer name with an underscore',
    input: `${AKL}consumers: [{name: my_consumer}]\n`,
    expect: at(
      'consumers[0].name',
      /must be letters, digits and hyphens, starting with a letter \(got "my_consumer"\)/,
    ),
  },
  {
    name: 'two consumers with one name',
    input: `${AKL}consumers: [{name: a}, {name: a}]\n`,
    expect: at('consumers[1].name', /"a" is already used by consumers\[0\]/),
  },
  {
    name: 'an export that is not an identifier',
    input: `${AKL}consumers: [{export: my-handler}]\n`,
    expect: at('consumers[0].export', /must be a JavaScript identifier \(got "my-handler"\)/),
  },
  {
    name: 'memorySize under 128',
    input: `${AKL}consumers: [{memorySize: 64}]\n`,
    expect: at('consumers[0].memorySize', /must be between 128 and 10240 .*\(got 64\)/),
  },
  {
    name: 'timeout over 15 minutes',
    input: `${AKL}consumers: [{timeout: 16m}]\n`,
    expect: at('consumers[0].timeout', /must be between 1 and 900 seconds \(got "16m"\)/),
  },
  {
    name: 'timeout as a list',
    input: `${AKL}consumers: [{timeout: [1]}]\n`,
    expect: at('consumers[0].timeout', /consumers\[0\].timeout .*\(got a list\)/),
  },
  {
    name: 'a reserved environment variable',
    input: `${AKL}consumers: [{environment: {AWS_REGION: x}}]\n`,
    expect: at('consumers[0].environment.AWS_REGION', /is not a usable variable name .*AWS_ and LAMBDA_ are reserved/),
  },
  {
    name: 'an environment value that is a list',
    input: `${AKL}consumers: [{environment: {MODE: [a]}}]\n`,
    expect: at('consumers[0].environment.MODE', /must be text, a number or a boolean \(got a list\)/),
  },
  {
    name: 'environment as a list',
    input: `${AKL}consumers: [{environment: [A]}]\n`,
    expect: at('consumers[0].environment', /must be a mapping of variable names to values \(got a list\)/),
  },
  {
    name: 'batchSize of 0',
    input: `${AKL}consumers: [{batchSize: 0}]\n`,
    expect: at('consumers[0].batchSize', /must be between 1 and 10000 records \(got 0\)/),
  },
  {
    name: 'batchSize as text',
    input: `${AKL}consumers: [{batchSize: "100"}]\n`,
    expect: at('consumers[0].batchSize', /must be a number between 1 and 10000 records \(got "100"\)/),
  },
  {
    name: 'batchSize as .nan',
    input: `${AKL}consumers: [{batchSize: .nan}]\n`,
    expect: at('consumers[0].batchSize', /must be a number between 1 and 10000 records \(got NaN\)/),
  },
  {
    name: 'batchSize as .inf',
    input: `${AKL}consumers: [{batchSize: .inf}]\n`,
    expect: at('consumers[0].batchSize', /consumers\[0\].batchSize .*\(got Infinity\)/),
  },
  {
    name: 'maxBatchingWindow of 301 s',
    input: `${AKL}consumers: [{maxBatchingWindow: 301}]\n`,
    expect: at('consumers[0].maxBatchingWindow', /must be between 0 and 300 seconds \(got 301\)/),
  },
  {
    name: 'parallelizationFactor of 0',
    input: `${AKL}consumers: [{parallelizationFactor: 0}]\n`,
    expect: at('consumers[0].parallelizationFactor', /must be between 1 and 10 .*\(got 0\)/),
  },
  {
    name: 'retryAttempts of 10001',
    input: `${AKL}consumers: [{retryAttempts: 10001}]\n`,
    expect: at('consumers[0].retryAttempts', /must be -1, or between 0 and 10000 retries \(got 10001\)/),
  },
  {
    name: 'bisectBatchOnError as "true"',
    input: `${AKL}consumers: [{bisectBatchOnError: "true"}]\n`,
    expect: at('consumers[0].bisectBatchOnError', /must be true or false \(got "true"\)/),
  },
  {
    name: 'maxRecordAge under a minute',
    input: `${AKL}consumers: [{maxRecordAge: 30s}]\n`,
    expect: at('consumers[0].maxRecordAge', /must be -1, or between 60 and 604800 seconds \(got "30s"\)/),
  },
  {
    name: 'startingPosition unknown, with a suggestion',
    input: `${AKL}consumers: [{startingPosition: trim-horizon}]\n`,
    expect: at(
      'consumers[0].startingPosition',
      /must be one of TRIM_HORIZON, LATEST, AT_TIMESTAMP \(got "trim-horizon"\) — did you mean "TRIM_HORIZON"\?/,
    ),
  },
  {
    name: 'AT_TIMESTAMP without a timestamp',
    input: `${AKL}consumers: [{startingPosition: AT_TIMESTAMP}]\n`,
    expect: at('consumers[0].startingPositionTimestamp', /is required when startingPosition is AT_TIMESTAMP/),
  },
  {
    name: 'a timestamp without AT_TIMESTAMP',
    input: `${AKL}consumers: [{startingPositionTimestamp: "2026-01-01T00:00:00Z"}]\n`,
    expect: at(
      'consumers[0].startingPositionTimestamp',
      /applies only when startingPosition is AT_TIMESTAMP \(it is TRIM_HORIZON\)/,
    ),
  },
  {
    name: 'a timestamp that is not a date',
    input: `${AKL}consumers: [{startingPosition: AT_TIMESTAMP, startingPositionTimestamp: yesterday}]\n`,
    expect: at(
      'consumers[0].startingPositionTimestamp',
      /must be an ISO-8601 date-time such as .* \(got "yesterday"\)/,
    ),
  },
  {
    name: 'tumblingWindow over 15 minutes',
    input: `${AKL}consumers: [{tumblingWindow: 901}]\n`,
    expect: at('consumers[0].tumblingWindow', /must be between 0 and 900 seconds \(got 901\)/),
  },
  {
    name: 'six filters',
    input: `${AKL}consumers: [{filters: [{a: [1]}, {a: [1]}, {a: [1]}, {a: [1]}, {a: [1]}, {a: [1]}]}]\n`,
    expect: at('consumers[0].filters', /must be a list of at most 5 filter patterns \(got 6 filters\)/),
  },
  {
    name: 'a filter that is not a pattern',
    input: `${AKL}consumers: [{filters: [{data: {n: 5}}]}]\n`,
    expect: at('consumers[0].filters[0]', /consumers\[0\].filters\[0\] is invalid: /),
  },
  {
    name: 'filters as a mapping',
    input: `${AKL}consumers: [{filters: {a: [1]}}]\n`,
    expect: at('consumers[0].filters', /must be a list of at most 5 filter patterns \(got a mapping\)/),
  },
  {
    name: 'onFailure unknown',
    input: `${AKL}consumers: [{onFailure: sns}]\n`,
    expect: at('consumers[0].onFailure', /must be one of sqs, none \(got "sns"\)/),
  },
  {
    name: 'an unknown consumer key, with a suggestion',
    input: `${AKL}consumers: [{batchsize: 10}]\n`,
    expect: at(
      'consumers[0].batchsize',
      /is not a known setting \(did you mean "batchSize"\? allowed: name, handler, .*onFailure\)/,
    ),
  },
  {
    name: 'every problem of a spec at once (four sections)',
    input: `${AKL}name: Bad\ningest: {auth: basic}\nstream: {retentionHours: 1}\nconsumers: [{batchSize: 0, retryAttempts: -2, oops: 1}]\n`,
    expect: at('name', /has 6 problems/, [
      'name',
      'ingest.auth',
      'stream.retentionHours',
      'consumers[0].batchSize',
      'consumers[0].retryAttempts',
      'consumers[0].oops',
    ]),
  },

  // kinesis-firehose-s3: delivery, bucket.
  {
    name: 'bufferingHints.sizeInMBs over 128',
    input: `${KFS}delivery: {bufferingHints: {sizeInMBs: 129}}\n`,
    expect: at('delivery.bufferingHints.sizeInMBs', /must be between 1 and 128 .*\(got 129\)/),
  },
  {
    name: 'bufferingHints.intervalInSeconds over 900',
    input: `${KFS}delivery: {bufferingHints: {intervalInSeconds: 16m}}\n`,
    expect: at('delivery.bufferingHints.intervalInSeconds', /must be between 0 and 900 seconds \(got "16m"\)/),
  },
  {
    name: 'compression unknown, with a suggestion',
    input: `${KFS}delivery: {compression: gzip}\n`,
    expect: at(
      'delivery.compression',
      /must be one of UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY \(got "gzip"\) — did you mean "GZIP"\?/,
    ),
  },
  {
    name: 'a prefix with an unknown namespace',
    input: `${KFS}delivery: {prefix: "data/!{nope:x}/"}\n`,
    expect: at('delivery.prefix', /delivery.prefix is not a valid prefix: .*\(got "data\/!\{nope:x\}\/"\)/),
  },
  {
    name: 'a prefix over 1024 characters',
    input: `${KFS}delivery: {prefix: "${'p'.repeat(1025)}"}\n`,
    expect: at('delivery.prefix', /must be at most 1024 characters long \(got 1025\)/),
  },
  {
    name: 'a prefix as a number',
    input: `${KFS}delivery: {prefix: 5}\n`,
    expect: at('delivery.prefix', /delivery.prefix must be text \(got 5\)/),
  },
  {
    name: 'error-output-type in prefix',
    input: `${KFS}delivery: {prefix: "data/!{firehose:error-output-type}/"}\n`,
    expect: at(
      'delivery.prefix',
      /must not contain !\{firehose:error-output-type\}, which only errorOutputPrefix may use/,
    ),
  },
  {
    name: 'an errorOutputPrefix with expressions but no error type',
    input: `${KFS}delivery: {errorOutputPrefix: "e/!{timestamp:yyyy}/"}\n`,
    expect: at('delivery.errorOutputPrefix', /must contain !\{firehose:error-output-type\} when it has expressions/),
  },
  {
    name: 'partition keys without dynamic partitioning',
    input: `${KFS}delivery: {prefix: "d/!{partitionKeyFromQuery:k}/"}\n`,
    expect: at(
      'delivery.prefix',
      /uses !\{partitionKeyFromQuery:k\}, which needs dynamicPartitioning.enabled: true \(got false\)/,
    ),
  },
  {
    name: 'dynamic partitioning without a query',
    input: `${KFS}delivery: {dynamicPartitioning: {enabled: true}, prefix: "d/!{partitionKeyFromQuery:k}/", bufferingHints: {sizeInMBs: 64}}\n`,
    expect: at(
      'delivery.dynamicPartitioning.metadataExtractionQuery',
      /is required when dynamicPartitioning.enabled is true/,
    ),
  },
  {
    name: 'a small buffer with dynamic partitioning',
    input: `${KFS}delivery: {dynamicPartitioning: {enabled: true, metadataExtractionQuery: "{k: .k}"}, prefix: "d/!{partitionKeyFromQuery:k}/", bufferingHints: {sizeInMBs: 5}}\n`,
    expect: at(
      'delivery.bufferingHints.sizeInMBs',
      /must be between 64 and 128 .*when dynamicPartitioning.enabled is true \(got 5\)/,
    ),
  },
  {
    name: 'a query without dynamic partitioning',
    input: `${KFS}delivery: {dynamicPartitioning: {metadataExtractionQuery: "{k: .k}"}}\n`,
    expect: at(
      'delivery.dynamicPartitioning.metadataExtractionQuery',
      /applies only when dynamicPartitioning.enabled is true/,
    ),
  },
  {
    name: 'appendDelimiterToRecord without dynamic partitioning',
    input: `${KFS}delivery: {appendDelimiterToRecord: true}\n`,
    expect: at(
      'delivery.appendDelimiterToRecord',
      /applies only when dynamicPartitioning.enabled is true \(got true\)/,
    ),
  },
  {
    name: 'Parquet with GZIP objects',
    input: `${KFS}delivery: {compression: GZIP, bufferingHints: {sizeInMBs: 64}, dataFormatConversion: {enabled: true, columns: [{name: a, type: string}]}}\n`,
    expect: at(
      'delivery.compression',
      /must be UNCOMPRESSED when dataFormatConversion.enabled is true.* \(got "GZIP"\)/,
    ),
  },
  {
    name: 'Parquet without columns',
    input: `${KFS}delivery: {dataFormatConversion: {enabled: true}}\n`,
    expect: at(
      'delivery.dataFormatConversion.columns',
      /must list at least one column \(\{name, type\}\) when dataFormatConversion.enabled is true/,
    ),
  },
  {
    name: 'a column type unknown',
    input: `${KFS}delivery: {dataFormatConversion: {enabled: true, columns: [{name: a, type: text}]}}\n`,
    expect: at(
      'delivery.dataFormatConversion.columns[0].type',
      /must be one of string, boolean, int, bigint, float, double, timestamp, date \(got "text"\)/,
    ),
  },
  {
    name: 'a column without a type',
    input: `${KFS}delivery: {dataFormatConversion: {enabled: true, columns: [{name: a}]}}\n`,
    expect: at('delivery.dataFormatConversion.columns[0].type', /is required: one of string, boolean/),
  },
  {
    name: 'a column name in capitals',
    input: `${KFS}delivery: {dataFormatConversion: {enabled: true, columns: [{name: Price, type: double}]}}\n`,
    expect: at(
      'delivery.dataFormatConversion.columns[0].name',
      /must be lower-case letters, digits and underscores \(got "Price"\)/,
    ),
  },
  {
    name: 'two columns with one name',
    input: `${KFS}delivery: {dataFormatConversion: {enabled: true, columns: [{name: a, type: int}, {name: a, type: int}]}}\n`,
    expect: at('delivery.dataFormatConversion.columns[1].name', /"a" is already the name of columns\[0\]/),
  },
  {
    name: 'a Parquet compression unknown',
    input: `${KFS}delivery: {dataFormatConversion: {compression: ZSTD}}\n`,
    expect: at('delivery.dataFormatConversion.compression', /must be one of SNAPPY, GZIP, UNCOMPRESSED \(got "ZSTD"\)/),
  },
  {
    name: 'a processor without a handler',
    input: `${KFS}delivery: {processor: {}}\n`,
    expect: at('delivery.processor.handler', /delivery.processor.handler/),
  },
  {
    name: 'a processor buffer over 3 MB',
    input: `${KFS}delivery: {processor: {handler: h.ts, bufferSizeInMBs: 4}}\n`,
    expect: at('delivery.processor.bufferSizeInMBs', /must be between 1 and 3 .*\(got 4\)/),
  },
  {
    name: 'processor retries over 300',
    input: `${KFS}delivery: {processor: {handler: h.ts, numberOfRetries: 301}}\n`,
    expect: at('delivery.processor.numberOfRetries', /must be between 0 and 300 .*\(got 301\)/),
  },
  {
    name: 'bucket.abortIncompleteMultipartUploadDays of 0',
    input: `${KFS}bucket: {abortIncompleteMultipartUploadDays: 0}\n`,
    expect: at('bucket.abortIncompleteMultipartUploadDays', /must be between 1 and 3650 days \(got 0\)/),
  },
  {
    name: 'bucket.intelligentTieringDays over 10 years',
    input: `${KFS}bucket: {intelligentTieringDays: 3651}\n`,
    expect: at('bucket.intelligentTieringDays', /must be between 0 and 3650 days \(got 3651\)/),
  },
  {
    name: 'an unknown delivery key, with a suggestion',
    input: `${KFS}delivery: {bufferingHint: {}}\n`,
    expect: at('delivery.bufferingHint', /is not a known setting \(did you mean "bufferingHints"\?/),
  },

  // The Flink presets.
  {
    name: 'kpl-kinesis-flink-s3: flink.mode unknown',
    input: `${KPL}flink: {mode: zeppelin}\n`,
    expect: at('flink.mode', /must be one of .*application.* \(got "zeppelin"\)/),
  },
  {
    name: 'kpl-kinesis-flink-s3: an application setting in notebook mode',
    input: `${KPL}flink: {mode: notebook, parallelism: 2}\n`,
    expect: at(
      'flink.parallelism',
      /applies only when flink.mode is application; a Studio notebook sets it in its own paragraphs \(got 2\)/,
    ),
  },
  {
    name: 'kpl-kinesis-flink-s3: parallelism of 0',
    input: `${KPL}flink: {parallelism: 0}\n`,
    expect: at('flink.parallelism', /flink.parallelism must be between 1 and \d+ .*\(got 0\)/),
  },
  {
    name: 'kpl-kinesis-flink-s3: logLevel unknown',
    input: `${KPL}flink: {logLevel: TRACE}\n`,
    expect: at('flink.logLevel', /must be one of .*INFO.* \(got "TRACE"\)/),
  },
  {
    name: 'kpl-kinesis-flink-s3: producer.instanceType malformed',
    input: `${KPL}producer: {instanceType: big}\n`,
    expect: at('producer.instanceType', /producer.instanceType must be .*\(got "big"\)/),
  },
  {
    name: 'kpl-kinesis-flink-s3: producer.rate of 0',
    input: `${KPL}producer: {rate: 0}\n`,
    expect: at('producer.rate', /producer.rate must be between 1 and \d+ .*\(got 0\)/),
  },
  {
    name: 'kinesis-flink-apigw: enrichment.timeout of 0',
    input: `${KFA}enrichment: {timeout: 0}\n`,
    expect: at('enrichment.timeout', /enrichment.timeout must be between \d+ and \d+ seconds \(got 0\)/),
  },
  {
    name: 'kinesis-flink-apigw: enrichment.capacity as text',
    input: `${KFA}enrichment: {capacity: many}\n`,
    expect: at('enrichment.capacity', /must be a number between .* \(got "many"\)/),
  },
  {
    name: 'kinesis-flink-apigw: enrichment.ordered as yes',
    input: `${KFA}enrichment: {ordered: "yes"}\n`,
    expect: at('enrichment.ordered', /must be true or false \(got "yes"\)/),
  },
  {
    name: 'kinesis-flink-apigw: a notebook is not a mode here',
    input: `${KFA}flink: {mode: notebook}\n`,
    expect: at('flink.mode', /flink.mode is not a known setting \(allowed: /),
  },

  // The MSK presets: cluster, existingCluster, topics, consumers, client, application, connector.
  {
    name: 'msk-cluster: cluster.kind unknown',
    input: `${MSK}cluster: {kind: standard}\n`,
    expect: at('cluster.kind', /must be one of provisioned, express, serverless \(got "standard"\)/),
  },
  {
    name: 'msk-cluster: a Kafka version MSK does not offer',
    input: `${MSK}cluster: {kafkaVersion: 2.8.1}\n`,
    expect: at('cluster.kafkaVersion', /must be one of 3.7.x, 3.8.x, 3.9.x, 4.0.x \(got "2.8.1"\)/),
  },
  {
    name: 'msk-cluster: an Express Kafka version on Express brokers',
    input: `${MSK}cluster: {kind: express, kafkaVersion: 3.7.x}\n`,
    expect: at('cluster.kafkaVersion', /must be one of 3.8.x, 3.9.x for Express brokers \(got "3.7.x"\)/),
  },
  {
    name: 'msk-cluster: one broker',
    input: `${MSK}cluster: {brokers: 1}\n`,
    expect: at('cluster.brokers', /must be between 2 and 30 .*\(got 1\)/),
  },
  {
    name: 'msk-cluster: brokers not a multiple of the zones',
    input: `${MSK}cluster: {brokers: 4}\n`,
    expect: at('cluster.brokers', /must be a multiple of cluster.availabilityZones \(3\).* \(got 4\)/),
  },
  {
    name: 'msk-cluster: four zones',
    input: `${MSK}cluster: {availabilityZones: 4}\n`,
    expect: at('cluster.availabilityZones', /must be between 2 and 3 .*\(got 4\)/),
  },
  {
    name: 'msk-cluster: an Express instance on Standard brokers',
    input: `${MSK}cluster: {instanceType: express.m7g.large}\n`,
    expect: at(
      'cluster.instanceType',
      /must be one of kafka.t3.small, .* for Standard brokers \(cluster.kind is provisioned\) \(got "express.m7g.large"\)/,
    ),
  },
  {
    name: 'msk-cluster: storage on Express brokers',
    input: `${MSK}cluster: {kind: express, storageGiB: 100}\n`,
    expect: at('cluster.storageGiB', /applies only to Standard brokers.* \(got 100\)/),
  },
  {
    name: 'msk-cluster: storage over 16 TiB',
    input: `${MSK}cluster: {storageGiB: 16385}\n`,
    expect: at('cluster.storageGiB', /must be between 1 and 16384 .*\(got 16385\)/),
  },
  {
    name: 'msk-cluster: brokers on serverless',
    input: `${MSK}cluster: {kind: serverless, brokers: 3}\n`,
    expect: at('cluster.brokers', /applies only to provisioned clusters \(cluster.kind is serverless\) \(got 3\)/),
  },
  {
    name: 'msk-cluster: SCRAM on serverless',
    input: `${MSK}cluster: {kind: serverless, auth: scram}\n`,
    expect: at('cluster.auth', /must be iam: MSK Serverless authenticates clients with IAM only \(got "scram"\)/),
  },
  {
    name: 'msk-cluster: KMS at rest on serverless',
    input: `${MSK}cluster: {kind: serverless, encryption: {atRest: KMS}}\n`,
    expect: at(
      'cluster.encryption.atRest',
      /must be MANAGED: MSK Serverless encrypts at rest with a key it manages \(got "KMS"\)/,
    ),
  },
  {
    name: 'msk-cluster: auth unknown',
    input: `${MSK}cluster: {auth: sasl}\n`,
    expect: at('cluster.auth', /must be one of iam, scram, tls, unauthenticated \(got "sasl"\)/),
  },
  {
    name: 'msk-cluster: TLS without a certificate authority',
    input: `${MSK}cluster: {auth: tls, tls: {clientCertificateSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:c"}}\n`,
    expect: at(
      'cluster.tls.certificateAuthorityArns',
      /must list at least one ACM Private CA ARN when cluster.auth is tls/,
    ),
  },
  {
    name: 'msk-cluster: a certificate authority that is not an ARN',
    input: `${MSK}cluster: {auth: tls, tls: {certificateAuthorityArns: [ca-1]}}\n`,
    expect: at('cluster.tls.certificateAuthorityArns[0]', /must be an ACM Private CA ARN \(got "ca-1"\)/),
  },
  {
    name: 'msk-cluster: TLS settings with IAM auth',
    input: `${MSK}cluster: {tls: {clientCertificateSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:c"}}\n`,
    expect: at('cluster.tls.clientCertificateSecretArn', /applies only when cluster.auth is tls \(it is iam\)/),
  },
  {
    name: 'msk-cluster: a VPC id that is not one',
    input: `${MSK}cluster: {vpc: {id: my-vpc}}\n`,
    expect: at('cluster.vpc.id', /must be a VPC id \(vpc-…\) \(got "my-vpc"\)/),
  },
  {
    name: 'msk-cluster: an existing VPC without subnets',
    input: `${MSK}cluster: {vpc: {id: vpc-0123456789abcdef0}}\n`,
    expect: at('cluster.vpc.subnetIds', /must list one private subnet per Availability Zone, 3 .* \(got 0\)/),
  },
  {
    name: 'msk-cluster: subnets without a VPC',
    input: `${MSK}cluster: {vpc: {subnetIds: [subnet-0123456789abcdef0]}}\n`,
    expect: at('cluster.vpc.subnetIds', /applies only with vpc.id \(an existing VPC\)/),
  },
  {
    name: 'msk-cluster: four NAT gateways',
    input: `${MSK}cluster: {vpc: {natGateways: 4}}\n`,
    expect: at('cluster.vpc.natGateways', /must be between 1 and 3 .*\(got 4\)/),
  },
  {
    name: 'msk-cluster: an existing cluster',
    input: `${MSK}existingCluster: {arn: "arn:aws:kafka:us-east-1:123456789012:cluster/c/abc-1"}\n`,
    expect: at('existingCluster', /is not a setting of this preset, which creates its own cluster \(use cluster:\)/),
  },
  {
    name: 'msk-cluster: a topic with a space',
    input: `${MSK}topics: [{name: "my topic"}]\n`,
    expect: at('topics[0].name', /must be letters, digits, ".", "_" and "-" \(got "my topic"\)/),
  },
  {
    name: 'msk-cluster: a topic without a name',
    input: `${MSK}topics: [{partitions: 3}]\n`,
    expect: at('topics[0].name', /topics\[0\].name is required/),
  },
  {
    name: 'msk-cluster: two topics with one name',
    input: `${MSK}topics: [{name: a}, {name: a}]\n`,
    expect: at('topics[1].name', /"a" is already declared by topics\[0\]; topic names must be unique/),
  },
  {
    name: 'msk-cluster: 1001 partitions',
    input: `${MSK}topics: [{name: a, partitions: 1001}]\n`,
    expect: at('topics[0].partitions', /must be between 1 and 1000 .*\(got 1001\)/),
  },
  {
    name: 'msk-cluster: a replication factor above the brokers',
    input: `${MSK}topics: [{name: a, replicationFactor: 4}]\n`,
    expect: at('topics[0].replicationFactor', /must be at most the broker count, 3 \(cluster.brokers\) \(got 4\)/),
  },
  {
    name: 'msk-cluster: replication factor 2 on Express',
    input: `${MSK}cluster: {kind: express}\ntopics: [{name: a, replicationFactor: 2}]\n`,
    expect: at(
      'topics[0].replicationFactor',
      /must be 3 on Express brokers, which keep three replicas of every partition \(got 2\)/,
    ),
  },
  {
    name: 'msk-cluster: a topic setting in capitals',
    input: `${MSK}topics: [{name: a, config: {Retention.Ms: 1}}]\n`,
    expect: at(
      'topics[0].config.Retention.Ms',
      /is not a Kafka topic setting name \(lower-case words joined by dots, such as retention.ms\)/,
    ),
  },
  {
    name: 'msk-cluster: topics as a mapping',
    input: `${MSK}topics: {name: a}\n`,
    expect: at('topics', /topics must be a list of topics \(got a mapping\)/),
  },
  {
    name: 'msk-cluster: client.instanceType malformed',
    input: `${MSK}client: {instanceType: T3_SMALL}\n`,
    expect: at('client.instanceType', /must be an EC2 instance type such as t3.small \(got "T3_SMALL"\)/),
  },
  {
    name: 'msk-labs: an existing cluster',
    input: `${LABS}existingCluster: {arn: "arn:aws:kafka:us-east-1:123456789012:cluster/c/abc-1"}\n`,
    expect: at('existingCluster', /is not a setting of this preset/),
  },
  {
    name: 'msk-lambda: cluster and existingCluster together',
    input: `${ML}cluster: {}\nexistingCluster: {arn: "arn:aws:kafka:us-east-1:123456789012:cluster/c/abc-1"}\n`,
    expect: at('existingCluster', /and cluster are mutually exclusive/),
  },
  {
    name: 'msk-lambda: an existing cluster without an ARN',
    input: `${ML}existingCluster: {auth: iam}\nconsumers: [{topic: t}]\n`,
    expect: at('existingCluster.arn', /is required: the ARN of the MSK cluster to read from/),
  },
  {
    name: 'msk-lambda: a cluster ARN of another service',
    input: `${ML}existingCluster: {arn: "arn:aws:kinesis:us-east-1:123456789012:stream/s"}\nconsumers: [{topic: t}]\n`,
    expect: at('existingCluster.arn', /must be an MSK cluster ARN .* \(got "arn:aws:kinesis:/),
  },
  {
    name: 'msk-lambda: SCRAM without its secret and key',
    input: `${ML}existingCluster: {arn: "arn:aws:kafka:us-east-1:123456789012:cluster/c/abc-1", auth: scram}\nconsumers: [{topic: t}]\n`,
    expect: at('existingCluster.secretArn', /is required when existingCluster.auth is scram/, [
      'existingCluster.secretArn',
      'existingCluster.secretKeyArn',
    ]),
  },
  {
    name: 'msk-lambda: a consumer of a topic the stack does not create',
    input: `${ML}consumers: [{topic: orders}]\n`,
    expect: at('consumers[0].topic', /must be one of the topics the stack creates: events \(got "orders"\)/),
  },
  {
    name: 'msk-lambda: a consumer without a topic and no topics',
    input: `${ML}topics: []\nconsumers: [{}]\n`,
    expect: at('consumers[0].topic', /is required when topics is empty/),
  },
  {
    name: 'msk-lambda: a batchSize of 10001',
    input: `${ML}consumers: [{batchSize: 10001}]\n`,
    expect: at('consumers[0].batchSize', /must be between 1 and 10000 .*\(got 10001\)/),
  },
  {
    name: 'msk-lambda: a maxRecordAge of 59 s',
    input: `${ML}consumers: [{maxRecordAge: 59}]\n`,
    expect: at('consumers[0].maxRecordAge', /consumers\[0\].maxRecordAge must be .*\(got 59\)/),
  },
  {
    name: 'msk-lambda: minimum pollers above the maximum',
    input: `${ML}consumers: [{provisionedPollers: {minimum: 10, maximum: 5}}]\n`,
    expect: at(
      'consumers[0].provisionedPollers.minimum',
      /must be at most provisionedPollers.maximum \(5\) \(got 10\)/,
    ),
  },
  {
    name: 'msk-lambda: 2001 pollers',
    input: `${ML}consumers: [{provisionedPollers: {maximum: 2001}}]\n`,
    expect: at('consumers[0].provisionedPollers.maximum', /must be between 1 and 2000 .*\(got 2001\)/),
  },
  {
    name: 'msk-lambda: a consumer group id with a space',
    input: `${ML}consumers: [{consumerGroupId: "my group"}]\n`,
    expect: at('consumers[0].consumerGroupId', /must be letters, digits and - \/ \* : _ \+ = \. @ \(got "my group"\)/),
  },
  {
    name: 'msk-lambda: two consumers in one group',
    input: `${ML}consumers: [{name: a, consumerGroupId: g}, {name: b, consumerGroupId: g}]\n`,
    expect: at(
      'consumers[1].consumerGroupId',
      /"g" is already used by consumers\[0\]; each event source mapping needs its own consumer group/,
    ),
  },
  {
    name: 'msk-lambda: onFailure unknown',
    input: `${ML}consumers: [{onFailure: dlq}]\n`,
    expect: at('consumers[0].onFailure', /must be one of s3, sqs, none \(got "dlq"\)/),
  },
  {
    name: 'msk-lambda: a Kinesis-only consumer setting',
    input: `${ML}consumers: [{parallelizationFactor: 2}]\n`,
    expect: at('consumers[0].parallelizationFactor', /is not a known setting \(allowed: name, handler/),
  },
  {
    name: 'msk-lambda-firehose-s3: forwarder.batchSize of 0',
    input: `${MLF}forwarder: {batchSize: 0}\n`,
    expect: at('forwarder.batchSize', /must be between 1 and 10000 .*\(got 0\)/),
  },
  {
    name: 'msk-lambda-firehose-s3: delivery compression unknown',
    input: `${MLF}delivery: {compression: LZ4}\n`,
    expect: at('delivery.compression', /must be one of UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY \(got "LZ4"\)/),
  },
  {
    name: 'msk-flink-s3: flink.parallelism of 0',
    input: `${MFS}flink: {parallelism: 0}\n`,
    expect: at('flink.parallelism', /flink.parallelism must be between 1 and \d+ .*\(got 0\)/),
  },
  {
    name: 'msk-flink-s3: flink.topic malformed',
    input: `${MFS}flink: {topic: "a b"}\n`,
    expect: at('flink.topic', /must be a Kafka topic name \(got "a b"\)/),
  },
  {
    name: 'msk-flink-s3: flink.runtime unknown',
    input: `${MFS}flink: {runtime: FLINK-1_13}\n`,
    expect: at('flink.runtime', /must be one of .*FLINK.* \(got "FLINK-1_13"\)/),
  },
  {
    name: 'msk-flink-s3: the old application section, with where its settings went',
    input: `${MFS}application: {sql: job.sql}\n`,
    expect: at('application', /application was renamed flink, the section the Flink presets use: move its settings/),
  },
  {
    name: 'msk-connect-s3: connector.topics empty',
    input: `${MCS}connector: {topics: []}\n`,
    expect: at('connector.topics', /must be a non-empty list of topic names \(got a list\)/),
  },
  {
    name: 'msk-connect-s3: a plugin that is not on S3',
    input: `${MCS}connector: {plugin: "https://example.com/p.zip"}\n`,
    expect: at(
      'connector.plugin',
      /must be the S3 URI of a plugin ZIP or JAR, .* \(got "https:\/\/example.com\/p.zip"\)/,
    ),
  },
  {
    name: 'msk-connect-s3: a connector class that is not Java',
    input: `${MCS}connector: {connectorClass: "s3 sink"}\n`,
    expect: at('connector.connectorClass', /must be a fully qualified Java class name \(got "s3 sink"\)/),
  },
  {
    name: 'msk-connect-s3: capacity mode unknown',
    input: `${MCS}connector: {capacity: {mode: elastic}}\n`,
    expect: at('connector.capacity.mode', /must be one of .* \(got "elastic"\)/),
  },
  {
    name: 'msk-connect-s3: tasksMax of 0',
    input: `${MCS}connector: {tasksMax: 0}\n`,
    expect: at('connector.tasksMax', /connector.tasksMax must be between \d+ and \d+ .*\(got 0\)/),
  },
];

describe('bad input: the spec (YAML and JSON text)', () => {
  catalogue(yamlRows, (yaml) => thrown(() => parseSpecText(yaml, { source: 'streamkit.yaml', skipFileChecks: true })));
});

describe('bad input: the spec (values that YAML cannot write)', () => {
  const rows: BadInput<unknown>[] = [
    {
      name: 'the spec is undefined',
      input: undefined,
      expect: at('(root)', /must be a mapping of settings \(got undefined\)/),
    },
    {
      name: 'a batch size that is a bigint',
      input: { preset: 'apigw-kinesis-lambda', consumers: [{ batchSize: 10n }] },
      expect: at('consumers[0].batchSize', /must be a number between 1 and 10000 records \(got 10n\)/),
    },
    {
      name: 'a name that is a function',
      input: { preset: 'apigw-kinesis-lambda', name: () => 'x' },
      expect: at('name', /name must be text \(got /),
    },
    {
      name: 'a stream section that is a Date',
      input: { preset: 'apigw-kinesis-lambda', stream: new Date(0) },
      expect: at('stream', /stream must be a mapping of settings \(got a date \(1970-01-01T00:00:00.000Z\)\)/),
    },
  ];
  catalogue(rows, (raw) => thrown(() => parseSpec(raw, { skipFileChecks: true })));
});

describe('bad input: spec files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamkit-bad-spec-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const rows: BadInput<() => string>[] = [
    {
      name: 'a spec file that does not exist',
      input: () => join(dir, 'missing.yaml'),
      expect: { code: 'SK_NOT_FOUND', message: /spec file not found: .*missing.yaml/ },
    },
    {
      name: 'a spec file with another extension',
      input: () => file('spec.toml', 'preset = "x"'),
      expect: { code: 'SK_VALIDATION', message: /spec file must end in .yaml, .yml or .json \(got .*spec.toml\)/ },
    },
    {
      name: 'a spec file that is a directory',
      input: () => dir,
      expect: { code: 'SK_NOT_FOUND', message: /spec file not found/ },
    },
    {
      name: 'a handler file that does not exist',
      input: () => file('h.yaml', `${AKL}consumers: [{handler: nope.ts}]\n`),
      expect: at(
        'consumers[0].handler',
        /consumers\[0\].handler must name an existing file \(got .*nope.ts, which does not exist\)/,
      ),
    },
    {
      name: 'a processor file that does not exist',
      input: () => file('p.yaml', `${KFS}delivery: {processor: {handler: gone.ts}}\n`),
      expect: at('delivery.processor.handler', /must name an existing file \(got .*gone.ts/),
    },
    {
      name: 'a Flink SQL file that does not exist',
      input: () => file('f.yaml', `${MFS}flink: {sql: missing.sql}\n`),
      expect: at('flink.sql', /flink.sql must name an existing file \(got .*missing.sql/),
    },
  ];
  catalogue(rows, (path) => thrown(() => loadSpec(path())));
});
