/**
 * AWS JSON 1.1: bodies are JSON text, blobs base64 strings and timestamps epoch seconds (with the milliseconds as a
 * fraction) — exactly the shapes the actions take and return, so this codec only parses and serialises.
 */
import { KinesisServiceError } from '../errors.ts';
import type { WireCodec } from './wire-codec.ts';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

function jsonCodec(contentType: string): WireCodec {
  return {
    protocol: 'json',
    contentType,
    decodeRequest(body) {
      if (body.length === 0) {
        throw new KinesisServiceError(
          'SerializationException',
          'The request body is empty; send a JSON object ({} at least)',
        );
      }
      try {
        return JSON.parse(body.toString('utf8'));
      } catch (error) {
        throw new KinesisServiceError(
          'SerializationException',
          `The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    },
    encodeResponse(output) {
      return Buffer.from(JSON.stringify(output), 'utf8');
    },
    encodeError(error) {
      return Buffer.from(JSON.stringify(error.toJSON()), 'utf8');
    },
  };
}

/** `application/x-amz-json-1.1`, what every AWS SDK but Java's sends to Kinesis. */
export const AMZ_JSON_CODEC = jsonCodec(JSON_CONTENT_TYPE);
/** `application/json`, accepted like AWS accepts it (curl users, hand-written clients) and answered in kind. */
export const PLAIN_JSON_CODEC = jsonCodec('application/json');
