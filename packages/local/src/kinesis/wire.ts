/**
 * The AWS JSON 1.1 protocol of Kinesis, independent of the transport (HTTP/1.1 or h2c, see `server.ts`):
 * `POST /` with `X-Amz-Target: Kinesis_20131202.<Action>` and a JSON body; errors are HTTP 400 with
 * `{"__type": "<AWS error name>", "message": "…"}` and the same name in the `x-amzn-ErrorType` header.
 *
 * SubscribeToShard answers with an event stream instead of a JSON body (`WireResponse.eventStream`, see
 * `event-stream.ts`), which the transport writes as the events come.
 *
 * Request signatures are not verified. The engine listens on 127.0.0.1 only, and AWS SDKs always sign, so any
 * credentials are accepted, as AWS would accept any valid signature — there is no account to protect locally.
 */
import { randomUUID } from 'node:crypto';
import { LIMITS } from '@streamkit/core';
import { KinesisServiceError } from './errors.ts';
import { EVENT_STREAM_CONTENT_TYPE, SubscribeToShardResponseBody } from './event-stream.ts';
import { isKinesisAction, type KinesisService, unknownOperation } from './service.ts';
import type { SubscribeToShardInput } from './shapes.ts';

export const TARGET_PREFIX = 'Kinesis_20131202.';
export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
const ACCEPTED_CONTENT_TYPES = new Set([JSON_CONTENT_TYPE, 'application/json']);
const CBOR_CONTENT_TYPE = 'application/x-amz-cbor-1.1';

/**
 * The largest body the engine reads: a PutRecords call at every limit — 5 MiB of records in base64, and 500 longest
 * partition keys written entirely as \u escapes, plus generous room for the JSON around each record.
 */
export const MAX_REQUEST_BYTES =
  Math.ceil(LIMITS.kinesis.putRecordsMaxBytes.value / 3) * 4 +
  LIMITS.kinesis.putRecordsMaxRecords.value * (LIMITS.kinesis.partitionKeyLength.max * 6 + 1024);

export interface WireRequest {
  readonly method: string;
  readonly contentType: string | undefined;
  readonly target: string | undefined;
  /** The body, or undefined when it was longer than `MAX_REQUEST_BYTES` (and therefore not kept). */
  readonly body: Buffer | undefined;
}

export interface WireResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /**
   * For SubscribeToShard: the event-stream messages to send after the headers, in place of `body`, as they come
   * (`sendEventStream`). `return()` it if the client goes away.
   */
  readonly eventStream?: AsyncIterableIterator<Uint8Array>;
}

export async function handleWireRequest(service: KinesisService, request: WireRequest): Promise<WireResponse> {
  const contentType = request.contentType?.split(';')[0]?.trim().toLowerCase();
  const responseType = contentType === 'application/json' ? contentType : JSON_CONTENT_TYPE;
  try {
    const { action, input } = readRequest(request, contentType);
    if (action === 'SubscribeToShard') {
      const { EventStream } = await service.dispatch(action, input as SubscribeToShardInput);
      return {
        status: 200,
        headers: headers(EVENT_STREAM_CONTENT_TYPE),
        body: '',
        eventStream: new SubscribeToShardResponseBody(EventStream),
      };
    }
    const output = await service.dispatch(action, input);
    return { status: 200, headers: headers(responseType), body: JSON.stringify(output) };
  } catch (error) {
    const failure = KinesisServiceError.is(error)
      ? error
      : new KinesisServiceError('InternalFailure', `The local engine failed: ${String(error)}`, { cause: error });
    return {
      status: failure.statusCode,
      headers: { ...headers(responseType), 'x-amzn-errortype': failure.type },
      body: JSON.stringify(failure.toJSON()),
    };
  }
}

function readRequest(request: WireRequest, contentType: string | undefined): { action: string; input: unknown } {
  if (request.method !== 'POST') {
    throw new KinesisServiceError(
      'AccessDeniedException',
      `Unable to determine service/operation name to be authorized: the local Kinesis engine answers POST / ` +
        `with X-Amz-Target: ${TARGET_PREFIX}<Action> (got ${request.method})`,
      { statusCode: 403 },
    );
  }
  if (contentType === CBOR_CONTENT_TYPE) {
    throw new KinesisServiceError(
      'SerializationException',
      `The local Kinesis engine does not speak CBOR (${CBOR_CONTENT_TYPE}) yet; switch the client to JSON ` +
        '(AWS SDK for Java: -Daws.cborEnabled=false or AWS_CBOR_DISABLE=true)',
      { statusCode: 415 },
    );
  }
  if (contentType === undefined || !ACCEPTED_CONTENT_TYPES.has(contentType)) {
    throw new KinesisServiceError(
      'SerializationException',
      `Content-Type must be ${[...ACCEPTED_CONTENT_TYPES].join(' or ')} (got ${request.contentType ?? 'none'})`,
      { statusCode: 415 },
    );
  }
  const target = request.target ?? '';
  if (!target.startsWith(TARGET_PREFIX)) {
    throw new KinesisServiceError(
      'UnknownOperationException',
      `X-Amz-Target must be ${TARGET_PREFIX}<Action> (got ${request.target === undefined ? 'none' : `'${target}'`})`,
    );
  }
  const action = target.slice(TARGET_PREFIX.length);
  if (!isKinesisAction(action)) throw unknownOperation(action);
  if (request.body === undefined) {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      `The request body exceeds ${MAX_REQUEST_BYTES} bytes, more than any valid Kinesis request can take`,
      { statusCode: 413 },
    );
  }
  if (request.body.length === 0) {
    throw new KinesisServiceError(
      'SerializationException',
      'The request body is empty; send a JSON object ({} at least)',
    );
  }
  let input: unknown;
  try {
    input = JSON.parse(request.body.toString('utf8'));
  } catch (error) {
    throw new KinesisServiceError(
      'SerializationException',
      `The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return { action, input };
}

function headers(contentType: string): Record<string, string> {
  return { 'content-type': contentType, 'x-amzn-requestid': randomUUID() };
}
