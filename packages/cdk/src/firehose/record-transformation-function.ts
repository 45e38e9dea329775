/**
 * The Lambda function a delivery stream invokes to transform records: the user's handler bundled with esbuild (as
 * the stream consumers are), its own log group and a role that may only write to it (and X-Ray). Firehose invokes it
 * with the delivery stream's role; nothing else may.
 */
import { HANDLER_BUNDLING, LIMITS } from '@streamkit/core';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { findLockFile, lambdaRuntime } from '../lambda-bundling.ts';
import { DEFAULT_LOG_RETENTION } from '../log-retention.ts';
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
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RecordTransformationFunctionProps) {
    super(scope, id);
    const L = LIMITS.lambda;
    checkRange(this, 'memorySize', L.memorySize, props.memorySize);
    checkRange(this, 'timeout', L.timeout, props.timeout?.toSeconds());
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? DEFAULT_LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${id} record transformation`,
    });
    this.logGroup.grantWrite(this.role);
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: props.handler ?? 'handler',
      runtime: lambdaRuntime(),
      architecture: props.architecture ?? lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? L.memorySize.default,
      timeout: props.timeout ?? Duration.seconds(L.timeout.default),
      environment: {
        ...(HANDLER_BUNDLING.sourceMap ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        ...props.environment,
      },
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      depsLockFilePath: findLockFile(props.entry),
      bundling: {
        format: HANDLER_BUNDLING.format === 'cjs' ? nodejs.OutputFormat.CJS : nodejs.OutputFormat.ESM,
        target: HANDLER_BUNDLING.target,
        minify: HANDLER_BUNDLING.minify,
        sourceMap: HANDLER_BUNDLING.sourceMap,
        externalModules: [...HANDLER_BUNDLING.externalModules],
        forceDockerBundling: false,
        logLevel: nodejs.LogLevel.WARNING,
      },
    });
  }

  get functionName(): string {
    return this.function.functionName;
  }
}
