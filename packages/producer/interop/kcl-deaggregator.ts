/**
 * Runs the Kinesis Client Library's deaggregator (Java, `AggregatorUtil` from software.amazon.kinesis:
 * amazon-kinesis-client on Maven Central) over Kinesis records, through the Maven project in
^ * packages/producer/interop/java-kcl-deaggregator. The first run downloads the KCL into ~/.m2 (about a minute);
 * later runs take a few seconds.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT = fileURLToPath(new URL('./java-kcl-deaggregator/', import.meta.url));

export interface KclInputRecord {
  readonly partitionKey: string;
  readonly sequenceNumber: string;
  readonly data: Uint8Array;
  /**
   * The hash key range (decimal) of the shard the record was read from, which the KCL passes to its deaggregator.
   * @default - the whole hash key space
   */
  readonly shardHashKeyRange?: { readonly startingHashKey: string; readonly endingHashKey: string };
}

/** A user record as the KCL's `KinesisClientRecord` describes it. */
export interface KclUserRecord {
  readonly kind: 'user-record';
  readonly sequenceNumber: string;
  readonly subSequenceNumber: number;
  readonly aggregated: boolean;
  readonly partitionKey: string;
  readonly explicitHashKey: string | undefined;
  readonly data: Buffer;
}

/** A Kinesis record the KCL's deaggregator threw on. */
export interface KclFailure {
  readonly kind: 'failure';
  readonly sequenceNumber: string;
  /** `<exception class>: <message>`. */
  readonly error: string;
}

/** What the KCL makes of each Kinesis record, in order: its user records, or the exception it threw. */
export async function kclDeaggregate(records: readonly KclInputRecord[]): Promise<(KclUserRecord | KclFailure)[]> {
  const dir = await mkdtemp(join(tmpdir(), 'streamkit-kcl-'));
  try {
    const input = join(dir, 'records.tsv');
    const output = join(dir, 'user-records.tsv');
    const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
    await writeFile(
      input,
      records
        .map((r) => {
          const range = r.shardHashKeyRange;
          const fields = [b64(Buffer.from(r.partitionKey)), r.sequenceNumber, b64(r.data)];
          fields.push(range?.startingHashKey ?? '', range?.endingHashKey ?? '');
          return `${fields.join('\t')}\n`;
        })
        .join(''),
    );
    await new Promise<void>((resolve, reject) => {
      execFile(
        'mvn',
        ['-q', '-B', 'compile', 'exec:java', `-Dexec.args=${input} ${output}`],
        { cwd: PROJECT, maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60_000 },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`mvn failed in ${PROJECT}: ${error.message}\n${stdout}\n${stderr}`));
          else resolve();
        },
      );
    });
    const lines = (await readFile(output, 'utf8')).split('\n').filter((line) => line.length > 0);
    return lines.map((line): KclUserRecord | KclFailure => {
      const [sequenceNumber, subSequenceNumber, aggregated, partitionKey, explicitHashKey, data] = line.split('\t');
      if (subSequenceNumber === 'ERROR')
        return { kind: 'failure', sequenceNumber: sequenceNumber!, error: aggregated! };
      return {
        kind: 'user-record',
        sequenceNumber: sequenceNumber!,
        subSequenceNumber: Number(subSequenceNumber),
        aggregated: aggregated === 'true',
        partitionKey: Buffer.from(partitionKey!, 'base64').toString('utf8'),
        explicitHashKey: explicitHashKey === '' ? undefined : explicitHashKey,
        data: Buffer.from(data!, 'base64'),
      };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
