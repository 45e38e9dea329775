/**
 * ListStreamConsumers: the consumers of a stream (by `StreamARN`) in registration order, `MaxResults` at a time, with
 * a `NextToken` (sealed, and expiring like ListShards') while more follow.
 */
import { type ActionContext, openNextToken, sealNextToken } from '../action-context.ts';
import { KINESIS_API_LIMITS } from '../api-limits.ts';
import { findConsumerStream } from '../consumers.ts';
import { KinesisServiceError } from '../errors.ts';
import { consumerShape, type ListStreamConsumersOutput } from '../shapes.ts';
import type { StreamConsumer } from '../store.ts';
import { TOKEN_KINDS, tokenInteger, tokenString } from '../token-sealer.ts';
import { RequestValidation, readStreamRef, requestBody } from '../validation.ts';

export function listStreamConsumers(context: ActionContext, input: unknown): ListStreamConsumersOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const { arn } = readStreamRef(body, v);
  const nextToken = v.string(body, 'NextToken');
  const maxResults = v.integer(body, 'MaxResults');
  const streamCreationTimestamp = v.timestamp(body, 'StreamCreationTimestamp');
  v.required(arn, 'streamARN');
  v.length(nextToken, 'nextToken', KINESIS_API_LIMITS.nextTokenLength);
  v.range(maxResults, 'maxResults', KINESIS_API_LIMITS.listStreamConsumersMaxResults);
  v.throwIfInvalid();

  const stream = findConsumerStream(context, arn!);
  if (streamCreationTimestamp !== undefined && streamCreationTimestamp !== stream.createdAt) {
    throw new KinesisServiceError(
      'ResourceNotFoundException',
      `Stream ${stream.name} under account ${context.store.account} was not created at ` +
        `${new Date(streamCreationTimestamp).toISOString()} (it was created at ${new Date(stream.createdAt).toISOString()})`,
    );
  }
  let consumers = stream.consumers;
  if (nextToken !== undefined) {
    const fields = openNextToken(context, TOKEN_KINDS.listStreamConsumersNextToken, nextToken);
    const streamName = tokenString(fields, 0);
    const createdAt = tokenInteger(fields, 1);
    const after = tokenInteger(fields, 2);
    if (streamName !== stream.name || createdAt !== stream.createdAt || after === undefined) {
      throw new KinesisServiceError(
        'InvalidArgumentException',
        `NextToken ${nextToken} was not issued for stream ${stream.arn}`,
      );
    }
    consumers = consumers.filter((consumer) => registrationOrder(consumer) > after);
  }
  const page = consumers.slice(0, maxResults ?? KINESIS_API_LIMITS.listStreamConsumersMaxResults.default);
  const last = page.at(-1);
  return {
    Consumers: page.map(consumerShape),
    ...(consumers.length > page.length && last
      ? {
          NextToken: sealNextToken(context, TOKEN_KINDS.listStreamConsumersNextToken, [
            stream.name,
            stream.createdAt,
            registrationOrder(last),
          ]),
        }
      : {}),
  };
}

/** The registration time at the end of a consumer's ARN, in epoch seconds: unique and increasing per registration. */
function registrationOrder(consumer: StreamConsumer): number {
  return Number(consumer.arn.slice(consumer.arn.lastIndexOf(':') + 1));
}
