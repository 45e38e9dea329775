/**
 * Where a reader of a Kinesis stream stands in each shard, kept on disk so that a restart resumes where it stopped.
 * Used by the local Firehose's stream source and by the local event source mappings.
 *
 * Records are settled out of order (read ahead into buffers, or processed in parallel lanes), so a shard's checkpoint
 * is the sequence number up to which *every* record read is settled — not the last record read. A restart resumes
 * after the checkpoints (`AFTER_SEQUENCE_NUMBER`); records past it that were already settled are settled again, so
 * delivery is at least once and never less.
 *
 * A checkpoint file is written atomically (temporary file, fsync, rename) after the checkpoints move, together with
 * the stream's ARN and creation time: checkpoints of another stream of the same name are ignored.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The records read from one shard and not yet durable, oldest first. */
export class ShardCheckpoint {
  /** Every record up to this sequence number is durable. */
  checkpoint: string | undefined;
  private readonly pending: { readonly sequenceNumber: string; done: boolean }[] = [];
  private head = 0;

  constructor(
    readonly shardId: string,
    initial: string | undefined,
    private readonly onAdvance: () => void,
  ) {
    this.checkpoint = initial;
  }

  /** Notes a record just read; the returned function marks it durable. */
  track(sequenceNumber: string): () => void {
    const entry = { sequenceNumber, done: false };
    this.pending.push(entry);
    return () => {
      if (entry.done) return;
      entry.done = true;
      this.advance();
    };
  }

  /** Records read and not yet durable. */
  get outstanding(): number {
    let n = 0;
    for (let i = this.head; i < this.pending.length; i++) if (!this.pending[i]!.done) n++;
    return n;
  }

  private advance(): void {
    const before = this.head;
    while (this.head < this.pending.length && this.pending[this.head]!.done) {
      this.checkpoint = this.pending[this.head]!.sequenceNumber;
      this.head++;
    }
    if (this.head === before) return;
    // Drop settled entries now and then, so the queue does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
    this.onAdvance();
  }
}

export interface CheckpointFile {
  readonly streamArn: string;
  /** The stream's creation time (epoch ms): tells a stream from another of the same name. */
  readonly streamCreationTimestamp: number;
  /** The checkpoint of each shard that has one. */
  readonly shards: Readonly<Record<string, string>>;
  /** Shards read to their end and settled: their children may be read. */
  readonly finishedShards?: readonly string[];
  /** When the reader first started on this stream (epoch ms): where LATEST pointed then. */
  readonly createdAt?: number;
}

/** One reader's checkpoint file. */
export class CheckpointStore {
  private writing: Promise<void> | undefined;
  private dirty = false;
  /** Why the last save failed, until one succeeds. */
  lastError: Error | undefined;

  constructor(readonly file: string) {}

  /** What was saved, if it belongs to this very stream. */
  load(streamArn: string, streamCreationTimestamp: number): CheckpointFile | undefined {
    if (!existsSync(this.file)) return undefined;
    try {
      const saved = JSON.parse(readFileSync(this.file, 'utf8')) as CheckpointFile;
      const same = saved.streamArn === streamArn && saved.streamCreationTimestamp === streamCreationTimestamp;
      return same ? saved : undefined;
    } catch {
      return undefined;
    }
  }

  /** Saves `state()` soon; saves that come while one is being written are folded into the next. */
  save(state: () => CheckpointFile): Promise<void> {
    this.dirty = true;
    this.writing ??= (async () => {
      try {
        while (this.dirty) {
          this.dirty = false;
          await this.write(state());
        }
        this.lastError = undefined;
      } catch (error) {
        // Not fatal: the next save tries again, and a restart would only read a little more than needed.
        this.dirty = true;
        this.lastError = error as Error;
      } finally {
        this.writing = undefined;
      }
    })();
    return this.writing;
  }

  /** Resolves once every save asked for so far is on disk. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async write(content: CheckpointFile): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${randomUUID()}.tmp`;
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(`${JSON.stringify(content, null, 2)}\n`);
      await file.datasync();
    } finally {
      await file.close();
    }
    await rename(temporary, this.file);
  }
}
