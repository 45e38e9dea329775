import type { FirehoseApiContext } from '../context.ts';
import { validationError } from '../errors.ts';

/** ListDeliveryStreams: names in order, optionally of one type, paged by the last name seen. */
export async function listDeliveryStreams(context: FirehoseApiContext, input: Record<string, unknown>) {
  const limit = input.Limit ?? 10;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw validationError('limit', 'Member must have value between 1 and 10000', String(limit));
  }
  const type = input.DeliveryStreamType;
  const after =
    typeof input.ExclusiveStartDeliveryStreamName === 'string' ? input.ExclusiveStartDeliveryStreamName : '';
  const names = [...context.deliveryStreams.values()]
    .filter((s) => type === undefined || s.type === type)
    .map((s) => s.deliveryStreamName)
    .filter((name) => name > after)
    .sort();
  return { DeliveryStreamNames: names.slice(0, limit), HasMoreDeliveryStreams: names.length > limit };
}
