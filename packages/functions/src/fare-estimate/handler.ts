/**
 * The fare API's function: a thin adapter between API Gateway's Lambda proxy integration and `estimateFare`. A body
 * that is not a ride gets 400 with the field and the problem; anything else that goes wrong throws, so that Lambda
 * counts an error (the EnrichmentFunctionErrors alarm) and API Gateway answers 502, which the Flink job retries.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { StreamkitError } from '@streamkit/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { estimateFare } from './estimate-fare.ts';

const logger = new Logger({ serviceName: 'streamkit-fare-estimate' });

export const handler = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
  logger.addContext(context);
  let ride: unknown;
  try {
    const body = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    ride = JSON.parse(body ?? '');
  } catch {
    return answer(400, { message: 'the body must be a JSON object describing a ride' });
  }
  try {
    return answer(200, estimateFare(ride as never));
  } catch (error) {
    if (error instanceof StreamkitError && error.code === 'SK_VALIDATION') {
      logger.info('rejected a ride', { problem: error.message });
      return answer(400, { message: error.message });
    }
    throw error;
  }
};

function answer(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
