/**
 * What IncreaseStreamRetentionPeriod and DecreaseStreamRetentionPeriod share: reading the request, finding the
 * stream (it must be ACTIVE), AWS's rate of 5 calls a second per stream (when the engine enforces limits), and the
 * range of a retention period, `LIMITS.kinesis.retentionHours`. Each action then checks the direction of the change.
 */
import { LIMITS } from '@streamkit/core';
import { type ActionContext, findStream, requireActive } from './action-context.ts';
import { KinesisServiceError } from './errors.ts';
import type { KinesisStream } from './store.ts';
import { RequestValidation, readStreamRef, requestBody } from './validation.ts';

export interface RetentionChange {
  readonly stream: KinesisStream;
  readonly hours: number;
}

export function readRetentionChange(
  context: ActionContext,
  input: unknown,
  operation: 'IncreaseStreamRetentionPeriod' | 'DecreaseStreamRetentionPeriod',
): RetentionChange {
  const body = requestBody(input);
  const v = new RequestValidation();
  const ref = readStreamRef(body, v);
  const hours = v.integer(body, 'RetentionPeriodHours');
  v.required(hours, 'retentionPeriodHours');
  v.throwIfInvalid();

  const stream = findStream(context, ref);
  requireActive(context, stream);
  if (!context.limits.admitRetentionChange(stream, operation, context.clock())) {
    throw new KinesisServiceError(
      'LimitExceededException',
      `Rate exceeded for stream ${stream.name} under account ${context.store.account}.`,
    );
  }
  const { min, max } = LIMITS.kinesis.retentionHours;
  if (hours! < min) {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      `Minimum allowed retention period is ${min} hours. Requested retention period (${hours} hours) is too short.`,
    );
  }
  if (hours! > max) {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      `Maximum allowed retention period is ${max} hours. Requested retention period (${hours} hours) is too long.`,
    );
  }
  return { stream, hours: hours! };
}
