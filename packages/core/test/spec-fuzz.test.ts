/**
 * Property-based fuzzing of the spec parser (fast-check, fixed seeds, bounded runs): arbitrary JSON and YAML values,
 * arbitrary text, and valid specs of every preset mutated — settings deleted, replaced by arbitrary values, unknown
 * keys added — then parsed as objects and as YAML. Whatever comes in, the parser returns a spec or throws a
 * SpecValidationError (SK_VALIDATION) listing problems that each name their field; never another exception.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { PRESET_NAMES, parseSpec, parseSpecText, StreamkitError } from '../src/index.ts';

const SEED = 20_261_126;

/** Runs `parse`; a spec or a well-formed SpecValidationError passes, anything else fails the property. */
function accepted(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch (error) {
    assert.ok(StreamkitError.is(error), `threw ${String((error as Error)?.stack ?? error)}`);
    assert.equal(error.code, 'SK_VALIDATION', error.message);
    const problems = (error as { problems?: { path: string; message: string }[] }).problems;
    assert.ok(Array.isArray(problems) && problems.length > 0, `no problems listed: ${error.message}`);
    for (const { path, message } of problems) {
      // Each problem names its field first (or is about the whole document).
      assert.ok(path === '(root)' || message.startsWith(path), `"${message}" does not name ${path}`);
      assert.ok(error.message.includes(message));
    }
    return false;
  }
}

/** A valid spec of each preset, with a few settings of each section written out. */
const VALID: readonly Record<string, unknown>[] = [
  {
    preset: 'apigw-kinesis-lambda',
    name: 'orders',
    ingest: { auth: 'apiKey', throttling: { rateLimit: 50, burstLimit: 20 } },
    stream: { mode: 'PROVISIONED', shardCount: 2, retentionHours: 48, shardLevelMetrics: ['IncomingBytes'] },
    consumers: [
      { name: 'a', batchSize: 10, maxBatchingWindow: '5s', retryAttempts: 2, filters: [{ data: { n: [1] } }] },
      { name: 'b', startingPosition: 'AT_TIMESTAMP', startingPositionTimestamp: '2026-01-01T00:00:00Z' },
    ],
    tags: { team: 'data' },
    monitoring: { alarmEmail: 'ops@example.com' },
    local: { kinesisPort: 0, ingestPort: 0 },
  },
  {
    preset: 'kinesis-firehose-s3',
    delivery: {
      bufferingHints: { sizeInMBs: 64, intervalInSeconds: 60 },
      prefix: 'data/!{partitionKeyFromQuery:ticker}/',
      errorOutputPrefix: 'errors/!{firehose:error-output-type}/',
      dynamicPartitioning: { enabled: true, metadataExtractionQuery: '{ticker: .ticker}' },
    },
    bucket: { intelligentTieringDays: 0 },
  },
  { preset: 'kpl-kinesis-flink-s3', flink: { mode: 'notebook' }, producer: { rate: 10 } },
  { preset: 'kinesis-flink-apigw', enrichment: { timeout: 2, capacity: 10 } },
  { preset: 'msk-cluster', cluster: { kind: 'express' }, topics: [{ name: 'a', partitions: 6 }] },
  { preset: 'msk-lambda', topics: [{ name: 'orders' }], consumers: [{ topic: 'orders', batchSize: 50 }] },
  { preset: 'msk-lambda-firehose-s3', delivery: { compression: 'ZIP' } },
  { preset: 'msk-flink-s3', flink: { sql: 'job.sql', parallelism: 2 } },
  { preset: 'msk-connect-s3', connector: { plugin: 's3://plugins/s3-sink.zip', tasksMax: 2 } },
  { preset: 'msk-labs' },
];

type Json = unknown;
type Path = readonly (string | number)[];

/** Every path to a value inside `value` (objects and lists), the root excluded. */
function paths(value: Json, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...paths(v, [...prefix, i])]);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
  }
  return [];
}

/** `value` with the thing at `path` replaced (or deleted when `replacement` is DELETE). */
const DELETE = Symbol('delete');
function edit(value: Json, path: Path, replacement: Json | typeof DELETE): Json {
  if (path.length === 0) return replacement === DELETE ? undefined : replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && replacement === DELETE) copy.splice(head as number, 1);
    else copy[head as number] = edit(copy[head as number], rest, replacement);
    return copy;
  }
  const copy = { ...(value as Record<string, Json>) };
  if (rest.length === 0 && replacement === DELETE) delete copy[head as string];
  else copy[head as string] = edit(copy[head as string], rest, replacement);
  return copy;
}

/** Values a setting could wrongly be: any JSON, and the edges of numbers and text the limits care about. */
const wrongValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(0, -1, 1.5, 1e21, Number.MAX_SAFE_INTEGER, '', ' ', 'x'.repeat(2000), '5m', '-5s', '1e3', true, null),
  fc.constantFrom(...PRESET_NAMES),
);

const mutation = fc.oneof(
  { arbitrary: fc.constant({ kind: 'delete' as const }), weight: 2 },
  { arbitrary: wrongValue.map((value) => ({ kind: 'replace' as const, value })), weight: 5 },
  {
    arbitrary: fc
      .tuple(fc.string({ maxLength: 12 }), wrongValue)
      .map(([key, value]) => ({ kind: 'add' as const, key, value })),
    weight: 2,
  },
);

/** A valid spec with one to four mutations at random places. */
const mutatedSpec = fc
  .tuple(fc.constantFrom(...VALID), fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 4 }))
  .map(([spec, mutations]) => {
    let current: Json = spec;
    for (const [pick, m] of mutations) {
      const all = paths(current);
      if (m.kind === 'add') {
        const objects = [[], ...all].filter((p) => {
          let v: Json = current;
          for (const part of p) v = (v as Record<string | number, Json>)[part];
          return typeof v === 'object' && v !== null && !Array.isArray(v);
        });
        const at = objects[pick % objects.length]!;
        current = edit(current, [...at, m.key], m.value);
      } else if (all.length > 0) {
        const at = all[pick % all.length]!;
        current = edit(current, at, m.kind === 'delete' ? DELETE : m.value);
      }
    }
    return current;
  });

describe('fuzzing the spec parser', () => {
  test('every valid spec of the table is valid (the fuzz starts from accepted ground)', () => {
    for (const spec of VALID)
      assert.ok(
        accepted(() => parseSpec(spec, { skipFileChecks: true })),
        String(spec.preset),
      );
  });

  test('arbitrary JSON values, with or without a preset, give a spec or listed problems', () => {
    const raw = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc
        .dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 })
        .chain((rest) => fc.constantFrom(...PRESET_NAMES).map((preset) => ({ ...rest, preset }))),
    );
    fc.assert(
      fc.property(raw, (value) => {
        accepted(() => parseSpec(value, { skipFileChecks: true }));
      }),
      { seed: SEED, numRuns: 600 },
    );
  });

  test('mutated valid specs of every preset give a spec or listed problems, as objects and as YAML', () => {
    let refused = 0;
    fc.assert(
      fc.property(mutatedSpec, (spec) => {
        const asObject = accepted(() => parseSpec(spec, { skipFileChecks: true }));
        const asYaml = accepted(() => parseSpecText(stringify(spec ?? null), { skipFileChecks: true }));
        // YAML writes what JSON can; the same spec gets the same verdict either way.
        assert.equal(asYaml, asObject, stringify(spec ?? null));
        if (!asObject) refused++;
      }),
      { seed: SEED, numRuns: 500 },
    );
    // The mutations reach both sides of the parser.
    assert.ok(refused > 100 && refused < 500, `${refused} of 500 refused`);
  });

  test('arbitrary text and YAML-looking text give a spec or listed problems (with YAML errors as problems)', () => {
    const yamlish = fc
      .array(
        fc.oneof(
          fc.constantFrom('preset: ', 'apigw-kinesis-lambda', 'msk-lambda', '\n', '  ', '- ', ': ', '{', '}', '[', ']'),
          fc.constantFrom(
            ',',
            '"',
            "'",
            '!!omap ',
            '!!binary ',
            '!!timestamp ',
            '!!set ',
            '&a ',
            '*a',
            '<<: ',
            '? ',
            '|',
            '>',
            '#',
            '\t',
            '%YAML 1.2\n',
            '---\n',
          ),
          fc.string({ maxLength: 8 }),
        ),
        { maxLength: 30 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200, unit: 'binary' }), yamlish), (text) => {
        accepted(() => parseSpecText(text, { skipFileChecks: true }));
      }),
      { seed: SEED, numRuns: 600 },
    );
  });

  test('deeply nested and aliased YAML ends in problems, not a stack overflow or a hang', () => {
    const nested = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    assert.equal(
      accepted(() => parseSpecText(`preset: msk-lambda\ntopics: ${nested}\n`, { skipFileChecks: true })),
      false,
    );
    // A "billion laughs" of aliases: yaml refuses to expand it beyond its alias budget.
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const next = String.fromCharCode(97 + i);
      laughs.push(
        `${next}: &${next} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`,
      );
    }
    assert.equal(
      accepted(() => parseSpecText(`preset: msk-labs\n${laughs.join('\n')}\n`, { skipFileChecks: true })),
      false,
    );
  });
});
