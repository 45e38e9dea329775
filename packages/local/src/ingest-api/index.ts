export { type Authorizer, type AuthorizerOptions, createAuthorizer } from './authorizer.ts';
export { type GatewayResponse, gatewayResponses } from './gateway-responses.ts';
export { type JsonParseResult, type JsonSyntaxError, locateJsonError, parseJsonBody } from './json-body.ts';
export {
  type KinesisWriter,
  type PutRecordsWireInput,
  type PutRecordWireInput,
  toWireInput,
  writerErrorResponse,
} from './kinesis-writer.ts';
export {
  type IngestAction,
  MAX_REPORTED_PROBLEMS,
  type ValidationResult,
  type ValidRecord,
  validateIngestBody,
} from './request-validation.ts';
export {
  INGEST_REQUEST_CHANNEL,
  INTEGRATION_TIMEOUT_MS,
  type IngestApi,
  type IngestApiOptions,
  type IngestRequestMessage,
  startIngestApi,
} from './server.ts';
export {
  EXECUTE_API_SERVICE,
  MAX_CLOCK_SKEW_MS,
  type ReceivedRequest,
  type SigV4Credentials,
  SigV4Verifier,
  type SigV4VerifierOptions,
} from './sigv4-verifier.ts';
export { TokenBucket, type TokenBucketOptions } from './throttle.ts';
