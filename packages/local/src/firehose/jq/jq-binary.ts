/**
 * The `jq` binary, run as a child process once per batch of records (never once per record): the records go to its
 * stdin, one JSON text each, and its stdout has one line per output.
 */
import { spawn } from 'node:child_process';
import { StreamkitError } from '@streamkit/core';
import type { JqEngine } from './jq-engine.ts';

interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function exec(file: string, args: readonly string[], stdin?: string): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', reject);
    // jq may exit before reading all of its input (a compile error); that is reported by its exit code.
    child.stdin.on('error', () => {});
    child.once('close', (code) =>
      resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }),
    );
    child.stdin.end(stdin ?? '');
  });
}

export class JqBinary implements JqEngine {
  readonly description: string;

  private constructor(
    readonly path: string,
    readonly version: string,
  ) {
    this.description = `${version} (${path})`;
  }

  /** The binary at `path` (default: `jq` on PATH), or undefined when there is none that runs. */
  static async find(path = 'jq'): Promise<JqBinary | undefined> {
    try {
      const exit = await exec(path, ['--version']);
      const version = exit.stdout.trim() || exit.stderr.trim();
      return exit.code === 0 && /^jq-\d/.test(version) ? new JqBinary(path, version) : undefined;
    } catch {
      return undefined;
    }
  }

  async compileError(program: string): Promise<string | undefined> {
    // `empty | (…)` compiles the program without ever running it; the new line ends a trailing comment.
    const exit = await exec(this.path, ['-n', `empty | (${program}\n)`]);
    return exit.code === 0 ? undefined : exit.stderr.trim() || `jq exited with status ${exit.code}`;
  }

  async run(program: string, inputs: readonly string[]): Promise<string> {
    const exit = await exec(this.path, ['-c', '-M', program], inputs.join('\n'));
    if (exit.code !== 0) {
      throw new StreamkitError(
        'SK_INTERNAL',
        `${this.description} failed (status ${exit.code}): ${exit.stderr.trim()}`,
      );
    }
    return exit.stdout;
  }

  async close(): Promise<void> {}
}
