/**
 * The local Firehose API: AWS JSON 1.1 over HTTP/1.1 on 127.0.0.1 (`X-Amz-Target: Firehose_20150804.<Action>`), so an
 * unmodified `@aws-sdk/client-firehose` or the AWS CLI can put records into local delivery streams. Requests are not
 * signature-checked (any credentials work), as with the local Kinesis engine.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamkitError } from '@streamkit/core';
import type { LocalDeliveryStream } from '../delivery-stream.ts';
import { describeDeliveryStream } from './actions/describe-delivery-stream.ts';
import { listDeliveryStreams } from './actions/list-delivery-streams.ts';
import { putRecord } from './actions/put-record.ts';
import { putRecordBatch } from './actions/put-record-batch.ts';
import type { FirehoseApiContext } from './context.ts';
import { FirehoseServiceError } from './errors.ts';

const HOST = '127.0.0.1';
const TARGET_PREFIX = 'Firehose_20150804.';
/** A PutRecordBatch of 500 records of 1000 KiB is refused by size, but its JSON must still be read to say so. */
const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

export const FIREHOSE_ACTIONS = {
  PutRecord: putRecord,
  PutRecordBatch: putRecordBatch,
  DescribeDeliveryStream: describeDeliveryStream,
  ListDeliveryStreams: listDeliveryStreams,
} as const satisfies Record<string, (context: FirehoseApiContext, input: Record<string, unknown>) => Promise<object>>;

export interface FirehoseApiOptions {
  /** Port on 127.0.0.1. @default 0 - a free port */
  readonly port?: number;
  readonly deliveryStreams: Iterable<LocalDeliveryStream>;
}

export interface FirehoseApi {
  /** `http://127.0.0.1:<port>`: the `endpoint` of a Firehose client. */
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startFirehoseApi(options: FirehoseApiOptions): Promise<FirehoseApi> {
  const context: FirehoseApiContext = {
    deliveryStreams: new Map([...options.deliveryStreams].map((s) => [s.deliveryStreamName, s])),
  };
  const server = http.createServer((req, res) => {
    const requestId = randomUUID();
    const send = (status: number, body: object, errorType?: string) => {
      const payload = Buffer.from(JSON.stringify(body), 'utf8');
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'content-length': payload.length,
        'x-amzn-requestid': requestId,
        ...(errorType && { 'x-amzn-errortype': errorType }),
      });
      res.end(payload);
    };
    const fail = (error: FirehoseServiceError) =>
      send(error.status, { __type: error.type, message: error.message }, error.type);
    readBody(req)
      .then(async (body) => {
        if (req.method !== 'POST')
          throw new FirehoseServiceError('UnknownOperationException', 'Only POST is supported.');
        if (body === undefined)
          throw new FirehoseServiceError('SerializationException', 'The request is too large.', 413);
        const target = String(req.headers['x-amz-target'] ?? '');
        const action = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
        // Own properties only: `constructor` or `toString` must not reach Object.prototype's functions.
        const handler = Object.hasOwn(FIREHOSE_ACTIONS, action)
          ? FIREHOSE_ACTIONS[action as keyof typeof FIREHOSE_ACTIONS]
          : undefined;
        if (!handler)
          throw new FirehoseServiceError('UnknownOperationException', `Unknown operation ${JSON.stringify(target)}.`);
        let input: unknown;
        try {
          input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
        } catch {
          throw new FirehoseServiceError('SerializationException', 'The request body is not valid JSON.');
        }
        if (typeof input !== 'object' || input === null || Array.isArray(input)) {
          throw new FirehoseServiceError('SerializationException', 'The request body must be a JSON object.');
        }
        send(200, await handler(context, input as Record<string, unknown>));
      })
      .catch((error: unknown) => {
        if (error instanceof FirehoseServiceError) return fail(error);
        // A delivery stream that stops while the request waits: the client should retry, as with AWS.
        if (StreamkitError.is(error) && error.code === 'SK_UNAVAILABLE') {
          return fail(new FirehoseServiceError('ServiceUnavailableException', error.message));
        }
        fail(new FirehoseServiceError('ServiceUnavailableException', (error as Error).message, 500));
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new StreamkitError('SK_CONFLICT', `Port ${options.port} on ${HOST} is in use; choose another port`, {
              path: 'port',
              cause: error,
            })
          : new StreamkitError('SK_UNAVAILABLE', `The local Firehose API cannot listen: ${error.message}`, {
              cause: error,
            }),
      ),
    );
    server.listen(options.port ?? 0, HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://${HOST}:${port}`,
    port,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.once('end', () => resolve(size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}
