/** UntagResource: removes tags by key from a stream or a stream consumer named by its ARN. */
import type { ActionContext } from '../action-context.ts';
import type { UntagResourceOutput } from '../shapes.ts';
import {
  checkTagCharacters,
  findTaggedResource,
  readResourceArn,
  readTagKeys,
  requireTaggable,
  withoutTags,
} from '../tags.ts';
import { RequestValidation, requestBody } from '../validation.ts';

export function untagResource(context: ActionContext, input: unknown): UntagResourceOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const resourceArn = readResourceArn(body, v);
  const keys = readTagKeys(body, 'TagKeys', v);
  v.throwIfInvalid();
  checkTagCharacters(keys!);

  const { stream, resource } = findTaggedResource(context, resourceArn!);
  requireTaggable(context, stream);
  context.store.setTags(resource, withoutTags(resource.tags, keys!));
  return {};
}
