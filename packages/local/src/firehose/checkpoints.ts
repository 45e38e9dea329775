/**
 * Where a stream-sourced delivery stream stands in each shard. Records are read ahead of what is durable (they wait in
 * buffers), so a shard's checkpoint is the sequence number up to which *every* record read is in an object — not the
 * last record read. A restart resumes after the checkpoints (`AFTER_SEQUENCE_NUMBER`); records past it that were
 * already written are written again, so delivery is at least once and never less.
 *
 * The checkpoints are kept in `<dataDir>/firehose/<deliveryStreamName>/checkpoints.json`, written atomically (temporary
 * file, fsync, rename) after they move, together with the stream's ARN and creation time: checkpoints of another
 * stream (the local engine starts empty streams on each run) are ignored.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';

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
  readonly shards: Readonly<Record<string, string>>;
}

/** The checkpoint file of one delivery stream. */
export class CheckpointStore {
  readonly file: string;
  private writing: Promise<void> | undefined;
  private dirty = false;
  /** Why the last save failed, until one succeeds. */
  lastError: Error | undefined;

  constructor(dataDir: string, deliveryStreamName: string) {
    this.file = join(dataDir, 'firehose', deliveryStreamName, 'checkpoints.json');
  }

  /** The saved checkpoints, if they belong to this very stream. */
  load(streamArn: string, streamCreationTimestamp: number): Readonly<Record<string, string>> {
    if (!existsSync(this.file)) return {};
    try {
      const saved = JSON.parse(readFileSync(this.file, 'utf8')) as CheckpointFile;
      const same = saved.streamArn === streamArn && saved.streamCreationTimestamp === streamCreationTimestamp;
      return same ? saved.shards : {};
    } catch {
      return {};
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
