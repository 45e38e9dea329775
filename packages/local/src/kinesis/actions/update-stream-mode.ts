/**
 * UpdateStreamMode: switches an ACTIVE stream between PROVISIONED and ON_DEMAND capacity (by `StreamARN`), keeping
 * its shards. The stream is UPDATING for the engine's `updateStreamDelayMs`. AWS's limits apply: at most
 * `KINESIS_API_LIMITS.streamModeUpdatesPerDay` switches per stream in any 24 hours (on the engine's clock), and at most
 * `KINESIS_API_LIMITS.onDemandStreamCountLimit` on-demand streams in the account.
 */
import { LIMITS, type StreamMode } from '@streamkit/core';
import { type ActionContext, findStream, requireActive } from '../action-context.ts';
import { KINESIS_API_LIMITS } from '../api-limits.ts';
import { KinesisServiceError } from '../errors.ts';
import type { UpdateStreamModeOutput } from '../shapes.ts';
import { RequestValidation, readStreamRef, requestBody } from '../validation.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export function updateStreamMode(context: ActionContext, input: unknown): UpdateStreamModeOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const { arn } = readStreamRef(body, v);
  const details = v.object(body, 'StreamModeDetails');
  const modeValue = details && v.string(details, 'StreamMode', 'streamModeDetails');
  const warmThroughput = v.integer(body, 'WarmThroughputMiBps');
  v.required(arn, 'streamARN');
  if (v.required(details, 'streamModeDetails') && v.required(modeValue, 'streamModeDetails.streamMode')) {
    v.oneOf(modeValue, 'streamModeDetails.streamMode', LIMITS.kinesis.streamMode.values);
  }
  v.throwIfInvalid();
  if (warmThroughput !== undefined) {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      `WarmThroughputMiBps is not supported by the local Kinesis engine (got ${warmThroughput})`,
    );
  }

  const { store } = context;
  const mode = modeValue as StreamMode;
  const stream = findStream(context, { arn });
  requireActive(context, stream);
  const where = `stream ${stream.name} under account ${store.account}`;
  if (stream.mode === mode) {
    throw new KinesisServiceError('InvalidArgumentException', `The capacity mode of ${where} is already ${mode}`);
  }
  const now = context.clock();
  const since = now - DAY_MS;
  const recent = stream.streamModeUpdates.filter((at) => at > since);
  const perDay = KINESIS_API_LIMITS.streamModeUpdatesPerDay.value;
  if (recent.length >= perDay) {
    throw new KinesisServiceError(
      'LimitExceededException',
      `The capacity mode of ${where} was switched ${recent.length} times in the last 24 hours; the limit is ${perDay} ` +
        `(the oldest switch was at ${new Date(recent[0]!).toISOString()})`,
    );
  }
  if (mode === 'ON_DEMAND') {
    const onDemand = store.streams().filter((s) => s.mode === 'ON_DEMAND').length;
    const limit = KINESIS_API_LIMITS.onDemandStreamCountLimit.value;
    if (onDemand >= limit) {
      throw new KinesisServiceError(
        'LimitExceededException',
        `Account ${store.account} in ${store.region} already has ${onDemand} on-demand streams, the limit is ${limit}`,
      );
    }
  }
  store.setStreamMode(stream, mode, since);
  store.beginUpdate(stream);
  return {};
}
