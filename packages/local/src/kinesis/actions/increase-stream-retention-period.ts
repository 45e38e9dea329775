/**
 * IncreaseStreamRetentionPeriod: a longer retention period (at least the current one, at most
 * `LIMITS.kinesis.retentionHours.max`). Records that already expired stay expired, as on AWS.
 */
import type { ActionContext } from '../action-context.ts';
import { KinesisServiceError } from '../errors.ts';
import { readRetentionChange } from '../retention-period.ts';
import type { IncreaseStreamRetentionPeriodOutput } from '../shapes.ts';

export function increaseStreamRetentionPeriod(
  context: ActionContext,
  input: unknown,
): IncreaseStreamRetentionPeriodOutput {
  const { stream, hours } = readRetentionChange(context, input, 'IncreaseStreamRetentionPeriod');
  if (hours < stream.retentionHours) {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      `Requested retention period (${hours} hours) for stream ${stream.name} can not be shorter than existing ` +
        `retention period (${stream.retentionHours} hours). Use DecreaseRetentionPeriod API.`,
    );
  }
  context.store.setRetentionPeriod(stream.name, hours);
  return {};
}
