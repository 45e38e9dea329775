/**
 * The `application/vnd.amazon.eventstream` framing SubscribeToShard answers with, and the sending of such a response.
 *
 * Each message is: a 12-byte prelude (total length and headers length, both uint32 big-endian, then the CRC-32 of
 * those 8 bytes), the headers, the payload, and the CRC-32 of everything before it. A header is its name's length
 * (uint8), the name, a value type (7: string) and the value (uint16 length, then UTF-8 bytes). The engine only needs
 * string headers.
 *
 * A SubscribeToShard response is HTTP 200 with this content type, then, as AWS sends them (and as the AWS SDKs
 * expect): an `initial-response` event with an empty JSON object, then one `SubscribeToShardEvent` event per batch of
 * records — `:message-type: event`, `:event-type: SubscribeToShardEvent`, a JSON payload — and, if the subscription
 * ends with an error, one exception message: `:message-type: exception`, `:exception-type: <AWS exception name>`,
 * payload `{"message": "…"}`. The response ends when the subscription does.
 */
import type { Writable } from 'node:stream';
import { crc32 } from 'node:zlib';
import type { SubscribeToShardEventStreamShape } from './shapes.ts';

export const EVENT_STREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';
const PAYLOAD_CONTENT_TYPE = 'application/json';
const STRING_HEADER = 7;
const PRELUDE_BYTES = 12;
const CRC_BYTES = 4;

/** One event-stream message with string headers. */
export function encodeEventStreamMessage(headers: Readonly<Record<string, string>>, payload: Uint8Array): Buffer {
  const encoded = Object.entries(headers).map(([name, value]) => {
    const nameBytes = Buffer.from(name, 'utf8');
    const valueBytes = Buffer.from(value, 'utf8');
    if (nameBytes.length > 0xff || valueBytes.length > 0x7fff) {
      throw new RangeError(
        `event-stream header ${name} is too long (${nameBytes.length} + ${valueBytes.length} bytes)`,
      );
    }
    const header = Buffer.alloc(1 + nameBytes.length + 1 + 2 + valueBytes.length);
    let offset = header.writeUInt8(nameBytes.length, 0);
    offset += nameBytes.copy(header, offset);
    offset = header.writeUInt8(STRING_HEADER, offset);
    offset = header.writeUInt16BE(valueBytes.length, offset);
    valueBytes.copy(header, offset);
    return header;
  });
  const headersLength = encoded.reduce((sum, header) => sum + header.length, 0);
  const totalLength = PRELUDE_BYTES + headersLength + payload.length + CRC_BYTES;
  const message = Buffer.alloc(totalLength);
  message.writeUInt32BE(totalLength, 0);
  message.writeUInt32BE(headersLength, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  let offset = PRELUDE_BYTES;
  for (const header of encoded) offset += header.copy(message, offset);
  message.set(payload, offset);
  message.writeUInt32BE(crc32(message.subarray(0, totalLength - CRC_BYTES)), totalLength - CRC_BYTES);
  return message;
}

function eventMessage(eventType: string, payload: unknown): Buffer {
  return encodeEventStreamMessage(
    { ':message-type': 'event', ':event-type': eventType, ':content-type': PAYLOAD_CONTENT_TYPE },
    Buffer.from(JSON.stringify(payload), 'utf8'),
  );
}

function exceptionMessage(exceptionType: string, message: string): Buffer {
  return encodeEventStreamMessage(
    { ':message-type': 'exception', ':exception-type': exceptionType, ':content-type': PAYLOAD_CONTENT_TYPE },
    Buffer.from(JSON.stringify({ message }), 'utf8'),
  );
}

/**
 * The messages of a SubscribeToShard response: the initial response, then each event of `events`. A failure of
 * `events` itself becomes an InternalFailureException message. `return()` ends `events` at once (it is not queued
 * behind a pending `next()`, as a generator's would be), so a closed connection ends its subscription right away.
 */
export class SubscribeToShardResponseBody implements AsyncIterableIterator<Uint8Array> {
  readonly #events: AsyncIterator<SubscribeToShardEventStreamShape>;
  #started = false;
  #ended = false;

  constructor(events: AsyncIterator<SubscribeToShardEventStreamShape>) {
    this.#events = events;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array, undefined>> {
    if (this.#ended) return { value: undefined, done: true };
    if (!this.#started) {
      this.#started = true;
      return { value: eventMessage('initial-response', {}), done: false };
    }
    let result: IteratorResult<SubscribeToShardEventStreamShape>;
    try {
      result = await this.#events.next();
    } catch (error) {
      this.#ended = true;
      return {
        value: exceptionMessage(
          'InternalFailureException',
          `The subscription failed inside the local engine: ${error}`,
        ),
        done: false,
      };
    }
    if (result.done) {
      this.#ended = true;
      return { value: undefined, done: true };
    }
    const event = result.value;
    if ('SubscribeToShardEvent' in event) {
      return { value: eventMessage('SubscribeToShardEvent', event.SubscribeToShardEvent), done: false };
    }
    const [type, body] = Object.entries(event)[0] as [string, { message: string }];
    return { value: exceptionMessage(type, body.message), done: false };
  }

  async return(): Promise<IteratorResult<Uint8Array, undefined>> {
    this.#ended = true;
    await this.#events.return?.();
    return { value: undefined, done: true };
  }
}

/**
 * Writes an event-stream response body (the headers are sent already), waiting for the connection to drain when it
 * pushes back, and ends it when the messages end. When the client goes away first, the messages are ended.
 */
export async function sendEventStream(out: Writable, messages: AsyncIterableIterator<Uint8Array>): Promise<void> {
  const stop = () => void messages.return?.();
  out.once('close', stop);
  try {
    for (;;) {
      const { value, done } = await messages.next();
      if (done || out.destroyed) break;
      if (!out.write(value)) await drained(out);
    }
    if (!out.destroyed) out.end();
  } catch (error) {
    out.destroy(error instanceof Error ? error : new Error(String(error)));
  } finally {
    out.off('close', stop);
    await messages.return?.();
  }
}

function drained(out: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}
