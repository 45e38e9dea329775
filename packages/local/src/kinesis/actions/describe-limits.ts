/**
 * DescribeLimits: the account's shard quota (`LIMITS.kinesis.shardCount.max`) and open shards, and its on-demand
 * streams against their limit.
 */
import { LIMITS } from '@streamkit/core';
import type { ActionContext } from '../action-context.ts';
import { KINESIS_API_LIMITS } from '../api-limits.ts';
import type { DescribeLimitsOutput } from '../shapes.ts';
import { requestBody } from '../validation.ts';

export function describeLimits(context: ActionContext, input: unknown): DescribeLimitsOutput {
  requestBody(input);
  const { store } = context;
  return {
    ShardLimit: LIMITS.kinesis.shardCount.max,
    OpenShardCount: store.openShardCount(),
    OnDemandStreamCount: store.streams().filter((stream) => stream.mode === 'ON_DEMAND').length,
    OnDemandStreamCountLimit: KINESIS_API_LIMITS.onDemandStreamCountLimit.value,
  };
}
