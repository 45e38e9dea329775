/** DescribeStreamConsumer: a consumer named by its ARN, or by its stream's ARN and its name, in whatever status. */
import type { ActionContext } from '../action-context.ts';
import { findConsumer, readConsumerRef } from '../consumers.ts';
import { consumerShape, type DescribeStreamConsumerOutput } from '../shapes.ts';
import { RequestValidation, requestBody } from '../validation.ts';

export function describeStreamConsumer(context: ActionContext, input: unknown): DescribeStreamConsumerOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const ref = readConsumerRef(body, v);
  v.throwIfInvalid();

  const { stream, consumer } = findConsumer(context, ref);
  return { ConsumerDescription: { ...consumerShape(consumer), StreamARN: stream.arn } };
}
