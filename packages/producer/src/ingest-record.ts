/** A record as the ingest API takes it (the `PUT_RECORD_MODEL` of core). */
export interface IngestRecord<T = unknown> {
  /** Text is stored as its UTF-8 bytes, any other JSON value as its JSON text. */
  readonly data: T;
  /** Decides the shard; records with the same key stay in order. 1 to 256 characters. */
  readonly partitionKey: string;
  /** A 128-bit hash key in decimal, overriding the partition key's hash. @default - the partition key's MD5 hash */
  readonly explicitHashKey?: string;
}
