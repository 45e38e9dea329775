/**
 * Dynamic partitioning's inline parsing: the metadata extraction query runs in real jq over a batch of records — one
 * jq run per batch — and each record gets its partition keys, or the reason it has none.
 *
 * Records must be JSON (each is checked before jq sees it, so one bad record cannot stop jq reading the others). The
 * query is wrapped so that jq answers exactly one line per record: `{"k": {key: value…}}` or `{"e": message}`. A
 * record fails when the query errors, produces anything but exactly one object, gives a key a value that is not a
 * string, number or boolean, or lacks a key the prefix uses. `input`/`inputs` are unavailable (each record stands
 * alone, as in Firehose). Should jq still answer a batch with the wrong number of lines (a `halt`), the batch is run
 * again one record at a time.
 */
import type { JqEngine } from './jq/jq-engine.ts';

export type ExtractionResult =
  | { readonly ok: true; readonly keys: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly error: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The query inside a program that reports, per input, its partition keys or its failure. */
export function extractionProgram(query: string): string {
  return `def input: error("input is not available to a metadata extraction query");
def inputs: error("inputs is not available to a metadata extraction query");
try (
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
) catch {e: (if type == "string" then . else tojson end)}`;
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
      let lines = await this.lines(texts);
      if (lines.length !== texts.length)
        lines = await Promise.all(texts.map(async (t) => (await this.lines([t]))[0] ?? ''));
      lines.forEach((line, j) => {
        results[positions[j]!] = this.interpret(line);
      });
    }
    return results as ExtractionResult[];
  }

  private async lines(texts: readonly string[]): Promise<string[]> {
    const output = await this.engine.run(this.program, texts);
    return output.split('\n').filter((line) => line !== '');
  }

  private interpret(line: string): ExtractionResult {
    let answer: { k?: Record<string, string>; e?: string };
    try {
      answer = JSON.parse(line) as typeof answer;
    } catch {
      return { ok: false, error: 'jq stopped before answering for this record' };
    }
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
