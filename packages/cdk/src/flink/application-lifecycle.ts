/**
 * `Custom::FlinkApplicationLifecycle`: starts a Managed Flink application once CloudFormation has created it, and
 * force-stops it (waiting for READY) before CloudFormation deletes it, so a stack whose application runs deletes
 * cleanly. The resource depends on the application and its logging option, so CloudFormation deletes it first.
 *
 * The function is the resource's service token itself (no provider framework, whose functions would need managed
 * policies): its role may only describe, start and stop this one application and write its own log group.
 */
import { BUILTIN_HANDLERS } from '@streamkit/functions';
import { CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { handlerCode } from '../handler-bundle.ts';
import { lambdaRuntime } from '../lambda-bundling.ts';
import { DEFAULT_LOG_RETENTION } from '../log-retention.ts';

export interface ApplicationLifecycleProps {
  /** The application's name (`Ref` of `AWS::KinesisAnalyticsV2::Application`). */
  readonly applicationName: string;
  /**
   * Start the application after create (and after an update that left it stopped).
   * @default true
   */
  readonly start?: boolean;
}

export class ApplicationLifecycle extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: ApplicationLifecycleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: DEFAULT_LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Starts the Flink application after create and stops it before delete',
    });
    logGroup.grantWrite(this.role);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'kinesisanalytics:DescribeApplication',
          'kinesisanalytics:StartApplication',
          'kinesisanalytics:StopApplication',
        ],
        resources: [
          stack.formatArn({
            service: 'kinesisanalytics',
            resource: 'application',
            resourceName: props.applicationName,
          }),
        ],
      }),
    );
    const entry = BUILTIN_HANDLERS.flinkApplicationLifecycle;
    this.function = new lambda.Function(this, 'Function', {
      ...handlerCode(entry),
      runtime: lambdaRuntime(),
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      // Stopping an application takes a few minutes; the handler answers CloudFormation before this runs out.
      timeout: Duration.minutes(15),
      role: this.role,
      logGroup,
    });
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.function.functionArn,
      resourceType: 'Custom::FlinkApplicationLifecycle',
      properties: { ApplicationName: props.applicationName, Start: String(props.start ?? true) },
    });
    // The role's policy must exist before CloudFormation invokes the function, and stay until the resource is gone.
    this.resource.node.addDependency(this.role);
  }
}
