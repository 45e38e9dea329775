import {
  type ApigwKinesisLambdaSpec,
  LOCAL_API_KEY,
  LOCAL_CREDENTIALS,
  LOCAL_ID_TOKEN,
  LOCAL_REGION,
} from '@streamkit/core';
import type { IngestClientAuth } from '@streamkit/producer';

/** How a client authenticates to the local ingest API of `spec` (the credentials the local target accepts). */
export function localIngestAuth(spec: ApigwKinesisLambdaSpec): IngestClientAuth {
  switch (spec.ingest.auth) {
    case 'iam':
      return { type: 'iam', credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION };
    case 'apiKey':
      return { type: 'apiKey', apiKey: LOCAL_API_KEY };
    case 'cognito':
      return { type: 'cognito', token: LOCAL_ID_TOKEN };
  }
}

/** A curl command that puts one record into the local ingest API, for the `dev` banner. */
export function curlExample(spec: ApigwKinesisLambdaSpec, url: string): string {
  const body = `'{"data": {"ticker": "AMZN", "price": 181.5}, "partitionKey": "AMZN"}'`;
  const base = `curl -s -X POST ${url}/record -H 'content-type: application/json' -d ${body}`;
  switch (spec.ingest.auth) {
    case 'iam':
      return `${base} --aws-sigv4 'aws:amz:${LOCAL_REGION}:execute-api' --user '${LOCAL_CREDENTIALS.accessKeyId}:${LOCAL_CREDENTIALS.secretAccessKey}'`;
    case 'apiKey':
      return `${base} -H 'x-api-key: ${LOCAL_API_KEY}'`;
    case 'cognito':
      return `${base} -H 'Authorization: ${LOCAL_ID_TOKEN}'`;
  }
}
