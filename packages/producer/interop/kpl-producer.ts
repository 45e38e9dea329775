/**
 * Runs the Java Kinesis Producer Library (software.amazon.kinesis:amazon-kinesis-producer from Maven Central: the
 * Java API and its native daemon) over user records, through the Maven project in
 * packages/producer/interop/java-kpl-producer. The first run downloads the KPL into ~/.m2 (70 MB); later runs take a
 * few seconds, most of it the JVM and the daemon starting.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT = fileURLToPath(new URL('./java-kpl-producer/', import.meta.url));

export interface KplUserRecord {
  readonly partitionKey: string;
  readonly data: Uint8Array;
  readonly explicitHashKey?: string;
}

export interface KplRun {
  /** An HTTPS endpoint of the stream's Kinesis (see `startTlsEndpoint`). */
  readonly host: string;
  readonly port: number;
  readonly streamName: string;
  readonly records: readonly KplUserRecord[];
  /** KinesisProducerConfiguration properties, such as `{ RateLimit: 100000 }`. */
  readonly properties?: Readonly<Record<string, string | number>>;
  /** A stream to send every record into first, untimed, so that the JIT has compiled the Java side. */
  readonly warmUpStreamName?: string;
}

export interface KplStats {
  readonly userRecords: number;
  /** User records sent within the measurement (all but the first, which goes alone while the map loads). */
  readonly timedUserRecords: number;
  readonly failed: number;
  /** Distinct Kinesis records (shard and sequence number) the user records were acknowledged in. */
  readonly kinesisRecords: number;
  /** CPU of the JVM and the KPL daemon from the first addUserRecord to the last acknowledgement. */
  readonly cpuMs: number;
  readonly wallMs: number;
}

export async function runKplProducer(run: KplRun): Promise<KplStats> {
  const dir = await mkdtemp(join(tmpdir(), 'streamkit-kpl-'));
  try {
    const input = join(dir, 'records.tsv');
    const output = join(dir, 'stats.json');
    const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
    await writeFile(
      input,
      run.records
        .map((r) => `${b64(Buffer.from(r.partitionKey))}\t${b64(r.data)}\t${r.explicitHashKey ?? ''}\n`)
        .join(''),
    );
    const properties = Object.entries({
      ...run.properties,
      ...(run.warmUpStreamName === undefined ? {} : { warmUpStream: run.warmUpStreamName }),
    }).map(([key, value]) => `${key}=${value}`);
    const args = [run.host, String(run.port), run.streamName, input, output, ...properties];
    await new Promise<void>((resolve, reject) => {
      execFile(
        'mvn',
        ['-q', '-B', 'compile', 'exec:java', `-Dexec.args=${args.join(' ')}`],
        { cwd: PROJECT, maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60_000 },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`mvn failed in ${PROJECT}: ${error.message}\n${stdout}\n${stderr}`));
          else resolve();
        },
      );
    });
    return JSON.parse(await readFile(output, 'utf8')) as KplStats;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
