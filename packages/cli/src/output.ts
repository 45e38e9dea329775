/** How the CLI talks: errors as `Error <CODE>: <message>` with the code's exit code, progress on stderr. */
import { ERROR_CODES, StreamkitError, toStreamkitError } from '@streamkit/core';

export interface Output {
  /** A result line, on stdout. */
  line(text?: string): void;
  /** Progress of a long operation, on stderr (so stdout stays clean for --json). */
  progress(text: string): void;
  error(error: unknown): number;
}

const color = process.stderr.isTTY && !process.env.NO_COLOR;
const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[0m` : s);
const red = (s: string) => (color ? `\x1b[31m${s}\x1b[0m` : s);

export const output: Output = {
  line: (text = '') => process.stdout.write(`${text}\n`),
  progress: (text) => process.stderr.write(`${dim(`… ${text}`)}\n`),
  error(error) {
    const e = toStreamkitError(error);
    process.stderr.write(`${red(`Error ${e.code}`)}: ${e.message}\n`);
    if (e.code === 'SK_INTERNAL' && e.cause instanceof Error && e.cause.stack) {
      process.stderr.write(`${dim(e.cause.stack)}\n`);
    }
    return e.exitCode;
  },
};

/** Runs a command body, turning any error into its exit code. */
export async function run(body: () => Promise<number | undefined> | number | undefined): Promise<void> {
  try {
    process.exitCode = (await body()) ?? 0;
  } catch (error) {
    process.exitCode = output.error(error);
  }
}

/** The exit codes table, for --help. */
export function exitCodesHelp(): string {
  const rows = Object.entries(ERROR_CODES).map(([code, { exitCode }]) => `  ${String(exitCode).padStart(2)}  ${code}`);
  return `Exit codes:\n   0  success\n   1  usage error (unknown command or option)\n${rows.join('\n')}`;
}

export function isStreamkitError(e: unknown): e is StreamkitError {
  return StreamkitError.is(e);
}
