/**
 * The pipeline's Kinesis data stream: on-demand or provisioned, always encrypted at rest, optionally with shard-level
 * (enhanced) metrics through the native CloudFormation property (the original solution needed a custom resource).
 */

import { LIMITS, type ShardLevelMetric, type StreamEncryption, type StreamMode } from '@streamkit/core';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { checkRange, invalid } from '../validate.ts';

export interface DataStreamProps {
  /**
   * Capacity mode of the stream.
   * @default 'ON_DEMAND'
   */
  readonly streamMode?: StreamMode;
  /**
   * Open shards of a PROVISIONED stream; must be absent for ON_DEMAND streams.
   * @default 2 (for PROVISIONED streams)
   */
  readonly shardCount?: number;
  /**
   * How long records stay readable.
   * @default Duration.hours(24)
   */
  readonly retentionPeriod?: Duration;
  /**
   * Server-side encryption: `MANAGED` uses the AWS managed key `alias/aws/kinesis`; `KMS` creates a customer managed
   * key with yearly rotation.
   * @default 'MANAGED'
   */
  readonly encryption?: StreamEncryption;
  /**
   * Shard-level (enhanced) CloudWatch metrics the stream publishes.
   * @default - none
   */
  readonly shardLevelMetrics?: readonly ShardLevelMetric[];
  /**
   * What happens to the stream (and its customer managed key) when the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class DataStream extends Construct {
  readonly stream: kinesis.Stream;
  /** The customer managed key, when `encryption` is `KMS`. */
  readonly encryptionKey: kms.Key | undefined;

  constructor(scope: Construct, id: string, props: DataStreamProps = {}) {
    super(scope, id);
    const K = LIMITS.kinesis;
    const mode = props.streamMode ?? K.streamMode.default;
    if (mode === 'ON_DEMAND' && props.shardCount !== undefined) {
      throw invalid(this, 'shardCount', `applies only to PROVISIONED streams (got ${props.shardCount})`);
    }
    checkRange(this, 'shardCount', K.shardCount, props.shardCount);
    checkRange(this, 'retentionPeriod', K.retentionHours, props.retentionPeriod?.toHours());
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;

    this.encryptionKey =
      (props.encryption ?? K.encryption.default) === 'KMS'
        ? new kms.Key(this, 'Key', {
            description: `Encrypts the Kinesis data stream ${this.node.path}`,
            enableKeyRotation: true,
            removalPolicy,
          })
        : undefined;

    const shardLevelMetrics = props.shardLevelMetrics ?? [];
    this.stream = new kinesis.Stream(this, 'Resource', {
      streamMode: mode === 'ON_DEMAND' ? kinesis.StreamMode.ON_DEMAND : kinesis.StreamMode.PROVISIONED,
      shardCount: mode === 'PROVISIONED' ? (props.shardCount ?? K.shardCount.default) : undefined,
      retentionPeriod: props.retentionPeriod ?? Duration.hours(K.retentionHours.default),
      ...(this.encryptionKey
        ? { encryption: kinesis.StreamEncryption.KMS, encryptionKey: this.encryptionKey }
        : { encryption: kinesis.StreamEncryption.MANAGED }),
      shardLevelMetrics:
        shardLevelMetrics.length > 0 ? shardLevelMetrics.map((m) => m as kinesis.ShardLevelMetrics) : undefined,
      removalPolicy,
    });
  }

  get streamName(): string {
    return this.stream.streamName;
  }
}
