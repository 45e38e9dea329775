/** Errors of the local Firehose API, with the exact `__type` names AWS answers with. */

export type FirehoseErrorType =
  | 'InvalidArgumentException'
  | 'ResourceNotFoundException'
  | 'ServiceUnavailableException'
  | 'ValidationException'
  | 'SerializationException'
  | 'UnknownOperationException';

export class FirehoseServiceError extends Error {
  readonly type: FirehoseErrorType;
  readonly status: number;

  constructor(type: FirehoseErrorType, message: string, status = type === 'ServiceUnavailableException' ? 503 : 400) {
    super(message);
    this.name = type;
    this.type = type;
    this.status = status;
  }
}

/** AWS's wording for a field that breaks a constraint. */
export function validationError(field: string, constraint: string, value?: string): FirehoseServiceError {
  const shown = value === undefined ? '' : ` '${value}'`;
  return new FirehoseServiceError(
    'ValidationException',
    `1 validation error detected: Value${shown} at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}
