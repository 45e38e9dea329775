/**
 * A jq implementation that dynamic partitioning runs its metadata extraction query with. Two exist: the `jq` binary
 * on PATH (Debian's jq 1.6 is the version Firehose documents) and a WebAssembly build of jq 1.7.1 from npm
 * (`jq-wasm`), used when no binary is installed. Both run the real jq program; neither re-implements it.
 */

export interface JqEngine {
  /** `jq-1.6 (/usr/bin/jq)` or `jq-1.7.1 (WebAssembly, jq-wasm)`: for messages and `streamkit dev`. */
  readonly description: string;
  /** What `jq --version` says, e.g. `jq-1.6`. */
  readonly version: string;
  /** Compiles `program` without running it; resolves to jq's compile error, or undefined when it compiles. */
  compileError(program: string): Promise<string | undefined>;
  /**
   * Runs `program` over `inputs` (one JSON text each), with `-c`: jq's stdout, one line per output value. The program
   * must not fail as a whole; per-input errors are the caller's to catch inside the program.
   */
  run(program: string, inputs: readonly string[]): Promise<string>;
  /**
   * Runs `program` over `inputs` whose last one makes the program print `endLine` (a sentinel), and returns the lines
   * printed up to and including it. Engines may keep a jq running for the program between calls; the batch is over
   * when `endLine` comes back. Rejects when jq stops first.
   */
  runUntil(program: string, inputs: readonly string[], endLine: string): Promise<string[]>;
  /** Ends what the engine keeps running; it starts again when used. */
  close(): Promise<void>;
}
