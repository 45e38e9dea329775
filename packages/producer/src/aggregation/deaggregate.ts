/**
 * Deaggregation for consumers: turns Kinesis records — aggregated by the KPL, by streamkit's `KinesisProducer` or by
 * aws-kinesis-agg, or not aggregated at all — into user records, as the Kinesis Client Library does.
 *
 * Lambda's Kinesis event source does not deaggregate (and neither does streamkit's local runtime): a handler gets
 * the aggregated record. Call `deaggregate(event.Records)` first:
 *
 * ```ts
 * export const handler = async (event: KinesisStreamEvent) => {
 *   for (const record of deaggregate(event.Records)) {
 *     const data = Buffer.from(record.kinesis.data, 'base64'); // one user record
 *   }
 * };
 * ```
 *
 * The KCL's rules (`AggregatorUtil.deaggregate`), followed here:
 * - a record without the magic prefix, or too short to hold a message and trailer, passes through unchanged;
 * - a record whose MD5 trailer does not match passes through unchanged, as one non-aggregated record (the KCL does
 *   not fail it or drop it);
 * - a record whose message does not parse passes through unchanged;
 * - user records keep the Kinesis record's sequence number and are told apart by a sub-sequence number, 0, 1, 2… in
 *   the order they were aggregated; a record passed through has sub-sequence number 0 and `aggregated: false`.
 */
import { type AggregatedRecordContents, decodeAggregatedRecord } from './aggregated-record.ts';

/** A Kinesis record as a consumer reads it (the fields deaggregation needs). */
export interface KinesisRecordInput {
  readonly partitionKey: string;
  readonly sequenceNumber: string;
  readonly data: Uint8Array;
  readonly explicitHashKey?: string;
}

/** A user record, as the KCL's `KinesisClientRecord` describes it. */
export interface DeaggregatedRecord {
  readonly partitionKey: string;
  /** The explicit hash key the producer gave, if any (only aggregated user records carry one). */
  readonly explicitHashKey?: string;
  readonly data: Uint8Array;
  /** The sequence number of the Kinesis record that carried it. */
  readonly sequenceNumber: string;
  /** Its position in that Kinesis record; 0 for a record that was not aggregated. */
  readonly subSequenceNumber: number;
  /** Whether it came out of an aggregated record. */
  readonly aggregated: boolean;
}

/** The user records of one Kinesis record (itself, when it is not a valid aggregated record). */
export function deaggregateRecord(record: KinesisRecordInput): DeaggregatedRecord[] {
  return userRecordsOf(record, decodeAggregatedRecord(record.data));
}

function userRecordsOf(record: KinesisRecordInput, contents: AggregatedRecordContents): DeaggregatedRecord[] {
  const { sequenceNumber } = record;
  if (!contents.aggregated) {
    return [
      {
        partitionKey: record.partitionKey,
        ...(record.explicitHashKey === undefined ? {} : { explicitHashKey: record.explicitHashKey }),
        data: record.data,
        sequenceNumber,
        subSequenceNumber: 0,
        aggregated: false,
      },
    ];
  }
  return contents.records.map((user, subSequenceNumber) => ({
    partitionKey: user.partitionKey,
    ...(user.explicitHashKey === undefined ? {} : { explicitHashKey: user.explicitHashKey }),
    data: user.data,
    sequenceNumber,
    subSequenceNumber,
    aggregated: true,
  }));
}

/** The `kinesis` part of a Lambda Kinesis event record (aws-lambda's `KinesisStreamRecordPayload` fits). */
export interface LambdaKinesisPayload {
  readonly partitionKey: string;
  readonly sequenceNumber: string;
  /** Base64. */
  readonly data: string;
}

/** What `deaggregate` adds to the `kinesis` part of each record it returns. */
export interface DeaggregatedPayloadFields {
  readonly subSequenceNumber: number;
  readonly aggregated: boolean;
  readonly explicitHashKey?: string;
}

/** A Lambda event record holding one user record. */
export type DeaggregatedEventRecord<R extends { readonly kinesis: LambdaKinesisPayload }> = Omit<R, 'kinesis'> & {
  readonly kinesis: R['kinesis'] & DeaggregatedPayloadFields;
};

/**
 * The user records of a Lambda Kinesis event's `Records`, in order, each shaped like the event record that carried
 * it: same `eventID`, `eventSourceARN` and `kinesis.sequenceNumber` (so a partial batch response naming it retries
 * from its Kinesis record), with the user record's `partitionKey` and base64 `data`, plus `subSequenceNumber`,
 * `aggregated` and, when the producer gave one, `explicitHashKey`.
 */
export function deaggregate<R extends { readonly kinesis: LambdaKinesisPayload }>(
  records: readonly R[],
): DeaggregatedEventRecord<R>[] {
  const out: DeaggregatedEventRecord<R>[] = [];
  for (const record of records) {
    const data = Buffer.from(record.kinesis.data, 'base64');
    const contents = decodeAggregatedRecord(data);
    if (!contents.aggregated) {
      out.push({ ...record, kinesis: { ...record.kinesis, subSequenceNumber: 0, aggregated: false } });
      continue;
    }
    contents.records.forEach((user, subSequenceNumber) => {
      out.push({
        ...record,
        kinesis: {
          ...record.kinesis,
          partitionKey: user.partitionKey,
          data: Buffer.from(user.data.buffer, user.data.byteOffset, user.data.byteLength).toString('base64'),
          subSequenceNumber,
          aggregated: true,
          ...(user.explicitHashKey === undefined ? {} : { explicitHashKey: user.explicitHashKey }),
        },
      });
    });
  }
  return out;
}
