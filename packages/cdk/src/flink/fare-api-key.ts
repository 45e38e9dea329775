/**
 * The fare API's key, in Secrets Manager and rotated (the original baked one constant key into its template and its
 * Flink properties: its bug 6). The secret holds `{"apiKey": "…"}`; the rotation function
 * (`packages/functions/src/fare-api-key-rotation/`) makes each new value an API Gateway key of the usage plan, tests it
 * against the API, promotes it, and deletes keys older than the previous one — which stays valid until the next
 * rotation, so a job holding it keeps working (and re-reads the secret on a 403). The first rotation runs when the
 * stack creates the schedule, so the first key exists minutes after create.
 *
 * The secret is encrypted with Secrets Manager's AWS managed key (cdk-nag's AwsSolutions pack asks only for rotation,
 * SMG4, which the schedule satisfies). The function's role may manage keys tagged with this usage plan only, add keys
 * to this plan only, and call the one route it tests. `Custom::FareApiKeys` deletes the keys the rotation made when
 * the stack is deleted (they are not CloudFormation's).
 */
import { FARE_ESTIMATE_ROUTE, LIMITS } from '@streamkit/core';
import { BUILTIN_HANDLERS } from '@streamkit/functions';
import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { bundledFunction } from '../lambda-function.ts';
import { checkRange } from '../validate.ts';

/** The tag the rotation puts on its keys (rotation.ts's USAGE_PLAN_TAG). */
const USAGE_PLAN_TAG = 'streamkit:usage-plan';

/**
 * The API Gateway paths the rotation's role holds with a wildcard, each under a tag condition: the keys it creates
 * get ids only at run time (tagging them on create, deleting them when retired).
 */
export const FARE_API_KEY_PATHS = ['/tags/*', '/apikeys/*'] as const;

export interface FareApiKeyProps {
  readonly api: apigateway.RestApi;
  readonly stage: apigateway.Stage;
  readonly usagePlan: apigateway.UsagePlan;
  /** The route the rotation calls to test a new key (it must exist before the first rotation). */
  readonly method: apigateway.Method;
  /**
   * Days between rotations.
   * @default 30
   */
  readonly rotationDays?: number;
}

export class FareApiKey extends Construct {
  /** `{"apiKey": "…"}`; the Flink job reads its current version. */
  readonly secret: secretsmanager.Secret;
  readonly rotation: secretsmanager.RotationSchedule;
  readonly function: lambda.IFunction;
  readonly role: iam.Role;
  /** `Custom::FareApiKeys`: deletes the rotation's keys with the stack. */
  readonly keysResource: CustomResource;

  constructor(scope: Construct, id: string, props: FareApiKeyProps) {
    super(scope, id);
    const F = LIMITS.flink;
    checkRange(this, 'rotationDays', F.enrichmentApiKeyRotation, props.rotationDays);
    const stack = Stack.of(this);
    const usagePlanId = props.usagePlan.usagePlanId;
    const apigatewayArn = (path: string) => `arn:${stack.partition}:apigateway:${stack.region}::${path}`;

    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: 'Key of the fare API the Flink enrichment job sends as x-api-key ({"apiKey": …}); rotated',
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'apiKey',
        excludePunctuation: true,
        passwordLength: 40,
      },
    });

    const rotationFunction = bundledFunction(this, {
      entry: BUILTIN_HANDLERS.fareApiKeyRotation,
      purpose: 'function that rotates the fare API key',
      // testSecret may call the API for half a minute while API Gateway takes the new key in.
      timeout: Duration.minutes(2),
      environment: {
        USAGE_PLAN_ID: usagePlanId,
        FARE_ESTIMATE_URL: `${props.stage.urlForPath('/')}${FARE_ESTIMATE_ROUTE}`,
      },
    });
    this.function = rotationFunction.function;
    this.role = rotationFunction.role;
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'FindTheRotationsKeys',
        actions: ['apigateway:GET'],
        resources: [apigatewayArn('/apikeys')],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CreateKeysTaggedWithThePlan',
        actions: ['apigateway:POST'],
        resources: [apigatewayArn('/apikeys')],
        conditions: { StringEquals: { [`aws:RequestTag/${USAGE_PLAN_TAG}`]: usagePlanId } },
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'TagTheNewKeysWithThePlan',
        actions: ['apigateway:PUT'],
        resources: [apigatewayArn(FARE_API_KEY_PATHS[0])],
        conditions: { StringEquals: { [`aws:RequestTag/${USAGE_PLAN_TAG}`]: usagePlanId } },
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DeleteOnlyKeysOfThePlan',
        actions: ['apigateway:DELETE'],
        resources: [apigatewayArn(FARE_API_KEY_PATHS[1])],
        conditions: { StringEquals: { [`aws:ResourceTag/${USAGE_PLAN_TAG}`]: usagePlanId } },
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AddKeysToThePlan',
        actions: ['apigateway:POST'],
        resources: [apigatewayArn(`/usageplans/${usagePlanId}/keys`)],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'TestTheNewKey',
        actions: ['execute-api:Invoke'],
        resources: [props.api.arnForExecuteApi('POST', `/${FARE_ESTIMATE_ROUTE}`, props.stage.stageName)],
      }),
    );

    this.rotation = this.secret.addRotationSchedule('Rotation', {
      rotationLambda: this.function,
      automaticallyAfter: Duration.days(props.rotationDays ?? F.enrichmentApiKeyRotation.default),
    });
    // The first rotation runs as the schedule is created: it tests the key against the deployed API.
    this.rotation.node.addDependency(props.stage, props.usagePlan, props.method, this.role);

    this.keysResource = new CustomResource(this, 'Keys', {
      serviceToken: this.function.functionArn,
      resourceType: 'Custom::FareApiKeys',
      properties: { UsagePlanId: usagePlanId },
    });
    // Deleted before the usage plan and the function's role; the schedule (and so every key) comes after it.
    this.keysResource.node.addDependency(props.usagePlan, this.role);
    this.rotation.node.addDependency(this.keysResource);
  }

  /** Lets `grantee` read the key: the secret's current version. */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.secret.grantRead(grantee);
  }
}
