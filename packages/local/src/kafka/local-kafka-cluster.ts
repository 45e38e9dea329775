/**
 * A real Apache Kafka on this machine: one broker, or three for replication tests, in KRaft combined mode on
 * 127.0.0.1. The caller gives the data directory; its layout:
 *
 *   <dataDir>/cluster.json            cluster id, Kafka version and each node's ports (a restart reuses them)
 *   <dataDir>/broker-<id>/server.properties, log4j2.xml
 *   <dataDir>/broker-<id>/data/       the log segments and KRaft metadata (formatted once)
 *   <dataDir>/broker-<id>/logs/       server.log (the broker's log) and jvm.out
 *
 * States: Stopped → Starting → Running → Stopping → Stopped; `start()` after `stop()` brings back the same cluster
 * (same ports, same data), which is what a broker-restart test needs.
 */
import { randomBytes } from 'node:crypto';
import { channel } from 'node:diagnostics_channel';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { LIMITS, StreamkitError } from '@streamkit/core';
import { type BrokerNode, brokerLog4j, brokerProperties, LOOPBACK } from './broker-properties.ts';
import { KafkaBrokerProcess } from './kafka-broker-process.ts';
import { fetchKafka } from './kafka-distribution.ts';
import { createTopics, type TopicSpec, waitForBrokers } from './topics.ts';

/** `streamkit:kafka:cluster` — `{ state, bootstrapServers, pids }` on every state change. */
export const kafkaClusterChannel = channel('streamkit:kafka:cluster');

export type KafkaClusterState = 'Stopped' | 'Starting' | 'Running' | 'Stopping';

export interface LocalKafkaClusterOptions {
  /** Where the brokers keep everything (see the layout above). */
  readonly dataDir: string;
  /** 1, or 3 for a three-voter quorum with replication factor 3. @default 1 */
  readonly brokers?: 1 | 3;
  /** Client port of the first broker. @default - a free port (or the one in cluster.json) */
  readonly port?: number;
  /** @default LIMITS.local.kafkaVersion.default */
  readonly version?: string;
  /** @default LIMITS.local.kafkaHeapMb.value */
  readonly heapMb?: number;
  /** @default LIMITS.local.kafkaAutoCreateTopics.default (off, as on MSK) */
  readonly autoCreateTopics?: boolean;
  /** Topics created once the brokers are up. @default - none */
  readonly topics?: readonly TopicSpec[];
  /** Where the Kafka classpath is cached. @default `<user cache dir>/streamkit/kafka` */
  readonly cacheDir?: string;
  /** Progress lines (the first fetch from Maven, formatting, starting). */
  readonly onProgress?: (message: string) => void;
}

export interface LocalBroker {
  readonly nodeId: number;
  /** undefined while the JVM is not running. */
  readonly pid: number | undefined;
  /** `log.dirs`: the topics' segments and the KRaft metadata. */
  readonly dataDir: string;
}

interface SavedCluster {
  readonly clusterId: string;
  readonly version: string;
  readonly nodes: readonly BrokerNode[];
}

const live = new Set<LocalKafkaCluster>();

/**
 * The bootstrap servers of the local Kafka whose data directory is `dataDir` (as its cluster.json names them), or
 * undefined when none was ever started there: how `streamkit produce` finds the Kafka `streamkit dev` runs.
 */
export function savedBootstrapServers(dataDir: string): string[] | undefined {
  const file = join(dataDir, 'cluster.json');
  if (!existsSync(file)) return undefined;
  const saved = JSON.parse(readFileSync(file, 'utf8')) as SavedCluster;
  return saved.nodes.map((n) => `${LOOPBACK}:${n.port}`);
}
let exitHookInstalled = false;

/** If Node exits without stopping a cluster (a crash, process.exit), its JVMs must not outlive it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const cluster of live) cluster.killNow();
  });
}

export class LocalKafkaCluster {
  readonly dataDir: string;
  private readonly options: LocalKafkaClusterOptions;
  private stateValue: KafkaClusterState = 'Stopped';
  private processes: KafkaBrokerProcess[] = [];
  private nodes: readonly BrokerNode[] = [];

  constructor(options: LocalKafkaClusterOptions) {
    const brokers = options.brokers ?? 1;
    if (brokers !== 1 && brokers !== 3) {
      throw new StreamkitError('SK_VALIDATION', `brokers must be 1 or 3 (got ${String(brokers)})`, {
        path: 'brokers',
      });
    }
    if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port < 65536)) {
      throw new StreamkitError('SK_VALIDATION', `port must be between 0 and 65535 (got ${options.port})`, {
        path: 'port',
      });
    }
    this.options = options;
    this.dataDir = resolve(options.dataDir);
  }

  get state(): KafkaClusterState {
    return this.stateValue;
  }

  get brokerCount(): number {
    return this.options.brokers ?? 1;
  }

  /** `127.0.0.1:<port>` of every broker, for a client's bootstrap servers. */
  get bootstrapServers(): string[] {
    return this.nodes.map((n) => `${LOOPBACK}:${n.port}`);
  }

  /** PIDs of the running broker JVMs. */
  get pids(): number[] {
    return this.processes.map((p) => p.pid).filter((pid): pid is number => pid !== undefined);
  }

  /** Each broker: its node id (MSK's `Broker ID`), its JVM's PID while it runs, and its data (log) directory. */
  get brokers(): readonly LocalBroker[] {
    return this.processes.map((p) => ({
      nodeId: p.node.nodeId,
      pid: p.pid,
      dataDir: join(this.dataDir, `broker-${p.node.nodeId}`, 'data'),
    }));
  }

  /** Fetches Kafka (once), formats new storage, starts every broker and creates the topics; resolves when ready. */
  async start(): Promise<void> {
    if (this.stateValue !== 'Stopped') {
      throw new StreamkitError('SK_CONFLICT', `the local Kafka in ${this.dataDir} is ${this.stateValue}`);
    }
    this.setState('Starting');
    try {
      const progress = this.options.onProgress;
      const version = this.options.version ?? LIMITS.local.kafkaVersion.default;
      const { classpath } = await fetchKafka({
        version,
        ...(this.options.cacheDir !== undefined && { cacheDir: this.options.cacheDir }),
        ...(progress && { onProgress: progress }),
      });
      const saved = await this.prepare(version);
      this.nodes = saved.nodes;
      const heapMb = this.options.heapMb ?? LIMITS.local.kafkaHeapMb.value;
      this.processes = saved.nodes.map(
        (node) => new KafkaBrokerProcess({ node, classpath, heapMb, dir: join(this.dataDir, `broker-${node.nodeId}`) }),
      );
      progress?.(
        `starting Apache Kafka ${version} (${saved.nodes.length} broker${saved.nodes.length > 1 ? 's' : ''}, KRaft)`,
      );
      await Promise.all(this.processes.map((p) => p.format(saved.clusterId)));
      live.add(this);
      installExitHook();
      for (const p of this.processes) p.start();
      const deadline = Date.now() + LIMITS.local.kafkaStartTimeoutSeconds.value * 1000;
      await Promise.all(this.processes.map((p) => p.ready(deadline)));
      await waitForBrokers(this.bootstrapServers, this.nodes.length, deadline);
      await createTopics(this.bootstrapServers, this.options.topics ?? [], { brokers: this.nodes.length, deadline });
      this.setState('Running');
    } catch (error) {
      await this.stopProcesses();
      this.setState('Stopped');
      throw error;
    }
  }

  /** Creates topics on the running cluster (existing ones are kept). */
  async createTopics(topics: readonly TopicSpec[]): Promise<void> {
    if (this.stateValue !== 'Running') {
      throw new StreamkitError('SK_CONFLICT', `the local Kafka in ${this.dataDir} is ${this.stateValue}`);
    }
    const deadline = Date.now() + LIMITS.local.kafkaStartTimeoutSeconds.value * 1000;
    await createTopics(this.bootstrapServers, topics, { brokers: this.nodes.length, deadline });
  }

  /** Stops every broker (SIGTERM, then SIGKILL after the deadline); the data stays for the next start. */
  async stop(): Promise<void> {
    if (this.stateValue === 'Stopped' || this.stateValue === 'Stopping') return;
    this.setState('Stopping');
    await this.stopProcesses();
    this.setState('Stopped');
  }

  /** Stops and starts again on the same ports and data: what a broker restart looks like to clients. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Kills every broker JVM at once (used when Node exits). */
  killNow(): void {
    for (const p of this.processes) p.killNow();
  }

  private async stopProcesses(): Promise<void> {
    const timeoutMs = LIMITS.local.kafkaStopTimeoutSeconds.value * 1000;
    // All at once: the last broker of a quorum cannot finish a controlled shutdown once the others are gone anyway.
    await Promise.all(this.processes.map((p) => p.stop(timeoutMs)));
    live.delete(this);
  }

  /** Reads or creates cluster.json, picks ports and writes each broker's configuration. */
  private async prepare(version: string): Promise<SavedCluster> {
    await mkdir(this.dataDir, { recursive: true });
    const file = join(this.dataDir, 'cluster.json');
    const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SavedCluster) : undefined;
    if (previous && previous.nodes.length !== this.brokerCount) {
      throw new StreamkitError(
        'SK_CONFLICT',
        `${this.dataDir} holds a ${previous.nodes.length}-broker cluster; start it with ${previous.nodes.length} brokers or use another data dir`,
      );
    }
    const nodes: BrokerNode[] = [];
    const taken = new Set<number>();
    for (let i = 0; i < this.brokerCount; i++) {
      const before = previous?.nodes[i];
      const wanted =
        i === 0 && this.options.port !== undefined && this.options.port !== 0 ? this.options.port : undefined;
      const port = wanted ?? (await reuseOrFreePort(before?.port, taken));
      if (wanted !== undefined && !(await isFree(wanted))) {
        throw new StreamkitError('SK_CONFLICT', `port ${wanted} on ${LOOPBACK} is in use`, { path: 'port' });
      }
      taken.add(port);
      const controllerPort = await reuseOrFreePort(before?.controllerPort, taken);
      taken.add(controllerPort);
      nodes.push({ nodeId: i + 1, port, controllerPort });
    }
    const saved: SavedCluster = { clusterId: previous?.clusterId ?? newClusterId(), version, nodes };
    for (const node of nodes) {
      const dir = join(this.dataDir, `broker-${node.nodeId}`);
      await mkdir(join(dir, 'logs'), { recursive: true });
      await writeFile(
        join(dir, 'server.properties'),
        brokerProperties({
          node,
          nodes,
          logDir: join(dir, 'data'),
          autoCreateTopics: this.options.autoCreateTopics ?? LIMITS.local.kafkaAutoCreateTopics.default,
        }),
      );
      await writeFile(join(dir, 'log4j2.xml'), brokerLog4j());
    }
    await writeFile(file, `${JSON.stringify(saved, null, 2)}\n`);
    return saved;
  }

  private setState(state: KafkaClusterState): void {
    this.stateValue = state;
    if (kafkaClusterChannel.hasSubscribers) {
      kafkaClusterChannel.publish({
        state,
        dataDir: this.dataDir,
        bootstrapServers: this.bootstrapServers,
        pids: this.pids,
      });
    }
  }
}

/** A Kafka cluster id: 16 random bytes, base64url without padding (what `kafka-storage random-uuid` prints). */
export function newClusterId(): string {
  // As Kafka's own Uuid.randomUuid(): never starting with "-", which command-line parsers take for an option.
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function reuseOrFreePort(previous: number | undefined, taken: ReadonlySet<number>): Promise<number> {
  if (previous !== undefined && !taken.has(previous) && (await isFree(previous))) return previous;
  for (;;) {
    const port = await freePort();
    if (!taken.has(port)) return port;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, LOOPBACK, () => server.close(() => resolveFree(true)));
  });
}
