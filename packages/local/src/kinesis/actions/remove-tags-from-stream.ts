/** RemoveTagsFromStream: removes tags from a stream by key; keys it does not have are ignored, as on AWS. */
import { type ActionContext, findStream } from '../action-context.ts';
import type { RemoveTagsFromStreamOutput } from '../shapes.ts';
import { checkTagCharacters, readTagKeys, requireTaggable, withoutTags } from '../tags.ts';
import { RequestValidation, readStreamRef, requestBody } from '../validation.ts';

export function removeTagsFromStream(context: ActionContext, input: unknown): RemoveTagsFromStreamOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const ref = readStreamRef(body, v);
  const keys = readTagKeys(body, 'TagKeys', v);
  v.throwIfInvalid();
  checkTagCharacters(keys!);

  const stream = findStream(context, ref);
  requireTaggable(context, stream);
  context.store.setTags(stream, withoutTags(stream.tags, keys!));
  return {};
}
