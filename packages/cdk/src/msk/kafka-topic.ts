/**
 * A topic the stack creates (`AWS::MSK::Topic`, MSK's topic API: provisioned clusters, Kafka 3.6 or later), so a
 * consumer never waits on a topic nobody made — the original told users to create it by hand first. Its settings go
 * as Java properties, base64-encoded as the resource wants them.
 */
import { LIMITS } from '@streamkit/core';
import * as msk from 'aws-cdk-lib/aws-msk';
import { Construct } from 'constructs';
import { checkRange } from '../validate.ts';

export interface KafkaTopicProps {
  readonly clusterArn: string;
  readonly topicName: string;
  /** @default 3 */
  readonly partitions?: number;
  /** @default 3 */
  readonly replicationFactor?: number;
  /** Topic-level settings (`retention.ms`, `cleanup.policy`…). @default - the cluster's */
  readonly config?: Readonly<Record<string, string>>;
}

export class KafkaTopic extends Construct {
  readonly topic: msk.CfnTopic;
  readonly topicName: string;

  constructor(scope: Construct, id: string, props: KafkaTopicProps) {
    super(scope, id);
    const M = LIMITS.msk;
    checkRange(this, 'partitions', M.partitions, props.partitions);
    checkRange(this, 'replicationFactor', M.replicationFactor, props.replicationFactor);
    const config = Object.entries(props.config ?? {});
    this.topicName = props.topicName;
    this.topic = new msk.CfnTopic(this, 'Resource', {
      clusterArn: props.clusterArn,
      topicName: props.topicName,
      partitionCount: props.partitions ?? M.partitions.default,
      replicationFactor: props.replicationFactor ?? M.replicationFactor.default,
      ...(config.length > 0 && { configs: topicConfigs(props.config!) }),
    });
  }
}

/** Topic settings as `key=value` lines, base64-encoded (what AWS::MSK::Topic's Configs takes). */
export function topicConfigs(config: Readonly<Record<string, string>>): string {
  const lines = Object.entries(config).map(([key, value]) => `${key}=${value}`);
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8').toString('base64');
}
