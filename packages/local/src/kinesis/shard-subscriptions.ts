/**
 * Enhanced fan-out subscriptions (SubscribeToShard): each one pushes a shard's records to one consumer as
 * `SubscribeToShardEvent`s, from its starting position on, as they arrive.
 *
 * A subscription is an async iterator of events. Its first event goes out at once; after that, an event goes out as
 * soon as records arrive (`recordsAppended`, called by the record writer, wakes it — no polling), or after
 * `subscriptionHeartbeatMs` without one, so that an idle consumer still sees its position. Every event carries a
 * `ContinuationSequenceNumber`: the sequence number of the last record delivered so far — or, before the shard's first
 * record, the number just below the shard's first sequence number — so that a new subscription AFTER_SEQUENCE_NUMBER
 * it resumes with no gap and no duplicate. A subscription ends:
 * - after `subscriptionDurationMs` (AWS: 5 minutes): the event stream simply ends;
 * - at the end of a closed shard: the last event has the shard's `ChildShards` and no `ContinuationSequenceNumber`;
 * - when another subscription of the same consumer and shard takes it over (see `subscribe`), with a
 *   ResourceInUseException event; when its stream is deleted or its consumer deregistered, with a
 *   ResourceNotFoundException event;
 * - when its reader stops (`return()`), for example because the HTTP/2 stream was closed.
 *
 * Subscriptions are live connections, not stream state: they live here, beside the store, and die with the engine.
 */
import { LIMITS } from '@streamkit/core';
import type { ActionContext } from './action-context.ts';
import { KINESIS_API_LIMITS } from './api-limits.ts';
import { isEncryptedAt } from './encryption.ts';
import { KinesisServiceError } from './errors.ts';
import { childShardShapes, isAtShardEnd } from './lineage.ts';
import { formatSequenceNumber } from './sequence-number.ts';
import {
  epochSeconds,
  type RecordShape,
  type SubscribeToShardEventShape,
  type SubscribeToShardEventStreamShape,
} from './shapes.ts';
import type { KinesisShard } from './store.ts';

export interface ShardSubscriptionsOptions {
  /** How long a subscription lasts. @default 300000 (AWS: 5 minutes) */
  readonly subscriptionDurationMs?: number;
  /** An event goes out after this long without one, records or not. @default 5000 */
  readonly subscriptionHeartbeatMs?: number;
}

/** What a subscription reads: one shard of one stream incarnation, for one consumer, from `position` on. */
export interface SubscriptionTarget {
  readonly streamName: string;
  readonly streamCreatedAt: number;
  readonly shardIndex: number;
  readonly shardId: string;
  readonly consumerArn: string;
  readonly position: number;
}

/** The ContinuationSequenceNumber of a reader whose next record is at `position` in `shard`. */
export function continuationSequenceNumber(shard: KinesisShard, position: number): string {
  return position > 0
    ? formatSequenceNumber(shard.sequenceNumberPrefix, position - 1)
    : (BigInt(shard.startingSequenceNumber) - 1n).toString();
}

/** Whether `sequenceNumber` is the continuation of a reader that has read nothing of `shard` yet. */
export function isBeforeFirstRecord(shard: KinesisShard, sequenceNumber: string): boolean {
  return sequenceNumber === continuationSequenceNumber(shard, 0);
}

export class ShardSubscriptions {
  readonly durationMs: number;
  readonly heartbeatMs: number;
  readonly #byStream = new Map<string, Set<ShardSubscription>>();
  readonly #byConsumerShard = new Map<string, ShardSubscription>();

  constructor(options: ShardSubscriptionsOptions = {}) {
    this.durationMs = options.subscriptionDurationMs ?? KINESIS_API_LIMITS.subscriptionSeconds.value * 1000;
    this.heartbeatMs = options.subscriptionHeartbeatMs ?? KINESIS_API_LIMITS.subscriptionHeartbeatMs.value;
  }

  /**
   * Opens a subscription. Like AWS, a second one for the same consumer and shard within
   * `KINESIS_API_LIMITS.subscriptionTakeoverSeconds` (on the engine's clock) of the first is refused with
   * ResourceInUseException, and a later one takes over: the first ends with a ResourceInUseException event.
   */
  subscribe(context: ActionContext, target: SubscriptionTarget): ShardSubscription {
    const key = `${target.consumerArn} ${target.shardId}`;
    const now = context.clock();
    const existing = this.#byConsumerShard.get(key);
    if (existing) {
      const takeoverMs = KINESIS_API_LIMITS.subscriptionTakeoverSeconds.value * 1000;
      const age = now - existing.startedAt;
      if (age < takeoverMs) {
        throw new KinesisServiceError(
          'ResourceInUseException',
          `Another active subscription exists for consumer ${target.consumerArn} and shard ${target.shardId}; it ` +
            `started ${age} ms ago, and a subscription can be taken over ${takeoverMs} ms after it started`,
        );
      }
      existing.endWith({
        ResourceInUseException: {
          message:
            `Another subscription took over consumer ${target.consumerArn} and shard ${target.shardId} ` +
            `${age} ms after this one started`,
        },
      });
    }
    const subscription = new ShardSubscription(context, target, this, now);
    this.#byConsumerShard.set(key, subscription);
    let ofStream = this.#byStream.get(target.streamName);
    if (!ofStream) {
      ofStream = new Set();
      this.#byStream.set(target.streamName, ofStream);
    }
    ofStream.add(subscription);
    return subscription;
  }

  /** Records were appended to a shard: its subscriptions send them. */
  recordsAppended(streamName: string, shardIndex: number): void {
    const ofStream = this.#byStream.get(streamName);
    if (!ofStream) return;
    for (const subscription of ofStream) {
      if (subscription.target.shardIndex === shardIndex) subscription.wake();
    }
  }

  /** The stream's shards or consumers changed, or it is being deleted: its subscriptions look again. */
  streamChanged(streamName: string): void {
    for (const subscription of this.#byStream.get(streamName) ?? []) subscription.wake();
  }

  /** Ends every subscription (the engine is stopping). */
  closeAll(): void {
    for (const subscription of this.#byConsumerShard.values()) void subscription.return();
  }

  /** @internal called by a subscription once it has ended. */
  release(subscription: ShardSubscription): void {
    const { target } = subscription;
    const key = `${target.consumerArn} ${target.shardId}`;
    if (this.#byConsumerShard.get(key) === subscription) this.#byConsumerShard.delete(key);
    const ofStream = this.#byStream.get(target.streamName);
    ofStream?.delete(subscription);
    if (ofStream?.size === 0) this.#byStream.delete(target.streamName);
  }
}

export class ShardSubscription implements AsyncIterableIterator<SubscribeToShardEventStreamShape> {
  readonly target: SubscriptionTarget;
  /** When it started, on the engine's clock. */
  readonly startedAt: number;
  readonly #context: ActionContext;
  readonly #registry: ShardSubscriptions;
  #position: number;
  /** An event is due even without records: the first one, and one per heartbeat. */
  #eventDue = true;
  /** The exception event to send before ending. */
  #finalEvent: SubscribeToShardEventStreamShape | undefined;
  /** Ends after the event just sent (the last one of a closed shard). */
  #endAfterEvent = false;
  #ended = false;
  #wake: (() => void) | undefined;
  readonly #expiry: NodeJS.Timeout;
  readonly #heartbeat: NodeJS.Timeout;

  constructor(context: ActionContext, target: SubscriptionTarget, registry: ShardSubscriptions, startedAt: number) {
    this.#context = context;
    this.target = target;
    this.#registry = registry;
    this.startedAt = startedAt;
    this.#position = target.position;
    this.#expiry = setTimeout(() => this.#end(), registry.durationMs).unref();
    this.#heartbeat = setTimeout(() => {
      this.#eventDue = true;
      this.wake();
    }, registry.heartbeatMs).unref();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<SubscribeToShardEventStreamShape, undefined>> {
    for (;;) {
      if (this.#finalEvent) {
        const event = this.#finalEvent;
        this.#finalEvent = undefined;
        this.#end();
        return { value: event, done: false };
      }
      if (this.#ended) return { value: undefined, done: true };
      const event = this.#poll();
      if (event) {
        if (this.#endAfterEvent) this.#end();
        return { value: { SubscribeToShardEvent: event }, done: false };
      }
      if (this.#finalEvent || this.#ended) continue;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  /** Ends the subscription now (the reader is gone). */
  async return(): Promise<IteratorResult<SubscribeToShardEventStreamShape, undefined>> {
    this.#finalEvent = undefined;
    this.#end();
    return { value: undefined, done: true };
  }

  /** Ends the subscription with an exception event, sent next. */
  endWith(event: SubscribeToShardEventStreamShape): void {
    if (this.#ended) return;
    this.#finalEvent = event;
    this.#stopTimers();
    this.#registry.release(this);
    this.wake();
  }

  /** Looks at the shard again (new records, a reshard, a deletion). */
  wake(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#stopTimers();
    this.#registry.release(this);
    this.wake();
  }

  #stopTimers(): void {
    clearTimeout(this.#expiry);
    clearTimeout(this.#heartbeat);
  }

  /** The next event to send, or undefined when there is nothing to send yet. */
  #poll(): SubscribeToShardEventShape | undefined {
    const { store } = this.#context;
    const { target } = this;
    const stream = store.stream(target.streamName);
    const live =
      stream !== undefined &&
      stream.createdAt === target.streamCreatedAt &&
      (stream.status === 'ACTIVE' || stream.status === 'UPDATING');
    if (!live) {
      this.endWith({
        ResourceNotFoundException: {
          message: `Stream ${target.streamName} under account ${store.account} not found (it was deleted).`,
        },
      });
      return undefined;
    }
    const consumer = stream.consumers.find((c) => c.arn === target.consumerArn);
    if (consumer?.status !== 'ACTIVE') {
      this.endWith({
        ResourceNotFoundException: {
          message: `Consumer ${target.consumerArn} under account ${store.account} not found (it was deregistered).`,
        },
      });
      return undefined;
    }

    const shard = stream.shards[target.shardIndex]!;
    const { log } = shard;
    const from = Math.max(this.#position, log.firstPosition);
    const stored = log.read(
      from,
      LIMITS.kinesis.getRecordsMaxRecords.value,
      KINESIS_API_LIMITS.subscribeToShardEventMaxBytes.value,
    );
    const next = from + stored.length;
    const atEnd = isAtShardEnd(shard, next);
    if (stored.length === 0 && !atEnd && !this.#eventDue) return undefined;
    this.#eventDue = false;
    this.#heartbeat.refresh();
    this.#position = next;

    const records = new Array<RecordShape>(stored.length);
    for (let i = 0; i < stored.length; i++) {
      const record = stored[i]!;
      records[i] = {
        SequenceNumber: formatSequenceNumber(shard.sequenceNumberPrefix, from + i),
        ApproximateArrivalTimestamp: epochSeconds(record.arrival),
        Data: record.data,
        PartitionKey: record.partitionKey,
        ...(isEncryptedAt(shard, from + i) ? { EncryptionType: 'KMS' as const } : {}),
      };
    }
    const oldestUnread = log.arrivalAt(next);
    const millisBehindLatest = oldestUnread === undefined ? 0 : Math.max(0, this.#context.clock() - oldestUnread);
    if (atEnd) {
      this.#endAfterEvent = true;
      return { Records: records, MillisBehindLatest: millisBehindLatest, ChildShards: childShardShapes(stream, shard) };
    }
    return {
      Records: records,
      ContinuationSequenceNumber: continuationSequenceNumber(shard, next),
      MillisBehindLatest: millisBehindLatest,
    };
  }
}
