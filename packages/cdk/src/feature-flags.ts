/**
 * The CDK feature flags every streamkit app synthesizes with: the ones aws-cdk-lib recommends for new projects (what
 * `cdk init` writes). `synthesize()` passes them to its App, and the repository's `cdk.json` lists the same values;
 * a test keeps the two equal, so upgrading aws-cdk-lib changes flags only on purpose.
 */
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';

export const FEATURE_FLAGS: Readonly<Record<string, unknown>> = { ...CURRENTLY_RECOMMENDED_FLAGS };

/**
 * Whether an App runs aws-cdk-lib's built-in CloudFormation validation (a schema check of the template): only when
 * `CDK_VALIDATION=true`. Its engine takes over 3 s to start in every process — most of a synthesis of every preset —
 * and cfn-lint makes the same kind of check, stricter, over every preset's template in the test suite (decision 0018).
 */
export function builtinCloudFormationValidation(
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  return env.CDK_VALIDATION === 'true';
}
