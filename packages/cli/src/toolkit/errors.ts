/**
 * What the CDK toolkit throws, turned into streamkit's errors: a code the CLI maps to an exit code, and a message
 * that says what to do next (the bootstrap command, the resource that failed and why).
 */
import { ToolkitError } from '@aws-cdk/toolkit-lib';
import { StreamkitError, toStreamkitError } from '@streamkit/core';
import type { ResourceFailure } from './io-host.ts';

export interface ToolkitErrorContext {
  readonly stackName: string;
  /** Failed resource events the IoHost saw, root causes first. */
  readonly failures: readonly ResourceFailure[];
  /** The stack's own last status in the events (ROLLBACK_COMPLETE…), which the toolkit's message leaves out. */
  readonly stackStatus?: string | undefined;
  /** Why the IoHost answered a question no, when the toolkit aborts because of it. */
  readonly declined?: string | undefined;
  /** The --profile given, repeated in the bootstrap command. */
  readonly profile?: string | undefined;
}

export function fromToolkitError(error: unknown, context: ToolkitErrorContext): StreamkitError {
  if (StreamkitError.is(error)) return error;
  // The toolkit wraps what a stack's deployment threw ("<stack> failed: …"), keeping the specific error as cause.
  const bootstrap = findCause(error, ToolkitError.isBootstrapError);
  if (bootstrap) {
    return bootstrapError(
      bootstrap.environment,
      bootstrap.message,
      context.profile,
      bootstrap.name === 'OutdatedBootstrapStack',
    );
  }
  const abort = findCause(error, ToolkitError.isAbortError);
  if (abort) return new StreamkitError('SK_VALIDATION', context.declined ?? abort.message, { cause: error });
  const authentication = findCause(error, ToolkitError.isAuthenticationError);
  if (authentication) {
    return new StreamkitError('SK_UNAVAILABLE', `AWS refused the credentials: ${authentication.message}`, {
      cause: error,
      retriable: false,
    });
  }
  const deployment = findCause(error, ToolkitError.isDeploymentError);
  if (deployment || context.failures.length > 0) {
    return stackFailed(context.stackName, deployment ?? error, context.failures, context.stackStatus);
  }
  const innermost = findCause(error, ToolkitError.isToolkitError, true);
  if (innermost) {
    return new StreamkitError('SK_DEPLOY_FAILED', `stack ${context.stackName}: ${innermost.message}`, { cause: error });
  }
  return toStreamkitError(error);
}

/** The first error in the `cause` chain the guard accepts (the last one with `innermost`). */
function findCause<T>(error: unknown, guard: (e: unknown) => e is T, innermost = false): T | undefined {
  let found: T | undefined;
  for (let e = error, depth = 0; e && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    if (guard(e)) {
      found = e;
      if (!innermost) return found;
    }
  }
  return found;
}

/** `cdk bootstrap` has not been run in the account and region (or is too old for the stack). */
export function bootstrapError(
  environment: { readonly account: string; readonly region: string },
  reason: string,
  profile?: string,
  outdated = false,
): StreamkitError {
  const target = `aws://${environment.account}/${environment.region}`;
  const command = `npx cdk bootstrap ${target}${profile ? ` --profile ${profile}` : ''}`;
  const state = outdated ? 'has a CDK bootstrap stack too old for this stack' : 'is not bootstrapped for the CDK';
  const fix = outdated ? 'update it' : 'bootstrap the environment once';
  return new StreamkitError(
    'SK_UNAVAILABLE',
    `${target} ${state} (${firstLine(reason)}). streamkit stacks upload their Lambda bundles ` +
      `and template to the bootstrap bucket, so ${fix}:\n  ${command}`,
    { cause: reason, retriable: false, details: { environment, command } },
  );
}

/** A deployment CloudFormation rolled back, or a deletion it could not finish: names the resources that failed. */
export function stackFailed(
  stackName: string,
  error: unknown,
  failures: readonly ResourceFailure[],
  stackStatus?: string,
): StreamkitError {
  const message = error instanceof Error ? error.message : String(error);
  const status = stackStatus ?? /\b([A-Z_]*(?:ROLLBACK|FAILED)[A-Z_]*)\b/.exec(message)?.[1];
  const lines = failures.map((f) => `  ${f.logicalId} (${f.resourceType}) ${f.status}: ${f.reason}`);
  const cause = lines.length > 0 ? `\n${lines.join('\n')}` : `: ${firstLine(message)}`;
  const next =
    status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED'
      ? '\nFix the cause and run `streamkit deploy` again: a stack whose creation failed is deleted and created anew.'
      : '';
  return new StreamkitError(
    'SK_DEPLOY_FAILED',
    `stack ${stackName} failed${status ? ` (${status})` : ''}${cause}${next}`,
    {
      cause: error,
      details: { failures, ...(status && { status }) },
    },
  );
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
