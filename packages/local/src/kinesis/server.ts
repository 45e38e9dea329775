/**
 * The local Kinesis engine: the Kinesis service behind one port on 127.0.0.1 that speaks HTTP/1.1 and HTTP/2, in
 * cleartext (h2c with prior knowledge) and over TLS (HTTP/2 or HTTP/1.1 chosen by ALPN).
 *
 * The AWS SDK v3 KinesisClient sends every request over HTTP/2 by default (`NodeHttp2Handler`, one fresh h2c
 * connection per request), most other clients speak HTTP/1.1, and some (the KPL's native daemon) only HTTPS. A plain
 * `net.Server` accepts each connection and looks at its first bytes: a TLS handshake record (0x16) goes to a
 * `tls.Server` (certificate: `tls.ts`), whose decrypted connections then go on by ALPN; the HTTP/2 connection preface
 * `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n` to an `http2` server; anything else to an `http` server — each time with the
 * bytes read put back first. Every path feeds the same transport-independent protocol handler (`wire.ts`).
 */
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { Readable } from 'node:stream';
import tls from 'node:tls';
import { StreamkitError } from '@streamkit/core';
import { sendEventStream } from './event-stream.ts';
import { KinesisService, type KinesisServiceOptions } from './service.ts';
import type { KinesisStore } from './store.ts';
import { certificateDirectory, type EngineCertificate, loadOrCreateCertificate } from './tls.ts';
import { handleWireRequest, MAX_REQUEST_BYTES, type WireRequest } from './wire.ts';

const HOST = '127.0.0.1';
const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
/** The first byte of every TLS connection: a handshake record (the ClientHello). */
const TLS_HANDSHAKE_RECORD = 0x16;
/** A connection that has not said which protocol it speaks within this time is dropped. */
const PROTOCOL_SNIFF_TIMEOUT_MS = 30_000;

export interface KinesisEngineOptions extends KinesisServiceOptions {
  /**
   * Port to listen on (always on 127.0.0.1).
   * @default 0 - a free port, see `KinesisEngine.port`
   */
  readonly port?: number;
  /**
   * Whether the port also answers HTTPS (HTTP/2 and HTTP/1.1 by ALPN), with a self-signed certificate for
   * `localhost` and `127.0.0.1` made on first start and kept (see `tls.ts`).
   * @default true
   */
  readonly tls?: boolean;
  /**
   * Where the engine keeps its files: the HTTPS certificate goes to `<dataDir>/tls/`.
   * @default - the certificate is kept in the user's cache directory (`~/.cache/streamkit/kinesis-tls` on Linux)
   */
  readonly dataDir?: string;
}

export interface KinesisEngine {
  /** `http://127.0.0.1:<port>`: the `endpoint` to give an AWS SDK client. */
  readonly endpoint: string;
  /** `https://127.0.0.1:<port>` (the same port), or undefined when `tls` is false. */
  readonly httpsEndpoint: string | undefined;
  readonly port: number;
  /** The HTTPS certificate and where it is kept, or undefined when `tls` is false. */
  readonly certificate: EngineCertificate | undefined;
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
  const certificate =
    options.tls === false ? undefined : await loadOrCreateCertificate(certificateDirectory(options.dataDir));
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
          transport: { httpVersion: '1.1', tls: req.socket instanceof tls.TLSSocket },
        });
        if (response.eventStream) {
          res.writeHead(response.status, response.headers);
          return sendEventStream(res, response.eventStream);
        }
        res.writeHead(response.status, { ...response.headers, 'content-length': response.body.length });
        res.end(response.body);
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
          transport: { httpVersion: '2', tls: stream.session?.encrypted === true },
        });
        if (stream.destroyed || stream.closed) return response.eventStream?.return?.();
        if (response.eventStream) {
          stream.respond({ ...response.headers, ':status': response.status });
          return sendEventStream(stream, response.eventStream);
        }
        stream.respond({ ...response.headers, ':status': response.status, 'content-length': response.body.length });
        stream.end(response.body);
      })
      .catch(() => stream.destroy());
  });

  const tlsServer =
    certificate &&
    tls.createServer({ key: certificate.key, cert: certificate.certificate, ALPNProtocols: ['h2', 'http/1.1'] });
  // The decrypted connection goes to the same servers as cleartext ones, chosen by the protocol agreed by ALPN — or,
  // when the client asked for none (the AWS SDK for Java's Netty client assumes HTTP/2), by its first bytes.
  tlsServer?.on('secureConnection', (socket: tls.TLSSocket) => {
    if (socket.alpnProtocol === 'h2') http2Server.emit('connection', socket);
    else if (socket.alpnProtocol === 'http/1.1') http1Server.emit('connection', socket);
    else routeByProtocol(socket, { http1Server, http2Server, tlsServer: undefined });
  });
  // A client that refuses the certificate or speaks broken TLS only loses its own connection.
  tlsServer?.on('tlsClientError', (_error, socket) => socket.destroy());

  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    routeByProtocol(socket, { http1Server, http2Server, tlsServer });
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
    httpsEndpoint: certificate && `https://${HOST}:${port}`,
    port,
    certificate,
    store: service.store,
    dispatch: service.dispatch.bind(service) as KinesisService['dispatch'],
    close() {
      closed ??= new Promise<void>((resolve) => {
        service.close();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }).then(() => service.close());
      return closed;
    },
  };
}

interface ProtocolServers {
  readonly http1Server: http.Server;
  readonly http2Server: http2.Http2Server;
  /** Undefined when the engine does not speak HTTPS: a TLS handshake then goes to the HTTP/1.1 server (a 400). */
  readonly tlsServer: tls.Server | undefined;
}

/**
 * Reads the first bytes of a connection and hands it to the TLS server if they start a TLS handshake, to the HTTP/2
 * server if they are the HTTP/2 connection preface, to the HTTP/1.1 server otherwise; the bytes read go back into the
 * socket first.
 */
function routeByProtocol(socket: net.Socket, { http1Server, http2Server, tlsServer }: ProtocolServers): void {
  let received: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
    if (tlsServer && received[0] === TLS_HANDSHAKE_RECORD) {
      handOver();
      socket.on('error', () => socket.destroy());
      // The TLS socket reads the bytes put back itself.
      tlsServer.emit('connection', socket);
      return;
    }
    const compared = Math.min(received.length, HTTP2_PREFACE.length);
    const isHttp2 = received.subarray(0, compared).equals(HTTP2_PREFACE.subarray(0, compared));
    if (isHttp2 && compared < HTTP2_PREFACE.length) return; // a prefix of the preface: wait for more
    handOver();
    if (isHttp2) {
      // Node's HTTP/2 server answers 403 "Missing ALPN Protocol" to a TLS socket that negotiated none; this one has
      // just shown it speaks HTTP/2 with prior knowledge, which is as good as having negotiated it.
      if (socket instanceof tls.TLSSocket) socket.alpnProtocol = 'h2';
      // The HTTP/2 session reads the bytes put back itself.
      http2Server.emit('connection', socket);
    } else {
      http1Server.emit('connection', socket);
      socket.resume();
    }
  };
  const handOver = () => {
    socket.off('data', onData);
    socket.off('error', onError);
    socket.off('timeout', onTimeout);
    socket.setTimeout(0);
    socket.pause();
    socket.unshift(received);
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
