/**
 * Fault injection, scenario 3 (issue 10): `kill -9` of the whole local runtime mid-load, then a restart on the same
 * data directory. Every record the ingest API acknowledged must reach the handler (duplicates are allowed and
 * counted): the engine fsyncs records before acknowledging them, and the event source mapping resumes from its saved
 * checkpoints.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LOCAL_API_KEY } from '@streamkit/core';
import { IngestClient } from '@streamkit/producer';

const bin = new URL('../bin/streamkit.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'streamkit-restart-'));
const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const processedFile = join(dir, 'processed.txt');

writeFileSync(
  join(dir, 'handler.ts'),
  `import { appendFileSync } from 'node:fs';
export const handler = async (event: { Records: { kinesis: { data: string } }[] }) => {
  const ids = event.Records.map((r) => JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString()).id);
  appendFileSync(process.env.PROCESSED_FILE as string, ids.join('\\n') + '\\n');
  return { batchItemFailures: [] };
};
`,
);
writeFileSync(
  join(dir, 'streamkit.yaml'),
  `preset: apigw-kinesis-lambda
name: restart
ingest:
  auth: apiKey
stream:
  mode: PROVISIONED
  shardCount: 2
consumers:
  - handler: ./handler.ts
    batchSize: 50
    parallelizationFactor: 2
    environment:
      PROCESSED_FILE: ${processedFile}
local:
  dataDir: ./data
`,
);

/** Starts `streamkit dev` on the spec; resolves with the process and its ingest API's URL once it runs. */
async function startDev(): Promise<{ child: ChildProcess; url: string; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, [bin, 'dev', '--kinesis-port', '0', '--ingest-port', '0', '--no-throttle'], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
  });
  children.add(child);
  const exited = new Promise((resolve) => child.on('close', resolve));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const deadline = Date.now() + 90_000;
  for (;;) {
    const url = /Ingest API\s+(http:\/\/127\.0\.0\.1:\d+\S*)/.exec(stdout)?.[1];
    if (url) return { child, url, exited };
    if (child.exitCode !== null || Date.now() > deadline) assert.fail(`dev did not start:\n${stdout}\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sends batches of 100 numbered records until `stop()` says so or a call fails; returns the ids acknowledged. */
async function produce(url: string, firstId: number, stop: (acked: number) => boolean): Promise<number[]> {
  const client = new IngestClient({ url, auth: { type: 'apiKey', apiKey: LOCAL_API_KEY }, maxAttempts: 1 });
  const acked: number[] = [];
  for (let next = firstId; !stop(acked.length); next += 100) {
    const records = Array.from({ length: 100 }, (_, i) => ({
      data: { id: next + i, payload: 'x'.repeat(100) },
      partitionKey: `key-${(next + i) % 17}`,
    }));
    try {
      const out = await client.putRecords(records);
      out.records.forEach((entry, i) => {
        if ('sequenceNumber' in entry) acked.push(next + i);
      });
    } catch {
      return acked; // the runtime is gone: what was not acknowledged may be lost, by contract
    }
  }
  return acked;
}

const checkpointFile = join(dir, 'data', 'esm', 'restart-consumer.json');

/** How many shards have a checkpoint in the mapping's checkpoint file. */
function savedCheckpoints(): number {
  try {
    return Object.keys(JSON.parse(readFileSync(checkpointFile, 'utf8')).shards).length;
  } catch {
    return 0;
  }
}

const processedIds = () =>
  existsSync(processedFile)
    ? readFileSync(processedFile, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map(Number)
    : [];

test('kill -9 of streamkit dev mid-load, then a restart: every acknowledged record is processed', {
  timeout: 300_000,
}, async (t) => {
  const first = await startDev();
  // Kill while records are being written and read — after 3,000 acknowledgements, once the mapping has saved a
  // checkpoint in both shards — with the producer still sending.
  let killed = false;
  const before = await produce(first.url, 0, (acked) => {
    if (!killed && ((acked >= 3000 && savedCheckpoints() === 2) || acked >= 20_000)) {
      killed = true;
      first.child.kill('SIGKILL');
    }
    return false;
  });
  await first.exited;
  assert.ok(before.length >= 3000, `acknowledged before the kill: ${before.length}`);
  const processedAtKill = new Set(processedIds()).size;

  const second = await startDev();
  const afterRestart = await produce(second.url, 1_000_000, (acked) => acked >= 1000);
  const acked = [...before, ...afterRestart];

  const deadline = Date.now() + 120_000;
  let seen = new Set<number>();
  while (Date.now() < deadline) {
    seen = new Set(processedIds());
    if (acked.every((id) => seen.has(id))) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const lost = acked.filter((id) => !seen.has(id));
  const lines = processedIds().length;
  t.diagnostic(
    `acknowledged ${acked.length} (${before.length} before the kill), processed before the kill ${processedAtKill}, ` +
      `lost ${lost.length}, processed more than once ${lines - seen.size}`,
  );
  assert.deepEqual(lost.slice(0, 20), [], `${lost.length} acknowledged records never reached the handler`);
  assert.ok(processedAtKill < before.length, 'the kill came before everything acknowledged was processed');
  // Resumed from the saved checkpoints, not from the start of the stream: only what was processed after them repeats.
  assert.ok(lines - seen.size < processedAtKill, `${lines - seen.size} records were processed twice`);

  second.child.kill('SIGINT');
  assert.equal(await second.exited, 0);
});
