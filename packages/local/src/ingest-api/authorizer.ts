/**
 * The three ways a caller of the ingest API authenticates (`ingest.auth` in the spec), answered as API Gateway
 * answers them:
 * - `iam`: AWS Signature Version 4 for `execute-api` (see `sigv4-verifier.ts`);
 * - `apiKey`: the `x-api-key` header must be the configured key, else 403 Forbidden;
 * - `cognito`: the `Authorization` header must be the configured token, else 401 Unauthorized. Locally the token is
 *   a fixed string standing in for a Cognito user pool ID token (no JWT is issued or verified).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { IngestAuth } from '@streamkit/core';
import { type GatewayResponse, gatewayResponses } from './gateway-responses.ts';
import { type ReceivedRequest, type SigV4Credentials, SigV4Verifier } from './sigv4-verifier.ts';

export interface AuthorizerOptions {
  readonly auth: IngestAuth;
  readonly credentials: SigV4Credentials;
  readonly region: string;
  readonly apiKey: string;
  readonly idToken: string;
  readonly now: () => number;
}

/** Resolves to undefined when the caller may proceed, else to the answer that refuses it. */
export type Authorizer = (request: ReceivedRequest) => Promise<GatewayResponse | undefined>;

export function createAuthorizer(options: AuthorizerOptions): Authorizer {
  switch (options.auth) {
    case 'iam': {
      const verifier = new SigV4Verifier(options);
      return (request) => verifier.verify(request);
    }
    case 'apiKey':
      return async (request) =>
        secretEquals(header(request.headers, 'x-api-key'), options.apiKey) ? undefined : gatewayResponses.forbidden();
    case 'cognito':
      return async (request) => {
        const value = header(request.headers, 'authorization')?.trim();
        // Cognito authorizers take the raw ID token; a "Bearer " prefix is accepted as well.
        const token = value?.startsWith('Bearer ') ? value.slice('Bearer '.length).trim() : value;
        return secretEquals(token, options.idToken) ? undefined : gatewayResponses.unauthorized();
      };
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Compares in constant time (of the hashes, so the lengths do not leak either). */
function secretEquals(received: string | undefined, expected: string): boolean {
  if (received === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(received), digest(expected));
}
