/**
 * AddTagsToStream: adds tags to a stream, or overwrites the values of keys it already has. A stream has at most
 * `KINESIS_API_LIMITS.tagsPerResource` tags.
 */
import { type ActionContext, findStream } from '../action-context.ts';
import type { AddTagsToStreamOutput } from '../shapes.ts';
import { checkTagCharacters, readTags, requireTaggable, withTags } from '../tags.ts';
import { RequestValidation, readStreamRef, requestBody } from '../validation.ts';

export function addTagsToStream(context: ActionContext, input: unknown): AddTagsToStreamOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const ref = readStreamRef(body, v);
  const tags = readTags(body, 'Tags', v);
  v.required(tags, 'tags');
  v.throwIfInvalid();
  checkTagCharacters(Object.keys(tags!), Object.values(tags!));

  const stream = findStream(context, ref);
  requireTaggable(context, stream);
  const description = `stream ${stream.name} under account ${context.store.account}`;
  context.store.setTags(stream, withTags(description, stream.tags, tags!));
  return {};
}
