/**
 * Errors of the local Kinesis engine. `type` is the exact AWS `__type` (so AWS SDK clients map them to their own
 * exception classes) and the message says what was wrong and what was received.
 */

export type KinesisErrorType =
  | 'AccessDeniedException'
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

export class KinesisServiceError extends Error {
  static is(error: unknown): error is KinesisServiceError {
    return error instanceof KinesisServiceError;
  }

  readonly type: KinesisErrorType;
  /** 400 for client errors (as AWS answers them), 500 for InternalFailure. */
  readonly statusCode: number;

  constructor(type: KinesisErrorType, message: string) {
    super(message);
    this.name = type;
    this.type = type;
    this.statusCode = type === 'InternalFailure' ? 500 : 400;
  }

  /** The JSON 1.1 error body AWS sends. */
  toJSON(): { __type: KinesisErrorType; message: string } {
    return { __type: this.type, message: this.message };
  }
}
