/**
 * A REST API whose routes are Lambda proxy integrations, on 127.0.0.1: each request becomes an API Gateway proxy
 * event for a local function (the same handler bundle the cloud deploys), and the function's answer becomes the
 * HTTP response — as API Gateway does for the fare API of kinesis-flink-apigw. With an API key, requests without the
 * key in `x-api-key` get 403 `Forbidden` (the usage plan's key check); an unknown route gets API Gateway's 403
 * `Missing Authentication Token`; a handler that throws or answers nonsense gets 502 `Internal server error`.
 */
import { randomUUID } from 'node:crypto';
import { channel } from 'node:diagnostics_channel';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOCAL_ACCOUNT } from '@streamkit/core';
import type { LocalFunction } from '../lambda/local-function.ts';

export interface LambdaProxyRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** The resource path under the stage, e.g. `/fare-estimate`. */
  readonly path: string;
  readonly function: LocalFunction;
}

export interface LambdaProxyApiOptions {
  readonly routes: readonly LambdaProxyRoute[];
  /** @default 'prod' */
  readonly stage?: string;
  /** The key requests must carry in `x-api-key`. @default - no key required */
  readonly apiKey?: string;
  /** @default 0 - a free port */
  readonly port?: number;
  /** The API's name, as the cloud stack names the REST API (`ApiName` of its metrics). @default 'local' */
  readonly apiName?: string;
}

/** Diagnostics channel on which every answered request is published as a `ProxyApiRequestMessage`. */
export const PROXY_API_REQUEST_CHANNEL = 'streamkit:api:request';

export interface ProxyApiRequestMessage {
  readonly apiName: string;
  readonly stage: string;
  readonly status: number;
  readonly durationMs: number;
}

const requestChannel = channel(PROXY_API_REQUEST_CHANNEL);

export interface LambdaProxyApi {
  /** `http://127.0.0.1:<port>/<stage>/`: what the cloud calls the stage URL. */
  readonly url: string;
  close(): Promise<void>;
}

const API_ID = 'local';

export async function startLambdaProxyApi(options: LambdaProxyApiOptions): Promise<LambdaProxyApi> {
  const stage = options.stage ?? 'prod';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    const started = performance.now();
    req.on('end', () => {
      handle(req, Buffer.concat(chunks))
        .catch(() => answer(502, 'Internal server error'))
        .then(({ status, headers, body }) => {
          res.writeHead(status, headers).end(body);
          if (requestChannel.hasSubscribers) {
            const durationMs = performance.now() - started;
            requestChannel.publish({ apiName: options.apiName ?? API_ID, stage, status, durationMs });
          }
        });
    });
  });

  async function handle(req: http.IncomingMessage, body: Buffer): Promise<Answer> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const prefix = `/${stage}`;
    const resourcePath = url.pathname.startsWith(`${prefix}/`) ? url.pathname.slice(prefix.length) : undefined;
    const route = options.routes.find((r) => r.method === req.method && r.path === resourcePath);
    if (!route || resourcePath === undefined) return answer(403, 'Missing Authentication Token');
    if (options.apiKey !== undefined && req.headers['x-api-key'] !== options.apiKey) return answer(403, 'Forbidden');
    const result = await route.function.invoke(proxyEvent(req, url, resourcePath, stage, body));
    return proxyAnswer(result.error ? undefined : result.payload);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/${stage}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

function message(text: string): string {
  return JSON.stringify({ message: text });
}

function answer(status: number, text: string): Answer {
  return { status, headers: JSON_HEADERS, body: message(text) };
}

/** The REST API (v1) Lambda proxy event for a request. */
function proxyEvent(req: http.IncomingMessage, url: URL, resourcePath: string, stage: string, body: Buffer) {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    const value = req.rawHeaders[i + 1] ?? '';
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    multiQuery[name] = [...(multiQuery[name] ?? []), value];
  }
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource: resourcePath,
    path: resourcePath,
    httpMethod: req.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: API_ID,
      stage,
      requestId: randomUUID(),
      httpMethod: req.method,
      path: `/${stage}${resourcePath}`,
      resourcePath,
      protocol: `HTTP/${req.httpVersion}`,
      requestTimeEpoch: Date.now(),
      identity: {
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: req.headers['user-agent'] ?? null,
        apiKey: req.headers['x-api-key'] ?? null,
      },
    },
    body: body.length === 0 ? null : body.toString('utf8'),
    isBase64Encoded: false,
  };
}

/** A proxy integration's answer, or 502 when the function failed or returned something else. */
function proxyAnswer(payload: unknown): Answer {
  const result = payload as
    | { statusCode?: unknown; headers?: Record<string, unknown>; body?: unknown; isBase64Encoded?: unknown }
    | undefined;
  if (!result || typeof result.statusCode !== 'number') return answer(502, 'Internal server error');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  const text = typeof result.body === 'string' ? result.body : '';
  return {
    status: result.statusCode,
    headers,
    body: result.isBase64Encoded === true ? Buffer.from(text, 'base64') : text,
  };
}
