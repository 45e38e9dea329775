import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, test } from 'node:test';
import { type AlarmDefinition, alarmsFor, presetSpec } from '@streamkit/core';
import { evaluateAlarm } from '../src/alarms/alarm-evaluation.ts';
import { LocalAlarms } from '../src/alarms/local-alarms.ts';
import { publishMetric } from '../src/metrics/metric-channel.ts';
import { MetricStore } from '../src/metrics/metric-store.ts';
import { PipelineMetrics } from '../src/metrics/pipeline-metrics.ts';
import { dimensionsOf, resourcesOf } from '../src/metrics/pipeline-resources.ts';

/** A clock the test moves by hand; starts on a minute boundary. */
function manualClock(start = Date.UTC(2026, 0, 1, 12, 0, 0)) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

const rule = (over: Partial<AlarmDefinition> = {}) => ({
  comparison: 'GreaterThanThreshold' as const,
  threshold: 0,
  evaluationPeriods: 5,
  datapointsToAlarm: 3,
  treatMissingData: 'missing' as const,
  ...over,
});

describe('evaluateAlarm follows CloudWatch’s missing-data table (3 of 5 to alarm)', () => {
  // 0 = not breaching, 1 = breaching, undefined = missing; rows of CloudWatch's "How alarm state is evaluated when
  // data is missing" for each treatMissingData.
  const _ = undefined;
  const cases: [(number | undefined)[], Record<'missing' | 'ignore' | 'breaching' | 'notBreaching', string>][] = [
    [[0, _, 1, _, 1], { missing: 'OK', ignore: 'OK', breaching: 'ALARM', notBreaching: 'OK' }],
    [[0, 0, 0, 0, 0], { missing: 'OK', ignore: 'OK', breaching: 'OK', notBreaching: 'OK' }],
    [[_, _, _, _, _], { missing: 'INSUFFICIENT_DATA', ignore: 'ALARM', breaching: 'ALARM', notBreaching: 'OK' }],
    [[0, 1, 1, _, 1], { missing: 'ALARM', ignore: 'ALARM', breaching: 'ALARM', notBreaching: 'ALARM' }],
    [[_, _, 1, _, _], { missing: 'ALARM', ignore: 'ALARM', breaching: 'ALARM', notBreaching: 'OK' }],
  ];
  for (const [datapoints, expected] of cases) {
    for (const [treatMissingData, state] of Object.entries(expected)) {
      test(`${JSON.stringify(datapoints).replaceAll('null', '-')} with ${treatMissingData} → ${state}`, () => {
        // The alarm is in ALARM before, so `ignore` shows that it keeps its state.
        const result = evaluateAlarm(rule({ treatMissingData: treatMissingData as never }), datapoints, 'ALARM');
        assert.equal(result.state, state, result.reason);
      });
    }
  }

  test('each comparison operator compares the datapoint with the threshold as named', () => {
    const at = (comparison: AlarmDefinition['comparison'], value: number) =>
      evaluateAlarm(rule({ comparison, threshold: 5, evaluationPeriods: 1, datapointsToAlarm: 1 }), [value], 'OK')
        .state;
    assert.deepEqual(
      [at('GreaterThanThreshold', 5), at('GreaterThanOrEqualToThreshold', 5), at('LessThanThreshold', 5)],
      ['OK', 'ALARM', 'OK'],
    );
    assert.deepEqual([at('LessThanOrEqualToThreshold', 5), at('LessThanThreshold', 4.9)], ['ALARM', 'ALARM']);
  });
});

describe('LocalAlarms evaluates the pipeline’s alarm definitions against the local metrics', () => {
  const spec = presetSpec('apigw-kinesis-lambda');
  const resources = resourcesOf(spec);
  const definitions = alarmsFor(spec);
  const consumer = spec.consumers[0]!.name;
  const errorsId = `${consumer}Errors`;

  function setup() {
    const clock = manualClock();
    const store = new MetricStore({ now: clock.now });
    const alarms = new LocalAlarms({ definitions, store, dimensionsOf: (d) => dimensionsOf(resources, d.resource) });
    const fn = {
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: resources.functions.get(consumer)! },
    };
    return { clock, store, alarms, fn };
  }

  test('every alarm starts INSUFFICIENT_DATA, and an idle pipeline is OK once evaluated (missing = not breaching)', () => {
    const { alarms } = setup();
    assert.ok(alarms.list().every((a) => a.state === 'INSUFFICIENT_DATA'));
    alarms.evaluate();
    assert.deepEqual(new Set(alarms.list().map((a) => a.state)), new Set(['OK']));
  });

  test('a function error flips its Errors alarm to ALARM, with the history, and a quiet period brings it back to OK', () => {
    const { clock, store, alarms, fn } = setup();
    const seen: unknown[] = [];
    const listener = (m: unknown) => seen.push(m);
    subscribe('streamkit:alarm:state', listener);
    try {
      alarms.evaluate();
      clock.advance(10_000);
      store.put(fn, 0, 5); // five good invocations
      alarms.evaluate();
      assert.equal(alarms.get(errorsId)!.state, 'OK');
      store.put(fn, 1);
      clock.advance(10_000);
      const changes = alarms.evaluate();
      assert.deepEqual(
        changes.map((c) => [c.alarm, c.newState]),
        [[errorsId, 'ALARM']],
      );
      const status = alarms.get(errorsId)!;
      assert.equal(status.state, 'ALARM');
      assert.match(status.reason, /1 of the last 1 datapoints \[1\] > 0/);
      assert.deepEqual(
        status.history.map((h) => [h.oldState, h.newState]),
        [
          ['OK', 'ALARM'],
          ['INSUFFICIENT_DATA', 'OK'],
        ],
      );
      // The error stays in its minute; the next minute has no errors, and missing data is not breaching.
      clock.advance(60_000);
      alarms.evaluate();
      assert.equal(alarms.get(errorsId)!.state, 'OK');
      assert.ok(seen.some((m) => (m as { alarm: string; newState: string }).alarm === errorsId));
    } finally {
      unsubscribe('streamkit:alarm:state', listener);
    }
  });

  test('M of N over aligned periods: 2 of 3 one-minute Maximums above the threshold, missing periods breaching', () => {
    const clock = manualClock();
    const store = new MetricStore({ now: clock.now });
    const stream = { StreamName: resources.streamName! };
    const base = definitions.find((d) => d.id === 'StreamIteratorAge')!;
    const definition: AlarmDefinition = {
      ...base,
      id: 'SlowConsumer',
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: 'breaching',
    };
    const alarms = new LocalAlarms({ definitions: [definition], store, dimensionsOf: () => stream });
    const age = (ms: number) =>
      store.put({ namespace: 'AWS/Kinesis', metricName: 'GetRecords.IteratorAgeMilliseconds', dimensions: stream }, ms);
    const minute = () => {
      clock.advance(60_000);
      alarms.evaluate();
      return alarms.get('SlowConsumer')!.state;
    };
    // Minute 0: fine; the two periods before it are missing, which breaches.
    age(1_000);
    alarms.evaluate();
    assert.equal(alarms.get('SlowConsumer')!.state, 'ALARM');
    age(2_000); // still minute 0: its Maximum is 2000
    assert.equal(minute(), 'ALARM', 'minute 1 (in progress, empty) and minute -1 are missing: 2 of 3 breach');
    age(90_000);
    age(500); // minute 1's Maximum: 90000
    clock.advance(1000);
    alarms.evaluate();
    assert.equal(alarms.get('SlowConsumer')!.state, 'ALARM', '[-, 2000, 90000]: 2 of 3 breach');
    clock.advance(59_000);
    age(3_000);
    alarms.evaluate();
    assert.equal(alarms.get('SlowConsumer')!.state, 'OK', '[2000, 90000, 3000]: 1 of 3 breaches');
  });

  test('an alarm on a resource the local pipeline does not run is listed as not evaluated, not fatal', () => {
    const store = new MetricStore();
    const bogus = { ...definitions[0]!, id: 'OtherQueue', resource: { kind: 'queue', consumer: 'nobody' } } as const;
    const alarms = new LocalAlarms({
      definitions: [definitions[0]!, bogus],
      store,
      dimensionsOf: (d) => dimensionsOf(resources, d.resource),
    });
    assert.deepEqual(
      alarms.list().map((a) => a.definition.id),
      [definitions[0]!.id],
    );
    assert.deepEqual(
      alarms.unevaluated.map((u) => u.definition.id),
      ['OtherQueue'],
    );
    assert.match(alarms.unevaluated[0]!.reason, /no queue/);
  });

  test('the Average of a period is over all its samples: 1 throttled record of 200 stays under 1 %, 3 are over', () => {
    const { clock, store, alarms } = setup();
    const id = {
      namespace: 'AWS/Kinesis',
      metricName: 'WriteProvisionedThroughputExceeded',
      dimensions: { StreamName: resources.streamName! },
    };
    store.put(id, 0, 199);
    store.put(id, 1, 1);
    clock.advance(1000);
    alarms.evaluate();
    assert.equal(alarms.get('StreamWriteThrottled')!.state, 'OK');
    store.put(id, 1, 2);
    clock.advance(1000);
    alarms.evaluate();
    assert.equal(alarms.get('StreamWriteThrottled')!.state, 'ALARM');
  });
});

describe('streamkit:metric', () => {
  test('a datapoint published by any local component is recorded under its CloudWatch name and dimensions', () => {
    const spec = presetSpec('apigw-kinesis-lambda');
    const store = new MetricStore();
    const metrics = new PipelineMetrics(store, resourcesOf(spec));
    metrics.start();
    try {
      const id = {
        namespace: 'AWS/Kafka',
        metricName: 'SumOffsetLag',
        dimensions: { 'Cluster Name': 'c', Topic: 't' },
      };
      publishMetric({ ...id, value: 42 });
      publishMetric({ ...id, value: 40, count: 2 });
      const set = store.aggregate(id, 0, Number.MAX_SAFE_INTEGER);
      assert.deepEqual(set, { sampleCount: 3, sum: 122, minimum: 40, maximum: 42 });
    } finally {
      metrics.stop();
    }
  });
});

describe('MetricStore', () => {
  test('statistics over a period combine the one-second buckets inside it, and periods without data are missing', () => {
    const clock = manualClock();
    const store = new MetricStore({ now: clock.now });
    const id = { namespace: 'AWS/Lambda', metricName: 'Duration', dimensions: { FunctionName: 'f' } };
    store.put(id, 10);
    clock.advance(1500);
    store.put(id, 30, 3);
    const start = clock.now() - 1500;
    const [first, second] = store.datapoints(id, 'Average', 60_000, start, start + 120_000);
    assert.equal(first!.value, (10 + 90) / 4);
    assert.equal(second!.value, undefined);
    assert.equal(store.datapoints(id, 'Maximum', 60_000, start, start + 60_000)[0]!.value, 30);
    assert.equal(store.datapoints(id, 'SampleCount', 60_000, start, start + 60_000)[0]!.value, 4);
  });

  test('a range reads the same whether its buckets are looked up (short) or scanned (long)', () => {
    const clock = manualClock();
    const store = new MetricStore({ now: clock.now });
    const id = { namespace: 'AWS/Kinesis', metricName: 'IncomingRecords', dimensions: { StreamName: 's' } };
    const start = clock.now();
    for (let i = 0; i < 100; i++) {
      store.put(id, i);
      clock.advance(1000);
    }
    // 2.5 s into the series, 3 s long: buckets 3, 4 and 5 (a bucket belongs to the range its start is in).
    assert.equal(store.aggregate(id, start + 2500, start + 5500)?.sum, 3 + 4 + 5);
    assert.equal(store.aggregate(id, start - 1_000_000, start + 1_000_000)?.sum, (99 * 100) / 2);
    assert.equal(store.aggregate(id, start + 2000, start + 3000)?.sum, 2);
  });

  test('dimensions are matched whatever their order', () => {
    const store = new MetricStore();
    store.put({ namespace: 'AWS/ApiGateway', metricName: 'Count', dimensions: { ApiName: 'a', Stage: 'prod' } }, 1);
    const set = store.aggregate(
      { namespace: 'AWS/ApiGateway', metricName: 'Count', dimensions: { Stage: 'prod', ApiName: 'a' } },
      0,
      Number.MAX_SAFE_INTEGER,
    );
    assert.equal(set?.sum, 1);
  });
});
