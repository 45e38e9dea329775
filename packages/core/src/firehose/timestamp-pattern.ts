/**
 * The `!{timestamp:<pattern>}` namespace of Firehose prefixes takes a Java `DateTimeFormatter` pattern. This module
 * parses such patterns (so a bad one is rejected when the spec is validated, as Firehose rejects it at creation) and
 * formats an instant with them, in UTC (streamkit does not set a custom time zone).
 *
 * Supported: quoted text (`'year='`, `''` for a quote) and the pattern letters below, with Java's rules for how many
 * letters each takes. Other letters are refused with the list of supported ones; optional sections (`[ ]`) and the
 * reserved characters `# { }` are refused as Java refuses them.
 */

export type TimestampToken =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'field'; readonly letter: string; readonly count: number };

export type TimestampPatternResult =
  | { readonly ok: true; readonly tokens: readonly TimestampToken[] }
  | { readonly ok: false; readonly problem: string };

/** The letters streamkit formats, with the largest count Java accepts for each. */
const LETTERS: Readonly<Record<string, { readonly max: number; readonly meaning: string }>> = {
  G: { max: 5, meaning: 'era' },
  u: { max: 19, meaning: 'year' },
  y: { max: 19, meaning: 'year of era' },
  Q: { max: 4, meaning: 'quarter' },
  q: { max: 4, meaning: 'quarter' },
  M: { max: 5, meaning: 'month' },
  L: { max: 5, meaning: 'month' },
  d: { max: 2, meaning: 'day of month' },
  D: { max: 3, meaning: 'day of year' },
  E: { max: 5, meaning: 'day of week' },
  a: { max: 1, meaning: 'AM/PM' },
  H: { max: 2, meaning: 'hour 0-23' },
  k: { max: 2, meaning: 'hour 1-24' },
  K: { max: 2, meaning: 'hour 0-11' },
  h: { max: 2, meaning: 'hour 1-12' },
  m: { max: 2, meaning: 'minute' },
  s: { max: 2, meaning: 'second' },
  S: { max: 9, meaning: 'fraction of second' },
  A: { max: 19, meaning: 'millisecond of day' },
  n: { max: 19, meaning: 'nanosecond' },
  N: { max: 19, meaning: 'nanosecond of day' },
  X: { max: 5, meaning: 'zone offset (Z for UTC)' },
  x: { max: 5, meaning: 'zone offset' },
  Z: { max: 5, meaning: 'zone offset' },
};

export const SUPPORTED_TIMESTAMP_LETTERS = Object.keys(LETTERS).join('');

/** Parses a `DateTimeFormatter` pattern into tokens, or says what is wrong with it. */
export function parseTimestampPattern(pattern: string): TimestampPatternResult {
  const tokens: TimestampToken[] = [];
  let literal = '';
  const flush = () => {
    if (literal) tokens.push({ kind: 'literal', text: literal });
    literal = '';
  };
  if (pattern.length === 0) return { ok: false, problem: 'the timestamp pattern is empty' };
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      // As Java reads it: text up to the next lone quote, where '' inside stands for one quote; '' alone is a quote.
      let end = i + 1;
      for (; end < pattern.length; end++) {
        if (pattern[end] !== "'") continue;
        if (pattern[end + 1] === "'") end++;
        else break;
      }
      if (end >= pattern.length) {
        return { ok: false, problem: `the quote at position ${i + 1} of "${pattern}" is never closed` };
      }
      const quoted = pattern.slice(i + 1, end);
      literal += quoted === '' ? "'" : quoted.replaceAll("''", "'");
      i = end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let count = 1;
      while (pattern[i + count] === c) count++;
      const letter = LETTERS[c];
      if (!letter) {
        return {
          ok: false,
          problem: `pattern letter '${c}' in "${pattern}" is not supported (supported: ${SUPPORTED_TIMESTAMP_LETTERS}; quote literal text, e.g. 'T')`,
        };
      }
      if (count > letter.max) {
        return { ok: false, problem: `too many pattern letters '${c}' in "${pattern}" (at most ${letter.max})` };
      }
      flush();
      tokens.push({ kind: 'field', letter: c, count });
      i += count;
      continue;
    }
    if (c === '[' || c === ']' || c === '#' || c === '{' || c === '}') {
      return { ok: false, problem: `"${c}" in "${pattern}" is reserved in Java date-time patterns; quote it ('${c}')` };
    }
    literal += c;
    i++;
  }
  flush();
  return { ok: true, tokens };
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const QUARTERS = ['1st quarter', '2nd quarter', '3rd quarter', '4th quarter'];

const pad = (n: number | bigint, width: number) => String(n).padStart(width, '0');

/** Formats `epochMillis` (UTC) with parsed tokens, as `DateTimeFormatter.ofPattern(pattern).withZone(UTC)` would. */
export function formatTimestamp(tokens: readonly TimestampToken[], epochMillis: number): string {
  const date = new Date(epochMillis);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth(); // 0-based
  const day = date.getUTCDate();
  const hour = date.getUTCHours();
  const minute = date.getUTCMinutes();
  const second = date.getUTCSeconds();
  const millis = date.getUTCMilliseconds();
  const dayOfYear = Math.floor((Date.UTC(year, month, day) - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
  const millisOfDay = ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  let out = '';
  for (const token of tokens) {
    if (token.kind === 'literal') {
      out += token.text;
      continue;
    }
    const { letter, count } = token;
    switch (letter) {
      case 'G':
        out += count === 4 ? 'Anno Domini' : count === 5 ? 'A' : 'AD';
        break;
      case 'u':
      case 'y':
        out += count === 2 ? pad(year % 100, 2) : pad(year, count);
        break;
      case 'Q':
      case 'q': {
        const quarter = Math.floor(month / 3);
        out +=
          count === 1
            ? String(quarter + 1)
            : count === 2
              ? pad(quarter + 1, 2)
              : count === 3
                ? `Q${quarter + 1}`
                : QUARTERS[quarter]!;
        break;
      }
      case 'M':
      case 'L':
        out +=
          count <= 2
            ? pad(month + 1, count)
            : count === 3
              ? MONTHS[month]!.slice(0, 3)
              : count === 4
                ? MONTHS[month]!
                : MONTHS[month]![0]!;
        break;
      case 'd':
        out += pad(day, count);
        break;
      case 'D':
        out += pad(dayOfYear, count);
        break;
      case 'E': {
        const name = DAYS[date.getUTCDay()]!;
        out += count <= 3 ? name.slice(0, 3) : count === 4 ? name : name[0]!;
        break;
      }
      case 'a':
        out += hour < 12 ? 'AM' : 'PM';
        break;
      case 'H':
        out += pad(hour, count);
        break;
      case 'k':
        out += pad(hour === 0 ? 24 : hour, count);
        break;
      case 'K':
        out += pad(hour % 12, count);
        break;
      case 'h':
        out += pad(hour % 12 === 0 ? 12 : hour % 12, count);
        break;
      case 'm':
        out += pad(minute, count);
        break;
      case 's':
        out += pad(second, count);
        break;
      case 'S':
        out += pad(millis, 3).padEnd(9, '0').slice(0, count);
        break;
      case 'A':
        out += pad(millisOfDay, count);
        break;
      case 'n':
        out += pad(BigInt(millis) * 1_000_000n, count);
        break;
      case 'N':
        out += pad(BigInt(millisOfDay) * 1_000_000n, count);
        break;
      case 'X':
        out += 'Z';
        break;
      case 'x':
        out += count === 1 ? '+00' : count === 2 || count === 4 ? '+0000' : '+00:00';
        break;
      case 'Z':
        out += count <= 3 ? '+0000' : count === 4 ? 'GMT' : 'Z';
        break;
    }
  }
  return out;
}
