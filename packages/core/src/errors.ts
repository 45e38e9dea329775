/**
 * streamkit's one error type. Library code throws it; the CLI maps its code to an exit code and prints
 * `Error <CODE>: <message>`. Retry loops read `retriable`.
 */

export const ERROR_CODES = {
  /** Bad input: a spec, a flag, a request body. Never retriable. */
  SK_VALIDATION: { retriable: false, exitCode: 2 },
  /** A file, stream, preset or resource that does not exist. */
  SK_NOT_FOUND: { retriable: false, exitCode: 3 },
  /** Something exists already or is in the wrong state (a port in use, a stream being deleted). */
  SK_CONFLICT: { retriable: false, exitCode: 4 },
  /** A limit was hit; try again later. */
  SK_THROTTLED: { retriable: true, exitCode: 5 },
  /** A Lambda handler threw, timed out or crashed. */
  SK_HANDLER_FAILED: { retriable: true, exitCode: 6 },
  /** Something did not answer in time. */
  SK_TIMEOUT: { retriable: true, exitCode: 7 },
  /** A dependency is not reachable or not installed (a port, a binary, AWS credentials). */
  SK_UNAVAILABLE: { retriable: true, exitCode: 8 },
  /** CDK synthesis produced findings (cdk-nag) or failed. */
  SK_SYNTH_FAILED: { retriable: false, exitCode: 9 },
  /** A CloudFormation deployment or deletion failed (the stack's events name the resource and the reason). */
  SK_DEPLOY_FAILED: { retriable: false, exitCode: 10 },
  /** A bug in streamkit. Please report it. */
  SK_INTERNAL: { retriable: false, exitCode: 70 },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface StreamkitErrorOptions {
  /** Path of the offending field, e.g. `consumers[0].batchSize`. */
  readonly path?: string;
  /** Overrides the code's default. */
  readonly retriable?: boolean;
  readonly cause?: unknown;
  /** Machine-readable extras (the allowed values, the value received…). */
  readonly details?: Readonly<Record<string, unknown>>;
}

const BRAND = Symbol.for('streamkit.StreamkitError');

export class StreamkitError extends Error {
  /** True for any StreamkitError, even one from another copy of this package. */
  static is(error: unknown): error is StreamkitError {
    return typeof error === 'object' && error !== null && BRAND in error;
  }

  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly path: string | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: StreamkitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StreamkitError';
    this.code = code;
    this.retriable = options.retriable ?? ERROR_CODES[code].retriable;
    this.path = options.path;
    this.details = options.details;
    Object.defineProperty(this, BRAND, { value: true });
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exitCode;
  }
}

/** A validation failure that lists every problem found, so the user can fix them all at once. */
export class SpecValidationError extends StreamkitError {
  readonly problems: readonly SpecProblem[];

  constructor(source: string, problems: readonly SpecProblem[]) {
    const lines = problems.map((p) => `  - ${p.message}`).join('\n');
    const noun = problems.length === 1 ? 'problem' : 'problems';
    super('SK_VALIDATION', `${source} has ${problems.length} ${noun}:\n${lines}`, {
      path: problems[0]?.path,
      details: { problems },
    });
    this.name = 'SpecValidationError';
    this.problems = problems;
  }
}

export interface SpecProblem {
  /** `consumers[0].batchSize`, or `(root)`. */
  readonly path: string;
  /** The whole sentence, path included: `consumers[0].batchSize must be between 1 and 10000 records (got 0)`. */
  readonly message: string;
}

/** Wraps anything thrown into a StreamkitError, keeping StreamkitErrors as they are. */
export function toStreamkitError(error: unknown): StreamkitError {
  if (StreamkitError.is(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StreamkitError('SK_INTERNAL', message, { cause: error });
}
