/**
 * Enhanced (shard-level) monitoring, shared by EnableEnhancedMonitoring and DisableEnhancedMonitoring: the metric
 * names a request may give (`ALL` standing for every one), and the answer with the metrics before (`Current…`) and
 * after (`Desired…`) the change. The engine publishes no CloudWatch metrics; it remembers the setting and shows it in
 * DescribeStream(Summary), as the stream would on AWS.
 */
import { LIMITS, type ShardLevelMetric } from '@streamkit/core';
import { type ActionContext, findStream, requireActive } from './action-context.ts';
import { KINESIS_API_LIMITS } from './api-limits.ts';
import type { EnhancedMonitoringOutput, MetricsName } from './shapes.ts';
import { listMemberPath, RequestValidation, readStreamRef, requestBody } from './validation.ts';

const ALL_METRICS: readonly ShardLevelMetric[] = LIMITS.kinesis.shardLevelMetrics.values;
const METRICS_NAMES: readonly MetricsName[] = [...ALL_METRICS, 'ALL'];

/** Runs EnableEnhancedMonitoring (`enable`) or DisableEnhancedMonitoring. */
export function changeEnhancedMonitoring(
  context: ActionContext,
  input: unknown,
  enable: boolean,
): EnhancedMonitoringOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const ref = readStreamRef(body, v);
  const names = v.stringList(body, 'ShardLevelMetrics');
  const given: MetricsName[] = [];
  if (v.required(names, 'shardLevelMetrics')) {
    v.length(names, 'shardLevelMetrics', KINESIS_API_LIMITS.shardLevelMetricsPerRequest);
    names.forEach((name, index) => {
      const metric = v.oneOf(name, listMemberPath('shardLevelMetrics', index), METRICS_NAMES);
      if (metric) given.push(metric);
    });
  }
  v.throwIfInvalid();

  const stream = findStream(context, ref);
  requireActive(context, stream);
  const changed = new Set<ShardLevelMetric>(given.includes('ALL') ? ALL_METRICS : (given as ShardLevelMetric[]));
  const current = stream.shardLevelMetrics;
  const desired = ALL_METRICS.filter((metric) =>
    enable ? current.includes(metric) || changed.has(metric) : current.includes(metric) && !changed.has(metric),
  );
  context.store.setShardLevelMetrics(stream, desired);
  context.store.beginUpdate(stream);
  return {
    StreamName: stream.name,
    StreamARN: stream.arn,
    CurrentShardLevelMetrics: current,
    DesiredShardLevelMetrics: desired,
  };
}
