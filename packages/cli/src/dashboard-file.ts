/**
 * `<dataDir>/dashboard.json`: where a running `streamkit dev` says its dashboard is, so `streamkit tail` (and any
 * script) finds it without knowing the port. Written when the dashboard starts, removed when `dev` stops; a file left
 * by a killed `dev` names a process that no longer exists and is ignored.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DashboardFile {
  readonly url: string;
  readonly pid: number;
  readonly pipeline: string;
  readonly startedAt: string;
}

export const dashboardFilePath = (dataDir: string) => join(dataDir, 'dashboard.json');

export function writeDashboardFile(dataDir: string, file: DashboardFile): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = dashboardFilePath(dataDir);
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  return () => {
    // Only our own file: a second `dev` on the same data directory may have replaced it.
    if (readDashboardFile(dataDir)?.pid === file.pid) rmSync(path, { force: true });
  };
}

/** The file of a `dev` that is still running, else undefined. */
export function readDashboardFile(dataDir: string): DashboardFile | undefined {
  const path = dashboardFilePath(dataDir);
  if (!existsSync(path)) return undefined;
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as DashboardFile;
    process.kill(file.pid, 0);
    return file;
  } catch {
    return undefined;
  }
}
