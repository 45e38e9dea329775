import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { alarmsFor, LIMITS, type Limit, presetSpec, withinLimit } from '../src/index.ts';

function* entries(): Generator<[string, Limit]> {
  for (const [group, limits] of Object.entries(LIMITS)) {
    for (const [name, limit] of Object.entries(limits)) yield [`${group}.${name}`, limit as Limit];
  }
}

describe('the limits table', () => {
  test('every range default lies within its range', () => {
    for (const [name, limit] of entries()) {
      if (limit.kind === 'range' && limit.default !== undefined) {
        assert.ok(withinLimit(limit, limit.default), `${name}: default ${limit.default} outside its range`);
      }
    }
  });

  test('every choice default is one of its values', () => {
    for (const [name, limit] of entries()) {
      if (limit.kind === 'choice' && limit.default !== undefined) {
        assert.ok(limit.values.includes(limit.default), `${name}: default ${limit.default} not allowed`);
      }
    }
  });

  test('every default says whether AWS or streamkit chose it, and streamkit’s choices say why', () => {
    for (const [name, limit] of entries()) {
      if ((limit.kind === 'range' || limit.kind === 'choice') && limit.default !== undefined) {
        assert.ok(limit.defaultSource, `${name} has a default without a source`);
      }
      if ('defaultSource' in limit && limit.defaultSource === 'streamkit') {
        assert.ok(limit.note, `${name}: a streamkit default needs a note saying why`);
      }
    }
  });
});

describe('alarm definitions', () => {
  test('every alarm of the default pipeline has dimensions and treats missing data as not breaching', () => {
    const alarms = alarmsFor(presetSpec('apigw-kinesis-lambda'));
    assert.equal(new Set(alarms.map((a) => a.id)).size, alarms.length, 'alarm ids are unique');
    for (const alarm of alarms) assert.equal(alarm.treatMissingData, 'notBreaching', alarm.id);
  });

  test('the original solution’s stream thresholds are kept', () => {
    const byId = new Map(alarmsFor(presetSpec('apigw-kinesis-lambda')).map((a) => [a.id, a]));
    assert.equal(byId.get('StreamIteratorAge')?.threshold, 60_000);
    assert.equal(byId.get('StreamReadThrottled')?.threshold, 0.01);
    assert.equal(byId.get('StreamWriteThrottled')?.threshold, 0.01);
    assert.equal(byId.get('StreamPutRecordSuccess')?.threshold, 0.95);
    assert.equal(byId.get('StreamPutRecordsSuccess')?.threshold, 0.95);
    assert.equal(byId.get('StreamGetRecordsSuccess')?.threshold, 0.98);
  });

  test('a consumer without a DLQ has no DLQ alarm', () => {
    const spec = presetSpec('apigw-kinesis-lambda');
    const withoutDlq = { ...spec, consumers: spec.consumers.map((c) => ({ ...c, onFailure: 'none' as const })) };
    assert.ok(!alarmsFor(withoutDlq).some((a) => a.resource.kind === 'queue'));
  });
});

describe('docs/limits.md', () => {
  test('is up to date with the limits table (run `npm run docs` after changing limits.ts)', async () => {
    const { readFileSync } = await import('node:fs');
    const { renderLimitsDoc } = await import('../src/docs/limits-doc.ts');
    const committed = readFileSync(new URL('../../../docs/limits.md', import.meta.url), 'utf8');
    assert.equal(committed, renderLimitsDoc());
  });
});

describe('preset pages', () => {
  test('carry the current diagram of their preset (run `npm run docs` after changing a preset’s components)', async () => {
    const { readFileSync } = await import('node:fs');
    const { PRESETS } = await import('../src/index.ts');
    const { withDiagram } = await import('../src/docs/diagram.ts');
    for (const preset of Object.values(PRESETS)) {
      const page = readFileSync(new URL(`../../../docs/presets/${preset.name}.md`, import.meta.url), 'utf8');
      assert.equal(page, withDiagram(page, preset), `docs/presets/${preset.name}.md`);
    }
  });

  test('show the SVG streamkit draws from the preset — the dashboard’s drawing (run `npm run docs`)', async () => {
    const { readFileSync } = await import('node:fs');
    const { PRESETS } = await import('../src/index.ts');
    const { renderSvg } = await import('../src/docs/diagram-svg.ts');
    for (const preset of Object.values(PRESETS)) {
      const svg = readFileSync(new URL(`../../../docs/presets/${preset.name}.svg`, import.meta.url), 'utf8');
      assert.equal(svg, renderSvg(preset), `docs/presets/${preset.name}.svg`);
      for (const c of preset.components) assert.ok(svg.includes(`data-id="${c.id}"`), `${preset.name}: ${c.id}`);
    }
  });
});
