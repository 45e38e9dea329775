/** The runtime events `streamkit dev` prints, whatever the preset: how listeners on the diagnostics channels are kept. */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { output } from './output.ts';

/** A line about something that happened; on a terminal it first clears the live status line. */
export function printEvent(text: string): void {
  if (process.stdout.isTTY) process.stdout.write('\r\x1b[2K');
  output.line(text);
}

export type Subscription = readonly [channel: string, listener: (message: unknown) => void];

/**
 * The events of a pipeline's own functions (messages naming one of `functionNames`): failed invocations and, with
 * `logs`, every line a handler logs. `ours` tells the pipeline's messages from others, for the caller's own listeners.
 */
export function functionEvents(
  functionNames: Iterable<string>,
  logs: boolean,
  print: (text: string) => void = printEvent,
): { ours: (message: unknown) => boolean; subscriptions: Subscription[] } {
  const names = new Set(functionNames);
  const ours = (m: unknown) => names.has((m as { functionName: string }).functionName);
  const subscriptions: Subscription[] = [
    [
      'streamkit:lambda:invoke',
      (m) => {
        const invoke = m as { functionName: string; error?: { errorType: string; errorMessage: string } };
        if (ours(m) && invoke.error) {
          print(`  ✗ ${invoke.functionName}: ${invoke.error.errorType}: ${invoke.error.errorMessage.split('\n')[0]}`);
        }
      },
    ],
  ];
  if (logs) {
    subscriptions.push([
      'streamkit:lambda:log',
      (m) => {
        const line = m as { functionName: string; line: string };
        if (ours(m)) print(`  ${line.functionName} | ${line.line}`);
      },
    ]);
  }
  return { ours, subscriptions };
}

/** Subscribes every listener; the function returned unsubscribes them. */
export function subscribeAll(subscriptions: readonly Subscription[]): () => void {
  for (const [name, fn] of subscriptions) subscribe(name, fn);
  return () => {
    for (const [name, fn] of subscriptions) unsubscribe(name, fn);
  };
}
