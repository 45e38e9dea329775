/**
 * Which partition keys a dynamic-partitioning query produces, read from the query text without running jq.
 *
 * Firehose's metadata extraction query is a jq program whose output is an object of partition keys; the console and
 * aws-cdk-lib (`MetadataExtractionProcessor.jq16`) both write it as an object construction, `{key: expr, …}`.
 * streamkit requires that form, so that the keys can be checked against `!{partitionKeyFromQuery:…}` in the prefix
 * when the spec is validated. Whether the program compiles is checked by jq itself, where the local target meets the
 * spec (core never runs a program).
 */

export type QueryKeysResult =
  | { readonly ok: true; readonly keys: readonly string[] }
  | { readonly ok: false; readonly problem: string };

const FORM = 'a jq object construction such as {ticker: .ticker, day: .time | strftime("%d")}';

/** The keys of the object construction `query` is, in order. */
export function partitionKeysOfQuery(query: string): QueryKeysResult {
  const source = stripComments(query).trim();
  if (!source.startsWith('{')) return { ok: false, problem: `must be ${FORM}` };
  let close: number;
  try {
    close = skipBalanced(source, 0);
  } catch (error) {
    return { ok: false, problem: `is not ${FORM}: ${(error as Error).message}` };
  }
  if (source.slice(close).trim() !== '') {
    return {
      ok: false,
      problem: `must be a single object construction, with nothing after its closing brace (found ${JSON.stringify(source.slice(close).trim().slice(0, 40))}); write the pipeline inside each value`,
    };
  }
  const entries = splitTopLevel(source.slice(1, close - 1));
  if (entries.length === 1 && entries[0]!.trim() === '')
    return { ok: false, problem: 'must name at least one partition key' };
  const keys: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') return { ok: false, problem: 'has an empty entry (two commas in a row, or a trailing comma)' };
    const key = readKey(entry);
    if (!key.ok) return key;
    if (keys.includes(key.key)) return { ok: false, problem: `names partition key "${key.key}" twice` };
    keys.push(key.key);
  }
  return { ok: true, keys };
}

function readKey(entry: string): { ok: true; key: string } | { ok: false; problem: string } {
  let key: string;
  let rest: string;
  if (entry.startsWith('"')) {
    const end = skipString(entry, 0);
    const literal = entry.slice(0, end);
    if (literal.includes('\\(')) {
      return { ok: false, problem: `computes the key ${literal}; partition keys must be named literally` };
    }
    try {
      key = JSON.parse(literal) as string;
    } catch {
      return { ok: false, problem: `has a key string jq reads differently from JSON: ${literal}` };
    }
    rest = entry.slice(end).trim();
  } else {
    const match = /^\$?([A-Za-z_][A-Za-z0-9_]*)/.exec(entry);
    if (!match) {
      const shown = entry.slice(0, 30);
      return {
        ok: false,
        problem: `has an entry whose key is not a name or a string (${JSON.stringify(shown)}); computed keys cannot be checked against the prefix`,
      };
    }
    key = match[1]!;
    rest = entry.slice(match[0].length).trim();
  }
  if (rest !== '' && !(rest.startsWith(':') && rest.slice(1).trim() !== '')) {
    return { ok: false, problem: `has an entry for "${key}" that is not "key: expression"` };
  }
  if (key.length === 0) return { ok: false, problem: 'has an empty key' };
  return { ok: true, key };
}

/** The index just past the string that starts at `start` (a `"`), interpolations `\(…)` included. */
function skipString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      if (text[i + 1] === '(') {
        i = skipBalanced(text, i + 1) - 1;
        continue;
      }
      i++;
      continue;
    }
    if (c === '"') return i + 1;
  }
  throw new Error('a string is never closed');
}

const CLOSING: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** The index just past the bracket that closes the one at `start`, skipping strings and nested brackets. */
function skipBalanced(text: string, start: number): number {
  const stack = [CLOSING[text[start]!]!];
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      i = skipString(text, i) - 1;
    } else if (CLOSING[c]) {
      stack.push(CLOSING[c]);
    } else if (c === ')' || c === ']' || c === '}') {
      if (stack.pop() !== c) throw new Error(`"${c}" at position ${i + 1} closes nothing that is open`);
      if (stack.length === 0) return i + 1;
    }
  }
  throw new Error(`"${text[start]}" is never closed`);
}

/** Splits on commas that are not inside brackets or strings. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') i = skipString(text, i) - 1;
    else if (CLOSING[c]) i = skipBalanced(text, i) - 1;
    else if (c === ',') {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts;
}

/** jq comments run from `#` outside a string to the end of the line. */
function stripComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let end: number;
      try {
        end = skipString(text, i);
      } catch {
        return out + text.slice(i);
      }
      out += text.slice(i, end);
      i = end - 1;
    } else if (c === '#') {
      const newline = text.indexOf('\n', i);
      if (newline === -1) break;
      i = newline - 1;
    } else {
      out += c;
    }
  }
  return out;
}
