export * from './channels.ts';
export * from './local-connect-worker.ts';
export * from './sink-build.ts';
export * from './worker-properties.ts';
