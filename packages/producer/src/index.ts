export {
  AGGREGATED_RECORD_MAGIC,
  AggregatedRecordBuilder,
  type AggregatedRecordContents,
  type AggregatedUserRecord,
  decodeAggregatedRecord,
  encodeAggregatedRecord,
  hasAggregatedRecordMagic,
  type NotAggregatedReason,
} from './aggregation/aggregated-record.ts';
export {
  type DeaggregatedEventRecord,
  type DeaggregatedPayloadFields,
  type DeaggregatedRecord,
  deaggregate,
  deaggregateRecord,
  type KinesisRecordInput,
  type LambdaKinesisPayload,
} from './aggregation/deaggregate.ts';
export { type Clock, systemClock } from './clock.ts';
export {
  type ClickEvent,
  type ClickEventType,
  type ClickstreamOptions,
  clickstream,
  type DeviceType,
} from './generators/clickstream.ts';
export { createRandom, randomSeed } from './generators/prng.ts';
export { DEMO_DATA, DEMO_DATA_NAMES, type DemoDataName } from './generators/registry.ts';
export {
  formatEventTime,
  STOCK_TICKERS,
  type StockTick,
  type StockTickerOptions,
  stockTicker,
} from './generators/stock-ticker.ts';
export {
  haversineKm,
  NYC_BOUNDS,
  TAXI_FARE,
  type TaxiRide,
  type TaxiRidesOptions,
  taxiRides,
} from './generators/taxi-rides.ts';
export {
  type AwsCredentials,
  type CallOptions,
  INGEST_CLIENT_DEFAULTS,
  IngestClient,
  type IngestClientAuth,
  type IngestClientOptions,
  type PutRecordOutput,
  type PutRecordsEntry,
  type PutRecordsOutput,
} from './ingest-client.ts';
export type { IngestRecord } from './ingest-record.ts';
export { KafkaProducer, type KafkaProducerOptions, type KafkaRecordMetadata } from './kafka-producer/kafka-producer.ts';
export {
  KinesisProducer,
  type KinesisProducerOptions,
  type UserRecordInput,
  type UserRecordPromise,
  type UserRecordResult,
} from './kinesis-producer/kinesis-producer.ts';
export {
  type LatencyPercentiles,
  PRODUCER_METRICS_CHANNEL,
  type ProducerMetrics,
  type ProducerMetricsMessage,
} from './kinesis-producer/producer-metrics.ts';
export { KinesisStreamWriter, type KinesisStreamWriterOptions } from './kinesis-stream-writer.ts';
export {
  PRODUCE_DEFAULTS,
  type ProduceOptions,
  type ProduceProgress,
  type ProduceResult,
  produce,
  type RecordBatchWriter,
  type UserRecordWriter,
} from './produce.ts';
export { RETRIABLE_KINESIS_ERRORS } from './put-records-retries.ts';
