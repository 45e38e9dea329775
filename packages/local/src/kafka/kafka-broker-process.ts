/**
 * One broker JVM (`kafka.Kafka` with its server.properties). The JVM's own output goes to `<broker dir>/logs/jvm.out`
 * and its log to `<broker dir>/logs/server.log`, so nothing the broker writes can block on a pipe. Ready means the log
 * says "Kafka Server started" (written after both listeners accept); stopping sends SIGTERM, waits for the controlled
 * shutdown and kills the JVM after the deadline — only this PID, never anything found by name.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LIMITS, StreamkitError } from '@streamkit/core';
import { startWatchdog } from '../process/watchdog.ts';
import type { BrokerNode } from './broker-properties.ts';

export interface KafkaBrokerProcessOptions {
  readonly node: BrokerNode;
  readonly classpath: readonly string[];
  /** `<dataDir>/broker-<id>`: server.properties, log4j2.xml, logs/ and data/ live there. */
  readonly dir: string;
  readonly heapMb: number;
}

/** JVM flags for a light broker: small heap, serial GC, C1 only (a dev broker does not need C2's peak speed). */
export function brokerJvmArgs(heapMb: number): string[] {
  return [
    `-Xmx${heapMb}m`,
    '-Xms64m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Xss512k',
    '-Djava.awt.headless=true',
  ];
}

const STARTED = 'Kafka Server started';

export class KafkaBrokerProcess {
  readonly node: BrokerNode;
  private readonly options: KafkaBrokerProcessOptions;
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;
  private exitCode: number | null | undefined;
  /** Size of server.log when this start began: the start's own lines come after it. */
  private logOffset = 0;

  constructor(options: KafkaBrokerProcessOptions) {
    this.options = options;
    this.node = options.node;
  }

  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  get logFile(): string {
    return join(this.options.dir, 'logs', 'server.log');
  }

  private javaArgs(mainClass: string, args: readonly string[]): string[] {
    const logs = join(this.options.dir, 'logs');
    return [
      ...brokerJvmArgs(this.options.heapMb),
      `-Dlog4j2.configurationFile=${join(this.options.dir, 'log4j2.xml')}`,
      `-Dkafka.logs.dir=${logs}`,
      '-cp',
      this.options.classpath.join(':'),
      mainClass,
      ...args,
    ];
  }

  /** `kafka-storage format` for this node, unless its log dir is formatted already (a restart keeps its data). */
  async format(clusterId: string): Promise<void> {
    const properties = join(this.options.dir, 'server.properties');
    const args = this.javaArgs('kafka.tools.StorageTool', [
      'format',
      `--cluster-id=${clusterId}`,
      '-c',
      properties,
      '--ignore-formatted',
    ]);
    const { code, output } = await runToEnd('java', args);
    if (code !== 0) {
      throw new StreamkitError(
        'SK_UNAVAILABLE',
        `formatting the storage of Kafka node ${this.node.nodeId} failed (exit ${code}):\n${output}`,
      );
    }
  }

  /** Spawns the JVM; `ready` resolves once it serves clients. */
  start(): void {
    if (this.pid !== undefined) return;
    this.logOffset = existsSync(this.logFile) ? statSync(this.logFile).size : 0;
    const out = openSync(join(this.options.dir, 'logs', 'jvm.out'), 'a');
    try {
      const child = spawn('java', this.javaArgs('kafka.Kafka', [join(this.options.dir, 'server.properties')]), {
        stdio: ['ignore', out, out],
      });
      this.child = child;
      if (child.pid !== undefined) {
        this.watchdog = startWatchdog(child.pid, LIMITS.local.kafkaStopTimeoutSeconds.value);
      }
      this.exitCode = undefined;
      this.exited = new Promise((resolve) => {
        child.once('exit', (code, signal) => {
          this.watchdog?.kill('SIGKILL');
          this.watchdog = undefined;
          this.exitCode = code ?? (signal ? -1 : null);
          resolve(this.exitCode);
        });
        child.once('error', (error: NodeJS.ErrnoException) => {
          this.exitCode = -1;
          if (error.code === 'ENOENT') this.spawnError = 'java is not on the PATH (Kafka 4 brokers need Java 17+)';
          else this.spawnError = error.message;
          resolve(-1);
        });
      });
    } finally {
      closeSync(out);
    }
  }

  private spawnError: string | undefined;
  private watchdog: ChildProcess | undefined;

  /** Resolves when the broker logs that it started; rejects if it exits first or `deadline` (epoch ms) passes. */
  async ready(deadline: number): Promise<void> {
    while (Date.now() < deadline) {
      if (this.exitCode !== undefined) {
        const why = this.spawnError ?? `exit ${this.exitCode}`;
        throw new StreamkitError(
          'SK_UNAVAILABLE',
          `Kafka node ${this.node.nodeId} stopped while starting (${why}):\n${this.tail()}`,
        );
      }
      if (existsSync(this.logFile)) {
        const text = await readFile(this.logFile, 'utf8');
        if (text.slice(this.logOffset).includes(STARTED)) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new StreamkitError('SK_TIMEOUT', `Kafka node ${this.node.nodeId} did not start in time:\n${this.tail()}`);
  }

  /** SIGTERM (a controlled shutdown), then SIGKILL after `timeoutMs`. Resolves once the JVM is gone. */
  async stop(timeoutMs: number): Promise<void> {
    const child = this.child;
    if (!child || this.exitCode !== undefined || !this.exited) return;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        if (this.exitCode === undefined) child.kill('SIGKILL');
        resolve();
      }, timeoutMs);
    });
    await Promise.race([this.exited, killed]);
    clearTimeout(timer);
    await this.exited;
  }

  /** Kills the JVM at once (the process is exiting: no time for a controlled shutdown). */
  killNow(): void {
    if (this.child && this.exitCode === undefined) this.child.kill('SIGKILL');
  }

  /** The last lines of the broker's log and JVM output, for error messages. */
  tail(lines = 25): string {
    const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n') : []);
    const log = read(this.logFile).filter((l) => / (ERROR|WARN|FATAL) /.test(l));
    const jvm = read(join(this.options.dir, 'logs', 'jvm.out'));
    return [...log.slice(-lines), ...jvm.filter((l) => l.trim() !== '').slice(-lines)].join('\n');
  }
}

function runToEnd(command: string, args: readonly string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new StreamkitError('SK_UNAVAILABLE', `${command} is not on the PATH (Kafka 4 brokers need Java 17+)`, {
              cause: error,
            })
          : error,
      ),
    );
    child.on('exit', (code) => resolve({ code: code ?? -1, output: output.slice(-4000) }));
  });
}
