import { LIMITS } from '@streamkit/core';

/** How long a local event source mapping waits before retry `retries + 1` of a batch: doubling, capped. */
export function retryDelayMs(baseDelayMs: number, retries: number): number {
  return Math.min(LIMITS.local.esmRetryMaxDelayMs.value, baseDelayMs * 2 ** retries);
}
