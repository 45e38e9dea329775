import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

const bin = new URL('../bin/streamkit.js', import.meta.url).pathname;

function streamkit(args: string[], cwd: string, timeoutMs = 120_000) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`streamkit ${args.join(' ')} did not finish:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('streamkit tail', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamkit-tail-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Starts `streamkit dev`, waits for its dashboard, tails 5 records through its data directory, stops it. */
  async function followsDev(preset: string, ports: string[], shard: RegExp) {
    const dataDir = join(dir, `state-${preset}`);
    const dev = spawn(
      process.execPath,
      [bin, 'dev', '--preset', preset, '--produce', '50', ...ports, '--data-dir', dataDir],
      {
        cwd: dir,
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    let out = '';
    dev.stdout.on('data', (d) => (out += d));
    const exited = new Promise((resolve) => dev.on('close', resolve));
    try {
      const deadline = Date.now() + 180_000;
      while (!/Dashboard {4}(http\S+)/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.ok(existsSync(join(dataDir, 'dashboard.json')), `dev wrote dashboard.json:\n${out}`);

      const tail = await streamkit(
        ['tail', '--preset', preset, '--data-dir', dataDir, '--json', '-n', '5', '--no-events'],
        dir,
      );
      assert.equal(tail.code, 0, tail.stderr);
      const lines = tail.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.equal(lines.length, 5);
      for (const line of lines) {
        assert.equal(line.type, 'record');
        assert.match(line.shardId, shard);
        assert.ok(typeof JSON.parse(line.data).ticker === 'string', line.data);
      }
    } finally {
      dev.kill('SIGINT');
      await exited;
    }
    assert.ok(!existsSync(join(dataDir, 'dashboard.json')), 'dev removed dashboard.json when it stopped');
  }

  test('follows the records of a running streamkit dev, found through its data directory', async () => {
    await followsDev('apigw-kinesis-lambda', ['--kinesis-port', '0', '--ingest-port', '0'], /^shardId-/);
  });

  test('follows the records an MSK pipeline’s consumer reads: topic partition, offset, key and value', async () => {
    await followsDev('msk-lambda', ['--kafka-port', '0'], /^[\w.-]+-\d+$/);
  });

  test('without a running pipeline it exits 3 and says what to do', async () => {
    const result = await streamkit(['tail', '--preset', 'apigw-kinesis-lambda', '--data-dir', join(dir, 'none')], dir);
    assert.equal(result.code, 3);
    assert.match(result.stderr, /no running streamkit dev found.*--url/);
  });
});
