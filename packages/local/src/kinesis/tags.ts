/**
 * Tags of streams and stream consumers: reading and checking them for AddTagsToStream, RemoveTagsFromStream,
 * TagResource, UntagResource and RegisterStreamConsumer, and listing them in key order.
 *
 * AWS's tag rules: at most 50 tags per resource, keys of 1 to 128 and values of 0 to 256 characters, made of Unicode
 * letters, digits, white space and `_ . : / = + - @`, and keys may not start with the reserved `aws:` prefix.
 */
import { type ActionContext, findStream, requireActive } from './action-context.ts';
import { KINESIS_API_LIMITS } from './api-limits.ts';
import { findConsumerByArn, parseConsumerArn } from './consumers.ts';
import { KinesisServiceError } from './errors.ts';
import type { TagShape } from './shapes.ts';
import type { KinesisStream, StreamConsumer } from './store.ts';
import {
  type JsonObject,
  listMemberPath,
  memberPath,
  type RequestValidation,
  STREAM_ARN_PATTERN,
} from './validation.ts';

const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const RESERVED_PREFIX = 'aws:';

/** Reads a map of tags (`Tags`) and checks its size and lengths; whether it is required is the caller's concern. */
export function readTags(body: JsonObject, key: string, v: RequestValidation): Record<string, string> | undefined {
  const tags = v.stringMap(body, key);
  if (tags === undefined) return undefined;
  const path = memberPath(undefined, key);
  const entries = Object.entries(tags);
  v.length(entries, path, KINESIS_API_LIMITS.tagsPerRequest);
  for (const [tagKey, value] of entries) {
    v.length(tagKey, `${path}.key`, KINESIS_API_LIMITS.tagKeyLength);
    v.length(value, `${path}.value`, KINESIS_API_LIMITS.tagValueLength);
  }
  return { ...tags };
}

/** Reads a list of tag keys (`TagKeys`) and checks its size and lengths. */
export function readTagKeys(body: JsonObject, key: string, v: RequestValidation): readonly string[] | undefined {
  const keys = v.stringList(body, key);
  const path = memberPath(undefined, key);
  if (!v.required(keys, path)) return undefined;
  v.length(keys, path, KINESIS_API_LIMITS.tagKeysPerRequest);
  keys.forEach((item, index) => {
    v.length(item, listMemberPath(path, index), KINESIS_API_LIMITS.tagKeyLength);
  });
  return keys;
}

/** Throws InvalidArgumentException for a tag key or value with characters AWS does not allow, or a reserved key. */
export function checkTagCharacters(keys: readonly string[], values: readonly string[] = []): void {
  for (const [kind, texts] of [
    ['key', keys],
    ['value', values],
  ] as const) {
    for (const text of texts) {
      if (!TAG_CHARACTERS.test(text)) {
        throw new KinesisServiceError(
          'InvalidArgumentException',
          `Tag ${kind} '${text}' contains characters tags cannot have: ` +
            'allowed are Unicode letters, digits, white space and _ . : / = + - @',
        );
      }
    }
  }
  const reserved = keys.find((key) => key.toLowerCase().startsWith(RESERVED_PREFIX));
  if (reserved !== undefined) {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      `Tag key '${reserved}' starts with the reserved prefix '${RESERVED_PREFIX}', which only AWS may use`,
    );
  }
}

/** `existing` with `added` set over it; throws when the result would have more tags than a resource may. */
export function withTags(
  resource: string,
  existing: Readonly<Record<string, string>>,
  added: Readonly<Record<string, string>>,
): Record<string, string> {
  const result = { ...existing, ...added };
  const count = Object.keys(result).length;
  const max = KINESIS_API_LIMITS.tagsPerResource.value;
  if (count > max) {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      `Failed to add tags to ${resource}: a resource can have at most ${max} tags, and it would have ${count} ` +
        `(${Object.keys(existing).length} now, ${Object.keys(added).length} given)`,
    );
  }
  return result;
}

export function withoutTags(
  existing: Readonly<Record<string, string>>,
  keys: readonly string[],
): Record<string, string> {
  const result = { ...existing };
  for (const key of keys) delete result[key];
  return result;
}

/** Tags as `{Key, Value}` pairs in key order, as ListTagsForStream and ListTagsForResource give them. */
export function tagList(tags: Readonly<Record<string, string>>): TagShape[] {
  return Object.keys(tags)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key) => ({ Key: key, Value: tags[key]! }));
}

/** A stream whose tags can change: not CREATING or DELETING (ResourceInUseException, as AWS answers). */
export function requireTaggable(context: ActionContext, stream: KinesisStream): void {
  if (stream.status === 'CREATING' || stream.status === 'DELETING') requireActive(context, stream);
}

/** The stream or consumer a `ResourceARN` names (ResourceNotFoundException when there is none). */
export function findTaggedResource(
  context: ActionContext,
  resourceArn: string,
): { stream: KinesisStream; resource: KinesisStream | StreamConsumer; description: string } {
  if (parseConsumerArn(resourceArn)) {
    const { stream, consumer } = findConsumerByArn(context, resourceArn);
    return { stream, resource: consumer, description: `consumer ${consumer.arn}` };
  }
  if (!STREAM_ARN_PATTERN.regex.test(resourceArn)) {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      `${resourceArn} is not the ARN of a Kinesis stream or stream consumer`,
    );
  }
  const stream = findStream(context, { arn: resourceArn });
  return { stream, resource: stream, description: `stream ${stream.name} under account ${context.store.account}` };
}

export const RESOURCE_ARN_PATTERN = {
  regex: /^arn:aws.*:kinesis:.*:\d{12}:.+$/,
  source: 'arn:aws.*:kinesis:.*:\\d{12}:.+',
} as const;

/** Reads and checks the required `ResourceARN` of TagResource, UntagResource and ListTagsForResource. */
export function readResourceArn(body: JsonObject, v: RequestValidation): string | undefined {
  const arn = v.string(body, 'ResourceARN');
  if (v.required(arn, 'resourceARN')) {
    v.length(arn, 'resourceARN', KINESIS_API_LIMITS.resourceArnLength);
    v.pattern(arn, 'resourceARN', RESOURCE_ARN_PATTERN);
  }
  return arn;
}
