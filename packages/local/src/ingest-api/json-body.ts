/**
 * Parses a request body as JSON and, when it is not JSON, says where it broke (line, column and what was expected),
 * which V8's own messages do not always tell ("Unexpected token '}', "{"a":}" is not valid JSON").
 */

export type JsonParseResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string };

export function parseJsonBody(text: string): JsonParseResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    const syntax = locateJsonError(text);
    if (syntax === undefined) {
      // JSON.parse refused what the scanner accepts; should not happen, but never hide the reason.
      return { ok: false, message: 'The request body is not valid JSON' };
    }
    return { ok: false, message: `The request body is not valid JSON: ${describe(text, syntax)}` };
  }
}

export interface JsonSyntaxError {
  /** Offset (UTF-16 code units) of the character where parsing failed; `text.length` at the end of the input. */
  readonly offset: number;
  /** What a JSON parser wanted there, in words. */
  readonly expected: string;
}

function describe(text: string, error: JsonSyntaxError): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < error.offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = error.offset - lineStart + 1;
  const found = error.offset >= text.length ? 'the end of the body' : showChar(text.charCodeAt(error.offset));
  return `expected ${error.expected} but found ${found} at line ${line}, column ${column}`;
}

function showChar(code: number): string {
  if (code < 0x20 || code === 0x7f) return `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return JSON.stringify(String.fromCharCode(code));
}

type Frame = 'array' | 'object';

/**
 * Finds the first syntax error of `text` as RFC 8259 defines JSON, or undefined when `text` is valid JSON.
 * Iterative (an explicit stack), so deeply nested input cannot overflow the call stack.
 */
export function locateJsonError(text: string): JsonSyntaxError | undefined {
  const stack: Frame[] = [];
  let i = 0;
  const n = text.length;
  const fail = (expected: string, at = i): JsonSyntaxError => ({ offset: at, expected });
  const skipWhitespace = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
  const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

  /** Scans a string starting at its opening quote; returns an error or undefined. */
  const scanString = (): JsonSyntaxError | undefined => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c === 0x5c) {
        const e = text.charCodeAt(i + 1);
        if (e === 0x75) {
          for (let k = 2; k < 6; k++) {
            if (!isHex(text.charCodeAt(i + k))) return fail('a hexadecimal digit of a \\u escape', i + k);
          }
          i += 6;
        } else if ('"\\/bfnrt'.includes(text.charAt(i + 1)) && i + 1 < n) {
          i += 2;
        } else {
          return fail('an escape such as \\n, \\" or \\u00e9 after a backslash', i + 1);
        }
        continue;
      }
      if (c < 0x20) return fail('a closing quote (control characters must be escaped inside strings)');
      i++;
    }
    return fail('a closing quote of the string');
  };

  const scanNumber = (): JsonSyntaxError | undefined => {
    if (text.charCodeAt(i) === 0x2d) i++;
    if (text.charCodeAt(i) === 0x30) {
      i++;
    } else if (isDigit(text.charCodeAt(i))) {
      while (isDigit(text.charCodeAt(i))) i++;
    } else {
      return fail('a digit');
    }
    if (text.charCodeAt(i) === 0x2e) {
      i++;
      if (!isDigit(text.charCodeAt(i))) return fail('a digit after the decimal point');
      while (isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const sign = text.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      if (!isDigit(text.charCodeAt(i))) return fail('a digit of the exponent');
      while (isDigit(text.charCodeAt(i))) i++;
    }
    return undefined;
  };

  /** After a complete value: closes containers or moves to the next element. Returns 'value' when one is expected. */
  type Next = 'value' | 'done' | JsonSyntaxError;
  const afterValue = (): Next => {
    for (;;) {
      skipWhitespace();
      const top = stack.at(-1);
      if (top === undefined) return i === n ? 'done' : fail('the end of the body after the JSON value');
      const c = text.charCodeAt(i);
      if (top === 'array') {
        if (c === 0x2c) {
          i++;
          return 'value';
        }
        if (c === 0x5d) {
          i++;
          stack.pop();
          continue;
        }
        return fail('"," or "]" in the array');
      }
      if (c === 0x2c) {
        i++;
        skipWhitespace();
        const key = propertyName();
        return key ?? 'value';
      }
      if (c === 0x7d) {
        i++;
        stack.pop();
        continue;
      }
      return fail('"," or "}" in the object');
    }
  };

  /** Scans `"name" :`; returns an error or undefined. */
  const propertyName = (): JsonSyntaxError | undefined => {
    if (text.charCodeAt(i) !== 0x22) return fail('a property name in double quotes');
    const error = scanString();
    if (error) return error;
    skipWhitespace();
    if (text.charCodeAt(i) !== 0x3a) return fail('":" after the property name');
    i++;
    return undefined;
  };

  for (;;) {
    skipWhitespace();
    if (i >= n) return fail('a JSON value');
    const c = text.charCodeAt(i);
    let error: JsonSyntaxError | undefined;
    if (c === 0x7b) {
      i++;
      skipWhitespace();
      if (text.charCodeAt(i) === 0x7d) {
        i++;
      } else {
        stack.push('object');
        error = propertyName();
        if (error) return error;
        continue;
      }
    } else if (c === 0x5b) {
      i++;
      skipWhitespace();
      if (text.charCodeAt(i) === 0x5d) {
        i++;
      } else {
        stack.push('array');
        continue;
      }
    } else if (c === 0x22) {
      error = scanString();
    } else if (c === 0x2d || isDigit(c)) {
      error = scanNumber();
    } else {
      const literal = ['true', 'false', 'null'].find((word) => word.charCodeAt(0) === c);
      if (literal === undefined) return fail('a JSON value (object, array, string, number, true, false or null)');
      for (let k = 0; k < literal.length; k++) {
        if (text.charCodeAt(i + k) !== literal.charCodeAt(k)) return fail(`"${literal}"`, i + k);
      }
      i += literal.length;
    }
    if (error) return error;
    const next = afterValue();
    if (next === 'done') return undefined;
    if (next !== 'value') return next;
  }
}
