import { LIMITS } from '@streamkit/core';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** How long the pipeline's log groups keep their events: `LIMITS.logs.retentionDays` (CloudWatch's enum is in days). */
export const DEFAULT_LOG_RETENTION = LIMITS.logs.retentionDays.value as RetentionDays;
