/**
 * The CloudFormation custom resource protocol, for streamkit's own custom resource functions (no provider framework:
 * its functions carry AWS managed policies). CloudFormation invokes the function with a request and waits for a JSON
 * document PUT to the request's pre-signed ResponseURL.
 */

export interface CustomResourceRequest {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Readonly<Record<string, unknown>>;
}

export type CustomResourceOutcome =
  | {
      readonly status: 'SUCCESS';
      readonly physicalResourceId: string;
      readonly data?: Readonly<Record<string, string>>;
    }
  | { readonly status: 'FAILED'; readonly physicalResourceId: string; readonly reason: string };

/** The response document of `outcome` for `request`. */
export function responseBody(request: CustomResourceRequest, outcome: CustomResourceOutcome) {
  return {
    Status: outcome.status,
    Reason: outcome.status === 'FAILED' ? outcome.reason.slice(0, 3000) : 'OK',
    PhysicalResourceId: outcome.physicalResourceId,
    StackId: request.StackId,
    RequestId: request.RequestId,
    LogicalResourceId: request.LogicalResourceId,
    ...(outcome.status === 'SUCCESS' && outcome.data && { Data: outcome.data }),
  };
}

/** PUTs the response (an empty content type, as the pre-signed URL was signed for). */
export async function sendResponse(request: CustomResourceRequest, outcome: CustomResourceOutcome): Promise<void> {
  const body = JSON.stringify(responseBody(request, outcome));
  const response = await fetch(request.ResponseURL, {
    method: 'PUT',
    headers: { 'content-type': '' },
    body,
  });
  if (!response.ok) throw new Error(`CloudFormation refused the response: HTTP ${response.status}`);
}

/**
 * Runs `work` for Create and Update (Delete succeeds at once: the resource only reads) and always answers
 * CloudFormation — a failure becomes FAILED with its message, so a stack never waits an hour on a silent function.
 */
export async function answer(
  request: CustomResourceRequest,
  physicalResourceId: string,
  work: () => Promise<Record<string, string>>,
): Promise<CustomResourceOutcome> {
  let outcome: CustomResourceOutcome;
  if (request.RequestType === 'Delete') {
    outcome = { status: 'SUCCESS', physicalResourceId: request.PhysicalResourceId ?? physicalResourceId };
  } else {
    try {
      outcome = { status: 'SUCCESS', physicalResourceId, data: await work() };
    } catch (error) {
      outcome = { status: 'FAILED', physicalResourceId, reason: (error as Error).message };
    }
  }
  await sendResponse(request, outcome);
  return outcome;
}
