import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { INGEST_ROUTES, LIMITS, PUT_RECORD_MODEL, PUT_RECORDS_MODEL } from '@streamkit/core';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { KinesisIngestApi, type KinesisIngestApiProps } from '../src/ingest/kinesis-ingest-api.ts';
import { bareStack } from './support/stacks.ts';

interface Built {
  readonly template: Template;
  readonly api: KinesisIngestApi;
  /** Logical ids of the stack's resources, by what they are. */
  readonly ids: { readonly stream: string; readonly api: string; readonly key?: string };
}

function build(props: Omit<KinesisIngestApiProps, 'stream'> = {}, encryption?: kinesis.StreamEncryption): Built {
  const stack = bareStack('IngestStack');
  const stream = new kinesis.Stream(stack, 'Stream', { encryption });
  const api = new KinesisIngestApi(stack, 'IngestApi', { ...props, stream });
  return {
    template: Template.fromStack(stack),
    api,
    ids: {
      stream: stack.getLogicalId(stream.node.defaultChild as kinesis.CfnStream),
      api: stack.getLogicalId(api.api.node.defaultChild as never),
      key: stream.encryptionKey ? stack.getLogicalId(stream.encryptionKey.node.defaultChild as never) : undefined,
    },
  };
}

function integrationOf(template: Template, path: string): Record<string, unknown> {
  const resources = template.findResources('AWS::ApiGateway::Resource', { Properties: { PathPart: path } });
  const resourceId = Object.keys(resources)[0];
  assert.ok(resourceId, `no resource ${path}`);
  const methods = template.findResources('AWS::ApiGateway::Method', {
    Properties: { ResourceId: { Ref: resourceId } },
  });
  const method = Object.values(methods)[0] as { Properties: { Integration: Record<string, unknown> } } | undefined;
  assert.ok(method, `no method on ${path}`);
  return method.Properties.Integration;
}

/** Every statement of every policy of the role API Gateway assumes; fails if the role has managed policies. */
function integrationRoleStatements(template: Template): unknown[] {
  const roles = template.findResources('AWS::IAM::Role', {
    Properties: {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })],
      },
    },
  });
  const integrationRoles = Object.entries(roles).filter(
    ([, r]) => !Object.hasOwn((r as { Properties: object }).Properties, 'ManagedPolicyArns'),
  );
  assert.equal(integrationRoles.length, 1, 'expected one API Gateway role without managed policies');
  const roleId = integrationRoles[0]![0];
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap(
    (p) => (p as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument.Statement,
  );
}

describe('KinesisIngestApi with the default settings (IAM auth)', () => {
  let built: Built;
  before(() => {
    built = build();
  });

  test('POST /record calls Kinesis PutRecord and POST /records calls PutRecords, as AWS integrations', () => {
    for (const [route, action] of [
      [INGEST_ROUTES.putRecord, 'PutRecord'],
      [INGEST_ROUTES.putRecords, 'PutRecords'],
    ] as const) {
      const integration = integrationOf(built.template, route.slice(1));
      assert.equal(integration.Type, 'AWS');
      assert.equal(integration.IntegrationHttpMethod, 'POST');
      assert.match(JSON.stringify(integration.Uri), new RegExp(`:kinesis:action/${action}"`));
    }
  });

  test('both methods require IAM (SigV4) authorization', () => {
    built.template.resourcePropertiesCountIs(
      'AWS::ApiGateway::Method',
      { HttpMethod: 'POST', AuthorizationType: 'AWS_IAM' },
      2,
    );
    built.template.resourceCountIs('AWS::Cognito::UserPool', 0);
    built.template.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
  });

  test('requests are never passed through: only application/json has a mapping template, so others get 415', () => {
    for (const route of Object.values(INGEST_ROUTES)) {
      const integration = integrationOf(built.template, route.slice(1));
      assert.equal(integration.PassthroughBehavior, 'NEVER');
      assert.deepEqual(Object.keys(integration.RequestTemplates as object), ['application/json']);
      assert.deepEqual(integration.RequestParameters, {
        'integration.request.header.Content-Type': "'application/x-amz-json-1.1'",
      });
    }
  });

  test('the mapping templates write to this stream', () => {
    for (const route of Object.values(INGEST_ROUTES)) {
      const integration = integrationOf(built.template, route.slice(1));
      const template = JSON.stringify((integration.RequestTemplates as Record<string, unknown>)['application/json']);
      assert.ok(template.includes(`{"Ref":"${built.ids.stream}"}`), template);
    }
  });

  test('Kinesis answers map to 200 (passed through), 4xx to 400 and 5xx to 500', () => {
    for (const route of Object.values(INGEST_ROUTES)) {
      const responses = integrationOf(built.template, route.slice(1)).IntegrationResponses as Record<string, unknown>[];
      assert.deepEqual(
        responses.map((r) => [r.StatusCode, r.SelectionPattern]),
        [
          ['200', undefined],
          ['400', '4\\d{2}'],
          ['500', '5\\d{2}'],
        ],
      );
      assert.deepEqual(responses[0]!.ResponseTemplates, { 'application/json': '$input.body' });
      assert.deepEqual(responses[2]!.ResponseTemplates, {
        'application/json': '{"message": "Internal server error"}',
      });
    }
    built.template.resourcePropertiesCountIs(
      'AWS::ApiGateway::Method',
      { MethodResponses: [{ StatusCode: '200' }, { StatusCode: '400' }, { StatusCode: '500' }] },
      2,
    );
  });

  test('request bodies are validated against core’s models, written as draft-04 JSON Schema', () => {
    for (const model of [PUT_RECORD_MODEL, PUT_RECORDS_MODEL]) {
      built.template.hasResourceProperties('AWS::ApiGateway::Model', {
        ContentType: 'application/json',
        Schema: Match.objectEquals({ $schema: 'http://json-schema.org/draft-04/schema#', ...model }),
      });
    }
    built.template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    const validatorId = Object.keys(built.template.findResources('AWS::ApiGateway::RequestValidator'))[0]!;
    for (const modelId of Object.keys(built.template.findResources('AWS::ApiGateway::Model'))) {
      built.template.hasResourceProperties('AWS::ApiGateway::Method', {
        RequestValidatorId: { Ref: validatorId },
        RequestModels: { 'application/json': { Ref: modelId } },
      });
    }
  });

  test('a body that fails validation gets a 400 that says why', () => {
    built.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'BAD_REQUEST_BODY',
      StatusCode: '400',
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('validationErrorString') },
    });
  });

  test('the integration role may only PutRecord and PutRecords, and only on this stream', () => {
    assert.deepEqual(integrationRoleStatements(built.template), [
      {
        Action: ['kinesis:PutRecord', 'kinesis:PutRecords'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [built.ids.stream, 'Arn'] },
      },
    ]);
  });

  test('the stage throttles at the default 100 requests/s with a burst of 50 and logs errors, not payloads', () => {
    built.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: false,
      MethodSettings: [
        {
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: LIMITS.apiGateway.throttlingRateLimit.default,
          ThrottlingBurstLimit: LIMITS.apiGateway.throttlingBurstLimit.default,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
        },
      ],
    });
  });

  test('access logs are JSON lines in a log group that expires after a month', () => {
    const logGroups = built.template.findResources('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: Match.absent() },
    });
    const accessLogId = Object.keys(logGroups)[0]!;
    built.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    const stage = Object.values(built.template.findResources('AWS::ApiGateway::Stage'))[0] as {
      Properties: { AccessLogSetting: { DestinationArn: unknown; Format: string } };
    };
    // The ARN of that log group, without the `:*` suffix (feature flag logGroupDestinationArnWithoutWildcard).
    const destination = JSON.stringify(stage.Properties.AccessLogSetting.DestinationArn);
    assert.ok(destination.includes(`":log-group:",{"Ref":"${accessLogId}"}`), destination);
    const format = JSON.parse(stage.Properties.AccessLogSetting.Format) as Record<string, string>;
    assert.equal(format.requestId, '$context.requestId');
    assert.equal(format.status, '$context.status');
    assert.equal(format.integrationStatus, '$context.integration.status');
  });

  test('execution logs go to a log group created before the stage, so it has a retention too', () => {
    const groups = built.template.findResources('AWS::Logs::LogGroup', {
      Properties: {
        LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: built.ids.api }, '/prod']] },
        RetentionInDays: 30,
      },
    });
    const groupId = Object.keys(groups)[0];
    assert.ok(groupId, 'no execution log group');
    built.template.hasResource('AWS::ApiGateway::Stage', { DependsOn: Match.arrayWith([groupId]) });
  });

  test('API Gateway gets its account-level CloudWatch role, kept when the stack is deleted', () => {
    built.template.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain' });
    built.template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs'],
          ],
        },
      ],
    });
  });

  test('the API is regional, named after the stack, and leaves the URL output to the pipeline stack', () => {
    built.template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Name: 'IngestStack-ingest',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    assert.deepEqual(Object.keys(built.template.findOutputs('*')), []);
  });
});

describe('KinesisIngestApi settings', () => {
  test('throttling limits and X-Ray tracing reach the stage', () => {
    build({ throttlingRateLimit: 250, throttlingBurstLimit: 75, tracingEnabled: true }).template.hasResourceProperties(
      'AWS::ApiGateway::Stage',
      {
        TracingEnabled: true,
        MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 250, ThrottlingBurstLimit: 75 })],
      },
    );
  });

  test('a rate limit above the account quota is rejected with the allowed range', () => {
    assert.throws(() => build({ throttlingRateLimit: 20_000 }), {
      code: 'SK_VALIDATION',
      message: /throttlingRateLimit must be between 1 and 10000 requests\/s \(got 20000\)/,
    });
  });

  test('with a customer managed stream key, the integration role may also generate data keys with it', () => {
    const built = build({}, kinesis.StreamEncryption.KMS);
    assert.deepEqual(integrationRoleStatements(built.template), [
      {
        Action: ['kinesis:PutRecord', 'kinesis:PutRecords'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [built.ids.stream, 'Arn'] },
      },
      { Action: 'kms:GenerateDataKey', Effect: 'Allow', Resource: { 'Fn::GetAtt': [built.ids.key, 'Arn'] } },
    ]);
  });

  test('cognito auth creates an admin-only user pool with a strong password policy and no paid threat protection', () => {
    const { template, api } = build({ auth: 'cognito' });
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
      UserPoolAddOns: Match.absent(),
      UserPoolTier: 'LITE',
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']),
      AllowedOAuthFlows: Match.absent(),
    });
    assert.ok(api.userPool && api.userPoolClient && api.authorizer);
    assert.equal(api.apiKey, undefined);
  });

  test('cognito auth protects both methods with a user pool authorizer reading the Authorization header', () => {
    const { template } = build({ auth: 'cognito' });
    const poolId = Object.keys(template.findResources('AWS::Cognito::UserPool'))[0]!;
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      ProviderARNs: [{ 'Fn::GetAtt': [poolId, 'Arn'] }],
    });
    const authorizerId = Object.keys(template.findResources('AWS::ApiGateway::Authorizer'))[0]!;
    template.resourcePropertiesCountIs(
      'AWS::ApiGateway::Method',
      { AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { Ref: authorizerId } },
      2,
    );
  });

  test('apiKey auth requires a key that API Gateway generates (never a value in the template) via a usage plan', () => {
    const { template, api } = build({ auth: 'apiKey' });
    template.hasResourceProperties('AWS::ApiGateway::ApiKey', { Enabled: true, Value: Match.absent() });
    template.resourcePropertiesCountIs(
      'AWS::ApiGateway::Method',
      { AuthorizationType: 'NONE', ApiKeyRequired: true },
      2,
    );
    const planId = Object.keys(template.findResources('AWS::ApiGateway::UsagePlan'))[0]!;
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      ApiStages: [Match.objectLike({ Stage: { Ref: Match.stringLikeRegexp('DeploymentStage') } })],
    });
    template.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', {
      UsagePlanId: { Ref: planId },
      KeyType: 'API_KEY',
    });
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    assert.ok(api.apiKey && api.usagePlan);
  });
});
