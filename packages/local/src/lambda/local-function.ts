/**
 * A Lambda function on this machine. Each execution environment is a worker thread running the handler bundle;
 * environments are reused while warm, so module-level state survives between invocations as on Lambda. A timeout or
 * a crash destroys the environment, and the next invocation starts a new one (a cold start).
 */

import { randomUUID } from 'node:crypto';
import { channel } from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { arn, LAMBDA_RUNTIME, LOCAL_REGION, StreamkitError } from '@streamkit/core';
import type { HandlerBundle } from './bundle.ts';
import { WORKER_BOOTSTRAP } from './worker-bootstrap.ts';

export interface LocalFunctionOptions {
  readonly functionName: string;
  readonly bundle: HandlerBundle;
  /** @default 'handler' */
  readonly exportName?: string;
  /** Caps the worker's heap, as Lambda caps memory. @default 256 */
  readonly memorySize?: number;
  /** @default 60 */
  readonly timeoutSeconds?: number;
  readonly environment?: Readonly<Record<string, string>>;
  /** @default LOCAL_REGION */
  readonly region?: string;
  /** Execution environments running at once; further invocations wait. @default 10 */
  readonly maxConcurrency?: number;
}

export interface InvocationError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

export interface InvocationResult {
  readonly requestId: string;
  /** The handler's return value, JSON round-tripped as Lambda does. */
  readonly payload?: unknown;
  /** Set when the handler threw, timed out, crashed or could not load. */
  readonly error?: InvocationError;
  readonly durationMs: number;
  /** Set on the invocation that started a new execution environment. */
  readonly initDurationMs?: number;
}

interface WorkerMessage {
  readonly requestId?: string;
  readonly ready?: boolean;
  readonly result?: unknown;
  readonly error?: InvocationError;
  readonly initDurationMs?: number;
}

/**
 * Where the modules the Lambda runtime provides (the bundles leave `@aws-sdk/*` out, HANDLER_BUNDLING) are found:
 * the node_modules that streamkit's own AWS SDK is installed in.
 */
const RUNTIME_NODE_PATH = (() => {
  const resolved = createRequire(import.meta.url).resolve('@aws-sdk/client-kinesis');
  const at = resolved.lastIndexOf(`${sep}node_modules${sep}`);
  return at === -1 ? '' : resolved.slice(0, at + `${sep}node_modules`.length);
})();

/** `streamkit:lambda:invoke` — one message per invocation. */
export const lambdaInvokeChannel = channel('streamkit:lambda:invoke');
/** `streamkit:lambda:log` — one message per line the handler writes. */
export const lambdaLogChannel = channel('streamkit:lambda:log');

class ExecutionEnvironment {
  readonly worker: Worker;
  readonly ready: Promise<number>;
  private pending: ((message: WorkerMessage) => void) | undefined;
  private dead = false;
  coldStartReported = false;

  constructor(worker: Worker, onExit: (env: ExecutionEnvironment) => void) {
    this.worker = worker;
    let markReady: (initMs: number) => void = () => {};
    this.ready = new Promise((resolve) => {
      markReady = resolve;
    });
    worker.on('message', (message: WorkerMessage) => {
      if (message.ready) markReady(message.initDurationMs ?? 0);
      else this.settle(message);
    });
    worker.on('error', (error: Error & { code?: string }) => {
      // An uncaught exception (or running out of memory) ends the worker; its 'exit' follows as a separate event.
      // Marked dead now, so the invocation that failed discards it and no other invocation is sent to it meanwhile.
      this.dead = true;
      const errorType =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'Runtime.OutOfMemory' : `Runtime.${error.name || 'Error'}`;
      this.settle({ error: { errorType, errorMessage: error.message, trace: String(error.stack ?? '').split('\n') } });
    });
    worker.on('exit', (code) => {
      this.dead = true;
      markReady(0);
      this.settle({
        error: { errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with error: exit status ${code}` },
      });
      onExit(this);
    });
  }

  get alive(): boolean {
    return !this.dead;
  }

  run(requestId: string, event: unknown, deadline: number): Promise<WorkerMessage> {
    if (this.dead)
      return Promise.resolve({ error: { errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited during init' } });
    return new Promise((resolve) => {
      this.pending = resolve;
      this.worker.postMessage({ requestId, event, deadline });
    });
  }

  settle(message: WorkerMessage): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.(message);
  }

  async kill(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }
}

export class LocalFunction {
  readonly functionName: string;
  readonly functionArn: string;
  private readonly options: LocalFunctionOptions;
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly all = new Set<ExecutionEnvironment>();
  private readonly waiters: (() => void)[] = [];
  private closed = false;

  constructor(options: LocalFunctionOptions) {
    this.options = options;
    this.functionName = options.functionName;
    this.functionArn = arn.function(options.functionName, options.region ?? LOCAL_REGION);
  }

  /** Invokes the handler synchronously (RequestResponse), as an event source mapping does. */
  async invoke(event: unknown): Promise<InvocationResult> {
    if (this.closed) throw new StreamkitError('SK_UNAVAILABLE', `function ${this.functionName} is shut down`);
    const env = await this.acquire();
    const requestId = randomUUID();
    const timeoutMs = (this.options.timeoutSeconds ?? 60) * 1000;
    const started = performance.now();
    const initDurationMs = env.coldStartReported ? undefined : await env.ready;
    env.coldStartReported = true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<WorkerMessage>((resolve) => {
      timer = setTimeout(() => {
        const seconds = (timeoutMs / 1000).toFixed(2);
        resolve({ error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${seconds} seconds` } });
      }, timeoutMs);
    });
    const message = await Promise.race([env.run(requestId, event, Date.now() + timeoutMs), timedOut]);
    clearTimeout(timer);
    const durationMs = performance.now() - started;
    if (message.error?.errorType === 'Sandbox.Timedout' || !env.alive) {
      // Lambda discards an environment that timed out or crashed.
      await this.discard(env);
    } else {
      this.release(env);
    }
    const result: InvocationResult = {
      requestId,
      durationMs,
      ...(initDurationMs !== undefined && { initDurationMs }),
      ...(message.error ? { error: message.error } : { payload: message.result ?? null }),
    };
    if (lambdaInvokeChannel.hasSubscribers) {
      lambdaInvokeChannel.publish({
        functionName: this.functionName,
        memorySize: this.options.memorySize ?? 256,
        ...result,
      });
    }
    return result;
  }

  /** Stops every execution environment. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.all].map((env) => env.kill()));
    this.all.clear();
    this.idle.length = 0;
    for (const wake of this.waiters.splice(0)) wake();
  }

  private async acquire(): Promise<ExecutionEnvironment> {
    for (;;) {
      const warm = this.idle.pop();
      if (warm?.alive) return warm;
      if (warm) continue;
      if (this.all.size < (this.options.maxConcurrency ?? 10)) return this.spawn();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
      if (this.closed) throw new StreamkitError('SK_UNAVAILABLE', `function ${this.functionName} is shut down`);
    }
  }

  private release(env: ExecutionEnvironment): void {
    this.idle.push(env);
    this.waiters.shift()?.();
  }

  private async discard(env: ExecutionEnvironment): Promise<void> {
    this.all.delete(env);
    await env.kill();
    this.waiters.shift()?.();
  }

  private spawn(): ExecutionEnvironment {
    const { functionName, bundle } = this.options;
    const exportName = this.options.exportName ?? 'handler';
    const memorySize = this.options.memorySize ?? 256;
    const region = this.options.region ?? LOCAL_REGION;
    const logGroupName = `/aws/lambda/${functionName}`;
    const logStreamName = `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${randomUUID().replace(/-/g, '')}`;
    const worker = new Worker(WORKER_BOOTSTRAP, {
      eval: true,
      execArgv: [],
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: memorySize },
      env: {
        ...passThroughEnvironment(),
        ...this.options.environment,
        AWS_LAMBDA_FUNCTION_NAME: functionName,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memorySize),
        AWS_LAMBDA_LOG_GROUP_NAME: logGroupName,
        AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
        AWS_EXECUTION_ENV: `AWS_Lambda_${LAMBDA_RUNTIME}`,
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        LAMBDA_TASK_ROOT: dirname(bundle.file),
        _HANDLER: `index.${exportName}`,
        AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
        // As Lambda's runtime (/var/runtime/node_modules), the environment provides the AWS SDK the bundle leaves out.
        NODE_PATH: RUNTIME_NODE_PATH,
      },
      workerData: {
        bundleFile: bundle.file,
        exportName,
        functionName,
        memoryLimitInMB: memorySize,
        functionArn: this.functionArn,
        logGroupName,
        logStreamName,
      },
    });
    for (const [stream, name] of [
      [worker.stdout, 'stdout'],
      [worker.stderr, 'stderr'],
    ] as const) {
      createInterface({ input: stream }).on('line', (line) => {
        if (lambdaLogChannel.hasSubscribers) lambdaLogChannel.publish({ functionName, stream: name, line });
      });
    }
    const env = new ExecutionEnvironment(worker, (dead) => {
      this.all.delete(dead);
    });
    this.all.add(env);
    return env;
  }
}

/** The developer's PATH, locale and AWS credentials reach the handler, as `sam local invoke` does. */
function passThroughEnvironment(): Record<string, string> {
  const keep = [
    'PATH',
    'LANG',
    'HOME',
    'AWS_PROFILE',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
  ];
  const out: Record<string, string> = {};
  for (const key of keep) {
    const value = process.env[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
