/** Yes/no questions on the terminal, for commands that change or delete things in an AWS account. */
import { createInterface } from 'node:readline/promises';

/** Asks on stderr and reads stdin; undefined when either is not a terminal (CI, pipes), so callers refuse instead. */
export function terminalConfirm(): ((question: string) => Promise<boolean>) | undefined {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  return async (question) => {
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
    } finally {
      prompt.close();
    }
  };
}
