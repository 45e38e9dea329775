export * from './channels.ts';
export * from './checkpoints.ts';
export * from './job-build.ts';
export * from './local-flink-job.ts';
export * from './runtime-properties.ts';
