import { alarmsFor, LIMITS, requirePreset } from '@streamkit/core';
import { output } from '../output.ts';
import { type PipelineArgs, resolvePipeline } from '../resolve-spec.ts';

export function validate(args: PipelineArgs & { json?: boolean }): number {
  const { spec: resolved, source } = resolvePipeline(args);
  const spec = requirePreset(resolved, 'apigw-kinesis-lambda', 'streamkit validate');
  if (args.json) {
    output.line(JSON.stringify(spec, null, 2));
    return 0;
  }
  const shards =
    spec.stream.mode === 'ON_DEMAND'
      ? `on-demand (starts with ${LIMITS.kinesis.onDemandInitialShards.value} shards)`
      : `${spec.stream.shardCount} shards`;
  output.line(`✓ ${source} is valid: pipeline "${spec.name}", preset ${spec.preset}`);
  output.line(
    `  ingest     REST API, auth ${spec.ingest.auth}, ${spec.ingest.throttling.rateLimit} req/s (burst ${spec.ingest.throttling.burstLimit})`,
  );
  output.line(
    `  stream     ${shards}, ${spec.stream.retentionHours} h retention, encryption ${spec.stream.encryption}`,
  );
  for (const c of spec.consumers) {
    const handler = c.handler ?? 'built-in Kinesis consumer';
    output.line(`  consumer   ${c.name}: ${handler} (${c.export}), ${c.memorySize} MB, ${c.timeout} s`);
    output.line(
      `             batch ${c.batchSize}, window ${c.maxBatchingWindow} s, parallelization ${c.parallelizationFactor}, retries ${c.retryAttempts}, bisect ${c.bisectBatchOnError ? 'on' : 'off'}, max age ${c.maxRecordAge} s, from ${c.startingPosition}, on failure ${c.onFailure}`,
    );
  }
  output.line(
    `  alarms     ${alarmsFor(spec).length}${spec.monitoring.alarmEmail ? `, emailing ${spec.monitoring.alarmEmail}` : ''}`,
  );
  return 0;
}
