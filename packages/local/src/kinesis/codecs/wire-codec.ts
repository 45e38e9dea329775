/**
 * How request and response bodies travel: one `WireCodec` per protocol, chosen by the request's Content-Type, so that
 * actions only ever see the JSON shapes of `shapes.ts` (blobs as base64 strings, timestamps in epoch seconds) whatever
 * the client spoke.
 *
 * - AWS JSON 1.1 (`application/x-amz-json-1.1`, also accepted as `application/json`): `json.ts`.
 * - AWS CBOR 1.1 (`application/x-amz-cbor-1.1`), which the AWS SDK for Java (v1 and v2, so the KCL, the Flink
 *   connector and Kafka Connect) speaks to Kinesis by default: `cbor.ts`.
 */
import type { KinesisServiceError } from '../errors.ts';
import { CBOR_CODEC } from './cbor.ts';
import { AMZ_JSON_CODEC, PLAIN_JSON_CODEC } from './json.ts';

export type WireProtocol = 'json' | 'cbor';

export interface WireCodec {
  readonly protocol: WireProtocol;
  /** The Content-Type of this codec's responses (errors included). */
  readonly contentType: string;
  /**
   * The request body as the JSON value `KinesisService.dispatch` takes. Throws a SerializationException
   * `KinesisServiceError` when the body is not valid in this protocol.
   */
  decodeRequest(body: Buffer): unknown;
  /** An action's JSON-shaped output as a response body. */
  encodeResponse(output: unknown): Buffer;
  /** The error body: `__type` (the exact AWS error name) and `message`. */
  encodeError(error: KinesisServiceError): Buffer;
}

const CODECS: ReadonlyMap<string, WireCodec> = new Map([
  [AMZ_JSON_CODEC.contentType, AMZ_JSON_CODEC],
  [PLAIN_JSON_CODEC.contentType, PLAIN_JSON_CODEC],
  [CBOR_CODEC.contentType, CBOR_CODEC],
]);

/** The content types the engine accepts, in the order error messages list them. */
export const ACCEPTED_CONTENT_TYPES: readonly string[] = [...CODECS.keys()];

/** The codec of a Content-Type header (parameters such as `charset` ignored), or undefined when none speaks it. */
export function codecForContentType(contentType: string | undefined): WireCodec | undefined {
  if (contentType === undefined) return undefined;
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return CODECS.get(mediaType);
}
