/**
 * Reads a shard through an enhanced fan-out consumer, as Lambda does for a mapping on a consumer ARN: SubscribeToShard
 * pushes records as they arrive; when a subscription ends (after 5 minutes, or on an error) the reader subscribes
 * again after the continuation sequence number, so nothing is skipped or read twice. An event with child shards and
 * no continuation means the shard is closed and read to its end.
 */
import { type ChildShard, type StartingPosition, SubscribeToShardCommand } from '@aws-sdk/client-kinesis';
import { type ReaderContext, ShardReader, type ShardStart } from './shard-reader.ts';

export class FanOutShardReader extends ShardReader {
  private readonly consumerArn: string;
  private position: StartingPosition;

  constructor(context: ReaderContext, shardId: string, start: ShardStart, consumerArn: string) {
    super(context, shardId, start);
    this.consumerArn = consumerArn;
    this.position = startingPosition(start);
  }

  async open(): Promise<void> {
    // Subscriptions are opened by `read`; a subscription cannot be held open without consuming its events.
  }

  protected async read(): Promise<readonly ChildShard[] | undefined> {
    const { kinesis, signal, timer, idlePollMs } = this.context;
    while (!signal.aborted) {
      try {
        const response = await kinesis.send(
          new SubscribeToShardCommand({
            ConsumerARN: this.consumerArn,
            ShardId: this.shardId,
            StartingPosition: this.position,
          }),
          { abortSignal: signal },
        );
        let events = 0;
        for await (const event of response.EventStream ?? []) {
          const e = event.SubscribeToShardEvent;
          if (!e) continue;
          events++;
          await this.deliver(e.Records ?? [], e.MillisBehindLatest);
          if (e.ContinuationSequenceNumber) {
            this.position = { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: e.ContinuationSequenceNumber };
          } else if (e.ChildShards?.length) {
            return e.ChildShards;
          }
          if (signal.aborted) return undefined;
        }
        // A subscription that ended without a single event: do not spin.
        if (events === 0) await timer.sleep(idlePollMs, signal);
      } catch (error) {
        if (signal.aborted) return undefined;
        // ResourceInUse (an older subscription still open), throttling or a network error: wait and subscribe again.
        this.reportError(error as Error);
        await timer.sleep(Math.max(idlePollMs, 200), signal);
      }
    }
    return undefined;
  }
}

function startingPosition(start: ShardStart): StartingPosition {
  switch (start.type) {
    case 'AT_TIMESTAMP':
      return { Type: 'AT_TIMESTAMP', Timestamp: start.timestamp };
    case 'AFTER_SEQUENCE_NUMBER':
      return { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: start.sequenceNumber };
    default:
      return { Type: start.type };
  }
}
