export * from './batch-processor.ts';
export * from './kinesis-event-source-mapping.ts';
export * from './lambda-sender.ts';
export * from './types.ts';
