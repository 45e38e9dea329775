/**
 * The Lambda function a delivery stream invokes to transform records: the user's handler bundled with esbuild (as
 * the stream consumers are), its own log group and a role that may only write to it (and X-Ray). Firehose invokes it
 * with the delivery stream's role; nothing else may.
 */
import { LIMITS } from '@streamkit/core';
import type { Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bundledFunction } from '../lambda-function.ts';
import { checkRange } from '../validate.ts';

export interface RecordTransformationFunctionProps {
  /** The handler's TypeScript (or JavaScript) entry file. */
  readonly entry: string;
  /**
   * Name of the exported handler function in `entry`.
   * @default 'handler'
   */
  readonly handler?: string;
  /**
   * Function memory in MB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Function timeout.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * Environment variables of the function.
   * @default - only NODE_OPTIONS=--enable-source-maps
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Instruction set the function runs on.
   * @default lambda.Architecture.ARM_64
   */
  readonly architecture?: lambda.Architecture;
  /**
   * Retention of the function's log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

export class RecordTransformationFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RecordTransformationFunctionProps) {
    super(scope, id);
    const L = LIMITS.lambda;
    checkRange(this, 'memorySize', L.memorySize, props.memorySize);
    checkRange(this, 'timeout', L.timeout, props.timeout?.toSeconds());
    ({
      function: this.function,
      role: this.role,
      logGroup: this.logGroup,
    } = bundledFunction(this, {
      entry: props.entry,
      handler: props.handler,
      memorySize: props.memorySize,
      timeout: props.timeout,
      environment: props.environment,
      architecture: props.architecture,
      logRetention: props.logRetention,
      purpose: 'record transformation',
    }));
  }

  get functionName(): string {
    return this.function.functionName;
  }
}
