/**
 * A JVM streamkit starts (a Kafka broker, the Kafka Connect worker) must not outlive the Node process that started it,
 * even one killed with SIGKILL (no exit hook runs then). A small shell watches both PIDs: when Node is gone it sends
 * the JVM SIGTERM, and SIGKILL after the stop deadline. It ends by itself when the JVM does. It only ever signals that
 * one PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export function startWatchdog(pid: number, stopDeadlineSeconds: number): ChildProcess | undefined {
  const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep 1; done
kill -0 ${pid} 2>/dev/null || exit 0
kill -TERM ${pid}; i=0
while kill -0 ${pid} 2>/dev/null && [ $i -lt ${Math.ceil(stopDeadlineSeconds)} ]; do sleep 1; i=$((i+1)); done
kill -KILL ${pid} 2>/dev/null; exit 0`;
  try {
    const watchdog = spawn('sh', ['-c', script], { stdio: 'ignore' });
    watchdog.on('error', () => {});
    watchdog.unref();
    return watchdog;
  } catch {
    return undefined;
  }
}
