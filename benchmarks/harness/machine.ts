/** The machine a run happened on, as BENCHMARKS.md reports it. */
import os from 'node:os';

export interface MachineInfo {
  readonly cores: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly date: string;
  /**
   * 1-minute load average when the run started and ended (Linux/macOS; 0 elsewhere). Above the core count, other
   * work shared the CPU during the run and its figures read low — engines' more than the instant server's.
   */
  readonly loadAverage: { readonly start: number; readonly end?: number };
}

export function machineInfo(now = new Date()): MachineInfo {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    date: now.toISOString(),
    loadAverage: { start: Math.round(os.loadavg()[0]! * 100) / 100 },
  };
}
