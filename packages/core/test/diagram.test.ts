import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { componentsOfSpec, parseSpecText, renderSvg } from '../src/index.ts';

const spec = (yaml: string) => parseSpecText(yaml, { source: 'diagram test', skipFileChecks: true });

describe('componentsOfSpec: the running pipeline’s diagram', () => {
  test('names the consumers and drops the dead-letter queue when no consumer has one', () => {
    const two = componentsOfSpec(
      spec('preset: apigw-kinesis-lambda\nconsumers:\n  - name: orders\n  - name: audit\n    onFailure: none\n'),
    );
    assert.equal(two.find((c) => c.id === 'consumers')!.label, 'Lambda consumers: orders, audit');
    assert.ok(two.some((c) => c.id === 'dlq'));

    const none = componentsOfSpec(
      spec('preset: apigw-kinesis-lambda\nconsumers:\n  - name: audit\n    onFailure: none\n'),
    );
    assert.ok(!none.some((c) => c.id === 'dlq'));
    assert.deepEqual(none.find((c) => c.id === 'consumers')!.next, []);
  });

  test('drops the record transformation the spec does not have, and shows the prefixes it has', () => {
    const components = componentsOfSpec(
      spec('preset: kinesis-firehose-s3\ndelivery:\n  prefix: "ticks/!{timestamp:yyyy/MM/dd}/"\n'),
    );
    assert.ok(!components.some((c) => c.id === 'processor'));
    assert.deepEqual(components.find((c) => c.id === 'firehose')!.next, ['s3', 'errors']);
    assert.equal(components.find((c) => c.id === 's3')!.label, 'S3 bucket: ticks/!{timestamp:yyyy/MM/dd}/');
    // A long prefix is cut to fit its box rather than run out of it.
    const svg = renderSvg({ name: 'x', title: 'x', components });
    assert.ok(!svg.includes('>S3 bucket: ticks/!{timestamp:yyyy/MM/dd}/<'));
    assert.match(svg, /data-id="s3"/);
  });
});
