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
  /** Why the IoHost answered a question no, when the toolkit aborts because of it. */
  readonly declined?: string | undefined;
  /** The --profile given, repeated in the bootstrap command. */
  readonly profile?: string | undefined;
}

export function fromToolkitError(error: unknown, context: ToolkitErrorContext): StreamkitError {
  if (StreamkitError.is(error)) return error;
  if (ToolkitError.isBootstrapError(error)) return bootstrapError(error.environment, error.message, context.profile);
  if (ToolkitError.isAbortError(error)) {
    return new StreamkitError('SK_VALIDATION', context.declined ?? error.message, { cause: error });
  }
  if (ToolkitError.isAuthenticationError(error)) {
    return new StreamkitError('SK_UNAVAILABLE', `AWS refused the credentials: ${error.message}`, {
      cause: error,
      retriable: false,
    });
  }
  if (ToolkitError.isDeploymentError(error) || context.failures.length > 0) {
    return stackFailed(context.stackName, error, context.failures);
  }
  if (ToolkitError.isToolkitError(error)) {
    return new StreamkitError('SK_DEPLOY_FAILED', `stack ${context.stackName}: ${error.message}`, { cause: error });
  }
  return toStreamkitError(error);
}

/** `cdk bootstrap` has not been run in the account and region (or is too old for the stack). */
export function bootstrapError(
  environment: { readonly account: string; readonly region: string },
  reason: string,
  profile?: string,
): StreamkitError {
  const target = `aws://${environment.account}/${environment.region}`;
  const command = `npx cdk bootstrap ${target}${profile ? ` --profile ${profile}` : ''}`;
  return new StreamkitError(
    'SK_UNAVAILABLE',
    `${target} is not bootstrapped for the CDK (${firstLine(reason)}). streamkit stacks upload their Lambda bundles ` +
      `and template to the bootstrap bucket, so bootstrap the environment once:\n  ${command}`,
    { cause: reason, retriable: false, details: { environment, command } },
  );
}

/** A deployment CloudFormation rolled back, or a deletion it could not finish: names the resources that failed. */
export function stackFailed(stackName: string, error: unknown, failures: readonly ResourceFailure[]): StreamkitError {
  const message = error instanceof Error ? error.message : String(error);
  const status = /\b([A-Z_]*(?:ROLLBACK|FAILED)[A-Z_]*)\b/.exec(message)?.[1];
  const lines = failures.map((f) => `  ${f.logicalId} (${f.resourceType}) ${f.status}: ${f.reason}`);
  const cause = lines.length > 0 ? `\n${lines.join('\n')}` : `: ${firstLine(message)}`;
  const next =
    status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED'
      ? '\nFix the cause and run `streamkit deploy` again: a stack whose creation failed is deleted and created anew.'
      : '';
  return new StreamkitError('SK_DEPLOY_FAILED', `stack ${stackName} failed${status ? ` (${status})` : ''}${cause}${next}`, {
    cause: error,
    details: { failures, ...(status && { status }) },
  });
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
