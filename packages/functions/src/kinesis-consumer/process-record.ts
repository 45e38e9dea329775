/**
 * The record logic of streamkit's built-in Kinesis consumer: pure, no AWS, no I/O besides the logger it is given.
 * Copy this file next to your own handler to start from it.
 */
import type { KinesisStreamRecord } from 'aws-lambda';

export interface DecodedRecord {
  readonly partitionKey: string;
  readonly sequenceNumber: string;
  /** When the record reached the stream. */
  readonly arrivedAt: Date;
  /** The data as UTF-8 text. */
  readonly text: string;
  /** The data parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

export interface RecordLogger {
  info(message: string, extra: Record<string, unknown>): void;
}

/**
 * Decodes a Kinesis record. Lambda's Kinesis event source does not de-aggregate KPL records: an aggregated record
 * arrives as one record whose data starts with the KPL magic bytes.
 */
export function decodeRecord(record: KinesisStreamRecord): DecodedRecord {
  const { kinesis } = record;
  if (typeof kinesis?.data !== 'string' || typeof kinesis.sequenceNumber !== 'string') {
    throw new TypeError(`malformed Kinesis record: ${JSON.stringify(record).slice(0, 200)}`);
  }
  const text = Buffer.from(kinesis.data, 'base64').toString('utf8');
  return {
    partitionKey: kinesis.partitionKey,
    sequenceNumber: kinesis.sequenceNumber,
    arrivedAt: new Date(kinesis.approximateArrivalTimestamp * 1000),
    text,
    json: parseJson(text),
  };
}

/** Decodes one record and logs it. Throwing marks the record as failed in the partial batch response. */
export function processRecord(record: KinesisStreamRecord, logger: RecordLogger): DecodedRecord {
  const decoded = decodeRecord(record);
  logger.info('record', {
    partitionKey: decoded.partitionKey,
    sequenceNumber: decoded.sequenceNumber,
    arrivedAt: decoded.arrivedAt.toISOString(),
    data: decoded.json ?? decoded.text,
  });
  return decoded;
}

function parseJson(text: string): unknown {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
