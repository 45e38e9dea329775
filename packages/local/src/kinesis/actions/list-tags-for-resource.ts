/** ListTagsForResource: every tag of a stream or a stream consumer named by its ARN, in key order. */
import type { ActionContext } from '../action-context.ts';
import type { ListTagsForResourceOutput } from '../shapes.ts';
import { findTaggedResource, readResourceArn, tagList } from '../tags.ts';
import { RequestValidation, requestBody } from '../validation.ts';

export function listTagsForResource(context: ActionContext, input: unknown): ListTagsForResourceOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const resourceArn = readResourceArn(body, v);
  v.throwIfInvalid();

  const { resource } = findTaggedResource(context, resourceArn!);
  return { Tags: tagList(resource.tags) };
}
