/**
 * A client of the ingest API — the local one (`streamkit dev`) or the cloud REST API of the same pipeline: point
 * `url` at either (for the cloud, the stage URL) with the matching auth. IAM requests are signed with AWS Signature
 * Version 4 for `execute-api` by @smithy/signature-v4, the signer of the AWS SDKs.
 *
 * Retries, with exponential backoff and jitter: throttling (429), server errors (5xx), timeouts, unreachable
 * endpoints, Kinesis throughput errors, and — for PutRecords — the records Kinesis refused (FailedRecordCount).
 * Bad requests are never retried: they surface as `StreamkitError('SK_VALIDATION', <the API's message>)`.
 * Delivery is at least once: a retried request may store a record twice.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { INGEST_ROUTES, StreamkitError } from '@streamkit/core';
import { type Clock, systemClock } from './clock.ts';
import type { IngestRecord } from './ingest-record.ts';
import {
  type PutRecordsEntry,
  type PutRecordsOutput,
  putRecordsWithRetries,
  RETRIABLE_KINESIS_ERRORS,
  type WireEntry,
} from './put-records-retries.ts';

export type { PutRecordsEntry, PutRecordsOutput };

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export type IngestClientAuth =
  | {
      readonly type: 'iam';
      /** Credentials, or a provider of them (any AWS SDK credential provider fits). */
      readonly credentials: AwsCredentials | (() => Promise<AwsCredentials>);
      /** The API's region (the credential scope). */
      readonly region: string;
    }
  | { readonly type: 'apiKey'; readonly apiKey: string }
  | { readonly type: 'cognito' /** A Cognito user pool ID token (locally: LOCAL_ID_TOKEN). */; readonly token: string };

/** streamkit defaults of the client's retries and timeouts. */
export const INGEST_CLIENT_DEFAULTS = {
  maxAttempts: 8,
  baseDelayMs: 100,
  maxDelayMs: 5000,
  requestTimeoutMs: 30_000,
} as const;

export interface IngestClientOptions {
  /** Base URL of the API: the local ingest API's `url`, or the stage URL of the cloud API (`https://…/prod`). */
  readonly url: string;
  readonly auth: IngestClientAuth;
  /** Attempts per call, the first included. @default 8 */
  readonly maxAttempts?: number;
  /** Backoff before the first retry; it doubles on each retry, with jitter. @default 100 */
  readonly baseDelayMs?: number;
  /** Longest backoff. @default 5000 */
  readonly maxDelayMs?: number;
  /** How long one HTTP request may take. @default 30000 */
  readonly requestTimeoutMs?: number;
  /** @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
  /** Clock for backoff sleeps and signing dates. @default systemClock */
  readonly clock?: Clock;
  /** Source of jitter, in [0, 1). @default Math.random */
  readonly random?: () => number;
}

export interface CallOptions {
  /** Cancels the call, including its backoff waits. */
  readonly signal?: AbortSignal;
}

export interface PutRecordOutput {
  readonly sequenceNumber: string;
  readonly shardId: string;
  /** Requests it took, the first included. */
  readonly attempts: number;
}

export class IngestClient {
  private readonly baseUrl: string;
  private readonly auth: IngestClientAuth;
  private readonly signer: SignatureV4 | undefined;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly requestTimeoutMs: number;
  private readonly fetch: typeof globalThis.fetch;
  private readonly clock: Clock;
  private readonly random: () => number;

  constructor(options: IngestClientOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new StreamkitError('SK_VALIDATION', `url must be an http(s) URL (got ${JSON.stringify(options.url)})`, {
        path: 'url',
      });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new StreamkitError('SK_VALIDATION', `url must be an http(s) URL (got ${JSON.stringify(options.url)})`, {
        path: 'url',
      });
    }
    this.baseUrl = url.href.endsWith('/') ? url.href : `${url.href}/`;
    this.auth = options.auth;
    this.signer =
      options.auth.type === 'iam'
        ? new SignatureV4({
            service: 'execute-api',
            region: options.auth.region,
            credentials: options.auth.credentials,
            sha256: Sha256,
          })
        : undefined;
    this.maxAttempts = positiveInteger('maxAttempts', options.maxAttempts ?? INGEST_CLIENT_DEFAULTS.maxAttempts);
    this.baseDelayMs = options.baseDelayMs ?? INGEST_CLIENT_DEFAULTS.baseDelayMs;
    this.maxDelayMs = options.maxDelayMs ?? INGEST_CLIENT_DEFAULTS.maxDelayMs;
    this.requestTimeoutMs = options.requestTimeoutMs ?? INGEST_CLIENT_DEFAULTS.requestTimeoutMs;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  /** Writes one record (Kinesis PutRecord), retrying throttling and server errors. */
  async putRecord(record: IngestRecord, options: CallOptions = {}): Promise<PutRecordOutput> {
    for (let attempt = 1; ; attempt++) {
      try {
        const output = (await this.send(INGEST_ROUTES.putRecord, record, options.signal)) as {
          SequenceNumber?: unknown;
          ShardId?: unknown;
        };
        if (typeof output.SequenceNumber !== 'string' || typeof output.ShardId !== 'string') {
          throw protocolError(INGEST_ROUTES.putRecord, 'without SequenceNumber and ShardId');
        }
        return { sequenceNumber: output.SequenceNumber, shardId: output.ShardId, attempts: attempt };
      } catch (error) {
        if (!(StreamkitError.is(error) && error.retriable) || attempt >= this.maxAttempts) throw error;
        await this.backoff(attempt, options.signal);
      }
    }
  }

  /**
   * Writes up to 500 records (Kinesis PutRecords). Records Kinesis refuses are sent again, alone, until every record
   * is acknowledged or the attempts run out; the output says which records still failed.
   */
  async putRecords(records: readonly IngestRecord[], options: CallOptions = {}): Promise<PutRecordsOutput> {
    return putRecordsWithRetries(records, (batch, signal) => this.sendBatch(batch, signal), {
      maxAttempts: this.maxAttempts,
      backoff: (attempt, signal) => this.backoff(attempt, signal),
      ...(options.signal && { signal: options.signal }),
    });
  }

  private async sendBatch(records: readonly IngestRecord[], signal?: AbortSignal): Promise<readonly WireEntry[]> {
    const output = (await this.send(INGEST_ROUTES.putRecords, { records }, signal)) as { Records?: unknown };
    if (!Array.isArray(output.Records) || output.Records.length !== records.length) {
      throw protocolError(
        INGEST_ROUTES.putRecords,
        `without one entry in Records for each of the ${records.length} records`,
      );
    }
    return output.Records as WireEntry[];
  }

  /** One HTTP request; throws a StreamkitError whose `retriable` says whether to try again. */
  private async send(route: string, payload: unknown, signal: AbortSignal | undefined): Promise<unknown> {
    const url = new URL(route.replace(/^\//, ''), this.baseUrl);
    const body = JSON.stringify(payload);
    const headers = await this.headers(url, body);
    const timeout = AbortSignal.timeout(this.requestTimeoutMs);
    let response: Response;
    try {
      response = await this.fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) {
        throw new StreamkitError(
          'SK_TIMEOUT',
          `The ingest API at ${url} did not answer within ${this.requestTimeoutMs} ms`,
          {
            cause: error,
            details: { url: url.href },
          },
        );
      }
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      throw new StreamkitError('SK_UNAVAILABLE', `Could not reach the ingest API at ${url}: ${cause}`, {
        cause: error,
        details: { url: url.href },
      });
    }
    const text = await response.text();
    const json = parseJson(text);
    if (response.ok) {
      if (typeof json !== 'object' || json === null)
        throw protocolError(route, 'with a body that is not a JSON object');
      return json;
    }
    throw errorFor(response.status, json, text, url);
  }

  private async headers(url: URL, body: string): Promise<Record<string, string>> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    switch (this.auth.type) {
      case 'apiKey':
        return { ...headers, 'x-api-key': this.auth.apiKey };
      case 'cognito':
        return { ...headers, authorization: this.auth.token };
      case 'iam': {
        const request = new HttpRequest({
          method: 'POST',
          protocol: url.protocol,
          hostname: url.hostname,
          ...(url.port ? { port: Number(url.port) } : {}),
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: { ...headers, host: url.host },
          body,
        });
        const signed = await this.signer!.sign(request, { signingDate: new Date(this.clock.now()) });
        // fetch sends the same Host itself (it may not be set by hand).
        const { host: _host, ...rest } = signed.headers;
        return rest;
      }
    }
  }

  /** Waits before attempt `attempt + 1`: exponential, capped, with equal jitter (half fixed, half random). */
  private async backoff(attempt: number, signal: AbortSignal | undefined): Promise<void> {
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    await this.clock.sleep(ceiling / 2 + this.random() * (ceiling / 2), signal);
    if (signal?.aborted) throw signal.reason;
  }
}

/** The StreamkitError for an answer other than 2xx. */
function errorFor(status: number, json: unknown, text: string, url: URL): StreamkitError {
  const body = (typeof json === 'object' && json !== null ? json : {}) as { message?: unknown; type?: unknown };
  const message = typeof body.message === 'string' ? body.message : text.trim() || `HTTP ${status}`;
  const type = typeof body.type === 'string' ? body.type : undefined;
  const details = { status, url: url.href, ...(type === undefined ? {} : { type }) };
  const where = `The ingest API at ${url}`;
  if (status === 429)
    return new StreamkitError('SK_THROTTLED', `${where} throttled the request (429): ${message}`, { details });
  if (status === 504) return new StreamkitError('SK_TIMEOUT', `${where} timed out (504): ${message}`, { details });
  if (status >= 500)
    return new StreamkitError('SK_UNAVAILABLE', `${where} failed (${status}): ${message}`, { details });
  if (type !== undefined && RETRIABLE_KINESIS_ERRORS.has(type)) {
    return new StreamkitError('SK_THROTTLED', `Kinesis refused the request (${type}): ${message}`, { details });
  }
  if (type === 'ResourceNotFoundException') return new StreamkitError('SK_NOT_FOUND', message, { details });
  if (status === 404 || status === 405) {
    return new StreamkitError('SK_NOT_FOUND', `${where} has no such route (${status}): ${message}`, { details });
  }
  if (status === 401 || status === 403) {
    return new StreamkitError('SK_VALIDATION', `${where} refused the credentials (${status}): ${message}`, { details });
  }
  return new StreamkitError('SK_VALIDATION', message, { details });
}

function protocolError(route: string, what: string): StreamkitError {
  return new StreamkitError('SK_INTERNAL', `The ingest API answered ${route} ${what}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function positiveInteger(path: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new StreamkitError('SK_VALIDATION', `${path} must be a whole number of 1 or more (got ${value})`, { path });
  }
  return value;
}
