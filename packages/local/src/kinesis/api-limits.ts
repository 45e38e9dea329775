/**
 * Limits of the Kinesis API itself — paging sizes, token lifetimes, identifier lengths — that the engine needs and
 * core's `LIMITS.kinesis` does not carry (yet). They have the shape of `LIMITS` entries so that they can move to core
 * as they are; record, batch and iterator limits are read from `LIMITS.kinesis` directly.
 *
 * Source of every number: the Amazon Kinesis Data Streams API Reference (the operation pages named below).
 */
import type { RangeLimit, ValueLimit } from '@streamkit/core';

export const KINESIS_API_LIMITS = {
  describeStreamLimit: {
    kind: 'range',
    min: 1,
    max: 10_000,
    default: 100,
    defaultSource: 'aws',
    unit: 'shards',
    description: 'DescribeStream `Limit`: shards per call',
  },
  describeStreamMaxShards: {
    kind: 'value',
    value: 100,
    source: 'aws',
    unit: 'shards',
    description: 'Most shards one DescribeStream call returns, whatever `Limit` asks for',
  },
  listStreamsLimit: {
    kind: 'range',
    min: 1,
    max: 10_000,
    default: 100,
    defaultSource: 'aws',
    unit: 'streams',
    description: 'ListStreams `Limit`: streams per call',
  },
  listStreamsMaxStreams: {
    kind: 'value',
    value: 100,
    source: 'aws',
    unit: 'streams',
    description: 'Most streams one ListStreams call returns, whatever `Limit` asks for',
  },
  listShardsMaxResults: {
    kind: 'range',
    min: 1,
    max: 10_000,
    default: 1000,
    defaultSource: 'aws',
    unit: 'shards',
    description: 'ListShards `MaxResults`: shards per call',
  },
  listShardsMaxShards: {
    kind: 'value',
    value: 1000,
    source: 'aws',
    unit: 'shards',
    description: 'Most shards one ListShards call returns, whatever `MaxResults` asks for',
  },
  nextTokenTtlSeconds: {
    kind: 'value',
    value: 300,
    source: 'aws',
    unit: 'seconds',
    description: 'Lifetime of a ListShards / ListStreams `NextToken`',
  },
  nextTokenLength: {
    kind: 'range',
    min: 1,
    max: 1_048_576,
    unit: 'characters',
    description: 'Length of a `NextToken`',
  },
  shardIteratorLength: {
    kind: 'range',
    min: 1,
    max: 512,
    unit: 'characters',
    description: 'Length of a shard iterator',
  },
  streamArnLength: {
    kind: 'range',
    min: 1,
    max: 2048,
    unit: 'characters',
    description: 'Length of a stream ARN',
  },
  shardIdLength: {
    kind: 'range',
    min: 1,
    max: 128,
    unit: 'characters',
    description: 'Length of a shard ID',
  },
  tagsPerRequest: {
    kind: 'range',
    min: 1,
    max: 50,
    unit: 'tags',
    description: 'Tags given to CreateStream',
  },
  tagKeyLength: {
    kind: 'range',
    min: 1,
    max: 128,
    unit: 'characters',
    description: 'Length of a tag key',
  },
  tagValueLength: {
    kind: 'range',
    min: 0,
    max: 256,
    unit: 'characters',
    description: 'Length of a tag value',
  },
} as const satisfies Record<string, RangeLimit | ValueLimit>;
