import { LOCAL_ACCOUNT } from '@streamkit/core';
import type { FirehoseApiContext } from '../context.ts';
import { deliveryStreamOf } from '../context.ts';

/** DescribeDeliveryStream: the delivery stream and its S3 destination, as AWS describes them. */
export async function describeDeliveryStream(context: FirehoseApiContext, input: Record<string, unknown>) {
  const stream = deliveryStreamOf(context, input);
  const s = stream.settings;
  const created = stream.createdAt.getTime() / 1000;
  const role = `arn:aws:iam::${LOCAL_ACCOUNT}:role/${stream.deliveryStreamName}-role`;
  return {
    DeliveryStreamDescription: {
      DeliveryStreamName: stream.deliveryStreamName,
      DeliveryStreamARN: stream.deliveryStreamArn,
      DeliveryStreamStatus:
        stream.status === 'ACTIVE' ? 'ACTIVE' : stream.status === 'CREATING' ? 'CREATING' : 'DELETING',
      DeliveryStreamType: stream.type,
      VersionId: '1',
      CreateTimestamp: created,
      ...(stream.sourceStreamArn && {
        Source: {
          KinesisStreamSourceDescription: {
            KinesisStreamARN: stream.sourceStreamArn,
            RoleARN: role,
            DeliveryStartTimestamp: created,
          },
        },
      }),
      Destinations: [
        {
          DestinationId: 'destinationId-000000000001',
          ExtendedS3DestinationDescription: {
            BucketARN: `arn:aws:s3:::${stream.bucket}`,
            RoleARN: role,
            Prefix: s.prefix,
            ErrorOutputPrefix: s.errorOutputPrefix,
            BufferingHints: {
              SizeInMBs: s.bufferingHints.sizeInMBs,
              IntervalInSeconds: s.bufferingHints.intervalInSeconds,
            },
            CompressionFormat: s.compression,
            EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' },
            DynamicPartitioningConfiguration: {
              Enabled: s.dynamicPartitioning.enabled,
              RetryOptions: { DurationInSeconds: s.dynamicPartitioning.retryDuration },
            },
          },
        },
      ],
      HasMoreDestinations: false,
    },
  };
}
