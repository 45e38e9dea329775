/**
 * Errors of the local Kinesis engine. `type` is the exact AWS `__type` (so AWS SDK clients map them to their own
 * exception classes) and the message says what was wrong and what was received.
 */

export type KinesisErrorType =
  | 'AccessDeniedException'
  | 'DryRunOperationException'
  | 'ExpiredIteratorException'
  | 'ExpiredNextTokenException'
  | 'InternalFailure'
  | 'InvalidArgumentException'
  | 'LimitExceededException'
  | 'ProvisionedThroughputExceededException'
  | 'ResourceInUseException'
  | 'ResourceNotFoundException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'ValidationException';

export interface KinesisServiceErrorOptions {
  /**
   * The HTTP status to answer with.
   * @default 400 (500 for InternalFailure), as AWS answers
   */
  readonly statusCode?: number;
  readonly cause?: unknown;
}

export class KinesisServiceError extends Error {
  static is(error: unknown): error is KinesisServiceError {
    return error instanceof KinesisServiceError;
  }

  readonly type: KinesisErrorType;
  /** 400 for client errors (as AWS answers them), 500 for InternalFailure. */
  readonly statusCode: number;

  constructor(type: KinesisErrorType, message: string, options: KinesisServiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = type;
    this.type = type;
    this.statusCode = options.statusCode ?? (type === 'InternalFailure' ? 500 : 400);
  }

  /** The JSON 1.1 error body AWS sends. */
  toJSON(): { __type: KinesisErrorType; message: string } {
    return { __type: this.type, message: this.message };
  }
}
