/**
 * The MSK presets' local monitoring: every alarm core defines for them resolves to the dimensions of a local resource,
 * the measurements behind MSK's metrics are right on their own, and on a real local Kafka a failing consumer puts its
 * Errors alarm in ALARM while its consumer group's lag rises, then falls to 0 once the consumer catches up.
 */
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  ALARM_DIMENSIONS,
  alarmsFor,
  isMskSpec,
  type MskPipelineSpec,
  type PipelineSpec,
  PRESETS,
  parseSpecText,
  presetSpec,
} from '@streamkit/core';
import { KafkaProducer, produce, stockTicker } from '@streamkit/producer';
import { chartsFor } from '../src/dashboard/charts.ts';
import {
  cpuPercent,
  diskUsage,
  diskUsedPercent,
  type LocalKafkaPipeline,
  LocalMonitoring,
  type MetricMessage,
  offsetLag,
  partitionHealth,
  resourcesOf,
  startLocalKafkaPipeline,
} from '../src/index.ts';
import { dimensionsOf } from '../src/metrics/pipeline-resources.ts';

/** Presets with a required setting get the least spec that has it; the others their defaults. */
const REQUIRED: Partial<Record<string, string>> = {
  'msk-connect-s3': 'connector:\n  plugin: s3://my-plugins/kafka-connect-s3.zip',
};

function specOf(preset: string): MskPipelineSpec {
  const yaml = REQUIRED[preset];
  const spec: PipelineSpec =
    yaml === undefined
      ? presetSpec(preset)
      : parseSpecText(`preset: ${preset}\n${yaml}`, { source: `--preset ${preset}`, skipFileChecks: true });
  assert.ok(isMskSpec(spec));
  return spec;
}

const MSK_PRESETS = Object.keys(PRESETS).filter((name) => name.startsWith('msk-'));
const KAFKA_KINDS = new Set(['cluster', 'broker', 'consumerGroup', 'connector']);

describe('dimensions of the MSK presets’ alarms', () => {
  for (const preset of MSK_PRESETS) {
    test(`${preset}: every alarm resolves to a local resource, named as the cloud stack names its dimensions`, () => {
      const spec = specOf(preset);
      const brokers = spec.cluster && spec.cluster.kind !== 'serverless' ? spec.cluster.brokers : 1;
      const resources = resourcesOf(spec, { kafkaBrokers: brokers });
      const alarms = alarmsFor(spec);
      assert.ok(alarms.length > 0);
      for (const alarm of alarms) {
        // The Flink application's own metrics are not measured locally yet (docs/parity.md).
        if (alarm.resource.kind === 'flinkApplication') {
          assert.throws(() => dimensionsOf(resources, alarm.resource), /no flinkApplication/);
          continue;
        }
        const dimensions = dimensionsOf(resources, alarm.resource);
        assert.deepEqual(Object.keys(dimensions), ALARM_DIMENSIONS[alarm.resource.kind], alarm.id);
        for (const value of Object.values(dimensions)) assert.ok(value.length > 0, alarm.id);
        if (KAFKA_KINDS.has(alarm.resource.kind) && alarm.resource.kind !== 'connector') {
          assert.equal(dimensions['Cluster Name'], spec.name, alarm.id);
        }
        if (alarm.resource.kind === 'consumerGroup') {
          assert.equal(dimensions['Consumer Group'], `${spec.name}-${alarm.resource.consumer}`);
        }
      }
    });
  }

  test('with one local broker, the alarms of brokers 2 and 3 exist only in the cloud, and say so', () => {
    const spec = specOf('msk-lambda');
    const monitoring = new LocalMonitoring(spec);
    const unevaluated = monitoring.alarms.unevaluated.map((u) => `${u.definition.id}: ${u.reason}`);
    assert.ok(unevaluated.length > 0);
    for (const line of unevaluated) {
      assert.match(line, /^Broker[23]\w+: the local Kafka runs 1 broker; broker [23] exists only in the cloud stack$/);
    }
    const evaluated = monitoring.alarms.list().map((a) => a.definition.id);
    for (const id of [
      'ClusterOfflinePartitions',
      'Broker1DiskUsed',
      'Broker1Cpu',
      'consumerOffsetLag',
      'consumerErrors',
    ]) {
      assert.ok(evaluated.includes(id), `${id} in ${evaluated.join(', ')}`);
    }
  });
});

describe('the measurements behind MSK’s metrics', () => {
  test('offset lag counts from the committed offset, else from the earliest record kept', () => {
    assert.equal(offsetLag({ earliest: 0n, latest: 100n, committed: 40n }), 60);
    assert.equal(offsetLag({ earliest: 0n, latest: 100n, committed: undefined }), 100);
    assert.equal(offsetLag({ earliest: 30n, latest: 100n, committed: 10n }), 70);
    assert.equal(offsetLag({ earliest: 0n, latest: 100n, committed: 100n }), 0);
  });

  test('partition health: offline without a leader, under-replicated counted on the leader', () => {
    const p = (leader: number, replicas: number[], isr: number[]) => ({
      leader,
      leaderEpoch: 0,
      replicas,
      isr,
      offlineReplicas: [],
    });
    const topic = (partitions: ReturnType<typeof p>[]) => ({
      id: 'x',
      partitions,
      partitionsCount: partitions.length,
      lastUpdate: 0,
    });
    const health = partitionHealth(
      {
        topics: new Map([
          ['a', topic([p(1, [1, 2, 3], [1, 2, 3]), p(2, [2, 3, 1], [2]), p(-1, [3, 1, 2], [])])],
          ['b', topic([p(2, [2, 1, 3], [2, 1])])],
        ]),
      },
      [1, 2, 3],
    );
    assert.equal(health.offlinePartitions, 1);
    assert.deepEqual(
      [...health.underReplicated],
      [
        [1, 0],
        [2, 2],
        [3, 0],
      ],
    );
    assert.equal(health.partitions, 4);
    assert.equal(health.topics, 2);
  });

  test('CPU as a share of the machine’s CPUs; disk as the data’s share of data plus free space', () => {
    // 150 ticks (1.5 s of CPU) over 1 s of wall time on 2 CPUs: 75 %.
    assert.equal(cpuPercent(250, 100, 1000, 2), 75);
    assert.equal(cpuPercent(100, 100, 1000, 2), 0);
    assert.equal(diskUsedPercent(80, 20), 80);
    assert.equal(diskUsedPercent(0, 0), 0);
  });

  test('disk usage counts the blocks files take, as du does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamkit-du-'));
    try {
      writeFileSync(join(dir, 'segment.log'), Buffer.alloc(64 * 1024, 1));
      const bytes = await diskUsage(dir);
      assert.ok(bytes >= 64 * 1024, `${bytes} bytes`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the dashboard charts the cluster, each broker and each consumer’s lag', () => {
    const spec = specOf('msk-lambda');
    const monitoring = new LocalMonitoring(spec);
    const charts = chartsFor(PRESETS['msk-lambda'].components, monitoring.resources);
    const ids = charts.map((c) => `${c.namespace} ${c.metricName} ${JSON.stringify(c.dimensions)}`);
    for (const expected of [
      `AWS/Kafka OfflinePartitionsCount {"Cluster Name":"${spec.name}"}`,
      `AWS/Kafka CpuUser {"Cluster Name":"${spec.name}","Broker ID":"1"}`,
      `AWS/Kafka KafkaDataLogsDiskUsed {"Cluster Name":"${spec.name}","Broker ID":"1"}`,
      `AWS/Kafka MaxOffsetLag {"Cluster Name":"${spec.name}","Consumer Group":"${spec.name}-consumer","Topic":"${spec.topics[0]!.name}"}`,
      `AWS/Lambda OffsetLag {"FunctionName":"${spec.name}-consumer"}`,
      `AWS/Lambda Errors {"FunctionName":"${spec.name}-consumer"}`,
    ]) {
      assert.ok(ids.includes(expected), `${expected} in\n${ids.join('\n')}`);
    }
  });
});

describe('an msk-lambda pipeline on a real local Kafka, watched', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamkit-mskmon-'));
  const down = join(dir, 'downstream-down');
  const processedLog = join(dir, 'processed.log');
  const handler = fileURLToPath(new URL('./fixtures/kafka-flaky-handler.ts', import.meta.url));
  const clock = 1_800_000_000_000;
  let pipeline: LocalKafkaPipeline;
  const lags: number[] = [];
  const onMetric = (m: unknown) => {
    const metric = m as MetricMessage;
    if (metric.metricName === 'SumOffsetLag' && metric.dimensions['Consumer Group'] === 'watched-orders') {
      lags.push(metric.value);
    }
  };

  before(async () => {
    writeFileSync(down, 'the downstream is down\n');
    writeFileSync(processedLog, '');
    const spec = parseSpecText(
      [
        'name: watched',
        'preset: msk-lambda',
        'topics:',
        '  - name: orders',
        '    partitions: 2',
        'consumers:',
        '  - name: orders',
        `    handler: ${handler}`,
        '    retryAttempts: -1',
        '    environment:',
        `      DOWNSTREAM_DOWN: ${down}`,
        `      PROCESSED_LOG: ${processedLog}`,
        'local:',
        `  dataDir: ${join(dir, 'state')}`,
      ].join('\n'),
      { source: 'mskmon spec' },
    );
    assert.ok(isMskSpec(spec) && spec.preset === 'msk-lambda');
    // A clock of our own: alarm periods and datapoints do not depend on how long anything takes.
    const monitoring = new LocalMonitoring(spec, { now: () => clock });
    subscribe('streamkit:metric', onMetric);
    pipeline = await startLocalKafkaPipeline(spec, { monitoring, retryBaseDelayMs: 10, dashboardPort: 0 });
  });
  after(async () => {
    unsubscribe('streamkit:metric', onMetric);
    await pipeline?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Samples the Kafka measurements until `done` holds, or fails after the deadline. */
  async function waitFor(what: string, done: () => boolean, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await pipeline.monitoring.sampleKafka();
      if (done()) return;
      assert.ok(Date.now() < deadline, `${what}: not within ${timeoutMs / 1000} s (lags seen: ${lags.join(', ')})`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  test('a failing consumer: Errors in ALARM, its group’s lag rises to what was produced, then falls to 0', async () => {
    const n = 200;
    const producer = new KafkaProducer({ bootstrapServers: pipeline.bootstrapServers, topic: 'orders' });
    const result = await produce({ client: producer, generator: stockTicker({ seed: 5 }), rate: 5000, total: n });
    await producer.close();
    assert.equal(result.sent, n);

    await waitFor('the lag reaches every record produced', () => lags.includes(n));
    await waitFor('the handler has failed', () => pipeline.counts.functionErrors > 0);
    pipeline.monitoring.evaluate();
    const errors = pipeline.monitoring.alarms.get('ordersErrors');
    assert.equal(errors?.state, 'ALARM', errors?.reason);
    assert.deepEqual(errors?.dimensions, { FunctionName: 'watched-orders' });

    // The MSK metrics are in the pipeline's own store, under MSK's dimension names.
    const group = { 'Cluster Name': 'watched', 'Consumer Group': 'watched-orders', Topic: 'orders' };
    const everything = (metricName: string, dimensions: Record<string, string>, namespace = 'AWS/Kafka') =>
      pipeline.monitoring.store.aggregate({ namespace, metricName, dimensions }, 0, Number.MAX_SAFE_INTEGER);
    assert.equal(everything('MaxOffsetLag', group)?.maximum, Math.max(...lagsPerPartition()));
    assert.equal(everything('OffsetLag', { FunctionName: 'watched-orders' }, 'AWS/Lambda')?.maximum, n);
    const broker = { 'Cluster Name': 'watched', 'Broker ID': '1' };
    assert.equal(everything('OfflinePartitionsCount', { 'Cluster Name': 'watched' })?.maximum, 0);
    assert.equal(everything('UnderReplicatedPartitions', broker)?.maximum, 0);
    const disk = everything('KafkaDataLogsDiskUsed', broker);
    assert.ok(disk && disk.minimum > 0 && disk.maximum < 100, JSON.stringify(disk));
    await waitFor('the broker’s CPU is measured', () => everything('CpuUser', broker) !== undefined);
    const cpu = everything('CpuUser', broker)!;
    assert.ok(cpu.minimum >= 0 && cpu.maximum <= 100, JSON.stringify(cpu));

    // The downstream is back: the consumer catches up and its lag falls to 0.
    rmSync(down);
    await waitFor('the lag falls to 0', () => lags.at(-1) === 0);
    const processed = readFileSync(processedLog, 'utf8').split('\n').filter(Boolean);
    assert.equal(processed.length >= n, true, `${processed.length} processed`);
    assert.ok(!existsSync(down));

    function lagsPerPartition(): number[] {
      return [0, 1].map(
        (p) =>
          everything('OffsetLag', { ...group, Partition: String(p) })?.maximum ??
          assert.fail(`no OffsetLag for partition ${p}`),
      );
    }
  });

  test('the dashboard serves the Kafka charts and the alarms', async () => {
    assert.ok(pipeline.dashboardUrl);
    const snapshot = (await (await fetch(new URL('api/snapshot', pipeline.dashboardUrl))).json()) as {
      charts: { id: string; namespace: string; metricName: string; points: (number | null)[] }[];
      alarms: { id: string; component: string | undefined }[];
    };
    const lag = snapshot.charts.find((c) => c.namespace === 'AWS/Kafka' && c.metricName === 'MaxOffsetLag');
    assert.ok(
      lag?.points.some((p) => p !== null),
      JSON.stringify(lag),
    );
    assert.equal(snapshot.alarms.find((a) => a.id === 'ordersErrors')?.component, 'consumers');
    assert.equal(snapshot.alarms.find((a) => a.id === 'Broker1Cpu')?.component, 'cluster');

    // The record sample (what `streamkit tail` prints): records the mapping read, by topic partition and offset.
    const sampled = pipeline.monitoring.activity.records;
    assert.ok(sampled.length > 0);
    for (const record of sampled) {
      assert.match(record.shardId, /^orders-[01]$/);
      assert.match(record.sequenceNumber, /^\d+$/);
      assert.equal(typeof JSON.parse(record.data).ticker, 'string');
    }
    assert.equal(new Set(sampled.map((r) => `${r.shardId}@${r.sequenceNumber}`)).size, sampled.length);
  });
});
