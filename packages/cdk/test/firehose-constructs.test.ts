import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StreamkitError } from '@streamkit/core';
import { Duration, Size } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RecordFormatTable } from '../src/firehose/record-format-table.ts';
import { S3DeliveryStream, type S3DeliveryStreamProps } from '../src/firehose/s3-delivery-stream.ts';
import { EncryptedBucket } from '../src/s3/encrypted-bucket.ts';
import { bareStack } from './support/stacks.ts';

function rejection(build: () => unknown): StreamkitError {
  try {
    build();
  } catch (error) {
    assert.ok(StreamkitError.is(error), `expected a StreamkitError, got ${error}`);
    assert.equal(error.code, 'SK_VALIDATION');
    return error;
  }
  assert.fail('expected the props to be rejected');
}

function deliveryStream(props: Partial<S3DeliveryStreamProps>) {
  const stack = bareStack();
  return new S3DeliveryStream(stack, 'Delivery', {
    sourceStream: new kinesis.Stream(stack, 'Stream'),
    bucket: new s3.Bucket(stack, 'Bucket'),
    ...props,
  });
}

describe('S3DeliveryStream refuses what Firehose would, naming the construct, the field, the range and the value', () => {
  const cases: [string, Partial<S3DeliveryStreamProps>, RegExp][] = [
    [
      'a 129 MiB buffer',
      { bufferingSize: Size.mebibytes(129) },
      /Delivery: bufferingSize must be between 1 and 128 MiB \(got 129\)/,
    ],
    [
      'a 32 MiB buffer with dynamic partitioning',
      {
        bufferingSize: Size.mebibytes(32),
        dynamicPartitioning: { metadataExtractionQuery: '{a: .a}' },
        prefix: 'a=!{partitionKeyFromQuery:a}/',
      },
      /bufferingSize must be between 64 and 128 MiB \(got 32\)/,
    ],
    [
      'a 901 s interval',
      { bufferingInterval: Duration.seconds(901) },
      /bufferingInterval must be between 0 and 900 seconds \(got 901\)/,
    ],
    [
      'zero buffering with dynamic partitioning',
      {
        bufferingInterval: Duration.seconds(0),
        dynamicPartitioning: { metadataExtractionQuery: '{a: .a}' },
        prefix: 'a=!{partitionKeyFromQuery:a}/',
      },
      /bufferingInterval must be between 60 and 900 seconds \(got 0\)/,
    ],
    [
      'GZIP objects with Parquet',
      { compression: 'GZIP', dataFormatConversion: { columns: [{ name: 'a', type: 'string' }] } },
      /compression must be UNCOMPRESSED with record format conversion \(got GZIP\)/,
    ],
    [
      '301 processor retries',
      { processor: { function: undefined as never, numberOfRetries: 301 } },
      /processor\.numberOfRetries must be between 0 and 300 retries \(got 301\)/,
    ],
    [
      'an unknown prefix namespace',
      { prefix: '!{time:yyyy}/' },
      /prefix !\{time:yyyy\} has an unknown namespace "time"/,
    ],
  ];
  for (const [what, props, message] of cases) {
    test(`refuses ${what}`, () => assert.match(rejection(() => deliveryStream(props)).message, message));
  }
});

describe('EncryptedBucket and RecordFormatTable', () => {
  test('a lifecycle rule of 0 days is refused', () => {
    const error = rejection(
      () => new EncryptedBucket(bareStack(), 'Output', { abortIncompleteMultipartUploadAfter: Duration.days(0) }),
    );
    assert.match(error.message, /abortIncompleteMultipartUploadAfter must be between 1 and 3650 days \(got 0\)/);
  });

  test('a table without columns is refused', () => {
    const stack = bareStack();
    const error = rejection(
      () => new RecordFormatTable(stack, 'Schema', { columns: [], bucket: new s3.Bucket(stack, 'B') }),
    );
    assert.match(error.message, /Schema: columns must list at least one column/);
  });
});
