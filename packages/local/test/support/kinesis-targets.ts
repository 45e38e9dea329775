/**
 * Kinesis endpoints a suite can run against: streamkit's own engine (in process) and the reference engine
 * kinesis-local (kinesis-mock, npm `kinesis-local`), started as a child process on free ports and killed by its PID.
 * Each gives an unmodified AWS SDK v3 KinesisClient; only kinesis-local gets `NodeHttpHandler`, because the SDK's
 * default HTTP/2 handler breaks on its large responses.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '@streamkit/core';
import { startKinesisEngine } from '../../src/kinesis/index.ts';

export type KinesisTargetName = 'streamkit' | 'kinesis-local';

export interface RunningKinesisTarget {
  readonly name: KinesisTargetName;
  readonly endpoint: string;
  readonly client: KinesisClient;
  /** Account and region the target serves (ARNs are built from them). */
  readonly account: string;
  readonly region: string;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
const KINESIS_LOCAL_DIR = path.dirname(require.resolve('kinesis-local/package.json'));
/** kinesis-local exits 1.5–2 s after SIGTERM; after this it gets SIGKILL. */
const KILL_AFTER_MS = 5_000;
const READY_TIMEOUT_MS = 30_000;

export async function startKinesisTarget(name: KinesisTargetName): Promise<RunningKinesisTarget> {
  return name === 'streamkit' ? startStreamkit() : startKinesisLocal();
}

async function startStreamkit(): Promise<RunningKinesisTarget> {
  const engine = await startKinesisEngine({ tls: false });
  const client = new KinesisClient({ endpoint: engine.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  return {
    name: 'streamkit',
    endpoint: engine.endpoint,
    client,
    account: engine.store.account,
    region: engine.store.region,
    async stop() {
      client.destroy();
      await engine.close();
    },
  };
}

/** A port that was free a moment ago (kinesis-local has no port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface KinesisLocalProcess {
  readonly child: ChildProcess;
  readonly plainPort: number;
  readonly tlsPort: number;
  /** SIGTERM, then SIGKILL if it has not exited after `KILL_AFTER_MS`; removes its working directory. */
  stop(): Promise<void>;
}

/**
 * Starts kinesis-local in a fresh working directory (it loads `./data` if present), with no persistence, stream
 * status changes after 1 ms instead of 500 ms, and warnings only. Resolves once it answers on its plain port.
 */
export async function spawnKinesisLocal(env: Record<string, string> = {}): Promise<KinesisLocalProcess> {
  const [plainPort, tlsPort] = [await freePort(), await freePort()];
  const cwd = await mkdtemp(path.join(os.tmpdir(), 'kinesis-local-'));
  const durations = Object.fromEntries(
    [
      'CREATE_STREAM',
      'DELETE_STREAM',
      'REGISTER_STREAM_CONSUMER',
      'DEREGISTER_STREAM_CONSUMER',
      'START_STREAM_ENCRYPTION',
      'STOP_STREAM_ENCRYPTION',
      'MERGE_SHARDS',
      'SPLIT_SHARD',
      'UPDATE_SHARD_COUNT',
      'UPDATE_STREAM_MODE',
    ].map((operation) => [`${operation}_DURATION`, '1ms']),
  );
  const child = spawn(process.execPath, [path.join(KINESIS_LOCAL_DIR, 'main.js')], {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      KINESIS_MOCK_PLAIN_PORT: String(plainPort),
      KINESIS_MOCK_TLS_PORT: String(tlsPort),
      KINESIS_MOCK_CERT_PATH: path.join(KINESIS_LOCAL_DIR, 'server.json'),
      SHOULD_PERSIST_DATA: 'false',
      LOAD_DATA_IF_EXISTS: 'false',
      // Room for every case of a suite (AWS's default quota is 200–500 shards per account and region).
      SHARD_LIMIT: '1000',
      LOG_LEVEL: 'ERROR',
      ROOT_LOG_LEVEL: 'ERROR',
      ...durations,
      ...env,
    },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  // Its working directory goes with it, however it ends.
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      rm(cwd, { recursive: true, force: true }).then(() => resolve(), resolve);
    }),
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
          process.kill(child.pid, 'SIGKILL');
        }
      }, KILL_AFTER_MS);
      await exited;
      clearTimeout(timer);
    }
    await exited;
  };
  try {
    await waitForPort(plainPort, child, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return { child, plainPort, tlsPort, stop };
}

async function startKinesisLocal(): Promise<RunningKinesisTarget> {
  const local = await spawnKinesisLocal();
  const endpoint = `http://127.0.0.1:${local.plainPort}`;
  const client = new KinesisClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    requestHandler: new NodeHttpHandler(),
  });
  return {
    name: 'kinesis-local',
    endpoint,
    client,
    account: '000000000000',
    region: LOCAL_REGION,
    async stop() {
      client.destroy();
      await local.stop();
    },
  };
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`kinesis-local exited with ${child.exitCode}: ${stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`kinesis-local did not listen on ${port} in ${READY_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
