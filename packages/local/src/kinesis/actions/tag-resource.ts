/**
 * TagResource: adds tags to a stream or a stream consumer named by its ARN, or overwrites the values of keys it
 * already has (at most `KINESIS_API_LIMITS.tagsPerResource` tags per resource).
 */
import type { ActionContext } from '../action-context.ts';
import type { TagResourceOutput } from '../shapes.ts';
import {
  checkTagCharacters,
  findTaggedResource,
  readResourceArn,
  readTags,
  requireTaggable,
  withTags,
} from '../tags.ts';
import { RequestValidation, requestBody } from '../validation.ts';

export function tagResource(context: ActionContext, input: unknown): TagResourceOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const resourceArn = readResourceArn(body, v);
  const tags = readTags(body, 'Tags', v);
  v.required(tags, 'tags');
  v.throwIfInvalid();
  checkTagCharacters(Object.keys(tags!), Object.values(tags!));

  const { stream, resource, description } = findTaggedResource(context, resourceArn!);
  requireTaggable(context, stream);
  context.store.setTags(resource, withTags(description, resource.tags, tags!));
  return {};
}
