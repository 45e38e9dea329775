/** `streamkit cost`: the table, the JSON, and the errors of its flags. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

const bin = new URL('../bin/streamkit.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'streamkit-cost-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function streamkit(args: string[]) {
  const run = spawnSync(process.execPath, [bin, 'cost', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 120_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('streamkit cost', () => {
  test('prints a line per billed item, the region and date of the prices, and the total', () => {
    const run = streamkit(['--preset', 'msk-cluster', '--throughput', '100', '--record-size', '512']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /us-east-1 list prices as of \d{4}-\d{2}-\d{2}; 730 hours a month/);
    // 3 brokers × 730 h × $0.204
    assert.match(
      run.stdout,
      /MSK cluster +3 × kafka\.m7g\.large broker-hours +2,190 +\$0\.204 \/ broker-hour +\$446\.76/,
    );
    assert.match(run.stdout, /Total \$[\d,]+\.\d\d a month/);
  });

  test('--json carries every line and a total equal to their sum; a spec file is read with --spec', () => {
    writeFileSync(join(dir, 'orders.yaml'), 'preset: apigw-kinesis-lambda\nname: orders\n');
    const run = streamkit(['--spec', 'orders.yaml', '--throughput', '50', '--record-size', '200', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const estimate = JSON.parse(run.stdout) as {
      pipeline: string;
      source: string;
      totalUsd: number;
      lines: { component: string; monthlyUsd?: number }[];
    };
    assert.equal(estimate.pipeline, 'orders');
    assert.equal(estimate.source, 'orders.yaml');
    const sum = estimate.lines.reduce((s, l) => s + (l.monthlyUsd ?? 0), 0);
    assert.ok(Math.abs(sum - estimate.totalUsd) < 1e-6);
    assert.ok(estimate.lines.some((l) => l.component === 'Kinesis data stream'));
  });

  test('a missing --throughput is a usage error', () => {
    const run = streamkit(['--preset', 'msk-cluster', '--record-size', '512']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /required option '--throughput <records\/s>' not specified/);
  });

  test('a bad --record-size names the flag and the value', () => {
    const run = streamkit(['--preset', 'msk-cluster', '--throughput', '1', '--record-size', '-3']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /--record-size must be a whole number between 1 and \d+ \(got "-3"\)/);
  });

  test('a spec file given twice is refused', () => {
    const run = streamkit(['a.yaml', '--spec', 'b.yaml', '--throughput', '1', '--record-size', '1']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /as the argument or as --spec, not both/);
  });
});
