/**
 * Enhanced fan-out consumers: their ARNs and the look-ups the consumer actions share. A consumer ARN is its stream's
 * ARN followed by `/consumer/<name>:<registration time in epoch seconds>`, so a consumer deregistered and registered
 * again under the same name gets a new ARN, as on AWS.
 */
import { type ActionContext, findStream, requireActive, streamNotFound } from './action-context.ts';
import { KINESIS_API_LIMITS } from './api-limits.ts';
import { KinesisServiceError } from './errors.ts';
import type { KinesisStream, StreamConsumer } from './store.ts';
import { type JsonObject, type RequestValidation, readStreamRef, STREAM_NAME_PATTERN } from './validation.ts';

export const CONSUMER_NAME_PATTERN = STREAM_NAME_PATTERN;
export const CONSUMER_ARN_PATTERN = {
  regex: /^(arn):aws.*:kinesis:.*:\d{12}:.*stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+$/,
  source: '^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+',
} as const;

const CONSUMER_ARN = /^arn:[^:]+:kinesis:([^:]*):(\d{12}):stream\/([a-zA-Z0-9_.-]+)\/consumer\/([a-zA-Z0-9_.-]+):\d+$/;

/** A consumer ARN taken apart, or undefined when `arn` is not one. */
export function parseConsumerArn(
  arn: string,
): { region: string; account: string; streamName: string; consumerName: string } | undefined {
  const match = CONSUMER_ARN.exec(arn);
  if (!match) return undefined;
  return { region: match[1]!, account: match[2]!, streamName: match[3]!, consumerName: match[4]! };
}

export function checkConsumerName(name: string | undefined, path: string, v: RequestValidation): void {
  v.length(name, path, KINESIS_API_LIMITS.consumerNameLength);
  v.pattern(name, path, CONSUMER_NAME_PATTERN);
}

export function checkConsumerArn(arn: string | undefined, path: string, v: RequestValidation): void {
  v.length(arn, path, KINESIS_API_LIMITS.consumerArnLength);
  v.pattern(arn, path, CONSUMER_ARN_PATTERN);
}

/** How DescribeStreamConsumer and DeregisterStreamConsumer name a consumer: its ARN, or its stream and name. */
export interface ConsumerRef {
  readonly streamArn: string | undefined;
  readonly consumerName: string | undefined;
  readonly consumerArn: string | undefined;
}

export function readConsumerRef(body: JsonObject, v: RequestValidation): ConsumerRef {
  const { arn: streamArn } = readStreamRef(body, v);
  const consumerName = v.string(body, 'ConsumerName');
  const consumerArn = v.string(body, 'ConsumerARN');
  checkConsumerName(consumerName, 'consumerName', v);
  checkConsumerArn(consumerArn, 'consumerARN', v);
  return { streamArn, consumerName, consumerArn };
}

export function consumerNotFound(context: ActionContext, what: string): KinesisServiceError {
  return new KinesisServiceError(
    'ResourceNotFoundException',
    `Consumer ${what} under account ${context.store.account} not found.`,
  );
}

/** The consumer with this ARN and its stream (ResourceNotFoundException when there is none). */
export function findConsumerByArn(
  context: ActionContext,
  consumerArn: string,
): { stream: KinesisStream; consumer: StreamConsumer } {
  const parsed = parseConsumerArn(consumerArn);
  const { store } = context;
  if (!parsed || parsed.region !== store.region || parsed.account !== store.account) {
    throw consumerNotFound(
      context,
      `${consumerArn} (the local engine serves account ${store.account} in ${store.region})`,
    );
  }
  const stream = store.stream(parsed.streamName);
  const consumer = stream?.consumers.find((c) => c.arn === consumerArn);
  if (!stream || !consumer) throw consumerNotFound(context, consumerArn);
  return { stream, consumer };
}

/** The consumer a request names by `ConsumerARN`, or by `StreamARN` and `ConsumerName`. */
export function findConsumer(
  context: ActionContext,
  ref: ConsumerRef,
): { stream: KinesisStream; consumer: StreamConsumer } {
  if (ref.consumerArn !== undefined) {
    const found = findConsumerByArn(context, ref.consumerArn);
    if (ref.streamArn !== undefined && ref.streamArn !== found.stream.arn) {
      throw new KinesisServiceError(
        'InvalidArgumentException',
        `ConsumerARN ${ref.consumerArn} does not belong to StreamARN ${ref.streamArn}`,
      );
    }
    if (ref.consumerName !== undefined && ref.consumerName !== found.consumer.name) {
      throw new KinesisServiceError(
        'InvalidArgumentException',
        `ConsumerARN ${ref.consumerArn} and ConsumerName ${ref.consumerName} name different consumers`,
      );
    }
    return found;
  }
  if (ref.streamArn === undefined || ref.consumerName === undefined) {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      'Either ConsumerARN, or both StreamARN and ConsumerName, must be provided',
    );
  }
  const stream = findStream(context, { arn: ref.streamArn });
  const consumer = stream.consumers.find((c) => c.name === ref.consumerName);
  if (!consumer) throw consumerNotFound(context, `${ref.consumerName} of stream ${stream.arn}`);
  return { stream, consumer };
}

/**
 * A stream that consumers can be registered with or listed for: ResourceNotFoundException when it is being deleted,
 * ResourceInUseException while it is being created.
 */
export function findConsumerStream(context: ActionContext, streamArn: string): KinesisStream {
  const stream = findStream(context, { arn: streamArn });
  if (stream.status === 'DELETING') throw streamNotFound(context, stream.name);
  if (stream.status === 'CREATING') requireActive(context, stream);
  return stream;
}
