export { type Clock, systemClock } from './clock.ts';
export { createRandom, randomSeed } from './generators/prng.ts';
export {
  formatEventTime,
  STOCK_TICKERS,
  type StockTick,
  type StockTickerOptions,
  stockTicker,
} from './generators/stock-ticker.ts';
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
export { KinesisStreamWriter, type KinesisStreamWriterOptions } from './kinesis-stream-writer.ts';
export {
  PRODUCE_DEFAULTS,
  type ProduceOptions,
  type ProduceProgress,
  type ProduceResult,
  produce,
  type RecordBatchWriter,
} from './produce.ts';
export { RETRIABLE_KINESIS_ERRORS } from './put-records-retries.ts';
