/**
 * Checks construct props against core's `LIMITS` before CloudFormation would, so a bad value fails at synth with the
 * construct path, the allowed range and the value received. Unresolved tokens are left to CloudFormation.
 */

import { describeRange, type RangeLimit, StreamkitError, withinLimit } from '@streamkit/core';
import { Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export function checkRange(scope: IConstruct, field: string, limit: RangeLimit, value: number | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || !withinLimit(limit, value)) {
    throw new StreamkitError(
      'SK_VALIDATION',
      `${scope.node.path}: ${field} must be ${describeRange(limit)} (got ${value})`,
      {
        path: field,
        details: { min: limit.min, max: limit.max, also: limit.also, received: value },
      },
    );
  }
}

export function invalid(scope: IConstruct, field: string, message: string): StreamkitError {
  return new StreamkitError('SK_VALIDATION', `${scope.node.path}: ${field} ${message}`, { path: field });
}
