/**
 * One Flink job in a local JVM: the job's shaded jar on top of the Flink runtime classpath, its own `main` running a
 * MiniCluster (Flink's local execution environment), checkpointing to `<jobDir>/checkpoints`. Checkpoints are retained
 * when the JVM ends, so a JVM that dies (kill -9, out of memory) is started again from the newest one — the
 * restart Managed Service for Apache Flink does from its latest snapshot. `stop()` sends SIGTERM, waits, then
 * SIGKILL; only the PID this launcher spawned is ever signalled.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LIMITS, LOCAL_CREDENTIALS, LOCAL_REGION, StreamkitError } from '@streamkit/core';
import { type FlinkJobState, jobChannel } from './channels.ts';
import { latestRetainedCheckpoint, pruneCheckpoints, type RetainedCheckpoint } from './checkpoints.ts';
import { FLINK_JOBS, type FlinkJobKind, type FlinkJobsBuild } from './job-build.ts';
import { formatRuntimeProperties, LOCAL_FLINK_CONFIGURATION, type PropertyGroups } from './runtime-properties.ts';

export interface LocalFlinkJobOptions {
  /** Names the job in messages and logs. */
  readonly name: string;
  readonly kind: FlinkJobKind;
  readonly build: FlinkJobsBuild;
  /** The job's own directory: properties, logs, checkpoints (e.g. `<dataDir>/flink/<name>`). */
  readonly jobDir: string;
  /** The runtime property groups the job reads (as on Managed Service for Apache Flink). */
  readonly properties: PropertyGroups;
  /** Extra Flink settings for the local run, merged over the launcher's. */
  readonly flinkConfiguration?: Readonly<Record<string, string>>;
  /** @default LIMITS.local.flinkCheckpointIntervalMs.value */
  readonly checkpointIntervalMs?: number;
  /** @default LIMITS.local.flinkParallelism.value */
  readonly parallelism?: number;
  /** @default LIMITS.local.flinkHeapMb.value */
  readonly heapMb?: number;
  /** @default LIMITS.local.flinkStopTimeoutMs.value */
  readonly stopTimeoutMs?: number;
  /** Restarts after the JVM dies on its own. @default LIMITS.local.flinkMaxRestarts.value */
  readonly maxRestarts?: number;
  /**
   * Whether the first start resumes from the newest retained checkpoint (else they are deleted). Restarts after the
   * JVM died always resume. @default true
   */
  readonly restore?: boolean;
  /** Environment of the JVM, over the launcher's (local credentials and region). */
  readonly env?: Readonly<Record<string, string>>;
}

export class LocalFlinkJob {
  readonly name: string;
  readonly checkpointsDir: string;
  /** The JVM's stdout and stderr, and Flink's log. */
  readonly logFile: string;
  private readonly options: LocalFlinkJobOptions;
  private child: ChildProcess | undefined;
  private exit: Promise<string> | undefined;
  private currentState: FlinkJobState = 'stopped';
  private restarts = 0;
  private restored: RetainedCheckpoint | undefined;
  /** Set by stop(): a restart in progress gives up instead of spawning a JVM nobody would stop. */
  private stopRequested = false;
  /** Where this JVM's log starts in the log file, and its REST endpoint once the log has named it. */
  private logOffset = 0;
  private rest: string | undefined;

  constructor(options: LocalFlinkJobOptions) {
    this.options = options;
    this.name = options.name;
    this.checkpointsDir = path.join(options.jobDir, 'checkpoints');
    this.logFile = path.join(options.jobDir, 'flink.log');
  }

  get state(): FlinkJobState {
    return this.currentState;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** How many times the JVM was started again after dying. */
  get restartCount(): number {
    return this.restarts;
  }

  /** The checkpoint the current JVM started from, if any. */
  get restoredFrom(): RetainedCheckpoint | undefined {
    return this.restored;
  }

  async start(): Promise<void> {
    if (this.child) throw new StreamkitError('SK_CONFLICT', `Flink job ${this.name} is already running`);
    if (this.restarts === 0) this.stopRequested = false;
    await mkdir(this.options.jobDir, { recursive: true });
    // A restart after a crash always restores; the first start only when asked (a fresh stream has no past).
    const restore = this.restarts > 0 || (this.options.restore ?? true);
    this.restored = restore ? await latestRetainedCheckpoint(this.checkpointsDir) : undefined;
    await pruneCheckpoints(this.checkpointsDir, this.restored);
    const propertiesFile = path.join(this.options.jobDir, 'runtime-properties.json');
    await writeFile(
      propertiesFile,
      formatRuntimeProperties({
        ...this.options.properties,
        [LOCAL_FLINK_CONFIGURATION]: this.flinkConfiguration(this.restored),
      }),
    );
    const log4jFile = path.join(this.options.jobDir, 'log4j2.properties');
    await writeFile(log4jFile, log4jProperties(this.logFile));

    const job = FLINK_JOBS[this.options.kind];
    const classpath = [this.options.build.jars[this.options.kind], ...this.options.build.runtimeClasspath];
    const logHandle = await open(this.logFile, 'a');
    this.logOffset = (await logHandle.stat()).size;
    this.rest = undefined;
    if (this.stopRequested && this.restarts > 0) {
      await logHandle.close();
      this.setState('stopped');
      return;
    }
    this.setState('starting');
    const child = spawn(
      'java',
      [
        `-Xmx${this.options.heapMb ?? LIMITS.local.flinkHeapMb.value}m`,
        '-XX:+UseSerialGC',
        `-Dlog4j2.configurationFile=${pathToFileURL(log4jFile).href}`,
        '-cp',
        classpath.join(path.delimiter),
        job.mainClass,
      ],
      {
        cwd: this.options.jobDir,
        stdio: ['ignore', logHandle.fd, logHandle.fd],
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
          AWS_REGION: LOCAL_REGION,
          AWS_EC2_METADATA_DISABLED: 'true',
          ...this.options.env,
          STREAMKIT_FLINK_PROPERTIES: propertiesFile,
        },
      },
    );
    // Listen before any await: 'spawn' and 'exit' may come while the log handle closes.
    this.child = child;
    const spawned = once(child, 'spawn').then(() => undefined);
    const exit = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`));
      child.once('error', (error) => resolve(`failed to start: ${error.message}`));
    });
    this.exit = exit;
    void exit.then((how) => this.onExit(child, how));
    await logHandle.close();
    await Promise.race([spawned, exit.then((how) => Promise.reject(this.startError(how)))]);
    this.setState('running');
  }

  /**
   * The REST API of the running JVM's MiniCluster (`http://127.0.0.1:<port>`, a free port), once Flink has logged it;
   * undefined while the JVM is not running or has not got that far.
   */
  async restEndpoint(): Promise<string | undefined> {
    if (this.currentState !== 'running') return undefined;
    if (this.rest) return this.rest;
    const log = await readFile(this.logFile).catch(() => undefined);
    const listening = log && REST_LISTENING.exec(log.subarray(this.logOffset).toString('utf8'));
    if (listening && this.currentState === 'running') this.rest = `http://${listening[1]}:${listening[2]}`;
    return this.rest;
  }

  /** SIGTERM, then SIGKILL after the deadline; resolves once the JVM is gone. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    const child = this.child;
    const exit = this.exit;
    if (!child || !exit) return;
    this.setState('stopping');
    child.kill('SIGTERM');
    const deadline = this.options.stopTimeoutMs ?? LIMITS.local.flinkStopTimeoutMs.value;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), deadline);
    });
    if ((await Promise.race([exit, timedOut])) === 'timeout') child.kill('SIGKILL');
    clearTimeout(timer);
    await exit;
  }

  /**
   * Kills the JVM with SIGKILL, as a crash would (tests use it); unless restarts are used up, the launcher starts it
   * again from the newest checkpoint. Resolves once the old JVM is gone.
   */
  async kill(): Promise<void> {
    const exit = this.exit;
    this.child?.kill('SIGKILL');
    await exit;
  }

  /** Waits for a checkpoint completed after `since` (epoch ms); returns it. */
  async waitForCheckpoint(since: number, timeoutMs: number): Promise<RetainedCheckpoint> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const latest = await latestRetainedCheckpoint(this.checkpointsDir);
      if (latest && latest.completedAt > since) return latest;
      if (this.currentState === 'crashed' || this.currentState === 'stopped') {
        throw new StreamkitError(
          'SK_UNAVAILABLE',
          `Flink job ${this.name} ended before a checkpoint (see ${this.logFile})`,
        );
      }
      if (Date.now() > deadline) {
        throw new StreamkitError(
          'SK_TIMEOUT',
          `Flink job ${this.name} made no checkpoint in ${timeoutMs} ms (see ${this.logFile})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private flinkConfiguration(restoreFrom: RetainedCheckpoint | undefined): Record<string, string> {
    const interval = this.options.checkpointIntervalMs ?? LIMITS.local.flinkCheckpointIntervalMs.value;
    return {
      'execution.checkpointing.interval': `${interval} ms`,
      'execution.checkpointing.dir': pathToFileURL(this.checkpointsDir).href,
      'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION',
      'parallelism.default': String(this.options.parallelism ?? LIMITS.local.flinkParallelism.value),
      // The MiniCluster's REST API, on a free port of 127.0.0.1: the launcher reads the job's metrics there.
      'rest.bind-address': '127.0.0.1',
      'rest.address': '127.0.0.1',
      'rest.port': '0',
      ...(restoreFrom ? { 'execution.state-recovery.path': pathToFileURL(restoreFrom.directory).href } : {}),
      ...this.options.flinkConfiguration,
    };
  }

  private onExit(child: ChildProcess, how: string): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.exit = undefined;
    const wasRunning = this.currentState === 'running';
    if (this.currentState === 'stopping') {
      this.setState('stopped', how);
      return;
    }
    this.setState('crashed', how);
    // A JVM that never got going (start() rejected) is the caller's to handle; one that died while running restarts.
    if (!wasRunning || this.stopRequested) return;
    if (this.restarts < (this.options.maxRestarts ?? LIMITS.local.flinkMaxRestarts.value)) {
      this.restarts++;
      this.start().catch(() => this.setState('crashed', 'restart failed'));
    }
  }

  private startError(how: string): StreamkitError {
    return new StreamkitError('SK_UNAVAILABLE', `Flink job ${this.name} did not start (${how}); see ${this.logFile}`);
  }

  private setState(state: FlinkJobState, exit?: string): void {
    this.currentState = state;
    if (jobChannel.hasSubscribers) {
      jobChannel.publish({
        name: this.name,
        state,
        pid: this.child?.pid,
        ...(this.restored ? { restoredFrom: this.restored.directory } : {}),
        ...(exit ? { exit } : {}),
      });
    }
  }
}

const REST_LISTENING = /Rest endpoint listening at ([\d.]+):(\d+)/;

/** Starts a job (see `LocalFlinkJob`). */
export async function startFlinkJob(options: LocalFlinkJobOptions): Promise<LocalFlinkJob> {
  const job = new LocalFlinkJob(options);
  await job.start();
  return job;
}

/** Flink logs warnings, checkpoints and job state changes to the job's log file. */
function log4jProperties(logFile: string): string {
  return [
    'rootLogger.level = WARN',
    'rootLogger.appenderRef.file.ref = File',
    'appender.file.type = File',
    'appender.file.name = File',
    `appender.file.fileName = ${logFile.replaceAll('\\', '/')}`,
    'appender.file.append = true',
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %c{1} - %m%n',
    'logger.checkpoints.name = org.apache.flink.runtime.checkpoint.CheckpointCoordinator',
    'logger.checkpoints.level = INFO',
    'logger.jobs.name = org.apache.flink.runtime.executiongraph.ExecutionGraph',
    'logger.jobs.level = INFO',
    // "Rest endpoint listening at 127.0.0.1:<port>": how the launcher finds the REST API.
    'logger.rest.name = org.apache.flink.runtime.dispatcher.DispatcherRestEndpoint',
    'logger.rest.level = INFO',
    '',
  ].join('\n');
}
