/**
 * The configuration every AWS SDK client of streamkit's functions is made with: a user agent naming streamkit and
 * its version (`streamkit/0.1.0` in the User-Agent and x-amz-user-agent headers), so that requests from streamkit's
 * functions can be told apart in CloudTrail and in AWS's own request logs. This is the only place that sets it;
 * `test/user-agent.test.ts` fails when a client in this package is made without it.
 */
import { STREAMKIT_VERSION } from '@streamkit/core';

export type StreamkitUserAgent = [name: string, version: string][];

/** `config` plus streamkit's user agent: `new FirehoseClient(awsClientConfig())`. */
export function awsClientConfig<T extends object>(config?: T): T & { customUserAgent: StreamkitUserAgent } {
  return { ...(config ?? ({} as T)), customUserAgent: [['streamkit', STREAMKIT_VERSION]] };
}
