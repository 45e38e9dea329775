/**
 * DecreaseStreamRetentionPeriod: a shorter retention period (at most the current one, at least
 * `LIMITS.kinesis.retentionHours.min`). Records older than the new period are no longer readable at once.
 */
import type { ActionContext } from '../action-context.ts';
import { KinesisServiceError } from '../errors.ts';
import { readRetentionChange } from '../retention-period.ts';
import type { DecreaseStreamRetentionPeriodOutput } from '../shapes.ts';

export function decreaseStreamRetentionPeriod(
  context: ActionContext,
  input: unknown,
): DecreaseStreamRetentionPeriodOutput {
  const { stream, hours } = readRetentionChange(context, input, 'DecreaseStreamRetentionPeriod');
  if (hours > stream.retentionHours) {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      `Requested retention period (${hours} hours) for stream ${stream.name} can not be longer than existing ` +
        `retention period (${stream.retentionHours} hours). Use IncreaseRetentionPeriod API.`,
    );
  }
  context.store.setRetentionPeriod(stream.name, hours);
  return {};
}
