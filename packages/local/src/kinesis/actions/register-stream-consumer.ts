/**
 * RegisterStreamConsumer: registers an enhanced fan-out consumer with a stream (by `StreamARN`). It is CREATING for
 * the engine's `registerStreamConsumerDelayMs`, then ACTIVE and able to SubscribeToShard. AWS's limits apply: unique
 * names per stream, `KINESIS_API_LIMITS.consumersPerStream` consumers per stream, and
 * `KINESIS_API_LIMITS.consumersCreatingAtOnce` consumers CREATING at once in the account.
 */
import type { ActionContext } from '../action-context.ts';
import { KINESIS_API_LIMITS } from '../api-limits.ts';
import { checkConsumerName, findConsumerStream } from '../consumers.ts';
import { KinesisServiceError } from '../errors.ts';
import { consumerShape, type RegisterStreamConsumerOutput } from '../shapes.ts';
import { checkTagCharacters, readTags } from '../tags.ts';
import { RequestValidation, readStreamRef, requestBody } from '../validation.ts';

export function registerStreamConsumer(context: ActionContext, input: unknown): RegisterStreamConsumerOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const { arn } = readStreamRef(body, v);
  const name = v.string(body, 'ConsumerName');
  const tags = readTags(body, 'Tags', v);
  v.required(arn, 'streamARN');
  if (v.required(name, 'consumerName')) checkConsumerName(name, 'consumerName', v);
  v.throwIfInvalid();
  if (tags) checkTagCharacters(Object.keys(tags), Object.values(tags));

  const { store } = context;
  const stream = findConsumerStream(context, arn!);
  if (stream.consumers.some((consumer) => consumer.name === name)) {
    throw new KinesisServiceError(
      'ResourceInUseException',
      `Consumer ${name} under stream ${stream.name} already exists for account ${store.account}.`,
    );
  }
  const perStream = KINESIS_API_LIMITS.consumersPerStream.value;
  if (stream.consumers.length >= perStream) {
    throw new KinesisServiceError(
      'LimitExceededException',
      `Stream ${stream.name} under account ${store.account} already has ${stream.consumers.length} registered ` +
        `consumers; a stream can have at most ${perStream}`,
    );
  }
  const creating = store.streams().flatMap((s) => s.consumers.filter((c) => c.status === 'CREATING')).length;
  const atOnce = KINESIS_API_LIMITS.consumersCreatingAtOnce.value;
  if (creating >= atOnce) {
    throw new KinesisServiceError(
      'LimitExceededException',
      `Account ${store.account} already has ${creating} consumers in CREATING status; at most ${atOnce} can be ` +
        'created at the same time',
    );
  }
  const consumer = store.registerConsumer(stream, name!, tags);
  return { Consumer: consumerShape(consumer) };
}
