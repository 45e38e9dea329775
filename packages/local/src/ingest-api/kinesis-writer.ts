/**
 * What the ingest API needs from Kinesis: one call taking the AWS JSON 1.1 wire body of PutRecord / PutRecords and
 * returning the wire response — the in-process entry point of the local Kinesis engine (`engine.dispatch`), or
 * anything else honouring the same contract. Errors are thrown as `{ type, statusCode, message }`
 * (the engine's `KinesisServiceError`), `type` being the AWS `__type`.
 */
import type { GatewayResponse } from './gateway-responses.ts';
import { gatewayResponses } from './gateway-responses.ts';
import type { IngestAction, ValidRecord } from './request-validation.ts';

export interface KinesisWriter {
  dispatch(action: 'PutRecord' | 'PutRecords', input: object): Promise<object>;
}

export interface PutRecordWireInput {
  readonly StreamName: string;
  readonly Data: string;
  readonly PartitionKey: string;
  readonly ExplicitHashKey?: string;
}

export interface PutRecordsWireInput {
  readonly StreamName: string;
  readonly Records: readonly Omit<PutRecordWireInput, 'StreamName'>[];
}

function wireRecord(record: ValidRecord): Omit<PutRecordWireInput, 'StreamName'> {
  const base = { Data: record.data.toString('base64'), PartitionKey: record.partitionKey };
  return record.explicitHashKey === undefined ? base : { ...base, ExplicitHashKey: record.explicitHashKey };
}

/** The wire body the cloud stack's mapping template builds for the same request. */
export function toWireInput(
  action: IngestAction,
  streamName: string,
  records: readonly ValidRecord[],
): PutRecordWireInput | PutRecordsWireInput {
  if (action === 'PutRecord') return { StreamName: streamName, ...wireRecord(records[0]!) };
  return { StreamName: streamName, Records: records.map(wireRecord) };
}

/**
 * Maps what the writer threw to the answer the cloud stack's integration responses give: Kinesis client errors
 * (4xx) → 400 with the Kinesis message and `__type`; server errors and anything unexpected → 500.
 */
export function writerErrorResponse(error: unknown): GatewayResponse {
  if (typeof error === 'object' && error !== null) {
    const { statusCode, type, message } = error as { statusCode?: unknown; type?: unknown; message?: unknown };
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 && typeof type === 'string') {
      return gatewayResponses.kinesisClientError(typeof message === 'string' ? message : type, type);
    }
  }
  return gatewayResponses.internalServerError();
}
