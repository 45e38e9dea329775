/**
 * streamkit's built-in Firehose forwarder (msk-lambda-firehose-s3): every Kafka record of the batch becomes one JSON
 * line in the delivery stream named by DELIVERY_STREAM_NAME. When Firehose still refuses records after the retries
 * of `forwardToFirehose`, the invocation fails: the event source mapping retries the batch (bisecting it), and
 * records that never get in end in its on-failure destination. Nothing is dropped.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { type KafkaEvent, StreamkitError } from '@streamkit/core';
import { awsClientConfig } from '../aws-client-config.ts';
import { firehoseData } from './firehose-record.ts';
import { forwardToFirehose, type PutRecordBatch } from './put-record-batch.ts';

const logger = new Logger({ serviceName: 'streamkit-firehose-forwarder' });
// Made on first use, so that the endpoint can come from the environment the function runs in
// (AWS_ENDPOINT_URL_FIREHOSE points it at the local Firehose API on the local target).
let firehose: FirehoseClient | undefined;

export const handler = async (event: KafkaEvent) => {
  const deliveryStreamName = process.env.DELIVERY_STREAM_NAME;
  if (!deliveryStreamName) {
    throw new StreamkitError(
      'SK_VALIDATION',
      'the forwarder needs DELIVERY_STREAM_NAME, the delivery stream to write to',
    );
  }
  const records = Object.values(event.records ?? {}).flat();
  if (records.length === 0) return { records: 0 };
  firehose ??= new FirehoseClient(awsClientConfig());
  const client = firehose;
  const put: PutRecordBatch = (batch) =>
    client.send(
      new PutRecordBatchCommand({ DeliveryStreamName: deliveryStreamName, Records: batch.map((Data) => ({ Data })) }),
    );
  const result = await forwardToFirehose(records.map(firehoseData), put);
  logger.info('forwarded', { deliveryStreamName, ...result });
  return result;
};
