/**
 * The Kinesis service without a network: the store, the actions, and `dispatch`, which the HTTP server and in-process
 * callers (such as the local ingest API) share. `dispatch` takes and returns the JSON bodies of the wire protocol and
 * throws `KinesisServiceError`; SubscribeToShard's answer holds an async iterator of its events instead.
 */
import type { ActionContext, KinesisActionHandler } from './action-context.ts';
import { addTagsToStream } from './actions/add-tags-to-stream.ts';
import { createStream } from './actions/create-stream.ts';
import { decreaseStreamRetentionPeriod } from './actions/decrease-stream-retention-period.ts';
import { deleteStream } from './actions/delete-stream.ts';
import { deregisterStreamConsumer } from './actions/deregister-stream-consumer.ts';
import { describeLimits } from './actions/describe-limits.ts';
import { describeStream } from './actions/describe-stream.ts';
import { describeStreamConsumer } from './actions/describe-stream-consumer.ts';
import { describeStreamSummary } from './actions/describe-stream-summary.ts';
import { disableEnhancedMonitoring } from './actions/disable-enhanced-monitoring.ts';
import { enableEnhancedMonitoring } from './actions/enable-enhanced-monitoring.ts';
import { getRecords } from './actions/get-records.ts';
import { getShardIterator } from './actions/get-shard-iterator.ts';
import { increaseStreamRetentionPeriod } from './actions/increase-stream-retention-period.ts';
import { listShards } from './actions/list-shards.ts';
import { listStreamConsumers } from './actions/list-stream-consumers.ts';
import { listStreams } from './actions/list-streams.ts';
import { listTagsForResource } from './actions/list-tags-for-resource.ts';
import { listTagsForStream } from './actions/list-tags-for-stream.ts';
import { mergeShards } from './actions/merge-shards.ts';
import { putRecord } from './actions/put-record.ts';
import { putRecords } from './actions/put-records.ts';
import { registerStreamConsumer } from './actions/register-stream-consumer.ts';
import { removeTagsFromStream } from './actions/remove-tags-from-stream.ts';
import { splitShard } from './actions/split-shard.ts';
import { startStreamEncryption } from './actions/start-stream-encryption.ts';
import { stopStreamEncryption } from './actions/stop-stream-encryption.ts';
import { subscribeToShard } from './actions/subscribe-to-shard.ts';
import { tagResource } from './actions/tag-resource.ts';
import { untagResource } from './actions/untag-resource.ts';
import { updateShardCount } from './actions/update-shard-count.ts';
import { updateStreamMode } from './actions/update-stream-mode.ts';
import { KinesisServiceError } from './errors.ts';
import type { KinesisAction, KinesisActions } from './shapes.ts';
import { ShardLimits } from './shard-limits.ts';
import { ShardSubscriptions, type ShardSubscriptionsOptions } from './shard-subscriptions.ts';
import { KinesisStore, type KinesisStoreOptions } from './store.ts';
import { TokenSealer } from './token-sealer.ts';

export interface KinesisServiceOptions extends KinesisStoreOptions, ShardSubscriptionsOptions {
  /**
   * Key of the HMAC that seals shard iterators and NextTokens. Give the same key to a restarted engine to keep its
   * iterators valid.
   * @default - with a `dataDir`, a key kept in it (iterators outlive a restart); otherwise 32 random bytes:
   * iterators of another engine, or of a previous run, are refused
   */
  readonly tokenSecret?: Uint8Array;
  /**
   * Enforces AWS's shard limits: per shard 1 MiB/s or 1,000 records/s in, 2 MiB/s and 5 GetRecords calls/s out,
   * answered with ProvisionedThroughputExceededException, and AWS's rate of 5 retention changes a second per stream
   * (LimitExceededException). See `shard-limits.ts`.
   * @default false - nothing is throttled (`streamkit dev` turns it on)
   */
  readonly shardLimits?: boolean;
}

const ACTIONS: {
  readonly [A in KinesisAction]: (
    context: ActionContext,
    input: unknown,
  ) => KinesisActions[A]['output'] | Promise<KinesisActions[A]['output']>;
} = {
  CreateStream: createStream,
  DecreaseStreamRetentionPeriod: decreaseStreamRetentionPeriod,
  DeleteStream: deleteStream,
  DescribeStream: describeStream,
  DescribeStreamSummary: describeStreamSummary,
  GetRecords: getRecords,
  GetShardIterator: getShardIterator,
  IncreaseStreamRetentionPeriod: increaseStreamRetentionPeriod,
  ListShards: listShards,
  ListStreams: listStreams,
  PutRecord: putRecord,
  PutRecords: putRecords,
  // resharding and capacity
  SplitShard: splitShard,
  MergeShards: mergeShards,
  UpdateShardCount: updateShardCount,
  UpdateStreamMode: updateStreamMode,
  DescribeLimits: describeLimits,
  // tags
  AddTagsToStream: addTagsToStream,
  RemoveTagsFromStream: removeTagsFromStream,
  ListTagsForStream: listTagsForStream,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
  // encryption and enhanced monitoring
  StartStreamEncryption: startStreamEncryption,
  StopStreamEncryption: stopStreamEncryption,
  EnableEnhancedMonitoring: enableEnhancedMonitoring,
  DisableEnhancedMonitoring: disableEnhancedMonitoring,
  // enhanced fan-out
  RegisterStreamConsumer: registerStreamConsumer,
  DescribeStreamConsumer: describeStreamConsumer,
  ListStreamConsumers: listStreamConsumers,
  DeregisterStreamConsumer: deregisterStreamConsumer,
  SubscribeToShard: subscribeToShard,
};

/** The actions the engine implements. */
export const KINESIS_ACTIONS = Object.keys(ACTIONS) as readonly KinesisAction[];

export function isKinesisAction(action: string): action is KinesisAction {
  return Object.hasOwn(ACTIONS, action);
}

export function unknownOperation(action: string): KinesisServiceError {
  return new KinesisServiceError(
    'UnknownOperationException',
    `The local Kinesis engine does not implement operation ${action}; it implements ${KINESIS_ACTIONS.join(', ')}`,
  );
}

export class KinesisService {
  readonly store: KinesisStore;
  readonly #context: ActionContext;

  constructor(options: KinesisServiceOptions = {}) {
    this.store = new KinesisStore(options);
    this.#context = {
      store: this.store,
      tokens: new TokenSealer(options.tokenSecret ?? this.store.dataDirectory?.tokenSecret()),
      clock: options.clock ?? Date.now,
      subscriptions: new ShardSubscriptions(options),
      limits: new ShardLimits(options.shardLimits ?? false),
    };
  }

  /** Ends every SubscribeToShard subscription, then finishes the writes in flight and closes the durable engine's files. */
  close(): Promise<void> {
    this.#context.subscriptions.closeAll();
    return this.store.close();
  }

  /**
   * Runs an action on its JSON request body (blobs in base64, timestamps in epoch seconds) and resolves to its JSON
   * response body. Rejects with a `KinesisServiceError`: the error AWS would answer, or InternalFailure for a bug.
   */
  dispatch<A extends KinesisAction>(action: A, input: KinesisActions[A]['input']): Promise<KinesisActions[A]['output']>;
  dispatch(action: string, input: unknown): Promise<unknown>;
  async dispatch(action: string, input: unknown): Promise<unknown> {
    if (!isKinesisAction(action)) throw unknownOperation(action);
    const handler: KinesisActionHandler = ACTIONS[action];
    try {
      return await handler(this.#context, input);
    } catch (error) {
      if (KinesisServiceError.is(error)) throw error;
      throw new KinesisServiceError('InternalFailure', `${action} failed inside the local engine: ${String(error)}`, {
        cause: error,
      });
    }
  }
}
