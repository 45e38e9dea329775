/** What the Kinesis and the Kafka batch processors share about retrying a batch. */
import { LIMITS } from '@streamkit/core';

/** How long a local event source mapping waits before retry `retries + 1` of a batch: doubling, capped. */
export function retryDelayMs(baseDelayMs: number, retries: number): number {
  return Math.min(LIMITS.local.esmRetryMaxDelayMs.value, baseDelayMs * 2 ** retries);
}

/** A failed batch split in two (bisect on function error); splitting consumes no retry. */
export function halves<Item extends { readonly records: readonly unknown[] }>(item: Item): Item[] {
  const middle = Math.ceil(item.records.length / 2);
  return [
    { ...item, records: item.records.slice(0, middle) },
    { ...item, records: item.records.slice(middle) },
  ];
}
