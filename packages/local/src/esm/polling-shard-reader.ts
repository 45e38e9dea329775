/**
 * Reads a shard with GetRecords, as Lambda's standard (shared-throughput) Kinesis event source does: as fast as
 * records come, waiting `idlePollMs` when a call returns none, and until GetRecords answers without a next iterator
 * (the shard is closed and read to its end) with the shard's children.
 */
import {
  type ChildShard,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
} from '@aws-sdk/client-kinesis';
import { LIMITS } from '@streamkit/core';
import { ShardReader } from './shard-reader.ts';

export class PollingShardReader extends ShardReader {
  private iterator: string | undefined;

  async open(): Promise<void> {
    const { kinesis, streamName } = this.context;
    const start = this.start;
    const input: GetShardIteratorCommandInput = {
      StreamName: streamName,
      ShardId: this.shardId,
      ShardIteratorType: start.type,
      ...(start.type === 'AT_TIMESTAMP' && { Timestamp: start.timestamp }),
      ...(start.type === 'AFTER_SEQUENCE_NUMBER' && { StartingSequenceNumber: start.sequenceNumber }),
    };
    this.iterator = (await kinesis.send(new GetShardIteratorCommand(input))).ShardIterator;
  }

  protected async read(): Promise<readonly ChildShard[] | undefined> {
    const { kinesis, timer, signal, idlePollMs } = this.context;
    while (!signal.aborted && this.iterator) {
      let response: GetRecordsCommandOutput;
      try {
        response = await kinesis.send(
          new GetRecordsCommand({ ShardIterator: this.iterator, Limit: LIMITS.kinesis.getRecordsMaxRecords.value }),
          { abortSignal: signal },
        );
      } catch (error) {
        if (signal.aborted) return undefined;
        await this.recover(error as Error);
        continue;
      }
      const records = response.Records ?? [];
      await this.deliver(records, response.MillisBehindLatest);
      this.iterator = response.NextShardIterator;
      if (!this.iterator) return response.ChildShards ?? [];
      // Caught up (a response short of the limit): wait, as Lambda polls a shard about once a second. A full response
      // means a backlog, read on at once. Either way the shard's 5 reads/s, shared by every consumer, are respected.
      if (records.length < LIMITS.kinesis.getRecordsMaxRecords.value) await timer.sleep(idlePollMs, signal);
    }
    return undefined;
  }

  /** Throttled or expired iterator: wait, then resume after the last record read. */
  private async recover(error: Error): Promise<void> {
    const { kinesis, streamName, timer, signal, idlePollMs } = this.context;
    this.reportError(error);
    await timer.sleep(Math.max(idlePollMs, 200), signal);
    if (signal.aborted) return;
    if (error.name === 'ExpiredIteratorException' || error.name === 'InvalidArgumentException') {
      if (this.lastSequenceNumber === undefined) return this.open();
      const response = await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: this.shardId,
          ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
          StartingSequenceNumber: this.lastSequenceNumber,
        }),
      );
      this.iterator = response.ShardIterator;
    }
  }
}
