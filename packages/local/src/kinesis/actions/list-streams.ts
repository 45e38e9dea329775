/**
 * ListStreams: stream names in order, a page at a time (`Limit`, capped like AWS), continuing after
 * `ExclusiveStartStreamName` or from a `NextToken`; `StreamSummaries` describe the same streams.
 */
import { type ActionContext, openNextToken, sealNextToken } from '../action-context.ts';
import { KINESIS_API_LIMITS } from '../api-limits.ts';
import { KinesisServiceError } from '../errors.ts';
import { epochSeconds, type ListStreamsOutput } from '../shapes.ts';
import { TOKEN_KINDS, tokenString } from '../token-sealer.ts';
import { checkStreamName, RequestValidation, requestBody } from '../validation.ts';

export function listStreams(context: ActionContext, input: unknown): ListStreamsOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const limit = v.integer(body, 'Limit');
  const exclusiveStartStreamName = v.string(body, 'ExclusiveStartStreamName');
  const nextToken = v.string(body, 'NextToken');
  v.range(limit, 'limit', KINESIS_API_LIMITS.listStreamsLimit);
  checkStreamName(exclusiveStartStreamName, 'exclusiveStartStreamName', v);
  v.length(nextToken, 'nextToken', KINESIS_API_LIMITS.nextTokenLength);
  v.throwIfInvalid();

  if (nextToken !== undefined && exclusiveStartStreamName !== undefined) {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      'NextToken and ExclusiveStartStreamName cannot be provided together',
    );
  }
  const after =
    nextToken === undefined
      ? exclusiveStartStreamName
      : tokenString(openNextToken(context, TOKEN_KINDS.listStreamsNextToken, nextToken), 0);
  if (nextToken !== undefined && after === undefined) {
    throw new KinesisServiceError('InvalidArgumentException', `Invalid NextToken: ${nextToken}`);
  }
  const streams = context.store.streams().filter((stream) => after === undefined || stream.name > after);
  const pageSize = Math.min(
    limit ?? KINESIS_API_LIMITS.listStreamsLimit.default,
    KINESIS_API_LIMITS.listStreamsMaxStreams.value,
  );
  const page = streams.slice(0, pageSize);
  const hasMore = streams.length > page.length;
  const last = page.at(-1);
  return {
    StreamNames: page.map((stream) => stream.name),
    HasMoreStreams: hasMore,
    ...(hasMore && last ? { NextToken: sealNextToken(context, TOKEN_KINDS.listStreamsNextToken, [last.name]) } : {}),
    StreamSummaries: page.map((stream) => ({
      StreamName: stream.name,
      StreamARN: stream.arn,
      StreamStatus: stream.status,
      StreamModeDetails: { StreamMode: stream.mode },
      StreamCreationTimestamp: epochSeconds(stream.createdAt),
    })),
  };
}
