/**
 * The fare API key's rotation function (see `rotation.ts` for the steps and their decisions), and the custom
 * resource `Custom::FareApiKeys`, whose Delete removes the keys the rotation created when the stack goes (they are
 * not CloudFormation's to delete). Secrets Manager invokes it with `{ SecretId, ClientRequestToken, Step }`,
 * CloudFormation with a custom resource request.
 *
 * Environment: `USAGE_PLAN_ID` (the fare API's usage plan) and `FARE_ESTIMATE_URL` (the route testSecret calls).
 */

import { Sha256 } from '@aws-crypto/sha256-js';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  APIGatewayClient,
  ConflictException,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  GetApiKeysCommand,
  NotFoundException,
} from '@aws-sdk/client-api-gateway';
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { LIMITS } from '@streamkit/core';
import { awsClientConfig } from '../aws-client-config.ts';
import { type CustomResourceRequest, sendResponse } from '../custom-resources/cloudformation-response.ts';
import {
  type ApiKeySummary,
  apiKeyOf,
  checkRequest,
  currentVersion,
  KEY_LENGTH,
  keyOfVersion,
  keysToRetire,
  keyTags,
  type RotationStep,
  secretString,
  TEST_RIDE,
  testOutcome,
  USAGE_PLAN_TAG,
} from './rotation.ts';

const logger = new Logger({ serviceName: 'streamkit-fare-api-key-rotation' });
const secrets = new SecretsManagerClient(awsClientConfig());
const apigateway = new APIGatewayClient(awsClientConfig());
const TEST_PAUSE_MS = 5000;

export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: string;
}

export const handler = async (event: RotationEvent | CustomResourceRequest): Promise<void> => {
  const usagePlanId = environment('USAGE_PLAN_ID');
  if ('RequestType' in event) return keysResource(event, usagePlanId);
  const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
  const description = await secrets.send(new DescribeSecretCommand({ SecretId: secretId }));
  const check = checkRequest(description, token, step);
  logger.info('rotation step', { step, token, check: check instanceof Error ? check.message : check });
  if (check instanceof Error) throw check;
  if (check === 'done') return;
  const steps: Record<RotationStep, () => Promise<void>> = {
    createSecret: () => createSecret(secretId, token),
    setSecret: () => setSecret(secretId, token, usagePlanId),
    testSecret: () => testSecret(secretId, token),
    finishSecret: () => finishSecret(secretId, token, usagePlanId, description.VersionIdsToStages ?? {}),
  };
  await steps[step as RotationStep]();
};

/** A new random key as the AWSPENDING version, unless this token's version already holds one. */
async function createSecret(secretId: string, token: string): Promise<void> {
  try {
    await secrets.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: 'AWSPENDING' }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const { RandomPassword } = await secrets.send(
    new GetRandomPasswordCommand({ PasswordLength: KEY_LENGTH, ExcludePunctuation: true }),
  );
  await secrets.send(
    new PutSecretValueCommand({
      SecretId: secretId,
      ClientRequestToken: token,
      SecretString: secretString(RandomPassword!),
      VersionStages: ['AWSPENDING'],
    }),
  );
}

/** The pending value as an API Gateway key of the usage plan (created once; added to the plan once). */
async function setSecret(secretId: string, token: string, usagePlanId: string): Promise<void> {
  const pending = await pendingKey(secretId, token);
  let key = keyOfVersion(await rotationKeys(usagePlanId), usagePlanId, token);
  if (!key) {
    const created = await apigateway.send(
      new CreateApiKeyCommand({
        name: `${usagePlanId}-${token}`,
        description: `Fare API key of secret version ${token} (streamkit key rotation)`,
        enabled: true,
        value: pending,
        tags: keyTags(usagePlanId, token),
      }),
    );
    key = { id: created.id! };
  }
  try {
    await apigateway.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: key.id, keyType: 'API_KEY' }));
  } catch (error) {
    if (!(error instanceof ConflictException)) throw error; // already in the plan
  }
}

/** Calls the fare API with the pending key (SigV4-signed, as the Flink job calls it) until it is accepted. */
async function testSecret(secretId: string, token: string): Promise<void> {
  const pending = await pendingKey(secretId, token);
  const attempts = LIMITS.flink.enrichmentApiKeyTestAttempts.value;
  for (let attempt = 1; ; attempt++) {
    const status = await callFareApi(pending);
    const outcome = testOutcome(status, attempt, attempts);
    logger.info('test call', { attempt, status, outcome: outcome instanceof Error ? outcome.message : outcome });
    if (outcome === 'passed') return;
    if (outcome instanceof Error) throw outcome;
    await new Promise((resolve) => setTimeout(resolve, TEST_PAUSE_MS));
  }
}

/** Makes the token current, then deletes the rotation's keys of versions that are neither current nor previous. */
async function finishSecret(
  secretId: string,
  token: string,
  usagePlanId: string,
  stages: Readonly<Record<string, readonly string[]>>,
): Promise<void> {
  const current = currentVersion(stages);
  await secrets.send(
    new UpdateSecretVersionStageCommand({
      SecretId: secretId,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: token,
      ...(current && { RemoveFromVersionId: current }),
    }),
  );
  const after = (await secrets.send(new DescribeSecretCommand({ SecretId: secretId }))).VersionIdsToStages ?? {};
  for (const key of keysToRetire(await rotationKeys(usagePlanId), usagePlanId, after)) {
    await deleteKey(key.id);
  }
}

/** `Custom::FareApiKeys`: nothing to do on Create and Update; on Delete, every key the rotation made for the plan. */
async function keysResource(request: CustomResourceRequest, usagePlanId: string): Promise<void> {
  const physicalResourceId = `${usagePlanId}-rotated-keys`;
  try {
    if (request.RequestType === 'Delete') {
      for (const key of await rotationKeys(usagePlanId)) await deleteKey(key.id);
    }
    await sendResponse(request, { status: 'SUCCESS', physicalResourceId });
  } catch (error) {
    logger.error('keys resource failed', { error });
    const reason = error instanceof Error ? error.message : String(error);
    await sendResponse(request, { status: 'FAILED', physicalResourceId, reason });
  }
}

async function pendingKey(secretId: string, token: string): Promise<string> {
  const { SecretString } = await secrets.send(
    new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: 'AWSPENDING' }),
  );
  return apiKeyOf(SecretString);
}

/** The keys the rotation created for this usage plan (named after it, tagged with it). */
async function rotationKeys(usagePlanId: string): Promise<ApiKeySummary[]> {
  const keys: ApiKeySummary[] = [];
  let position: string | undefined;
  do {
    const page = await apigateway.send(
      new GetApiKeysCommand({ nameQuery: usagePlanId, includeValues: false, limit: 500, position }),
    );
    for (const item of page.items ?? []) {
      if (item.id && item.tags?.[USAGE_PLAN_TAG] === usagePlanId) keys.push({ id: item.id, tags: item.tags });
    }
    position = page.position;
  } while (position);
  return keys;
}

async function deleteKey(id: string): Promise<void> {
  try {
    await apigateway.send(new DeleteApiKeyCommand({ apiKey: id }));
    logger.info('deleted key', { id });
  } catch (error) {
    if (!(error instanceof NotFoundException)) throw error;
  }
}

async function callFareApi(apiKey: string): Promise<number> {
  const url = new URL(environment('FARE_ESTIMATE_URL'));
  const body = JSON.stringify(TEST_RIDE);
  const signer = new SignatureV4({
    service: 'execute-api',
    region: environment('AWS_REGION'),
    credentials: defaultProvider(),
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    path: url.pathname,
    query: {},
    headers: { host: url.hostname, 'content-type': 'application/json', 'x-api-key': apiKey },
    body,
  });
  const response = await fetch(url, { method: 'POST', headers: signed.headers, body });
  await response.arrayBuffer();
  return response.status;
}

function environment(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
