/**
 * A pipeline function as every construct makes one: its own log group with a bounded retention, its own role (no
 * AWS managed policy: AWSLambdaBasicExecutionRole allows every log group), and the handler bundled with esbuild
 * (no Docker, cached by source: handler-bundle.ts) on the pinned runtime, Graviton by default, with active tracing.
 */
import { HANDLER_BUNDLING, LIMITS } from '@streamkit/core';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { handlerCode } from './handler-bundle.ts';
import { lambdaRuntime } from './lambda-bundling.ts';
import { DEFAULT_LOG_RETENTION } from './log-retention.ts';
import { checkRange } from './validate.ts';

export interface BundledFunctionProps {
  /** The handler's TypeScript (or JavaScript) entry file. */
  readonly entry: string;
  /** @default 'handler' */
  readonly handler?: string;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default Duration.seconds(60) */
  readonly timeout?: Duration;
  /** @default - only NODE_OPTIONS=--enable-source-maps */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default lambda.Architecture.ARM_64 */
  readonly architecture?: lambda.Architecture;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** What the role is for, in its description. */
  readonly purpose: string;
  /**
   * Places the function in a VPC (its role gets the network interface calls Lambda makes with it).
   * @default - not in a VPC
   */
  readonly vpc?: {
    readonly vpc: ec2.IVpc;
    readonly subnets: ec2.SubnetSelection;
    readonly securityGroups: readonly ec2.ISecurityGroup[];
  };
}

export interface BundledFunction {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
}

/** Adds `LogGroup`, `Role` and `Function` to `scope` (a construct that stands for the function). */
export function bundledFunction(scope: Construct, props: BundledFunctionProps): BundledFunction {
  const L = LIMITS.lambda;
  checkRange(scope, 'memorySize', L.memorySize, props.memorySize);
  checkRange(scope, 'timeout', L.timeout, props.timeout?.toSeconds());
  const logGroup = new logs.LogGroup(scope, 'LogGroup', {
    retention: props.logRetention ?? DEFAULT_LOG_RETENTION,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of the ${scope.node.id} ${props.purpose}`,
  });
  logGroup.grantWrite(role);
  const fn = new lambda.Function(scope, 'Function', {
    ...handlerCode(props.entry, props.handler ?? 'handler'),
    runtime: lambdaRuntime(),
    architecture: props.architecture ?? lambda.Architecture.ARM_64,
    memorySize: props.memorySize ?? L.memorySize.default,
    timeout: props.timeout ?? Duration.seconds(L.timeout.default),
    // Stack traces point into the TypeScript source, not the minified bundle; the spec's own NODE_OPTIONS wins.
    environment: {
      ...(HANDLER_BUNDLING.sourceMap ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
      ...props.environment,
    },
    role,
    logGroup,
    tracing: lambda.Tracing.ACTIVE,
    ...(props.vpc && {
      vpc: props.vpc.vpc,
      vpcSubnets: props.vpc.subnets,
      securityGroups: [...props.vpc.securityGroups],
    }),
  });
  // With a role of its own, CDK adds no AWSLambdaVPCAccessExecutionRole: the calls it would allow, on the role.
  if (props.vpc) role.addToPolicy(vpcNetworkInterfaceStatement('PlaceTheFunctionInTheVpc'));
  return { function: fn, role, logGroup };
}

/**
 * The EC2 calls Lambda makes with a function's role to place it — or an MSK event source mapping's pollers — in a
 * VPC. None supports resource-level permissions (Lambda names the interfaces at run time), hence Resource `*`.
 */
export function vpcNetworkInterfaceStatement(sid: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    actions: [
      'ec2:CreateNetworkInterface',
      'ec2:DeleteNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeSubnets',
      'ec2:DescribeVpcs',
    ],
    resources: ['*'],
  });
}
