export * from './batch-processor.ts';
export * from './fan-out-shard-reader.ts';
export * from './kinesis-event-source-mapping.ts';
export * from './lambda-sender.ts';
export * from './lane.ts';
export * from './polling-shard-reader.ts';
export * from './shard-reader.ts';
export * from './types.ts';
