/**
 * One Kafka Connect worker in standalone mode on the local JVM (`ConnectStandalone worker.properties
 * connector.properties`), running streamkit's S3 sink on top of Kafka Connect's runtime from Maven Central. Its files
 * live in `<dir>`: the two properties files, `log4j2.xml`, `logs/connect.log` and `logs/jvm.out`.
 *
 * Ready means the worker's REST API (127.0.0.1, a free port, read from its log) reports the connector and every task
 * RUNNING; a task that FAILED (a setting the sink refuses, say) fails the start with its trace. The sink's offsets
 * live in its consumer group (`connect-<connector name>`), so a worker started again on the same broker resumes where
 * the objects it wrote end. `stop()` sends SIGTERM, then SIGKILL after the deadline; `kill()` is a crash (SIGKILL).
 * Only the PID this launcher spawned is ever signalled, and a watchdog ends the JVM if Node dies first.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LIMITS, StreamkitError } from '@streamkit/core';
import { rollingFileLog4j } from '../kafka/broker-properties.ts';
import { startWatchdog } from '../process/watchdog.ts';
import { type ConnectWorkerState, connectWorkerChannel } from './channels.ts';
import type { ConnectSinkBuild } from './sink-build.ts';
import { LOCAL_S3_SINK } from './sink-build.ts';
import { formatProperties } from './worker-properties.ts';

export interface LocalConnectWorkerOptions {
  readonly build: ConnectSinkBuild;
  /** The worker's directory (e.g. `<dataDir>/connect`). */
  readonly dir: string;
  readonly workerProperties: Readonly<Record<string, string>>;
  /** The connector's properties; `name` names it. */
  readonly connectorProperties: Readonly<Record<string, string>>;
  /** @default LIMITS.local.connectHeapMb.value */
  readonly heapMb?: number;
  /** @default LIMITS.local.connectStartTimeoutSeconds.value × 1000 */
  readonly startTimeoutMs?: number;
  /** @default LIMITS.local.connectStopTimeoutSeconds.value × 1000 */
  readonly stopTimeoutMs?: number;
}

interface ConnectorStatus {
  connector?: { state?: string; trace?: string };
  tasks?: { id: number; state?: string; trace?: string }[];
}

const REST_LISTENING = /REST server listening at (http:\/\/127\.0\.0\.1:\d+)\//;

export class LocalConnectWorker {
  readonly connectorName: string;
  readonly logFile: string;
  private readonly options: LocalConnectWorkerOptions;
  private child: ChildProcess | undefined;
  private exited: Promise<string> | undefined;
  private exitHow: string | undefined;
  private watchdog: ChildProcess | undefined;
  private currentState: ConnectWorkerState = 'stopped';
  private rest: string | undefined;

  constructor(options: LocalConnectWorkerOptions) {
    const name = options.connectorProperties.name;
    if (!name) throw new StreamkitError('SK_VALIDATION', 'the connector properties must name the connector (name)');
    this.options = options;
    this.connectorName = name;
    this.logFile = path.join(options.dir, 'logs', 'connect.log');
  }

  get state(): ConnectWorkerState {
    return this.currentState;
  }

  get pid(): number | undefined {
    return this.exitHow === undefined ? this.child?.pid : undefined;
  }

  /** The worker's REST API (`http://127.0.0.1:<port>`), once it runs. */
  get restUrl(): string | undefined {
    return this.rest;
  }

  /** Spawns the worker and resolves once its connector's tasks run. */
  async start(): Promise<void> {
    if (this.pid !== undefined) throw new StreamkitError('SK_CONFLICT', 'the local Kafka Connect worker is running');
    const { dir, build } = this.options;
    await mkdir(path.join(dir, 'logs'), { recursive: true });
    const workerFile = path.join(dir, 'worker.properties');
    const connectorFile = path.join(dir, `${this.connectorName}.properties`);
    const log4jFile = path.join(dir, 'log4j2.xml');
    await writeFile(workerFile, formatProperties(this.options.workerProperties));
    await writeFile(connectorFile, formatProperties(this.options.connectorProperties));
    await writeFile(log4jFile, connectLog4j(this.logFile));
    const logOffset = existsSync(this.logFile) ? statSync(this.logFile).size : 0;

    this.rest = undefined;
    this.exitHow = undefined;
    this.setState('starting');
    const out = openSync(path.join(dir, 'logs', 'jvm.out'), 'a');
    let child: ChildProcess;
    try {
      child = spawn(
        'java',
        [
          `-Xmx${this.options.heapMb ?? LIMITS.local.connectHeapMb.value}m`,
          '-XX:+UseSerialGC',
          '-XX:TieredStopAtLevel=1',
          '-Djava.awt.headless=true',
          `-Dlog4j2.configurationFile=${log4jFile}`,
          '-cp',
          [build.jar, ...build.runtimeClasspath].join(path.delimiter),
          LOCAL_S3_SINK.workerMainClass,
          workerFile,
          connectorFile,
        ],
        { cwd: dir, stdio: ['ignore', out, out] },
      );
    } finally {
      closeSync(out);
    }
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`));
      child.once('error', (error: NodeJS.ErrnoException) =>
        resolve(error.code === 'ENOENT' ? 'java is not on the PATH (Kafka Connect 4 needs Java 17+)' : error.message),
      );
    });
    void this.exited.then((how) => {
      if (this.child !== child) return;
      this.exitHow = how;
      this.watchdog?.kill('SIGKILL');
      this.watchdog = undefined;
      this.setState(this.currentState === 'stopping' ? 'stopped' : 'crashed', how);
    });
    if (child.pid !== undefined) {
      this.watchdog = startWatchdog(child.pid, (this.options.stopTimeoutMs ?? this.defaultStopMs()) / 1000);
    }
    try {
      await this.whenRunning(logOffset);
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.setState('running');
  }

  /** SIGTERM (the worker stops its tasks and closes its consumer), then SIGKILL after the deadline. */
  async stop(): Promise<void> {
    const child = this.child;
    const exited = this.exited;
    if (!child || !exited || this.exitHow !== undefined) return;
    this.setState('stopping');
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.stopTimeoutMs ?? this.defaultStopMs());
    });
    if ((await Promise.race([exited, timedOut])) === 'timeout') child.kill('SIGKILL');
    clearTimeout(timer);
    await exited;
  }

  /** Kills the JVM with SIGKILL, as a crash would; resolves once it is gone. `start()` brings it back. */
  async kill(): Promise<void> {
    const exited = this.exited;
    if (!this.child || !exited || this.exitHow !== undefined) return;
    this.child.kill('SIGKILL');
    await exited;
  }

  /** The connector's status from the worker's REST API. */
  async status(): Promise<ConnectorStatus | undefined> {
    if (!this.rest) return undefined;
    try {
      const response = await fetch(`${this.rest}/connectors/${encodeURIComponent(this.connectorName)}/status`);
      if (!response.ok) return undefined;
      return (await response.json()) as ConnectorStatus;
    } catch {
      return undefined;
    }
  }

  /** The last lines of the worker's log (warnings and errors) and JVM output, for error messages. */
  tail(lines = 25): string {
    const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n') : []);
    const log = read(this.logFile).filter((l) => / (ERROR|WARN) /.test(l));
    const jvm = read(path.join(this.options.dir, 'logs', 'jvm.out')).filter((l) => l.trim() !== '');
    return [...log.slice(-lines), ...jvm.slice(-lines)].join('\n');
  }

  private async whenRunning(logOffset: number): Promise<void> {
    const timeoutMs = this.options.startTimeoutMs ?? LIMITS.local.connectStartTimeoutSeconds.value * 1000;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exitHow !== undefined) {
        throw new StreamkitError(
          'SK_UNAVAILABLE',
          `the local Kafka Connect worker stopped while starting (${this.exitHow}):\n${this.tail()}`,
        );
      }
      if (!this.rest && existsSync(this.logFile)) {
        const text = (await readFile(this.logFile, 'utf8')).slice(logOffset);
        this.rest = REST_LISTENING.exec(text)?.[1];
      }
      const status = await this.status();
      if (status) {
        const failed = [
          ...(status.connector?.state === 'FAILED' ? [status.connector.trace ?? 'the connector failed'] : []),
          ...(status.tasks ?? []).filter((t) => t.state === 'FAILED').map((t) => `task ${t.id}: ${t.trace ?? ''}`),
        ];
        if (failed.length > 0) {
          throw new StreamkitError(
            'SK_VALIDATION',
            `the local S3 sink connector ${this.connectorName} failed to start:\n${failed.map(firstLines).join('\n')}`,
          );
        }
        const tasks = status.tasks ?? [];
        if (status.connector?.state === 'RUNNING' && tasks.length > 0 && tasks.every((t) => t.state === 'RUNNING')) {
          return;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new StreamkitError(
      'SK_TIMEOUT',
      `the local Kafka Connect worker did not run its connector within ${timeoutMs} ms:\n${this.tail()}`,
    );
  }

  private defaultStopMs(): number {
    return LIMITS.local.connectStopTimeoutSeconds.value * 1000;
  }

  private setState(state: ConnectWorkerState, exit?: string): void {
    this.currentState = state;
    if (connectWorkerChannel.hasSubscribers) {
      connectWorkerChannel.publish({
        connector: this.connectorName,
        state,
        pid: this.child?.pid,
        ...(exit ? { exit } : {}),
      });
    }
  }
}

/** A Java trace's message lines, without the stack. */
function firstLines(trace: string): string {
  return trace
    .split('\n')
    .filter((line) => !/^\s+at /.test(line))
    .slice(0, 6)
    .join('\n');
}

/** The worker logs to `connect.log` (rolled at 20 MB), nothing on the console. */
function connectLog4j(logFile: string): string {
  return rollingFileLog4j('connect', logFile.replaceAll('\\', '/'), {
    'org.apache.kafka.clients': 'WARN',
    'org.apache.kafka.common': 'WARN',
  });
}
