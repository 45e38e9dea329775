/**
 * DeregisterStreamConsumer: a consumer named by its ARN, or by its stream's ARN and its name, is DELETING for the
 * engine's `deregisterStreamConsumerDelayMs`, then gone. Its subscriptions end with ResourceNotFoundException.
 */
import type { ActionContext } from '../action-context.ts';
import { findConsumer, readConsumerRef } from '../consumers.ts';
import { KinesisServiceError } from '../errors.ts';
import type { DeregisterStreamConsumerOutput } from '../shapes.ts';
import { RequestValidation, requestBody } from '../validation.ts';

export function deregisterStreamConsumer(context: ActionContext, input: unknown): DeregisterStreamConsumerOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const ref = readConsumerRef(body, v);
  v.throwIfInvalid();

  const { stream, consumer } = findConsumer(context, ref);
  if (consumer.status === 'DELETING') {
    throw new KinesisServiceError(
      'ResourceInUseException',
      `Consumer ${consumer.arn} under account ${context.store.account} is already being deregistered (DELETING)`,
    );
  }
  context.store.deregisterConsumer(stream, consumer);
  context.subscriptions.streamChanged(stream.name);
  return {};
}
