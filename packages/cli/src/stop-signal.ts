import { output } from './output.ts';

/** What a long-running command (`dev`) listens to: Ctrl-C or SIGTERM asks it to stop; a second Ctrl-C exits (130). */
export interface StopSignal {
  readonly signal: AbortSignal;
  /** Stops as Ctrl-C would (the end of `--duration`, for instance). */
  stop(): void;
  /** Resolves once a stop is asked for. */
  stopped(): Promise<void>;
  /** Stops listening to the signals. */
  dispose(): void;
}

export function stopOnSignal(): StopSignal {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    output.line('\nstopping (Ctrl-C again to force)…');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    stop: () => controller.abort(),
    stopped: () =>
      controller.signal.aborted
        ? Promise.resolve()
        : new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true })),
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
