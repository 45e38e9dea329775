import type { FirehoseApiContext } from '../context.ts';
import { FirehoseServiceError, validationError } from '../errors.ts';

/** The source types AWS knows (DeliveryStreamType); local delivery streams are of the first two. */
const DELIVERY_STREAM_TYPES = ['DirectPut', 'KinesisStreamAsSource', 'MSKAsSource', 'DatabaseAsSource'];

/** ListDeliveryStreams: names in order, optionally of one type, paged by the last name seen. */
export async function listDeliveryStreams(context: FirehoseApiContext, input: Record<string, unknown>) {
  const limit = input.Limit ?? 10;
  if (typeof limit !== 'number' || !Number.isInteger(limit)) {
    throw new FirehoseServiceError('SerializationException', `Limit must be an integer (got ${JSON.stringify(limit)})`);
  }
  if (limit < 1 || limit > 10_000) {
    throw validationError('limit', 'Member must have value between 1 and 10000', String(limit));
  }
  const type = input.DeliveryStreamType;
  if (type !== undefined && !DELIVERY_STREAM_TYPES.includes(type as string)) {
    throw validationError(
      'deliveryStreamType',
      `Member must satisfy enum value set: [${DELIVERY_STREAM_TYPES.join(', ')}]`,
      String(type),
    );
  }
  const after =
    typeof input.ExclusiveStartDeliveryStreamName === 'string' ? input.ExclusiveStartDeliveryStreamName : '';
  const names = [...context.deliveryStreams.values()]
    .filter((s) => type === undefined || s.type === type)
    .map((s) => s.deliveryStreamName)
    .filter((name) => name > after)
    .sort();
  return { DeliveryStreamNames: names.slice(0, limit), HasMoreDeliveryStreams: names.length > limit };
}
