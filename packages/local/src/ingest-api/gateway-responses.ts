/**
 * The answers of the local ingest API that do not come from Kinesis, worded as API Gateway words its gateway
 * responses (status, `{"message": …}` body and the `x-amzn-ErrorType` header) wherever API Gateway's wording is known.
 */

export interface GatewayResponse {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  /** The `x-amzn-ErrorType` header API Gateway sends with this response, when there is one. */
  readonly errorType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

function respond(status: number, message: string, errorType?: string): GatewayResponse {
  return errorType === undefined ? { status, body: { message } } : { status, body: { message }, errorType };
}

export const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export const gatewayResponses = {
  notFound: () => respond(404, 'Not Found'),
  methodNotAllowed: () => ({ ...respond(405, 'Method Not Allowed'), headers: { allow: 'POST' } }),
  /** IAM auth without an Authorization header (API Gateway's MISSING_AUTHENTICATION_TOKEN). */
  missingAuthenticationToken: () => respond(403, 'Missing Authentication Token', 'MissingAuthenticationTokenException'),
  incompleteSignature: (message: string) => respond(403, message, 'IncompleteSignatureException'),
  /** An access key id the API does not know (API Gateway's UNRECOGNIZED_CLIENT / INVALID_SIGNATURE family). */
  invalidSecurityToken: () =>
    respond(403, 'The security token included in the request is invalid.', 'UnrecognizedClientException'),
  invalidSignature: (message: string) => respond(403, message, 'InvalidSignatureException'),
  /** API key auth: a missing or wrong `x-api-key` (API Gateway's INVALID_API_KEY). */
  forbidden: () => respond(403, 'Forbidden', 'ForbiddenException'),
  /** Cognito auth: a missing or wrong token (API Gateway's UNAUTHORIZED). */
  unauthorized: () => respond(401, 'Unauthorized', 'UnauthorizedException'),
  /** Stage throttling (API Gateway's THROTTLED). */
  tooManyRequests: () => respond(429, 'Too Many Requests', 'TooManyRequestsException'),
  /** A content type no request model is defined for, with passthrough NEVER (API Gateway's UNSUPPORTED_MEDIA_TYPE). */
  unsupportedMediaType: () => respond(415, 'Unsupported Media Type'),
  /** A body over API Gateway's payload limit (API Gateway's REQUEST_TOO_LARGE, with the sizes added). */
  requestTooLong: (bytes: number, limit: number) =>
    respond(413, `Request Too Long: the body is ${bytes} bytes, over the limit of ${limit} bytes`),
  /** The body failed parsing or the request model (API Gateway's BAD_REQUEST_BODY, with the problems spelled out). */
  badRequestBody: (message: string) => respond(400, message, 'BadRequestException'),
  /** A Kinesis client error, as the cloud stack's integration response maps it. */
  kinesisClientError: (message: string, type: string) => ({ status: 400, body: { message, type } }),
  /** A Kinesis server error or anything unexpected, as the cloud stack's integration response maps it. */
  internalServerError: () => respond(500, 'Internal server error', 'InternalServerErrorException'),
  /** The writer did not answer within the integration timeout (API Gateway's INTEGRATION_TIMEOUT). */
  endpointRequestTimedOut: () => respond(504, 'Endpoint request timed out'),
} as const;
