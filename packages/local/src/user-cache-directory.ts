/**
 * The user's cache directory, where the local target keeps what it can always make again (the engine's HTTPS
 * certificate, the built Flink jobs): `$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS,
 * `%LOCALAPPDATA%` on Windows; the temporary directory when there is no home.
 */
import os from 'node:os';
import path from 'node:path';

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
