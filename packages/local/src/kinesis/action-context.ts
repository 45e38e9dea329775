/**
 * What every action receives, and the look-ups several actions share: finding the stream a request names (by name or
 * by ARN) and the shard it asks for, with AWS's errors and wording when they are not there.
 */

import { KINESIS_API_LIMITS } from './api-limits.ts';
import { KinesisServiceError } from './errors.ts';
import type { ShardLimits } from './shard-limits.ts';
import type { ShardSubscriptions } from './shard-subscriptions.ts';
import { type KinesisShard, type KinesisStore, type KinesisStream, shardIdOf } from './store.ts';
import { type TokenKind, type TokenSealer, tokenInteger } from './token-sealer.ts';
import type { StreamRef } from './validation.ts';

export interface ActionContext {
  readonly store: KinesisStore;
  /** Seals shard iterators and NextTokens. */
  readonly tokens: TokenSealer;
  /** Milliseconds since the epoch. */
  readonly clock: () => number;
  /** Live SubscribeToShard subscriptions, which writes and stream changes wake. */
  readonly subscriptions: ShardSubscriptions;
  /** The shard limits model (admits everything when the engine does not enforce it). */
  readonly limits: ShardLimits;
}

/**
 * An action: takes the JSON request body (already parsed) and returns the JSON response body, or a promise of it
 * (the put actions answer once their records are durable).
 */
export type KinesisActionHandler = (context: ActionContext, input: unknown) => unknown;

const ARN = /^arn:[^:]+:kinesis:([^:]*):(\d{12}):stream\/(.+)$/;

/** The stream name a request means, from `StreamName`, `StreamARN` or both. */
export function streamNameOf(context: ActionContext, ref: StreamRef): string {
  if (ref.arn === undefined) {
    if (ref.name === undefined) {
      throw new KinesisServiceError('InvalidArgumentException', 'Either StreamName or StreamARN must be provided');
    }
    return ref.name;
  }
  const { store } = context;
  const match = ARN.exec(ref.arn);
  if (!match || match[1] !== store.region || match[2] !== store.account) {
    throw new KinesisServiceError(
      'ResourceNotFoundException',
      `Stream ${ref.arn} not found: the local engine serves account ${store.account} in ${store.region} only`,
    );
  }
  const name = match[3]!;
  if (ref.name !== undefined && ref.name !== name) {
    throw new KinesisServiceError(
      'InvalidArgumentException',
      `StreamARN ${ref.arn} and StreamName ${ref.name} name different streams`,
    );
  }
  return name;
}

export function streamNotFound(context: ActionContext, name: string): KinesisServiceError {
  return new KinesisServiceError(
    'ResourceNotFoundException',
    `Stream ${name} under account ${context.store.account} not found.`,
  );
}

/** The stream a request names, in whatever status. */
export function findStream(context: ActionContext, ref: StreamRef): KinesisStream {
  const name = streamNameOf(context, ref);
  const stream = context.store.stream(name);
  if (!stream) throw streamNotFound(context, name);
  return stream;
}

/**
 * The stream a data-plane request (put, get) names. AWS answers ResourceNotFoundException for a stream that is not
 * ACTIVE (or UPDATING) yet or any more.
 */
export function findWritableStream(context: ActionContext, ref: StreamRef): KinesisStream {
  const stream = findStream(context, ref);
  if (stream.status !== 'ACTIVE' && stream.status !== 'UPDATING') throw streamNotFound(context, stream.name);
  return stream;
}

/** A stream that must be ACTIVE for a control-plane request (ResourceInUseException otherwise, as AWS does). */
export function requireActive(context: ActionContext, stream: KinesisStream): void {
  if (stream.status !== 'ACTIVE') {
    throw new KinesisServiceError(
      'ResourceInUseException',
      `Stream ${stream.name} under account ${context.store.account} not ACTIVE, instead in state ${stream.status}`,
    );
  }
}

const SHARD_ID = /^(?:shardId-)?(\d{1,12})$/;

/**
 * The shard a request names. Like AWS, a shard ID may be given in short form (`shardId-1` or `1` for
 * `shardId-000000000001`).
 */
export function findShard(context: ActionContext, stream: KinesisStream, shardId: string): KinesisShard {
  const match = SHARD_ID.exec(shardId);
  if (!match) {
    throw new KinesisServiceError(
      'ResourceNotFoundException',
      `Could not find shard ${shardId} in stream ${stream.name} under account ${context.store.account}.`,
    );
  }
  const shard = stream.shards[Number(match[1])];
  if (!shard) {
    throw new KinesisServiceError(
      'ResourceNotFoundException',
      `Shard ${shardIdOf(Number(match[1]))} in stream ${stream.name} under account ${context.store.account} does not exist`,
    );
  }
  return shard;
}

/** Seals a NextToken: `fields`, then the time it was issued. */
export function sealNextToken(context: ActionContext, kind: TokenKind, fields: readonly (string | number)[]): string {
  return context.tokens.seal(kind, [...fields, context.clock()]);
}

/**
 * The fields of a NextToken sealed with `sealNextToken`: InvalidArgumentException when this engine did not issue it,
 * ExpiredNextTokenException when it is older than AWS lets tokens live.
 */
export function openNextToken(context: ActionContext, kind: TokenKind, token: string): readonly unknown[] {
  const fields = context.tokens.open(kind, token);
  const issuedAt = fields && tokenInteger(fields, fields.length - 1);
  if (!fields || issuedAt === undefined) {
    throw new KinesisServiceError('InvalidArgumentException', `Invalid NextToken: ${token}`);
  }
  const ttlMs = KINESIS_API_LIMITS.nextTokenTtlSeconds.value * 1000;
  const age = context.clock() - issuedAt;
  if (age > ttlMs) {
    throw new KinesisServiceError(
      'ExpiredNextTokenException',
      `The NextToken has expired: it was issued ${age} ms ago and tokens live ${ttlMs} ms`,
    );
  }
  return fields.slice(0, -1);
}
