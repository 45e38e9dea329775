/**
 * The enrichment endpoint of kinesis-flink-apigw: a REST API whose `POST /fare-estimate` runs streamkit's fare-estimate
 * function (Lambda proxy integration). Callers sign requests with SigV4 (AWS_IAM) and send the API key of the usage
 * plan, which throttles them; API Gateway validates the body against core's model first.
 *
 * The key lives in Secrets Manager and is rotated (`fare-api-key.ts`): it is in neither the template nor the Flink
 * application's properties (the original baked the SHA-256 of an unresolved token — the same key in every account —
 * into both: its bug 6). `grantInvoke` lets a caller sign calls to the route and read the secret.
 */

import { FARE_ESTIMATE_ROUTE, FARE_REQUEST_MODEL, LIMITS } from '@streamkit/core';
import { BUILTIN_HANDLERS } from '@streamkit/functions';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { handlerCode } from '../handler-bundle.ts';
import { accessLogFormat, draft4 } from '../ingest/kinesis-ingest-api.ts';
import { lambdaRuntime } from '../lambda-bundling.ts';
import { DEFAULT_LOG_RETENTION } from '../log-retention.ts';
import { checkRange } from '../validate.ts';
import { FareApiKey } from './fare-api-key.ts';

export interface FareApiProps {
  /**
   * Steady-state request rate of the usage plan, in requests per second.
   * @default 20
   */
  readonly throttlingRateLimit?: number;
  /**
   * Burst capacity of the usage plan, in requests.
   * @default 100
   */
  readonly throttlingBurstLimit?: number;
  /**
   * Name of the deployment stage.
   * @default 'prod'
   */
  readonly stageName?: string;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Days between rotations of the API key.
   * @default 30
   */
  readonly apiKeyRotationDays?: number;
}

export class FareApi extends Construct {
  readonly api: apigateway.RestApi;
  readonly stage: apigateway.Stage;
  /** The account-level role API Gateway writes logs with (kept when the stack is deleted, see KinesisIngestApi). */
  readonly cloudWatchRole: iam.Role;
  readonly method: apigateway.Method;
  readonly function: lambda.Function;
  readonly functionRole: iam.Role;
  /** The key in Secrets Manager, its rotation function and schedule; callers read the secret. */
  readonly apiKey: FareApiKey;
  readonly usagePlan: apigateway.UsagePlan;
  readonly accessLogGroup: logs.LogGroup;
  readonly executionLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: FareApiProps = {}) {
    super(scope, id);
    const F = LIMITS.flink;
    checkRange(this, 'throttlingRateLimit', F.enrichmentRateLimit, props.throttlingRateLimit);
    checkRange(this, 'throttlingBurstLimit', F.enrichmentBurstLimit, props.throttlingBurstLimit);
    const retention = props.logRetention ?? DEFAULT_LOG_RETENTION;
    const stageName = props.stageName ?? 'prod';
    const rateLimit = props.throttlingRateLimit ?? F.enrichmentRateLimit.default;
    const burstLimit = props.throttlingBurstLimit ?? F.enrichmentBurstLimit.default;

    const functionLogs = new logs.LogGroup(this, 'FunctionLogs', { retention, removalPolicy: RemovalPolicy.DESTROY });
    this.functionRole = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Execution role of the fare-estimate function: it writes its own log group, nothing else',
    });
    functionLogs.grantWrite(this.functionRole);
    const entry = BUILTIN_HANDLERS.fareEstimate;
    this.function = new lambda.Function(this, 'Function', {
      ...handlerCode(entry),
      runtime: lambdaRuntime(),
      architecture: lambda.Architecture.ARM_64,
      memorySize: LIMITS.lambda.memorySize.default,
      // One estimate is arithmetic; ten seconds leaves room for a cold start and stays under API Gateway's 29 s.
      timeout: Duration.seconds(10),
      role: this.functionRole,
      logGroup: functionLogs,
      environment: { NODE_OPTIONS: '--enable-source-maps' },
    });

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', { retention, removalPolicy: RemovalPolicy.DESTROY });
    this.api = new apigateway.RestApi(this, 'Resource', {
      restApiName: `${Stack.of(this).stackName}-fare`,
      description: `Estimates taxi fares (POST /${FARE_ESTIMATE_ROUTE}) for the Flink enrichment job`,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: true,
      deployOptions: {
        stageName,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: accessLogFormat(),
      },
    });
    this.stage = this.api.deploymentStage;
    this.cloudWatchRole = this.api.node.findChild('CloudWatchRole') as iam.Role;
    this.api.node.tryRemoveChild('Endpoint');
    this.executionLogGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${stageName}`,
      retention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage.node.addDependency(this.executionLogGroup);

    const validator = new apigateway.RequestValidator(this, 'BodyValidator', {
      restApi: this.api,
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const model = this.api.addModel('FareRequestModel', {
      contentType: 'application/json',
      description: `Body of POST /${FARE_ESTIMATE_ROUTE}: one taxi ride`,
      schema: draft4(FARE_REQUEST_MODEL),
    });
    this.method = this.api.root
      .addResource(FARE_ESTIMATE_ROUTE)
      .addMethod('POST', new apigateway.LambdaIntegration(this.function, { proxy: true, allowTestInvoke: false }), {
        authorizationType: apigateway.AuthorizationType.IAM,
        apiKeyRequired: true,
        requestValidator: validator,
        requestModels: { 'application/json': model },
      });

    this.usagePlan = new apigateway.UsagePlan(this, 'UsagePlan', {
      description: 'Throttles the Flink enrichment job’s calls to the fare API',
      apiStages: [{ api: this.api, stage: this.stage }],
      throttle: { rateLimit, burstLimit },
    });
    this.apiKey = new FareApiKey(this, 'ApiKey', {
      api: this.api,
      stage: this.stage,
      usagePlan: this.usagePlan,
      method: this.method,
      ...(props.apiKeyRotationDays !== undefined && { rotationDays: props.apiKeyRotationDays }),
    });
  }

  /** The invoke URL of the stage, ending in `/`. */
  get url(): string {
    return this.api.url;
  }

  /** Lets `grantee` call `POST /fare-estimate` (SigV4) and read the API key's secret. */
  grantInvoke(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'CallTheFareApi',
        actions: ['execute-api:Invoke'],
        resources: [this.api.arnForExecuteApi('POST', `/${FARE_ESTIMATE_ROUTE}`, this.stage.stageName)],
      }),
    );
    this.apiKey.grantRead(grantee);
  }
}
