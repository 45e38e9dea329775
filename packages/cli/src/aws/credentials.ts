/**
 * AWS credentials for the commands that talk to an AWS account (`deploy`, `diff`, `destroy`).
 *
 * They are resolved once, up front, through the SDK's default chain — the chain the CDK toolkit uses too — so that a
 * machine without credentials gets one clear error before anything is synthesized or called.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { StreamkitError } from '@streamkit/core';

export interface CredentialsOptions {
  /** A named profile of ~/.aws/config and ~/.aws/credentials. @default - AWS_PROFILE, else `default` */
  readonly profile?: string | undefined;
}

/** The sources of the SDK's default chain, in the order it tries them. */
export function credentialChain(profile: string | undefined): readonly string[] {
  const name = profile ?? process.env.AWS_PROFILE ?? 'default';
  return [
    'environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    `profile "${name}" in ~/.aws/credentials and ~/.aws/config (static keys, SSO, assumed role, credential_process)`,
    'a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN)',
    'the ECS container and EC2 instance metadata services',
  ];
}

/**
 * Resolves credentials through the default chain or throws `SK_UNAVAILABLE` naming every source tried and how to
 * give one. Returns the access key id (never the secret) for messages.
 */
export async function requireCredentials(options: CredentialsOptions = {}): Promise<{ accessKeyId: string }> {
  try {
    const credentials = await defaultProvider(options.profile ? { profile: options.profile } : {})();
    return { accessKeyId: credentials.accessKeyId };
  } catch (error) {
    const tried = credentialChain(options.profile)
      .map((source) => `  - ${source}`)
      .join('\n');
    const reason = error instanceof Error ? error.message : String(error);
    throw new StreamkitError(
      'SK_UNAVAILABLE',
      `no AWS credentials found (${reason}). Tried, in order:\n${tried}\n` +
        'Fix: run `aws configure` (or `aws configure sso`), or export AWS_PROFILE=<profile>, or pass --profile <profile>.',
      { cause: error, retriable: false, details: { tried: credentialChain(options.profile) } },
    );
  }
}
