export * from './broker-properties.ts';
export * from './consumer-lag.ts';
export * from './kafka-broker-process.ts';
export * from './kafka-distribution.ts';
export * from './local-kafka-cluster.ts';
export * from './topics.ts';
