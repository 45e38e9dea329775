/** Where streamkit keeps what it fetches or generates once per user (the Kafka classpath, the local TLS certificate). */
import os from 'node:os';
import path from 'node:path';

/** The platform's per-user cache directory: `$XDG_CACHE_HOME` or `~/.cache` on Linux; the temp dir without a home. */
export function userCacheDirectory(): string {
  try {
    const home = os.homedir();
    if (!home) return os.tmpdir();
    if (process.platform === 'win32') return process.env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local');
    if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches');
    return process.env.XDG_CACHE_HOME || path.join(home, '.cache');
  } catch {
    return os.tmpdir();
  }
}
