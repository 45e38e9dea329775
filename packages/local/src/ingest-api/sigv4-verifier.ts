/**
 * Verifies AWS Signature Version 4 on requests to the local ingest API the way API Gateway does for IAM-authorized
 * methods (service `execute-api`): the signature is recomputed with @smithy/signature-v4 — the signer every AWS SDK
 * uses — from the request as received and the configured credentials, and compared in constant time.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import {
  ALGORITHM_IDENTIFIER,
  getCanonicalHeaders,
  getPayloadHash,
  prepareRequest,
  SignatureV4,
} from '@smithy/signature-v4';
import { type GatewayResponse, gatewayResponses, SIGNATURE_MISMATCH } from './gateway-responses.ts';

export const EXECUTE_API_SERVICE = 'execute-api';

/** How far a request's X-Amz-Date may be from the server's clock (AWS: 5 minutes either way). */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface SigV4Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SigV4VerifierOptions {
  readonly credentials: SigV4Credentials;
  /** The region requests must be scoped to. */
  readonly region: string;
  /** The server's clock in epoch milliseconds. */
  readonly now: () => number;
}

/** A request as received, with its body already hashed. */
export interface ReceivedRequest {
  readonly method: string;
  /** The path exactly as received (still percent-encoded), without the query string. */
  readonly path: string;
  readonly query: Readonly<Record<string, string | string[]>>;
  readonly headers: IncomingHttpHeaders;
  /** Lowercase hex SHA-256 of the body. */
  readonly bodySha256: string;
}

const CONTENT_SHA256 = 'x-amz-content-sha256';
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** A SignatureV4 that can also show the canonical request and string to sign, as AWS does when a signature differs. */
class ExecuteApiSigner extends SignatureV4 {
  async explain(
    request: HttpRequest,
    signingDate: Date,
    scope: string,
    signableHeaders: Set<string>,
    unsignableHeaders: Set<string>,
  ): Promise<{ canonicalRequest: string; stringToSign: string }> {
    const prepared = prepareRequest(request);
    const { longDate } = this.formatDate(signingDate);
    prepared.headers['x-amz-date'] = longDate;
    const canonicalHeaders = getCanonicalHeaders(prepared, unsignableHeaders, signableHeaders);
    const canonicalRequest = this.createCanonicalRequest(
      prepared,
      canonicalHeaders,
      await getPayloadHash(prepared, Sha256),
    );
    const stringToSign = await this.createStringToSign(longDate, scope, canonicalRequest, ALGORITHM_IDENTIFIER);
    return { canonicalRequest, stringToSign };
  }
}

export class SigV4Verifier {
  private readonly signer: ExecuteApiSigner;
  private readonly options: SigV4VerifierOptions;

  constructor(options: SigV4VerifierOptions) {
    this.options = options;
    this.signer = new ExecuteApiSigner({
      service: EXECUTE_API_SERVICE,
      region: options.region,
      credentials: options.credentials,
      sha256: Sha256,
      // The body hash is given (ReceivedRequest.bodySha256); never add a header the client did not send.
      applyChecksum: false,
    });
  }

  /** Undefined when the request is signed correctly, else the answer API Gateway gives. */
  async verify(request: ReceivedRequest): Promise<GatewayResponse | undefined> {
    const authorization = header(request.headers, 'authorization');
    if (authorization === undefined || authorization.trim() === '')
      return gatewayResponses.missingAuthenticationToken();

    const parsed = parseAuthorization(authorization);
    if ('problem' in parsed) return gatewayResponses.incompleteSignature(parsed.problem);

    const amzDate = header(request.headers, 'x-amz-date');
    if (amzDate === undefined) {
      const hint =
        header(request.headers, 'date') === undefined
          ? ''
          : ' (the local ingest API needs X-Amz-Date; Date alone is not supported)';
      return gatewayResponses.incompleteSignature(
        `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.${hint}`,
      );
    }
    const signedAt = parseAmzDate(amzDate);
    if (signedAt === undefined) {
      return gatewayResponses.incompleteSignature(
        `X-Amz-Date must be in the ISO 8601 basic format YYYYMMDD'T'HHMMSS'Z' (got ${JSON.stringify(amzDate)})`,
      );
    }

    const { accessKeyId, date, region, service, terminator } = parsed.credential;
    if (accessKeyId !== this.options.credentials.accessKeyId) return gatewayResponses.invalidSecurityToken();
    if (date !== amzDate.slice(0, 8)) {
      return gatewayResponses.invalidSignature(
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
      );
    }
    if (region !== this.options.region) {
      return gatewayResponses.invalidSignature(
        `Credential should be scoped to a valid region, not '${region}'. This API is in '${this.options.region}'.`,
      );
    }
    if (service !== EXECUTE_API_SERVICE) {
      return gatewayResponses.invalidSignature(
        `Credential should be scoped to correct service: '${EXECUTE_API_SERVICE}' (got '${service}').`,
      );
    }
    if (terminator !== 'aws4_request') {
      return gatewayResponses.invalidSignature(
        `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`,
      );
    }

    const now = this.options.now();
    if (signedAt.getTime() < now - MAX_CLOCK_SKEW_MS) {
      return gatewayResponses.invalidSignature(
        `Signature expired: ${amzDate} is now earlier than ${basicIso(now - MAX_CLOCK_SKEW_MS)} (${basicIso(now)} - 5 min.)`,
      );
    }
    if (signedAt.getTime() > now + MAX_CLOCK_SKEW_MS) {
      return gatewayResponses.invalidSignature(
        `Signature not yet current: ${amzDate} is still later than ${basicIso(now + MAX_CLOCK_SKEW_MS)} (${basicIso(now)} + 5 min.)`,
      );
    }

    if (!parsed.signedHeaders.includes('host')) {
      return gatewayResponses.incompleteSignature(
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
      );
    }

    const claimedHash = header(request.headers, CONTENT_SHA256);
    if (claimedHash !== undefined && claimedHash.toLowerCase() !== request.bodySha256) {
      return gatewayResponses.invalidSignature(
        `${SIGNATURE_MISMATCH} The ${CONTENT_SHA256} header (${claimedHash}) is not the SHA-256 of the body received (${request.bodySha256}).`,
      );
    }

    // Rebuild the request from exactly the headers the client signed; the body's hash is passed as a header so the
    // signer need not hash the body again, and marked unsignable unless the client signed it.
    const signableHeaders = new Set(parsed.signedHeaders);
    const unsignableHeaders = new Set<string>();
    const headers: Record<string, string> = {};
    for (const name of parsed.signedHeaders) {
      const value = header(request.headers, name);
      if (value !== undefined) headers[name] = value;
    }
    headers[CONTENT_SHA256] = request.bodySha256;
    if (!signableHeaders.has(CONTENT_SHA256)) unsignableHeaders.add(CONTENT_SHA256);
    const httpRequest = new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      path: request.path,
      query: { ...request.query },
      headers,
    });

    const signed = await this.signer.sign(httpRequest, {
      signingDate: signedAt,
      signingRegion: region,
      signingService: EXECUTE_API_SERVICE,
      signableHeaders,
      unsignableHeaders,
    });
    const expected = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization ?? ''))?.[1] ?? '';
    if (constantTimeEqual(expected, parsed.signature)) return undefined;

    const scope = `${date}/${region}/${service}/${terminator}`;
    const { canonicalRequest, stringToSign } = await this.signer.explain(
      httpRequest,
      signedAt,
      scope,
      signableHeaders,
      unsignableHeaders,
    );
    return gatewayResponses.invalidSignature(
      `${SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n'${canonicalRequest}'\n\n` +
        `The String-to-Sign should have been\n'${stringToSign}'\n`,
    );
  }
}

interface ParsedAuthorization {
  readonly credential: {
    readonly accessKeyId: string;
    readonly date: string;
    readonly region: string;
    readonly service: string;
    readonly terminator: string;
  };
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** Parses `AWS4-HMAC-SHA256 Credential=…/…/…/…/aws4_request, SignedHeaders=a;b, Signature=hex`. */
export function parseAuthorization(value: string): ParsedAuthorization | { problem: string } {
  const match = /^(\S+)\s*(.*)$/s.exec(value.trim());
  const algorithm = match?.[1] ?? '';
  const rest = match?.[2] ?? '';
  const params = new Map<string, string>();
  for (const part of rest.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((name) => !params.get(name));
  if (algorithm !== ALGORITHM_IDENTIFIER || missing.length > 0) {
    const requirements = missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' ');
    const algorithmProblem =
      algorithm === ALGORITHM_IDENTIFIER
        ? ''
        : `Authorization header must use the ${ALGORITHM_IDENTIFIER} algorithm (AWS Signature Version 4), not '${algorithm}'. `;
    return { problem: `${algorithmProblem}${requirements}`.trim() };
  }
  const credentialText = params.get('Credential')!;
  const parts = credentialText.split('/');
  if (parts.length !== 5 || parts.some((p) => p === '')) {
    return {
      problem: `Credential must have the form <access key id>/<YYYYMMDD>/<region>/${EXECUTE_API_SERVICE}/aws4_request (got '${credentialText}').`,
    };
  }
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  return {
    credential: { accessKeyId, date, region, service, terminator },
    signedHeaders: params
      .get('SignedHeaders')!
      .split(';')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== ''),
    signature: params.get('Signature')!.toLowerCase(),
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(',') : value;
}

function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Reject dates that do not exist (20240230T…), which Date.UTC would roll over.
  return basicIso(date.getTime()) === value ? date : undefined;
}

function basicIso(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    // Compare anyway so the time taken does not depend on where the strings differ.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
