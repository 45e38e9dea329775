/**
 * The local ingest API: the cloud REST API of the `apigw-kinesis-lambda` preset on 127.0.0.1 — `POST /record`
 * (Kinesis PutRecord) and `POST /records` (PutRecords) — with the same request models, auth modes, stage
 * throttling and answers as API Gateway.
 *
 * Each request goes through the steps API Gateway takes, in its order, and stops at the first that refuses it:
 * route → auth → throttling → content type → body size → JSON → request model → Kinesis limits → Kinesis.
 * Nothing reaches the writer unless the whole request is valid.
 */
import { createHash, randomUUID } from 'node:crypto';
import diagnostics_channel from 'node:diagnostics_channel';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  describeRange,
  INGEST_ROUTES,
  type IngestApiSettings,
  type IngestAuth,
  LIMITS,
  LOCAL_API_KEY,
  LOCAL_CREDENTIALS,
  LOCAL_ID_TOKEN,
  LOCAL_REGION,
  StreamkitError,
  withinLimit,
} from '@streamkit/core';
import { createAuthorizer } from './authorizer.ts';
import { type GatewayResponse, gatewayResponses } from './gateway-responses.ts';
import { parseJsonBody } from './json-body.ts';
import { type KinesisWriter, toWireInput, writerErrorResponse } from './kinesis-writer.ts';
import { type IngestAction, validateIngestBody } from './request-validation.ts';
import type { SigV4Credentials } from './sigv4-verifier.ts';
import { TokenBucket } from './throttle.ts';

/** Diagnostics channel on which every answered request is published as an `IngestRequestMessage`. */
export const INGEST_REQUEST_CHANNEL = 'streamkit:ingest:request';

export interface IngestRequestMessage {
  /** The path requested (`/record`, `/records`, or whatever else was asked for). */
  readonly route: string;
  readonly status: number;
  /** Records in the request body (0 when it was refused before its body was read as JSON). */
  readonly records: number;
  /** Records Kinesis refused in a PutRecords answered 200 (its FailedRecordCount). */
  readonly failedRecords?: number;
  readonly durationMs: number;
  /** The message of any answer other than 200. */
  readonly error?: string;
}

/** How long API Gateway waits for the integration before answering 504 (AWS default for REST APIs: 29 s). */
export const INTEGRATION_TIMEOUT_MS = 29_000;

export interface IngestApiOptions {
  /** Port on 127.0.0.1; 0 picks a free port (see `IngestApi.port`). */
  readonly port: number;
  /** The stream records are written to. */
  readonly streamName: string;
  /** Where valid requests go: the local Kinesis engine's `dispatch`, or anything with the same wire contract. */
  readonly writer: KinesisWriter;
  /** How callers authenticate (`ingest.auth`). */
  readonly auth: IngestAuth;
  /** Stage throttling (`ingest.throttling`). */
  readonly throttling: IngestApiSettings['throttling'];
  /** Set to false to turn throttling off, e.g. for load tests. @default true */
  readonly throttle?: boolean;
  /** Credentials SigV4-signed requests must be signed with (auth `iam`). @default LOCAL_CREDENTIALS */
  readonly credentials?: SigV4Credentials;
  /** Region SigV4-signed requests must be scoped to (auth `iam`). @default LOCAL_REGION */
  readonly region?: string;
  /** The `x-api-key` callers must send (auth `apiKey`). @default LOCAL_API_KEY */
  readonly apiKey?: string;
  /** The `Authorization` token callers must send, standing in for a Cognito ID token (auth `cognito`). @default LOCAL_ID_TOKEN */
  readonly idToken?: string;
  /** How long to wait for the writer before answering 504. @default 29000 (API Gateway's integration timeout) */
  readonly integrationTimeoutMs?: number;
  /** Clock in epoch milliseconds, for throttling and SigV4 date checks. @default Date.now */
  readonly now?: () => number;
}

export interface IngestApi {
  /** `http://127.0.0.1:<port>`; the routes are `${url}/record` and `${url}/records`. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections and resolves once open requests are answered. */
  close(): Promise<void>;
}

const ACTIONS: ReadonlyMap<string, IngestAction> = new Map([
  [INGEST_ROUTES.putRecord, 'PutRecord'],
  [INGEST_ROUTES.putRecords, 'PutRecords'],
]);

const EXAMPLES: Record<IngestAction, string> = {
  PutRecord: '{"data": …, "partitionKey": "…"}',
  PutRecords: '{"records": [{"data": …, "partitionKey": "…"}]}',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function startIngestApi(options: IngestApiOptions): Promise<IngestApi> {
  checkOptions(options);
  const now = options.now ?? Date.now;
  const authorize = createAuthorizer({
    auth: options.auth,
    credentials: options.credentials ?? LOCAL_CREDENTIALS,
    region: options.region ?? LOCAL_REGION,
    apiKey: options.apiKey ?? LOCAL_API_KEY,
    idToken: options.idToken ?? LOCAL_ID_TOKEN,
    now,
  });
  const bucket =
    options.throttle === false
      ? undefined
      : new TokenBucket({ rateLimit: options.throttling.rateLimit, burstLimit: options.throttling.burstLimit, now });
  const payloadMaxBytes = LIMITS.apiGateway.payloadMaxBytes.value;
  const integrationTimeoutMs = options.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_MS;
  const channel = diagnostics_channel.channel(INGEST_REQUEST_CHANNEL);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const target = req.url ?? '/';
    const queryStart = target.indexOf('?');
    const path = queryStart < 0 ? target : target.slice(0, queryStart);
    let records = 0;
    let failedRecords: number | undefined;

    const answer = (response: GatewayResponse) => {
      send(res, response);
      if (channel.hasSubscribers) {
        const message: IngestRequestMessage = {
          route: path,
          status: response.status,
          records,
          ...(failedRecords === undefined ? {} : { failedRecords }),
          durationMs: performance.now() - started,
          ...(response.status === 200 ? {} : { error: String(response.body.message) }),
        };
        channel.publish(message);
      }
    };

    const action = ACTIONS.get(path);
    if (action === undefined || req.method !== 'POST') {
      await drain(req);
      return answer(action === undefined ? gatewayResponses.notFound() : gatewayResponses.methodNotAllowed());
    }

    const body = await readBody(req, payloadMaxBytes);

    const denied = await authorize({
      method: req.method,
      path,
      query: parseQuery(queryStart < 0 ? '' : target.slice(queryStart + 1)),
      headers: req.headers,
      bodySha256: body.sha256,
    });
    if (denied) return answer(denied);

    if (bucket && !bucket.tryTake()) return answer(gatewayResponses.tooManyRequests());

    if (!isJsonContentType(req.headers['content-type'])) return answer(gatewayResponses.unsupportedMediaType());

    if (body.bytes === undefined) return answer(gatewayResponses.requestTooLong(body.size, payloadMaxBytes));

    let text: string;
    try {
      text = utf8.decode(body.bytes);
    } catch {
      return answer(gatewayResponses.badRequestBody('The request body is not valid UTF-8 text'));
    }
    if (text.trim() === '') {
      return answer(gatewayResponses.badRequestBody(`The request body is empty; expected ${EXAMPLES[action]}`));
    }
    const parsed = parseJsonBody(text);
    if (!parsed.ok) return answer(gatewayResponses.badRequestBody(parsed.message));

    const valid = validateIngestBody(action, parsed.value);
    if (!valid.ok) {
      records = valid.records;
      return answer(gatewayResponses.badRequestBody(valid.message));
    }
    records = valid.records.length;

    let output: object;
    try {
      output = await withTimeout(
        options.writer.dispatch(action, toWireInput(action, options.streamName, valid.records)),
        integrationTimeoutMs,
      );
    } catch (error) {
      return answer(error === TIMED_OUT ? gatewayResponses.endpointRequestTimedOut() : writerErrorResponse(error));
    }
    const failed = (output as { FailedRecordCount?: unknown }).FailedRecordCount;
    if (typeof failed === 'number') failedRecords = failed;
    return answer({ status: 200, body: output as Record<string, unknown> });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, gatewayResponses.internalServerError());
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new StreamkitError('SK_CONFLICT', `Port ${options.port} on 127.0.0.1 is already in use`, {
              path: 'port',
              cause: error,
            })
          : new StreamkitError(
              'SK_UNAVAILABLE',
              `The ingest API could not listen on 127.0.0.1:${options.port}: ${error.message}`,
              {
                cause: error,
              },
            ),
      );
    };
    server.once('error', onError);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests still open after a grace period are cut off, so close() always ends.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      return closing;
    },
  };
}

function send(res: ServerResponse, response: GatewayResponse): void {
  const payload = JSON.stringify(response.body);
  res.writeHead(response.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': randomUUID(),
    ...(response.errorType === undefined ? {} : { 'x-amzn-errortype': response.errorType }),
    ...response.headers,
  });
  res.end(payload);
}

interface ReceivedBody {
  /** The body, or undefined when it is over the limit (it is still read to the end, and hashed). */
  readonly bytes: Buffer | undefined;
  readonly size: number;
  /** Lowercase hex SHA-256 of the whole body, for SigV4. */
  readonly sha256: string;
}

async function readBody(req: IncomingMessage, limit: number): Promise<ReceivedBody> {
  const hash = createHash('sha256');
  let chunks: Buffer[] | undefined = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    hash.update(chunk);
    if (size > limit) chunks = undefined;
    else chunks?.push(chunk);
  }
  return { bytes: chunks && Buffer.concat(chunks, size), size, sha256: hash.digest('hex') };
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req) {
    // discard
  }
}

function parseQuery(query: string): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(query)) {
    const existing = result[key];
    if (existing === undefined) result[key] = value;
    else result[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return result;
}

/** `application/json`, optionally with parameters such as a charset. API Gateway treats a missing header as JSON. */
function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return true;
  return value.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

const TIMED_OUT = Symbol('timed out');

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function checkOptions(options: IngestApiOptions): void {
  const fail = (path: string, message: string): never => {
    throw new StreamkitError('SK_VALIDATION', `${path} ${message}`, { path });
  };
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535) {
    fail('port', `must be a whole number between 0 and 65535 (got ${String(options.port)})`);
  }
  if (typeof options.streamName !== 'string' || options.streamName === '') {
    fail('streamName', `must be a stream name (got ${JSON.stringify(options.streamName)})`);
  }
  if (typeof options.writer?.dispatch !== 'function') fail('writer', 'must have a dispatch(action, input) method');
  const auths: readonly string[] = LIMITS.apiGateway.auth.values;
  if (!auths.includes(options.auth)) {
    fail('auth', `must be one of ${auths.join(', ')} (got ${JSON.stringify(options.auth)})`);
  }
  const { rateLimit, burstLimit } = options.throttling ?? {};
  const throttling = [
    ['throttling.rateLimit', rateLimit, LIMITS.apiGateway.throttlingRateLimit],
    ['throttling.burstLimit', burstLimit, LIMITS.apiGateway.throttlingBurstLimit],
  ] as const;
  for (const [path, value, limit] of throttling) {
    if (typeof value !== 'number' || !withinLimit(limit, value)) {
      fail(path, `must be ${describeRange(limit)} (got ${String(value)})`);
    }
  }
  if (options.integrationTimeoutMs !== undefined && !(options.integrationTimeoutMs > 0)) {
    fail(
      'integrationTimeoutMs',
      `must be a positive number of milliseconds (got ${String(options.integrationTimeoutMs)})`,
    );
  }
}
