/**
 * Flink's retained checkpoints under a job's directory: `<checkpointsDir>/<Flink job id>/chk-<n>/_metadata` (plus
 * `shared/` and `taskowned/` per job id). Each start of the local JVM is a new Flink job id; a checkpoint is complete
 * once its `_metadata` file exists (Flink writes it last).
 */
import { existsSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

export interface RetainedCheckpoint {
  /** The `chk-<n>` directory: what `execution.state-recovery.path` takes. */
  readonly directory: string;
  readonly flinkJobId: string;
  readonly checkpointId: number;
  /** When `_metadata` was written, epoch milliseconds. */
  readonly completedAt: number;
}

/** Every complete checkpoint retained under `checkpointsDir`, oldest first. */
export async function retainedCheckpoints(checkpointsDir: string): Promise<RetainedCheckpoint[]> {
  if (!existsSync(checkpointsDir)) return [];
  const found: RetainedCheckpoint[] = [];
  for (const jobEntry of await readdir(checkpointsDir, { withFileTypes: true })) {
    if (!jobEntry.isDirectory()) continue;
    const jobDir = path.join(checkpointsDir, jobEntry.name);
    for (const entry of await readdir(jobDir, { withFileTypes: true }).catch(() => [])) {
      const match = /^chk-(\d+)$/.exec(entry.name);
      if (!entry.isDirectory() || !match) continue;
      const metadata = await stat(path.join(jobDir, entry.name, '_metadata')).catch(() => undefined);
      if (!metadata) continue;
      found.push({
        directory: path.join(jobDir, entry.name),
        flinkJobId: jobEntry.name,
        checkpointId: Number(match[1]),
        completedAt: metadata.mtimeMs,
      });
    }
  }
  return found.sort((a, b) => a.completedAt - b.completedAt || a.checkpointId - b.checkpointId);
}

/** The newest complete checkpoint, or undefined. */
export async function latestRetainedCheckpoint(checkpointsDir: string): Promise<RetainedCheckpoint | undefined> {
  return (await retainedCheckpoints(checkpointsDir)).at(-1);
}

/**
 * Removes the directories of earlier Flink jobs, keeping the one `keep` belongs to: a job restored from `keep` writes
 * full checkpoints of its own, so nothing else is ever read again.
 */
export async function pruneCheckpoints(checkpointsDir: string, keep: RetainedCheckpoint | undefined): Promise<void> {
  if (!existsSync(checkpointsDir)) return;
  for (const entry of await readdir(checkpointsDir, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== keep?.flinkJobId) {
      await rm(path.join(checkpointsDir, entry.name), { recursive: true, force: true });
    }
  }
}
