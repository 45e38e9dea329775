/**
 * IAM for Kafka clients of an MSK cluster with IAM access control: `kafka-cluster:*` actions on the cluster and on the
 * exact topics and consumer groups a client uses — never `topic/*` — so that no statement needs a wildcard.
 * Topic and group ARNs are the cluster ARN with `cluster/` replaced (`…:topic/<name>/<uuid>/<topic>`).
 */
import { Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/** `arn:…:kafka:<region>:<account>:<kind>/<cluster name>/<uuid>/<name>` from the cluster ARN (a token or text). */
export function kafkaResourceArn(clusterArn: string, kind: 'topic' | 'group', name: string): string {
  return Fn.join('', [
    Fn.select(0, Fn.split(':cluster/', clusterArn)),
    `:${kind}/`,
    Fn.select(1, Fn.split(':cluster/', clusterArn)),
    `/${name}`,
  ]);
}

export interface KafkaAccess {
  /** Topics the client reads. @default - none */
  readonly read?: readonly string[];
  /** Topics the client writes (and creates, for clients that create theirs). @default - none */
  readonly write?: readonly string[];
  /** Consumer groups the client joins. @default - none */
  readonly groups?: readonly string[];
}

/** The statements a client with `access` needs; add them to its role. */
export function kafkaClientStatements(clusterArn: string, access: KafkaAccess): iam.PolicyStatement[] {
  const statements = [
    new iam.PolicyStatement({
      sid: 'ConnectToTheCluster',
      actions: [
        'kafka-cluster:Connect',
        'kafka-cluster:DescribeCluster',
        'kafka-cluster:DescribeClusterDynamicConfiguration',
      ],
      resources: [clusterArn],
    }),
  ];
  const topics = (names: readonly string[] = []) => names.map((t) => kafkaResourceArn(clusterArn, 'topic', t));
  if (access.read?.length) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'ReadTopics',
        actions: [
          'kafka-cluster:DescribeTopic',
          'kafka-cluster:DescribeTopicDynamicConfiguration',
          'kafka-cluster:ReadData',
        ],
        resources: topics(access.read),
      }),
    );
  }
  if (access.write?.length) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'WriteTopics',
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData', 'kafka-cluster:CreateTopic'],
        resources: topics(access.write),
      }),
    );
  }
  if (access.groups?.length) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'JoinConsumerGroups',
        actions: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'],
        resources: access.groups.map((g) => kafkaResourceArn(clusterArn, 'group', g)),
      }),
    );
  }
  return statements;
}
