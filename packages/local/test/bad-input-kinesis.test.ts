/**
 * Bad-input catalogue: the Kinesis wire API. Raw HTTP requests (AWS JSON 1.1 and AWS CBOR 1.1) to a running engine,
 * for what an SDK would refuse before sending, and calls through an unmodified AWS SDK v3 KinesisClient for the rest.
 * Each row expects the exact AWS error type, the member it names (`at 'streamName'`) and a message with the value
 * received. A PutRecords that AWS refuses as a whole stores none of its records.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  KinesisServiceException,
  ListShardsCommand,
  MergeShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  SplitShardCommand,
  UpdateShardCountCommand,
} from '@aws-sdk/client-kinesis';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '@streamkit/core';
import { type BadInput, catalogue, type Observed } from '../../core/test/support/bad-input.ts';
import { type KinesisEngine, startKinesisEngine } from '../src/kinesis/index.ts';
import { CBOR_CONTENT_TYPE, decodeAwsCbor, encodeAwsCbor } from './support/aws-cbor.ts';

const JSON_TYPE = 'application/x-amz-json-1.1';
const STREAM = 'bad-input';
const OTHER = 'bad-input-other';
const ARN = `arn:aws:kinesis:${LOCAL_REGION}:000000000000:stream/${STREAM}`;
const SHARD = 'shardId-000000000000';

interface WireInput {
  readonly action: string;
  /** An object (encoded in the row's protocol) or raw text. */
  readonly body?: unknown;
  readonly cbor?: boolean;
  readonly contentType?: string;
  readonly target?: string;
  readonly method?: string;
}

/** An AWS error: its type, the member the message names (its first `at '…'`), and a message that matches. */
const aws = (code: string, message: RegExp, field?: string) =>
  field === undefined ? { code, message } : { code, field, message };

const b64 = (text: string) => Buffer.from(text).toString('base64');

const wireRows: BadInput<WireInput>[] = [
  // The envelope: method, content type, target, body.
  {
    name: 'an unknown action',
    input: { action: 'PutRecordz', body: {} },
    expect: aws('UnknownOperationException', /PutRecordz/),
  },
  {
    name: 'an action named after an Object method',
    input: { action: 'constructor', body: {} },
    expect: aws('UnknownOperationException', /constructor/),
  },
  {
    name: 'a target without the Kinesis prefix',
    input: { action: 'x', target: 'Firehose_20150804.PutRecord', body: {} },
    expect: aws('UnknownOperationException', /Firehose_20150804.PutRecord/),
  },
  {
    name: 'no target at all',
    input: { action: 'x', target: '', body: {} },
    expect: aws('UnknownOperationException', /X-Amz-Target must be Kinesis_20131202.<Action> \(got ''\)/),
  },
  {
    name: 'a content type the engine does not speak',
    input: { action: 'ListStreams', body: '{}', contentType: 'text/plain' },
    expect: aws(
      'SerializationException',
      /Content-Type must be application\/x-amz-json-1.1, application\/json, application\/x-amz-cbor-1.1 \(got text\/plain\)/,
    ),
  },
  {
    name: 'a GET instead of a POST',
    input: { action: 'ListStreams', method: 'GET' },
    expect: aws('AccessDeniedException', /Unable to determine service\/operation name to be authorized: .*\(got GET\)/),
  },
  {
    name: 'JSON: a body that does not parse',
    input: { action: 'PutRecord', body: '{"StreamName": ' },
    expect: aws('SerializationException', /The request body is not valid JSON/),
  },
  {
    name: 'JSON: a body that is a list',
    input: { action: 'ListStreams', body: '[]' },
    expect: aws('SerializationException', /must be a JSON object \(got an array\)/),
  },
  {
    name: 'JSON: a body that is a number',
    input: { action: 'ListStreams', body: '7' },
    expect: aws('SerializationException', /must be a JSON object \(got an integer\)/),
  },
  {
    name: 'CBOR: bytes that are not CBOR',
    input: { action: 'PutRecord', cbor: true, body: Buffer.from([0xff, 0xfe, 0x00]) },
    expect: aws('SerializationException', /The request body is not valid CBOR: Unexpected break code at byte 0/),
  },
  {
    name: 'CBOR: a body that is a text string',
    input: { action: 'ListStreams', cbor: true, body: 'hello' },
    expect: aws('SerializationException', /must be a JSON object/),
  },
  {
    name: 'CBOR: a body cut short',
    input: {
      action: 'PutRecord',
      cbor: true,
      body: encodeAwsCbor({ StreamName: STREAM, PartitionKey: 'k', Data: Buffer.from('x') }).subarray(0, 10),
    },
    expect: aws(
      'SerializationException',
      /The request body is not valid CBOR: Length \d+ exceeds the \d+ bytes left at byte \d+/,
    ),
  },

  // Member types: SerializationException at once.
  {
    name: 'JSON: StreamName as a number',
    input: { action: 'DescribeStreamSummary', body: { StreamName: 5 } },
    expect: aws('SerializationException', /streamName/),
  },
  {
    name: 'JSON: ShardCount as text',
    input: { action: 'CreateStream', body: { StreamName: 'x', ShardCount: '2' } },
    expect: aws('SerializationException', /shardCount/),
  },
  {
    name: 'JSON: ShardCount as a fraction',
    input: { action: 'CreateStream', body: { StreamName: 'x', ShardCount: 1.5 } },
    expect: aws('SerializationException', /shardCount/),
  },
  {
    name: 'JSON: Records as an object',
    input: { action: 'PutRecords', body: { StreamName: STREAM, Records: {} } },
    expect: aws('SerializationException', /records/),
  },
  {
    name: 'JSON: a record that is a string',
    input: { action: 'PutRecords', body: { StreamName: STREAM, Records: ['x'] } },
    expect: aws('SerializationException', /records.1.member/),
  },
  {
    name: 'JSON: Data that is not base64',
    input: { action: 'PutRecord', body: { StreamName: STREAM, PartitionKey: 'k', Data: 'not base64!' } },
    expect: aws('SerializationException', /data/),
  },
  {
    name: 'JSON: Data as a number',
    input: { action: 'PutRecord', body: { StreamName: STREAM, PartitionKey: 'k', Data: 12 } },
    expect: aws('SerializationException', /data/),
  },
  {
    name: 'JSON: Tags values that are numbers',
    input: { action: 'AddTagsToStream', body: { StreamName: STREAM, Tags: { a: 1 } } },
    expect: aws('SerializationException', /tags.a/),
  },
  {
    name: 'JSON: TagKeys holding a number',
    input: { action: 'RemoveTagsFromStream', body: { StreamName: STREAM, TagKeys: [1] } },
    expect: aws('SerializationException', /tagKeys.1.member/),
  },
  {
    name: 'JSON: StreamModeDetails as text',
    input: { action: 'UpdateStreamMode', body: { StreamARN: ARN, StreamModeDetails: 'ON_DEMAND' } },
    expect: aws('SerializationException', /streamModeDetails/),
  },
  {
    name: 'JSON: Timestamp as text',
    input: {
      action: 'GetShardIterator',
      body: { StreamName: STREAM, ShardId: SHARD, ShardIteratorType: 'AT_TIMESTAMP', Timestamp: 'yesterday' },
    },
    expect: aws('SerializationException', /timestamp/),
  },
  {
    name: 'CBOR: StreamName as a byte string',
    input: { action: 'DescribeStreamSummary', cbor: true, body: { StreamName: Buffer.from(STREAM) } },
    expect: aws('SerializationException', /streamName/),
  },
  {
    name: 'CBOR: Limit as text',
    input: { action: 'ListShards', cbor: true, body: { StreamName: STREAM, MaxResults: 'ten' } },
    expect: aws('SerializationException', /maxResults/),
  },

  // Model constraints: one ValidationException listing every violation.
  {
    name: 'PutRecord without anything',
    input: { action: 'PutRecord', body: {} },
    expect: aws(
      'ValidationException',
      /^2 validation errors detected: Value null at 'data' failed to satisfy constraint: Member must not be null; Value null at 'partitionKey' failed to satisfy constraint: Member must not be null$/,
      'data',
    ),
  },
  {
    name: 'CreateStream with an empty name',
    input: { action: 'CreateStream', body: { StreamName: '', ShardCount: 1 } },
    expect: aws(
      'ValidationException',
      /Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1/,
      'streamName',
    ),
  },
  {
    name: 'CreateStream with a 129-character name',
    input: { action: 'CreateStream', body: { StreamName: 'n'.repeat(129), ShardCount: 1 } },
    expect: aws(
      'ValidationException',
      /at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128/,
      'streamName',
    ),
  },
  {
    name: 'CreateStream with a name that has a space',
    input: { action: 'CreateStream', body: { StreamName: 'my stream', ShardCount: 1 } },
    expect: aws(
      'ValidationException',
      /Value 'my stream' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: \[a-zA-Z0-9_.-\]\+/,
      'streamName',
    ),
  },
  {
    name: 'CreateStream with 0 shards',
    input: { action: 'CreateStream', body: { StreamName: 'zero', ShardCount: 0 } },
    expect: aws(
      'ValidationException',
      /Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1/,
      'shardCount',
    ),
  },
  {
    name: 'CreateStream with an unknown mode',
    input: { action: 'CreateStream', body: { StreamName: 'm', StreamModeDetails: { StreamMode: 'FAST' } } },
    expect: aws(
      'ValidationException',
      /Value 'FAST' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: \[ON_DEMAND, PROVISIONED\]/,
      'streamModeDetails.streamMode',
    ),
  },
  {
    name: 'PutRecord with a 257-character partition key',
    input: { action: 'PutRecord', body: { StreamName: STREAM, PartitionKey: 'k'.repeat(257), Data: b64('x') } },
    expect: aws(
      'ValidationException',
      /at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256/,
      'partitionKey',
    ),
  },
  {
    name: 'PutRecord with an empty partition key',
    input: { action: 'PutRecord', body: { StreamName: STREAM, PartitionKey: '', Data: b64('x') } },
    expect: aws(
      'ValidationException',
      /at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1/,
      'partitionKey',
    ),
  },
  {
    name: 'PutRecord with 1 MiB and a byte of data',
    input: {
      action: 'PutRecord',
      body: { StreamName: STREAM, PartitionKey: 'k', Data: Buffer.alloc(1024 * 1024 + 1).toString('base64') },
    },
    expect: aws(
      'ValidationException',
      /at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576/,
      'data',
    ),
  },
  {
    name: 'PutRecord with a hash key that has letters',
    input: {
      action: 'PutRecord',
      body: { StreamName: STREAM, PartitionKey: 'k', Data: b64('x'), ExplicitHashKey: 'abc' },
    },
    expect: aws(
      'ValidationException',
      /Value 'abc' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern/,
      'explicitHashKey',
    ),
  },
  {
    name: 'PutRecord with a hash key above 2^128 - 1',
    input: {
      action: 'PutRecord',
      body: { StreamName: STREAM, PartitionKey: 'k', Data: b64('x'), ExplicitHashKey: (1n << 128n).toString() },
    },
    expect: aws('InvalidArgumentException', /ExplicitHashKey/),
  },
  {
    name: 'PutRecords with no records',
    input: { action: 'PutRecords', body: { StreamName: STREAM, Records: [] } },
    expect: aws(
      'ValidationException',
      /at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1/,
      'records',
    ),
  },
  {
    name: 'PutRecords with 501 records',
    input: {
      action: 'PutRecords',
      body: { StreamName: STREAM, Records: Array.from({ length: 501 }, () => ({ PartitionKey: 'k', Data: b64('x') })) },
    },
    expect: aws(
      'ValidationException',
      /at 'records' failed to satisfy constraint: Member must have length less than or equal to 500/,
      'records',
    ),
  },
  {
    name: 'PutRecords with a record lacking its partition key',
    input: {
      action: 'PutRecords',
      body: { StreamName: STREAM, Records: [{ PartitionKey: 'k', Data: b64('a') }, { Data: b64('b') }] },
    },
    expect: aws(
      'ValidationException',
      /at 'records.2.member.partitionKey' failed to satisfy constraint: Member must not be null/,
      'records.2.member.partitionKey',
    ),
  },
  {
    name: 'PutRecords: every problem listed at once',
    input: {
      action: 'PutRecords',
      body: { StreamName: '', Records: [{ Data: b64('b') }, { PartitionKey: '', Data: b64('c') }] },
    },
    expect: aws(
      'ValidationException',
      /^4 validation errors detected: Value '' at 'streamName' .*length greater than or equal to 1; Value '' at 'streamName' .*regular expression pattern.*; Value null at 'records.1.member.partitionKey' .*not be null; Value '' at 'records.2.member.partitionKey' .*length greater than or equal to 1$/,
      'streamName',
    ),
  },
  {
    name: 'PutRecords with more than 5 MiB',
    input: {
      action: 'PutRecords',
      body: {
        StreamName: STREAM,
        Records: Array.from({ length: 6 }, () => ({
          PartitionKey: 'k',
          Data: Buffer.alloc(1_000_000).toString('base64'),
        })),
      },
    },
    expect: aws('InvalidArgumentException', /5242880|5 MiB|size/i),
  },
  {
    name: 'GetShardIterator with an unknown iterator type',
    input: { action: 'GetShardIterator', body: { StreamName: STREAM, ShardId: SHARD, ShardIteratorType: 'OLDEST' } },
    expect: aws(
      'ValidationException',
      /Value 'OLDEST' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: \[AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP\]/,
      'shardIteratorType',
    ),
  },
  {
    name: 'GetShardIterator AT_SEQUENCE_NUMBER without a sequence number',
    input: {
      action: 'GetShardIterator',
      body: { StreamName: STREAM, ShardId: SHARD, ShardIteratorType: 'AT_SEQUENCE_NUMBER' },
    },
    expect: aws('InvalidArgumentException', /StartingSequenceNumber/),
  },
  {
    name: 'GetShardIterator AT_TIMESTAMP without a timestamp',
    input: {
      action: 'GetShardIterator',
      body: { StreamName: STREAM, ShardId: SHARD, ShardIteratorType: 'AT_TIMESTAMP' },
    },
    expect: aws(
      'InvalidArgumentException',
      /Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP/,
    ),
  },
  {
    name: 'GetShardIterator of a shard that does not exist',
    input: {
      action: 'GetShardIterator',
      body: { StreamName: STREAM, ShardId: 'shardId-000000000099', ShardIteratorType: 'LATEST' },
    },
    expect: aws('ResourceNotFoundException', /shardId-000000000099/),
  },
  {
    name: 'GetRecords with an iterator that is not one',
    input: { action: 'GetRecords', body: { ShardIterator: 'AAAA' } },
    expect: aws('InvalidArgumentException', /Invalid ShardIterator/),
  },
  {
    name: 'GetRecords with a Limit of 10001',
    input: { action: 'GetRecords', body: { ShardIterator: 'AAAA', Limit: 10_001 } },
    expect: aws(
      'ValidationException',
      /Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000/,
      'limit',
    ),
  },
  {
    name: 'GetRecords with a Limit of 0',
    input: { action: 'GetRecords', body: { ShardIterator: 'AAAA', Limit: 0 } },
    expect: aws(
      'ValidationException',
      /Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1/,
      'limit',
    ),
  },
  {
    name: 'ListShards with MaxResults of 10001',
    input: { action: 'ListShards', body: { StreamName: STREAM, MaxResults: 10_001 } },
    expect: aws(
      'ValidationException',
      /at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10000/,
      'maxResults',
    ),
  },
  {
    name: 'ListShards with a NextToken and a StreamName',
    input: { action: 'ListShards', body: { StreamName: STREAM, NextToken: 'abc' } },
    expect: aws('InvalidArgumentException', /NextToken/),
  },
  {
    name: 'ListShards with a NextToken that is not one',
    input: { action: 'ListShards', body: { NextToken: 'garbage' } },
    expect: aws('InvalidArgumentException', /NextToken/),
  },
  {
    name: 'ListStreams with a Limit of 0',
    input: { action: 'ListStreams', body: { Limit: 0 } },
    expect: aws(
      'ValidationException',
      /at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1/,
      'limit',
    ),
  },
  {
    name: 'a stream ARN that is not an ARN',
    input: { action: 'DescribeStreamSummary', body: { StreamARN: 'stream/bad-input' } },
    expect: aws(
      'ValidationException',
      /Value 'stream\/bad-input' at 'streamARN' failed to satisfy constraint: Member must satisfy regular expression pattern/,
      'streamARN',
    ),
  },
  {
    name: 'IncreaseStreamRetentionPeriod to 8761 hours',
    input: { action: 'IncreaseStreamRetentionPeriod', body: { StreamName: STREAM, RetentionPeriodHours: 8761 } },
    expect: aws(
      'InvalidArgumentException',
      /Maximum allowed retention period is 8760 hours. Requested retention period \(8761 hours\) is too long/,
    ),
  },
  {
    name: 'IncreaseStreamRetentionPeriod below the current period',
    input: { action: 'IncreaseStreamRetentionPeriod', body: { StreamName: STREAM, RetentionPeriodHours: 24 } },
    expect: aws('InvalidArgumentException', /24/),
  },
  {
    name: 'DecreaseStreamRetentionPeriod under 24 hours',
    input: { action: 'DecreaseStreamRetentionPeriod', body: { StreamName: STREAM, RetentionPeriodHours: 12 } },
    expect: aws(
      'InvalidArgumentException',
      /Minimum allowed retention period is 24 hours. Requested retention period \(12 hours\) is too short/,
    ),
  },
  {
    name: 'StartStreamEncryption with an unknown type',
    input: {
      action: 'StartStreamEncryption',
      body: { StreamName: STREAM, EncryptionType: 'AES', KeyId: 'alias/aws/kinesis' },
    },
    expect: aws(
      'ValidationException',
      /Value 'AES' at 'encryptionType' failed to satisfy constraint: Member must satisfy enum value set: \[NONE, KMS\]/,
      'encryptionType',
    ),
  },
  {
    name: 'EnableEnhancedMonitoring with an unknown metric',
    input: { action: 'EnableEnhancedMonitoring', body: { StreamName: STREAM, ShardLevelMetrics: ['Bytes'] } },
    expect: aws(
      'ValidationException',
      /at 'shardLevelMetrics.1.member' failed to satisfy constraint: Member must satisfy enum value set/,
      'shardLevelMetrics.1.member',
    ),
  },
  {
    name: 'AddTagsToStream with a 129-character key',
    input: { action: 'AddTagsToStream', body: { StreamName: STREAM, Tags: { ['k'.repeat(129)]: 'v' } } },
    expect: aws(
      'ValidationException',
      /Value 'k+…' \(129 characters\) at 'tags.key' failed to satisfy constraint: Member must have length less than or equal to 128/,
      'tags.key',
    ),
  },
  {
    name: 'AddTagsToStream with 51 tags',
    input: {
      action: 'AddTagsToStream',
      body: { StreamName: STREAM, Tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
    },
    expect: aws(
      'ValidationException',
      /at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50/,
      'tags',
    ),
  },
  {
    name: 'UpdateShardCount with an unknown scaling type',
    input: { action: 'UpdateShardCount', body: { StreamName: STREAM, TargetShardCount: 4, ScalingType: 'FAST' } },
    expect: aws(
      'ValidationException',
      /Value 'FAST' at 'scalingType' failed to satisfy constraint: Member must satisfy enum value set: \[UNIFORM_SCALING\]/,
      'scalingType',
    ),
  },
  {
    name: 'RegisterStreamConsumer with a name that has a space',
    input: { action: 'RegisterStreamConsumer', body: { StreamARN: ARN, ConsumerName: 'my consumer' } },
    expect: aws(
      'ValidationException',
      /Value 'my consumer' at 'consumerName' failed to satisfy constraint: Member must satisfy regular expression pattern/,
      'consumerName',
    ),
  },
  {
    name: 'DescribeStreamConsumer of a consumer that does not exist',
    input: { action: 'DescribeStreamConsumer', body: { StreamARN: ARN, ConsumerName: 'ghost' } },
    expect: aws('ResourceNotFoundException', /ghost/),
  },
  {
    name: 'CBOR: PutRecord to a stream that does not exist',
    input: { action: 'PutRecord', cbor: true, body: { StreamName: 'nope', PartitionKey: 'k', Data: Buffer.from('x') } },
    expect: aws('ResourceNotFoundException', /Stream nope under account 000000000000 not found/),
  },
  {
    name: 'CBOR: PutRecords with no records',
    input: { action: 'PutRecords', cbor: true, body: { StreamName: STREAM, Records: [] } },
    expect: aws(
      'ValidationException',
      /at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1/,
      'records',
    ),
  },
  {
    name: 'CBOR: CreateStream with 0 shards',
    input: { action: 'CreateStream', cbor: true, body: { StreamName: 'zero', ShardCount: 0 } },
    expect: aws(
      'ValidationException',
      /at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1/,
      'shardCount',
    ),
  },
  // State: the stream exists or not, is in use.
  {
    name: 'CreateStream of a stream that exists',
    input: { action: 'CreateStream', body: { StreamName: STREAM, ShardCount: 1 } },
    expect: aws('ResourceInUseException', new RegExp(STREAM)),
  },
  {
    name: 'DescribeStreamSummary of a stream that does not exist',
    input: { action: 'DescribeStreamSummary', body: { StreamName: 'nope' } },
    expect: aws('ResourceNotFoundException', /Stream nope under account 000000000000 not found/),
  },
  {
    name: 'DeleteStream of a stream that does not exist',
    input: { action: 'DeleteStream', body: { StreamName: 'nope' } },
    expect: aws('ResourceNotFoundException', /nope/),
  },
  {
    name: 'CreateStream PROVISIONED without a shard count',
    input: { action: 'CreateStream', body: { StreamName: 'p', StreamModeDetails: { StreamMode: 'PROVISIONED' } } },
    expect: aws('InvalidArgumentException', /ShardCount is required for a PROVISIONED stream/),
  },
];

describe('bad input: the Kinesis wire API (raw HTTP, JSON and CBOR)', () => {
  let engine: KinesisEngine;
  before(async () => {
    engine = await startKinesisEngine({ tls: false });
    await engine.dispatch('CreateStream', { StreamName: STREAM, ShardCount: 2 });
    await engine.dispatch('IncreaseStreamRetentionPeriod', { StreamName: STREAM, RetentionPeriodHours: 48 });
  });
  after(() => engine?.close());

  catalogue(wireRows, async (input) => {
    const contentType = input.contentType ?? (input.cbor ? CBOR_CONTENT_TYPE : JSON_TYPE);
    const body =
      input.body === undefined
        ? undefined
        : Buffer.isBuffer(input.body) || typeof input.body === 'string'
          ? input.cbor && typeof input.body === 'string'
            ? encodeAwsCbor(input.body)
            : input.body
          : input.cbor
            ? encodeAwsCbor(input.body)
            : JSON.stringify(input.body);
    const response = await fetch(`${engine.endpoint}/`, {
      method: input.method ?? 'POST',
      headers: { 'content-type': contentType, 'x-amz-target': input.target ?? `Kinesis_20131202.${input.action}` },
      ...(body !== undefined && { body }),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.ok(response.status >= 400 && response.status < 500, `HTTP ${response.status}: ${bytes.toString('utf8')}`);
    const answered = (
      response.headers.get('content-type')?.includes('cbor') ? decodeAwsCbor(bytes) : JSON.parse(bytes.toString('utf8'))
    ) as { __type: string; message: string };
    assert.equal(response.headers.get('x-amzn-errortype'), answered.__type);
    return observe(answered.__type, answered.message);
  });
});

/** The type, the first member named as AWS names them (`at 'records.2.member.partitionKey'`), and the message. */
function observe(code: string, message: string): Observed {
  const field = /at '([^']+)'/.exec(message)?.[1];
  return { code, field, message };
}

interface SdkInput {
  readonly call: (client: KinesisClient) => Promise<unknown>;
}

const sdkRows: BadInput<SdkInput>[] = [
  {
    name: 'SDK: PutRecord to a stream that does not exist',
    input: {
      call: (c) => c.send(new PutRecordCommand({ StreamName: 'nope', PartitionKey: 'k', Data: Buffer.from('x') })),
    },
    expect: aws('ResourceNotFoundException', /Stream nope under account 000000000000 not found/),
  },
  {
    name: 'SDK: PutRecord with an empty partition key',
    input: {
      call: (c) => c.send(new PutRecordCommand({ StreamName: STREAM, PartitionKey: '', Data: Buffer.from('x') })),
    },
    expect: aws('ValidationException', /at 'partitionKey' failed to satisfy constraint/, 'partitionKey'),
  },
  {
    name: 'SDK: PutRecords with a record lacking data',
    input: {
      call: (c) =>
        c.send(
          new PutRecordsCommand({
            StreamName: OTHER,
            Records: [{ PartitionKey: 'k', Data: Buffer.from('ok') }, { PartitionKey: 'k' } as never],
          }),
        ),
    },
    expect: aws(
      'ValidationException',
      /at 'records.2.member.data' failed to satisfy constraint: Member must not be null/,
      'records.2.member.data',
    ),
  },
  {
    name: 'SDK: PutRecords with a partition key of 257 characters',
    input: {
      call: (c) =>
        c.send(
          new PutRecordsCommand({
            StreamName: OTHER,
            Records: [
              { PartitionKey: 'k', Data: Buffer.from('ok') },
              { PartitionKey: 'p'.repeat(257), Data: Buffer.from('x') },
            ],
          }),
        ),
    },
    expect: aws(
      'ValidationException',
      /at 'records.2.member.partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256/,
      'records.2.member.partitionKey',
    ),
  },
  {
    name: 'SDK: GetShardIterator AFTER_SEQUENCE_NUMBER of a number never issued',
    input: {
      call: (c) =>
        c.send(
          new GetShardIteratorCommand({
            StreamName: STREAM,
            ShardId: SHARD,
            ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
            StartingSequenceNumber: '1',
          }),
        ),
    },
    expect: aws(
      'InvalidArgumentException',
      /StartingSequenceNumber 1 used in GetShardIterator on shard shardId-000000000000 in stream bad-input under account 000000000000 is invalid/,
    ),
  },
  {
    name: 'SDK: GetRecords with a forged iterator',
    input: { call: (c) => c.send(new GetRecordsCommand({ ShardIterator: 'x'.repeat(100) })) },
    expect: aws('InvalidArgumentException', /Invalid ShardIterator/),
  },
  {
    name: 'SDK: SplitShard at a hash key outside the shard',
    input: {
      call: (c) => c.send(new SplitShardCommand({ StreamName: STREAM, ShardToSplit: SHARD, NewStartingHashKey: '0' })),
    },
    expect: aws('InvalidArgumentException', /NewStartingHashKey/),
  },
  {
    name: 'SDK: MergeShards of shards that are not adjacent',
    input: {
      call: (c) =>
        c.send(new MergeShardsCommand({ StreamName: STREAM, ShardToMerge: SHARD, AdjacentShardToMerge: SHARD })),
    },
    expect: aws('InvalidArgumentException', /adjacent|same/i),
  },
  {
    name: 'SDK: UpdateShardCount to more than double',
    input: {
      call: (c) =>
        c.send(
          new UpdateShardCountCommand({ StreamName: STREAM, TargetShardCount: 5, ScalingType: 'UNIFORM_SCALING' }),
        ),
    },
    expect: aws(
      'InvalidArgumentException',
      /cannot scale stream bad-input .* up to 5 shards: at most double the 2 open shards \(4\)/,
    ),
  },
  {
    name: 'SDK: ListShards with both ExclusiveStartShardId and NextToken',
    input: { call: (c) => c.send(new ListShardsCommand({ NextToken: 'abc', ExclusiveStartShardId: SHARD })) },
    expect: aws('InvalidArgumentException', /NextToken/),
  },
  {
    name: 'SDK: CreateStream with a name of 129 characters',
    input: { call: (c) => c.send(new CreateStreamCommand({ StreamName: 's'.repeat(129), ShardCount: 1 })) },
    expect: aws(
      'ValidationException',
      /at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128/,
      'streamName',
    ),
  },
  {
    name: 'SDK: DescribeStreamSummary with neither name nor ARN',
    input: { call: (c) => c.send(new DescribeStreamSummaryCommand({})) },
    expect: aws('InvalidArgumentException', /StreamName|StreamARN/),
  },
];

describe('bad input: the Kinesis API through an unmodified AWS SDK v3 KinesisClient', () => {
  let engine: KinesisEngine;
  let client: KinesisClient;
  before(async () => {
    engine = await startKinesisEngine({ tls: false });
    client = new KinesisClient({
      endpoint: engine.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
    await engine.dispatch('CreateStream', { StreamName: STREAM, ShardCount: 2 });
    await engine.dispatch('CreateStream', { StreamName: OTHER, ShardCount: 1 });
  });
  after(async () => {
    client?.destroy();
    await engine?.close();
  });

  catalogue(sdkRows, async ({ call }) => {
    try {
      await call(client);
    } catch (error) {
      assert.ok(error instanceof KinesisServiceException, `not a service error: ${String(error)}`);
      assert.equal(error.$metadata.httpStatusCode, 400);
      return observe(error.name, error.message);
    }
    assert.fail('the request was accepted');
  });

  test('a PutRecords refused as a whole stores none of its records, not even the valid ones', async () => {
    const good = { PartitionKey: 'k', Data: Buffer.from('ok') };
    // Through the SDK and as raw JSON: a valid record next to a bad one.
    await assert.rejects(
      client.send(
        new PutRecordsCommand({ StreamName: OTHER, Records: [good, { PartitionKey: '', Data: Buffer.from('x') }] }),
      ),
      { name: 'ValidationException' },
    );
    const raw = await fetch(`${engine.endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': JSON_TYPE, 'x-amz-target': 'Kinesis_20131202.PutRecords' },
      body: JSON.stringify({
        StreamName: OTHER,
        Records: [
          { PartitionKey: 'k', Data: b64('ok') },
          { PartitionKey: 'k', Data: 'not base64' },
        ],
      }),
    });
    assert.equal(raw.status, 400);
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({ StreamName: OTHER, ShardId: SHARD, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const read = await client.send(new GetRecordsCommand({ ShardIterator }));
    assert.equal(read.Records?.length, 0);
    // The same valid record alone is stored: the refusal was about the request, not the stream.
    await client.send(new PutRecordsCommand({ StreamName: OTHER, Records: [good] }));
    const again = await client.send(new GetRecordsCommand({ ShardIterator }));
    assert.deepEqual(
      again.Records?.map((r) => Buffer.from(r.Data!).toString()),
      ['ok'],
    );
  });
});
