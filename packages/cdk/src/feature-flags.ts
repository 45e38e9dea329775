/**
 * The CDK feature flags every streamkit app synthesizes with: the ones aws-cdk-lib recommends for new projects (what
 * `cdk init` writes). `synthesize()` passes them to its App, and the repository's `cdk.json` lists the same values;
 * a test keeps the two equal, so upgrading aws-cdk-lib changes flags only on purpose.
 */
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';

export const FEATURE_FLAGS: Readonly<Record<string, unknown>> = { ...CURRENTLY_RECOMMENDED_FLAGS };
