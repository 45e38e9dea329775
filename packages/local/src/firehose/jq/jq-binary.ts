/**
 * The `jq` binary. jq 1.6 takes about 40 ms to start (it compiles its builtins), so metadata extraction's program gets
 * a jq process of its own that stays running: each batch of records is written to its stdin, one JSON text per line,
 * ending with an input that makes the program print a sentinel line; the lines up to the sentinel are the batch's
 * answers. Should that jq exit, the batches waiting on it fail and the next one starts a new jq. Other programs run in
 * a jq of their own per call. Never one jq per record.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
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

/** A jq that stays running for one program, answering batches in the order they were written. */
class JqProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: {
    readonly endLine: string;
    readonly lines: string[];
    readonly resolve: (lines: string[]) => void;
    readonly reject: (error: Error) => void;
  }[] = [];
  private partial = '';
  private stderr = '';
  exited = false;

  constructor(path: string, program: string, onExit: () => void) {
    this.child = spawn(path, ['-c', '-M', '--unbuffered', program], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.hold(false);
    this.child.stdin.on('error', () => {});
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4096);
    });
    this.child.stdout.on('data', (chunk: Buffer) => this.read(chunk.toString('utf8')));
    const fail = (error: Error) => {
      this.exited = true;
      onExit();
      for (const batch of this.waiting.splice(0)) batch.reject(error);
    };
    this.child.once('error', fail);
    this.child.once('exit', (code, signal) =>
      fail(new StreamkitError('SK_INTERNAL', `jq exited (${signal ?? `status ${code}`}): ${this.stderr.trim()}`)),
    );
  }

  run(inputs: readonly string[], endLine: string): Promise<string[]> {
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) this.hold(true);
      this.waiting.push({ endLine, lines: [], resolve, reject });
      this.child.stdin.write(`${inputs.join('\n')}\n`);
    });
  }

  kill(): void {
    this.child.kill();
  }

  private read(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      const batch = this.waiting[0];
      if (!batch) continue;
      batch.lines.push(line);
      if (line === batch.endLine) {
        this.waiting.shift();
        if (this.waiting.length === 0) this.hold(false);
        batch.resolve(batch.lines);
      }
    }
  }

  /** Keeps the event loop alive while batches wait for answers; an idle jq kept for later does not. */
  private hold(busy: boolean): void {
    for (const handle of [this.child, this.child.stdin, this.child.stdout, this.child.stderr]) {
      const refs = handle as unknown as { ref?: () => void; unref?: () => void };
      if (busy) refs.ref?.();
      else refs.unref?.();
    }
  }
}

export class JqBinary implements JqEngine {
  readonly description: string;
  private readonly processes = new Map<string, JqProcess>();

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

  async runUntil(program: string, inputs: readonly string[], endLine: string): Promise<string[]> {
    let process = this.processes.get(program);
    if (!process || process.exited) {
      const started: JqProcess = new JqProcess(this.path, program, () => {
        if (this.processes.get(program) === started) this.processes.delete(program);
      });
      process = started;
      this.processes.set(program, process);
    }
    return process.run(inputs, endLine);
  }

  async close(): Promise<void> {
    for (const process of this.processes.values()) process.kill();
    this.processes.clear();
  }
}
