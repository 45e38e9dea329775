/**
 * Fault injection, scenario 2 (issue 10): handler timeouts and process crashes, counted end to end. Orders go through
 * the signed ingest API of a local apigw-kinesis-lambda pipeline to a handler (fixtures/fault-handler.ts) that, on
 * marked records, times out, calls `process.exit(1)`, throws in a timer or runs out of memory — on its first attempts
 * only, or on every attempt. Every order must end processed (by the handler's own log) or in the dead-letter queue:
 * the ones that fail on every attempt exactly, alone; none lost. Orders processed more than once (a batch that died
 * after some of its records were processed is delivered again) are counted and reported.
 *
 * It also checks the local Lambda runtime does what Lambda does: a timed-out or crashed execution environment is
 * destroyed (the timed-out handler never wakes up) and the next invocation starts a new one.
 */
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { type KinesisBatchFailureRecord, LOCAL_CREDENTIALS, LOCAL_REGION, parseSpecText } from '@streamkit/core';
import { IngestClient, type IngestRecord } from '@streamkit/producer';
import { type LocalPipeline, startLocalPipeline } from '../src/index.ts';
import type { InvocationResult } from '../src/lambda/local-function.ts';
import type { FaultKind, FaultyOrder } from './fixtures/fault-handler.ts';

const TOTAL = 2_000;
const RETRY_ATTEMPTS = 2;
const faultHandler = new URL('./fixtures/fault-handler.ts', import.meta.url).pathname;

/** Which orders misbehave, how, and on how many first attempts (-1: all of them, so they must end in the DLQ). */
const FAULTS = new Map<number, { kind: FaultKind; times: number }>([
  ...[101, 457, 1203, 1777].map((id) => [id, { kind: 'timeout', times: 1 }] as const),
  ...[13, 388, 640, 1500, 1999].map((id) => [id, { kind: 'exit', times: 1 }] as const),
  ...[222, 999, 1444].map((id) => [id, { kind: 'exit', times: 2 }] as const),
  ...[75, 802, 1333, 1888].map((id) => [id, { kind: 'throw-in-timer', times: 1 }] as const),
  ...[500, 1650].map((id) => [id, { kind: 'oom', times: 1 }] as const),
  // Never processed: these end in the dead-letter queue.
  ...[300, 1100].map((id) => [id, { kind: 'exit', times: -1 }] as const),
  [700, { kind: 'timeout', times: -1 }] as const,
  [1250, { kind: 'throw-in-timer', times: -1 }] as const,
  [1900, { kind: 'oom', times: -1 }] as const,
]);
const ALWAYS = [...FAULTS].filter(([, f]) => f.times === -1).map(([id]) => id);

/** What the runtime answers for each kind of death (the errorType of the failed invocation). */
const ERROR_TYPE: Record<FaultKind, string> = {
  timeout: 'Sandbox.Timedout',
  exit: 'Runtime.ExitError',
  'throw-in-timer': 'Runtime.Error',
  oom: 'Runtime.OutOfMemory',
};

describe('scenario 2: handler timeouts and process crashes in a local apigw-kinesis-lambda pipeline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamkit-faults-'));
  const processedLog = join(dir, 'processed.log');
  const lateLog = join(dir, 'late.log');
  const attemptsDir = join(dir, 'attempts');
  mkdirSync(attemptsDir);
  const invocations: InvocationResult[] = [];
  const onInvoke = (message: unknown) => invocations.push(message as InvocationResult);
  let pipeline: LocalPipeline;

  before(async () => {
    subscribe('streamkit:lambda:invoke', onInvoke);
    const spec = parseSpecText(
      `
name: faults
preset: apigw-kinesis-lambda
stream:
  mode: PROVISIONED
  shardCount: 4
consumers:
  - name: fulfil
    handler: ${faultHandler}
    batchSize: 50
    timeout: 3
    memorySize: 128
    retryAttempts: ${RETRY_ATTEMPTS}
    environment:
      PROCESSED_LOG: ${processedLog}
      LATE_LOG: ${lateLog}
      ATTEMPTS_DIR: ${attemptsDir}
local:
  kinesisPort: 0
  ingestPort: 0
  dataDir: ${join(dir, 'state')}
`,
      { source: 'faults spec' },
    );
    pipeline = await startLocalPipeline(spec, { throttle: false, retryBaseDelayMs: 1 });
  });
  after(async () => {
    unsubscribe('streamkit:lambda:invoke', onInvoke);
    await pipeline?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every order ends processed or, if it fails on every attempt, alone in the DLQ; none lost', {
    timeout: 600_000,
  }, async (t) => {
    const client = new IngestClient({
      url: pipeline.ingestUrl!,
      auth: { type: 'iam', credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION },
    });
    const orders: IngestRecord<FaultyOrder>[] = Array.from({ length: TOTAL }, (_, id) => {
      const fault = FAULTS.get(id);
      return { data: { id, ...(fault && { fault }) }, partitionKey: `customer-${id % 61}` };
    });
    for (let i = 0; i < TOTAL; i += 250) {
      const result = await client.putRecords(orders.slice(i, i + 250));
      assert.equal(result.failedRecordCount, 0);
    }

    assert.equal(await pipeline.drain(540_000), true, `the pipeline settled: ${JSON.stringify(pipeline.counts)}`);

    const lines = readFileSync(processedLog, 'utf8').trim().split('\n').map(Number);
    const processed = new Set(lines);
    const deadLetters = pipeline.deadLetterQueues.get('fulfil')!.messages() as KinesisBatchFailureRecord[];
    const stored = await readStream(pipeline);
    const deadIds = deadLetters.map((d) => stored.get(d.KinesisBatchInfo.startSequenceNumber)!.id);

    // Exactly the orders that fail on every attempt are dead-lettered, each alone, after its retries.
    assert.deepEqual(
      deadIds.sort((a, b) => a - b),
      ALWAYS.sort((a, b) => a - b),
    );
    for (const d of deadLetters) {
      assert.equal(d.KinesisBatchInfo.batchSize, 1);
      assert.equal(d.requestContext.condition, 'RetryAttemptsExhausted');
      assert.equal(d.responseContext.functionError, 'Unhandled');
    }
    // Every other order was processed; none is both; none is lost.
    const lost = orders.map((o) => o.data.id).filter((id) => !processed.has(id) && !deadIds.includes(id));
    assert.deepEqual(lost, []);
    assert.ok(deadIds.every((id) => !processed.has(id)));
    assert.equal(processed.size + deadIds.length, TOTAL);
    assert.equal(pipeline.counts.ingested, TOTAL);
    assert.equal(pipeline.counts.processed + pipeline.counts.deadLettered, TOTAL);

    // Each faulty order failed as often as it was told to before it went through (or to the DLQ).
    for (const [id, fault] of FAULTS) {
      const attempts = statSync(join(attemptsDir, String(id))).size;
      const atLeast = fault.times === -1 ? RETRY_ATTEMPTS + 1 : fault.times + 1;
      assert.ok(attempts >= atLeast, `order ${id} (${fault.kind}) was tried ${attempts} times, at least ${atLeast}`);
    }

    // The runtime answered each kind of death as Lambda does, and replaced every environment that died.
    const failed = invocations.filter((i) => i.error);
    const byType = new Map<string, number>();
    for (const i of failed) byType.set(i.error!.errorType, (byType.get(i.error!.errorType) ?? 0) + 1);
    for (const [kind, errorType] of Object.entries(ERROR_TYPE)) {
      assert.ok((byType.get(errorType) ?? 0) > 0, `a ${kind} failed an invocation with ${errorType}`);
    }
    assert.deepEqual(
      [...byType.keys()].filter((type) => !Object.values(ERROR_TYPE).includes(type)),
      [],
      'no invocation failed for any other reason (an innocent batch sent to a dying environment, say)',
    );
    const coldStarts = invocations.filter((i) => i.initDurationMs !== undefined).length;
    assert.ok(coldStarts >= failed.length + 1, `${coldStarts} environments started for ${failed.length} that died`);

    const duplicates = lines.length - processed.size;
    t.diagnostic(
      `orders ${TOTAL}, processed ${processed.size}, dead-lettered ${deadIds.length}, lost ${lost.length}, ` +
        `processed more than once ${duplicates} (${lines.length} lines), invocations ${invocations.length}, ` +
        `failed ${failed.length} (${[...byType].map(([type, n]) => `${type} ${n}`).join(', ')}), ` +
        `environments started ${coldStarts}`,
    );
  });

  test('a timed-out handler never wakes up: its environment was destroyed', async () => {
    // The timed-out handlers would write their line half a second after their deadline; give them twice that.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(existsSync(lateLog) ? readFileSync(lateLog, 'utf8') : '', '');
  });
});

/** Every record of the stream by sequence number (each shard read once, 10,000 records a call). */
async function readStream(pipeline: LocalPipeline): Promise<Map<string, FaultyOrder>> {
  const records = new Map<string, FaultyOrder>();
  const { Shards } = await pipeline.kinesis.send(new ListShardsCommand({ StreamName: pipeline.streamName }));
  for (const shard of Shards ?? []) {
    const { ShardIterator } = await pipeline.kinesis.send(
      new GetShardIteratorCommand({
        StreamName: pipeline.streamName,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    let iterator = ShardIterator;
    while (iterator) {
      const out = await pipeline.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const r of out.Records ?? [])
        records.set(r.SequenceNumber!, JSON.parse(Buffer.from(r.Data!).toString('utf8')));
      iterator = (out.Records ?? []).length === 0 ? undefined : out.NextShardIterator;
    }
  }
  return records;
}
