/** DescribeStreamSummary: the stream's description without its shards, in whatever status it is. */
import { type ActionContext, findStream } from '../action-context.ts';
import { type DescribeStreamSummaryOutput, streamHeader } from '../shapes.ts';
import { RequestValidation, readStreamRef, requestBody } from '../validation.ts';

export function describeStreamSummary(context: ActionContext, input: unknown): DescribeStreamSummaryOutput {
  const body = requestBody(input);
  const v = new RequestValidation();
  const ref = readStreamRef(body, v);
  v.throwIfInvalid();

  const stream = findStream(context, ref);
  return {
    StreamDescriptionSummary: {
      ...streamHeader(stream),
      OpenShardCount: stream.status === 'CREATING' ? 0 : stream.openShardIndexes.length,
      ConsumerCount: stream.consumers.length,
    },
  };
}
