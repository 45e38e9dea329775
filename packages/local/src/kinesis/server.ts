/**
 * The local Kinesis engine: the Kinesis service behind one port on 127.0.0.1 that speaks HTTP/1.1 and HTTP/2 in
 * cleartext (h2c with prior knowledge).
 *
 * The AWS SDK v3 KinesisClient sends every request over HTTP/2 by default (`NodeHttp2Handler`, one fresh h2c
 * connection per request), while most other clients speak HTTP/1.1. A plain `net.Server` accepts each connection,
 * looks at its first bytes — the HTTP/2 connection preface `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`, or anything else —
 * and hands the socket, with those bytes put back, to an `http2` or an `http` server. Both feed the same
 * transport-independent protocol handler (`wire.ts`).
 */
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { Readable } from 'node:stream';
import { StreamkitError } from '@streamkit/core';
import { KinesisService, type KinesisServiceOptions } from './service.ts';
import type { KinesisStore } from './store.ts';
import { handleWireRequest, MAX_REQUEST_BYTES, type WireRequest } from './wire.ts';

const HOST = '127.0.0.1';
const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
/** A connection that has not said which protocol it speaks within this time is dropped. */
const PROTOCOL_SNIFF_TIMEOUT_MS = 30_000;

export interface KinesisEngineOptions extends KinesisServiceOptions {
  /**
   * Port to listen on (always on 127.0.0.1).
   * @default 0 - a free port, see `KinesisEngine.port`
   */
  readonly port?: number;
}

export interface KinesisEngine {
  /** `http://127.0.0.1:<port>`: the `endpoint` to give an AWS SDK client. */
  readonly endpoint: string;
  readonly port: number;
  readonly store: KinesisStore;
  /** Runs an action in process, on the same JSON bodies as the wire (see `KinesisService.dispatch`). */
  readonly dispatch: KinesisService['dispatch'];
  /**
   * Stops listening, ends every connection, and resolves once the server is down and (with a `dataDir`) the writes in
   * flight are finished and the files closed.
   */
  close(): Promise<void>;
}

export async function startKinesisEngine(options: KinesisEngineOptions = {}): Promise<KinesisEngine> {
  const service = new KinesisService(options);
  const handle = (request: WireRequest) => handleWireRequest(service, request);

  const http1Server = http.createServer((req, res) => {
    readBody(req)
      .then(async (body) => {
        const response = await handle({
          method: req.method ?? '',
          contentType: req.headers['content-type'],
          target: firstHeader(req.headers['x-amz-target']),
          body,
        });
        const payload = Buffer.from(response.body, 'utf8');
        res.writeHead(response.status, { ...response.headers, 'content-length': payload.length });
        res.end(payload);
      })
      .catch((error: unknown) => res.destroy(error instanceof Error ? error : undefined));
  });

  const http2Server = http2.createServer();
  http2Server.on('stream', (stream, headers) => {
    // A client that resets its stream is no failure of the engine's.
    stream.on('error', () => {});
    readBody(stream)
      .then(async (body) => {
        const response = await handle({
          method: firstHeader(headers[':method']) ?? '',
          contentType: firstHeader(headers['content-type']),
          target: firstHeader(headers['x-amz-target']),
          body,
        });
        if (stream.destroyed || stream.closed) return;
        const payload = Buffer.from(response.body, 'utf8');
        stream.respond({ ...response.headers, ':status': response.status, 'content-length': payload.length });
        stream.end(payload);
      })
      .catch(() => stream.destroy());
  });

  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    routeByProtocol(socket, http1Server, http2Server);
  });

  const listening = new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new StreamkitError('SK_CONFLICT', `Port ${options.port} on ${HOST} is in use; choose another port`, {
              path: 'port',
              cause: error,
            })
          : new StreamkitError('SK_UNAVAILABLE', `The local Kinesis engine cannot listen: ${error.message}`, {
              cause: error,
            }),
      );
    });
    server.listen(options.port ?? 0, HOST, () => resolve());
  });
  await listening.catch(async (error: unknown) => {
    await service.close();
    throw error;
  });
  const { port } = server.address() as net.AddressInfo;

  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://${HOST}:${port}`,
    port,
    store: service.store,
    dispatch: service.dispatch.bind(service) as KinesisService['dispatch'],
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }).then(() => service.close());
      return closed;
    },
  };
}

/**
 * Reads the first bytes of a connection and hands it to the HTTP/2 server if they are the HTTP/2 connection preface,
 * to the HTTP/1.1 server otherwise; the bytes read go back into the socket first.
 */
function routeByProtocol(socket: net.Socket, http1Server: http.Server, http2Server: http2.Http2Server): void {
  let received: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
    const compared = Math.min(received.length, HTTP2_PREFACE.length);
    const isHttp2 = received.subarray(0, compared).equals(HTTP2_PREFACE.subarray(0, compared));
    if (isHttp2 && compared < HTTP2_PREFACE.length) return; // a prefix of the preface: wait for more
    socket.off('data', onData);
    socket.off('error', onError);
    socket.off('timeout', onTimeout);
    socket.setTimeout(0);
    socket.pause();
    socket.unshift(received);
    if (isHttp2) {
      // The HTTP/2 session reads the bytes put back itself.
      http2Server.emit('connection', socket);
    } else {
      http1Server.emit('connection', socket);
      socket.resume();
    }
  };
  const onError = () => socket.destroy();
  const onTimeout = () => socket.destroy();
  socket.on('data', onData);
  socket.on('error', onError);
  socket.on('timeout', onTimeout);
  socket.setTimeout(PROTOCOL_SNIFF_TIMEOUT_MS);
}

/** The whole body, or undefined when it exceeds `MAX_REQUEST_BYTES` (the rest is read and dropped). */
function readBody(stream: Readable): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    });
    stream.once('end', () => resolve(size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks, size)));
    stream.once('error', reject);
  });
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
