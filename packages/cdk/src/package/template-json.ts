/**
 * A CloudFormation template as plain JSON, and the two operations packaging needs on it: where two templates differ,
 * and reading or replacing the node at a path. Pure functions; nothing here knows about CDK.
 */
import { isDeepStrictEqual } from 'node:util';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
/** Keys and indexes from the template's root: `['Resources', 'Stream', 'Properties', 'ShardCount']`. */
export type JsonPath = readonly (string | number)[];

export function isJsonObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The smallest nodes where `a` and `b` differ: objects are compared key by key (a key on one side only is a difference
 * at that key), lists of equal length item by item; anything else that is not equal is one difference.
 */
export function differences(a: Json | undefined, b: Json | undefined, path: JsonPath = []): JsonPath[] {
  if (isDeepStrictEqual(a, b)) return [];
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((key) => differences(a[key], b[key], [...path, key]));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((item, i) => differences(item, b[i], [...path, i]));
  }
  return [path];
}

/** The node at `path`, or undefined when there is none. */
export function nodeAt(root: Json, path: JsonPath): Json | undefined {
  let node: Json | undefined = root;
  for (const part of path) {
    if (Array.isArray(node) && typeof part === 'number') node = node[part];
    else if (isJsonObject(node) && typeof part === 'string') node = Object.hasOwn(node, part) ? node[part] : undefined;
    else return undefined;
  }
  return node;
}

/** Replaces (or adds) the node at `path` of `root` in place; the parent must exist. */
export function replaceAt(root: Json, path: JsonPath, value: Json): void {
  if (path.length === 0) throw new Error('cannot replace the root of a template');
  const parent = nodeAt(root, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent) && typeof last === 'number') parent[last] = value;
  else if (isJsonObject(parent) && typeof last === 'string') parent[last] = value;
  else throw new Error(`no node to replace at ${formatJsonPath(path)}`);
}

/** `Resources.Stream.Properties.ShardLevelMetrics[0]`. */
export function formatJsonPath(path: JsonPath): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}

/** True when `prefix` is `path` or one of its ancestors. */
export function isWithin(path: JsonPath, prefix: JsonPath): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => path[i] === part);
}
