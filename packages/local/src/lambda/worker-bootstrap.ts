/**
 * The code a worker thread runs: it plays the Lambda Node.js runtime for one execution environment — loads the
 * bundle once (the "init" phase), then runs one invocation at a time with an AWS-shaped context object.
 *
 * It is a CommonJS source string evaluated by the worker, so it needs no TypeScript loader in the worker.
 */
export const WORKER_BOOTSTRAP = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
process.setSourceMapsEnabled(true);
// NODE_PATH (the runtime's own modules, as on Lambda) is read when the module system starts: read it again here.
if (process.env.NODE_PATH) require('node:module')._initPaths();

const { bundleFile, exportName, functionName, memoryLimitInMB, functionArn, logGroupName, logStreamName } = workerData;
let handler;
let initError;
const initStarted = performance.now();
try {
  const mod = require(bundleFile);
  handler = mod[exportName];
  if (typeof handler !== 'function') {
    initError = { errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.' + exportName + ' is undefined or not exported' };
  }
} catch (error) {
  initError = { errorType: 'Runtime.ImportModuleError', errorMessage: String(error && error.stack || error) };
}
const initDurationMs = performance.now() - initStarted;

function toError(error) {
  if (error instanceof Error) {
    return { errorType: error.name || 'Error', errorMessage: error.message, trace: String(error.stack || '').split('\n') };
  }
  return { errorType: 'Error', errorMessage: typeof error === 'string' ? error : JSON.stringify(error), trace: [] };
}

parentPort.on('message', async ({ requestId, event, deadline }) => {
  if (initError) {
    parentPort.postMessage({ requestId, error: initError, initDurationMs });
    return;
  }
  let settled = false;
  const finish = (message) => {
    if (settled) return;
    settled = true;
    if ('result' in message) {
      // Lambda returns the JSON serialization of the result.
      try {
        const json = JSON.stringify(message.result === undefined ? null : message.result);
        message = { result: json === undefined ? null : JSON.parse(json) };
      } catch (error) {
        message = { error: { errorType: 'Runtime.MarshalError', errorMessage: 'Unable to marshal response: ' + error.message, trace: [] } };
      }
    }
    parentPort.postMessage({ requestId, initDurationMs, ...message });
  };
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: String(memoryLimitInMB),
    awsRequestId: requestId,
    logGroupName,
    logStreamName,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: (error, result) => (error ? finish({ error: toError(error) }) : finish({ result })),
    succeed: (result) => finish({ result }),
    fail: (error) => finish({ error: toError(error) }),
  };
  const callback = (error, result) => (error ? finish({ error: toError(error) }) : finish({ result }));
  try {
    const returned = handler(event, context, callback);
    if (returned && typeof returned.then === 'function') finish({ result: await returned });
    else if (handler.length < 3) finish({ result: returned });
  } catch (error) {
    finish({ error: toError(error) });
  }
});
parentPort.postMessage({ ready: true, initDurationMs });
`;
