/**
 * The Kinesis protocol, independent of the transport (HTTP/1.1 or HTTP/2, cleartext or TLS, see `server.ts`):
 * `POST /` with `X-Amz-Target: Kinesis_20131202.<Action>` and a body in the protocol its Content-Type names — AWS
 * JSON 1.1 or AWS CBOR 1.1 (`codecs/`); errors are HTTP 4xx with `{"__type": "<AWS error name>", "message": "…"}`
 * in that protocol and the same name in the `x-amzn-ErrorType` header.
 *
 * SubscribeToShard answers with an event stream instead of a JSON body (`WireResponse.eventStream`, see
 * `event-stream.ts`), which the transport writes as the events come.
 *
 * Request signatures are not verified. The engine listens on 127.0.0.1 only, and AWS SDKs always sign, so any
 * credentials are accepted, as AWS would accept any valid signature — there is no account to protect locally.
 */
import { randomUUID } from 'node:crypto';
import { LIMITS } from '@streamkit/core';
import { type KinesisRequestMessage, requestChannel } from './channels.ts';
import { AMZ_JSON_CODEC, JSON_CONTENT_TYPE } from './codecs/json.ts';
import { ACCEPTED_CONTENT_TYPES, codecForContentType, type WireCodec } from './codecs/wire-codec.ts';
import { KinesisServiceError } from './errors.ts';
import { EVENT_STREAM_CONTENT_TYPE, SubscribeToShardResponseBody } from './event-stream.ts';
import { isKinesisAction, type KinesisService, unknownOperation } from './service.ts';
import type { SubscribeToShardInput } from './shapes.ts';

export { JSON_CONTENT_TYPE };
export const TARGET_PREFIX = 'Kinesis_20131202.';

/**
 * The largest body the engine reads: a PutRecords call at every limit — 5 MiB of records in base64, and 500 longest
 * partition keys written entirely as \u escapes, plus generous room for the JSON around each record. (The same call
 * in CBOR is smaller: its data travels as raw bytes.)
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
  /** How the request arrived, as the `streamkit:kinesis:request` channel reports it. @default HTTP/1.1, no TLS */
  readonly transport?: WireTransport;
}

export interface WireTransport {
  readonly httpVersion: '1.1' | '2';
  readonly tls: boolean;
}

export interface WireResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /**
   * For SubscribeToShard: the event-stream messages to send after the headers, in place of `body`, as they come
   * (`sendEventStream`). `return()` it if the client goes away.
   */
  readonly eventStream?: AsyncIterableIterator<Uint8Array>;
}

export async function handleWireRequest(service: KinesisService, request: WireRequest): Promise<WireResponse> {
  // A request in a content type the engine does not speak is answered in JSON.
  const codec = codecForContentType(request.contentType);
  const responseCodec = codec ?? AMZ_JSON_CODEC;
  let action: string | undefined;
  let response: WireResponse;
  try {
    const read = readRequest(request, codec);
    action = read.action;
    if (read.action === 'SubscribeToShard') {
      // Event payloads are JSON whatever the request's protocol (see docs/parity.md).
      const { EventStream } = await service.dispatch(read.action, read.input as SubscribeToShardInput);
      response = {
        status: 200,
        headers: { ...headers(responseCodec), 'content-type': EVENT_STREAM_CONTENT_TYPE },
        body: Buffer.alloc(0),
        eventStream: new SubscribeToShardResponseBody(EventStream),
      };
    } else {
      const output = await service.dispatch(read.action, read.input);
      response = { status: 200, headers: headers(responseCodec), body: responseCodec.encodeResponse(output) };
    }
  } catch (error) {
    const failure = KinesisServiceError.is(error)
      ? error
      : new KinesisServiceError('InternalFailure', `The local engine failed: ${String(error)}`, { cause: error });
    response = {
      status: failure.statusCode,
      headers: { ...headers(responseCodec), 'x-amzn-errortype': failure.type },
      body: responseCodec.encodeError(failure),
    };
  }
  if (requestChannel.hasSubscribers) {
    requestChannel.publish({
      action,
      protocol: codec?.protocol,
      httpVersion: request.transport?.httpVersion ?? '1.1',
      tls: request.transport?.tls ?? false,
      status: response.status,
      errorType: response.headers['x-amzn-errortype'],
    } satisfies KinesisRequestMessage);
  }
  return response;
}

function readRequest(request: WireRequest, codec: WireCodec | undefined): { action: string; input: unknown } {
  if (request.method !== 'POST') {
    throw new KinesisServiceError(
      'AccessDeniedException',
      `Unable to determine service/operation name to be authorized: the local Kinesis engine answers POST / ` +
        `with X-Amz-Target: ${TARGET_PREFIX}<Action> (got ${request.method})`,
      { statusCode: 403 },
    );
  }
  if (codec === undefined) {
    throw new KinesisServiceError(
      'SerializationException',
      `Content-Type must be ${ACCEPTED_CONTENT_TYPES.join(', ')} (got ${request.contentType ?? 'none'})`,
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
  return { action, input: codec.decodeRequest(request.body) };
}

function headers(codec: WireCodec): Record<string, string> {
  return { 'content-type': codec.contentType, 'x-amzn-requestid': randomUUID() };
}
