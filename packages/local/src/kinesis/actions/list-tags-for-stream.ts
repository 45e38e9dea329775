/**
 * ListTagsForStream: a stream's tags in key order, `Limit` at a time (`KINESIS_API_LIMITS.listTagsForStreamLimit`),
 * after `ExclusiveStartTagKey`; `HasMoreTags` says whether more follow.
 */
import { type ActionContext, findStream } from '../action-context.ts';
import { KINESIS_API_LIMITS } from '../api-limits.ts';
import type { ListTagsForStreamOutput } from '../shapes.ts';
import { tagList } from '../tags.ts';
import { RequestValidation, readStreamRef, requestBody } from '../validation.ts';

export function listTagsForStream(context: ActionContext, input: unknown): ListTagsForStreamOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const ref = readStreamRef(body, v);
  const exclusiveStartTagKey = v.string(body, 'ExclusiveStartTagKey');
  const limit = v.integer(body, 'Limit');
  v.length(exclusiveStartTagKey, 'exclusiveStartTagKey', KINESIS_API_LIMITS.tagKeyLength);
  v.range(limit, 'limit', KINESIS_API_LIMITS.listTagsForStreamLimit);
  v.throwIfInvalid();

  const stream = findStream(context, ref);
  const tags = tagList(stream.tags).filter(
    (tag) => exclusiveStartTagKey === undefined || tag.Key > exclusiveStartTagKey,
  );
  const page = tags.slice(0, limit ?? KINESIS_API_LIMITS.listTagsForStreamLimit.default);
  return { Tags: page, HasMoreTags: tags.length > page.length };
}
