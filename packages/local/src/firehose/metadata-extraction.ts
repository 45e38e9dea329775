/**
 * Dynamic partitioning's inline parsing: the metadata extraction query runs in real jq over a batch of records — a
 * batch at a time, never a record at a time — and each record gets its partition keys, or the reason it has none.
 *
 * Records must be JSON (each is checked before jq sees it, so one bad record cannot stop jq reading the others). The
 * query is wrapped so that jq answers each record with its index: `[i, {"k": {key: value…}}]` or `[i, {"e": message}]`,
 * and a last input makes it print a sentinel that ends the batch (so a record jq prints nothing for is noticed). A
 * record fails when the query errors, produces anything but exactly one object, gives a key a value that is not a
 * string, number or boolean, or lacks a key the prefix uses. `input`/`inputs` are unavailable (each record stands
 * alone, as in Firehose). A `halt` in the query fails the record it happens on: jq 1.6 carries on with the next
 * record; jq 1.7 stops, and then the batch is run again a record at a time.
 */
import type { JqEngine } from './jq/jq-engine.ts';

export type ExtractionResult =
  | { readonly ok: true; readonly keys: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly error: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The line the program prints for the input `[-1]`, which ends every batch. */
export const END_OF_BATCH = '[-1]';

/**
 * The query inside a program that reports, per input `[index, record]`, `[index, {"k": keys}]` or `[index, {"e":
 * message}]` — and `[-1]` for the input `[-1]` that ends a batch.
 */
export function extractionProgram(query: string): string {
  return `def input: error("input is not available to a metadata extraction query");
def inputs: error("inputs is not available to a metadata extraction query");
if .[0] == -1 then [-1] else .[0] as $__streamkit_index | [$__streamkit_index, (.[1] | try (
  [
${query}
  ]
  | if length != 1 then {e: "the query produced \\(length) results, not one object"}
    elif (.[0] | type) != "object" then {e: "the query produced \\(.[0] | type), not an object"}
    else {k: (.[0] | to_entries | map(.key as $k | .value |= (
      if type == "string" then .
      elif type == "number" or type == "boolean" then tojson
      else error("partition key \\($k) is \\(type)") end)) | from_entries)}
    end
) catch {e: (if type == "string" then . else tojson end)})] end`;
}

export class MetadataExtraction {
  private readonly program: string;

  constructor(
    private readonly engine: JqEngine,
    query: string,
    /** The keys the prefix uses (`!{partitionKeyFromQuery:<key>}`). */
    private readonly keys: readonly string[],
  ) {
    this.program = extractionProgram(query);
  }

  async extract(records: readonly Uint8Array[]): Promise<ExtractionResult[]> {
    const results: (ExtractionResult | undefined)[] = new Array(records.length);
    const texts: string[] = [];
    const positions: number[] = [];
    records.forEach((data, i) => {
      try {
        const text = decoder.decode(data);
        JSON.parse(text);
        texts.push(text);
        positions.push(i);
      } catch (error) {
        results[i] = { ok: false, error: `the record is not JSON: ${(error as Error).message}` };
      }
    });
    if (texts.length > 0) {
      let answers = await this.answers(texts).catch(() => undefined);
      if (!answers) {
        // jq stopped mid-batch: each record on its own, so that only those that stop jq fail.
        answers = new Map();
        for (const [j, text] of texts.entries()) {
          const own = await this.answers([text]).catch(() => undefined);
          const answer = own?.get(0);
          if (answer !== undefined) answers.set(j, answer);
        }
      }
      texts.forEach((_, j) => {
        results[positions[j]!] = this.interpret(answers.get(j));
      });
    }
    return results as ExtractionResult[];
  }

  /** jq's answer for each record, by position in `texts`; a record jq printed nothing for has none. */
  private async answers(texts: readonly string[]): Promise<Map<number, unknown>> {
    const inputs = [...texts.map((text, i) => `[${i},${text}]`), END_OF_BATCH];
    const lines = await this.engine.runUntil(this.program, inputs, END_OF_BATCH);
    const answers = new Map<number, unknown>();
    for (const line of lines) {
      if (line === END_OF_BATCH) continue;
      const [index, answer] = JSON.parse(line) as [number, unknown];
      answers.set(index, answer);
    }
    return answers;
  }

  private interpret(value: unknown): ExtractionResult {
    if (value === undefined) return { ok: false, error: 'jq stopped (halt) without answering for this record' };
    const answer = value as { k?: Record<string, string>; e?: string };
    if (answer.e !== undefined || !answer.k) return { ok: false, error: answer.e ?? 'no partition keys' };
    const missing = this.keys.filter((key) => answer.k![key] === undefined);
    if (missing.length > 0) {
      return {
        ok: false,
        error: `the query result has no partition key ${missing.map((k) => JSON.stringify(k)).join(', ')}`,
      };
    }
    return { ok: true, keys: answer.k };
  }
}
