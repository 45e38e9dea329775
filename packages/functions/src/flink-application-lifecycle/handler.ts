/**
 * `Custom::FlinkApplicationLifecycle`: starts the Flink application after CloudFormation creates it and stops it
 * before CloudFormation deletes it (see `lifecycle.ts`). The function is the resource's ServiceToken itself (no
 * provider framework): it answers CloudFormation at the pre-signed ResponseURL, always — a failure to answer would
 * leave the stack waiting for an hour.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import {
  DescribeApplicationCommand,
  KinesisAnalyticsV2Client,
  ResourceNotFoundException,
  StartApplicationCommand,
  StopApplicationCommand,
} from '@aws-sdk/client-kinesis-analytics-v2';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { awsClientConfig } from '../aws-client-config.ts';
import { type ApplicationStatus, nextStep, responseBody } from './lifecycle.ts';

const logger = new Logger({ serviceName: 'streamkit-flink-lifecycle' });
const client = new KinesisAnalyticsV2Client(awsClientConfig());
const POLL_MS = 5000;
/** Leave this much of the invocation to answer CloudFormation. */
const ANSWER_MARGIN_MS = 20_000;

export const handler = async (event: CloudFormationCustomResourceEvent, context: Context): Promise<void> => {
  const applicationName = String(event.ResourceProperties.ApplicationName);
  const start = String(event.ResourceProperties.Start) === 'true';
  const physicalResourceId = `${applicationName}-lifecycle`;
  let outcome: Parameters<typeof responseBody>[1];
  let stopRequested = false;
  try {
    for (;;) {
      const status = await describe(applicationName);
      const step = nextStep(event.RequestType, status, start);
      logger.info('lifecycle', { requestType: event.RequestType, applicationName, status, step: step.kind });
      if (step.kind === 'done') break;
      if (step.kind === 'start') {
        await client.send(
          new StartApplicationCommand({
            ApplicationName: applicationName,
            // A new application has no snapshot to restore; later starts follow the application's own setting.
            ...(event.RequestType === 'Create' && {
              RunConfiguration: {
                ApplicationRestoreConfiguration: { ApplicationRestoreType: 'SKIP_RESTORE_FROM_SNAPSHOT' },
              },
            }),
          }),
        );
        break;
      }
      if (step.kind === 'stop' && !stopRequested) {
        await client.send(new StopApplicationCommand({ ApplicationName: applicationName, Force: true }));
        stopRequested = true;
      }
      if (context.getRemainingTimeInMillis() < ANSWER_MARGIN_MS + POLL_MS) {
        throw new Error(`${applicationName} is still ${status}; gave up waiting`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    outcome = { ok: true, physicalResourceId };
  } catch (error) {
    logger.error('lifecycle failed', { error });
    outcome = { ok: false, reason: error instanceof Error ? error.message : String(error), physicalResourceId };
  }
  const body = responseBody(event, outcome);
  const response = await fetch(event.ResponseURL, {
    method: 'PUT',
    headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
    body,
  });
  if (!response.ok) throw new Error(`CloudFormation refused the answer: ${response.status}`);
};

async function describe(applicationName: string): Promise<ApplicationStatus | undefined> {
  try {
    const { ApplicationDetail } = await client.send(
      new DescribeApplicationCommand({ ApplicationName: applicationName }),
    );
    return ApplicationDetail?.ApplicationStatus as ApplicationStatus | undefined;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}
