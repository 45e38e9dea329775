/**
 * `Custom::MskServerlessTopics`: the spec's topics on an MSK Serverless cluster, which has no topic API
 * (`AWS::MSK::Topic` is for provisioned clusters). streamkit's own function
 * (`packages/functions/src/custom-resources/msk-serverless-topics.ts`) runs in the cluster's subnets with a security
 * group the cluster admits on its IAM port, and creates the topics — or grows their partitions — with Kafka's admin
 * API at deploy time. Its role may connect to this cluster and create, describe and alter the declared topics only.
 * Deleting the stack deletes no topic by itself: they go with the cluster.
 */
import { LIMITS } from '@streamkit/core';
import { CUSTOM_RESOURCE_HANDLERS } from '@streamkit/functions';
import { CustomResource, Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { bundledFunction } from '../lambda-function.ts';
import { checkRange } from '../validate.ts';
import { kafkaResourceArn } from './kafka-permissions.ts';
import type { KafkaVpc } from './kafka-vpc.ts';
import type { ServerlessCluster } from './serverless-cluster.ts';

export interface ServerlessTopic {
  readonly name: string;
  /** @default 3 */
  readonly partitions?: number;
}

export interface ServerlessTopicsProps {
  readonly cluster: ServerlessCluster;
  /** The cluster's network: the function runs in its subnets. */
  readonly vpc: KafkaVpc;
  /** `host:port,…` of the cluster's IAM listener (MskClusterLookup's BootstrapServers). */
  readonly bootstrapServers: string;
  readonly topics: readonly ServerlessTopic[];
}

export class ServerlessTopics extends Construct {
  readonly function: lambda.IFunction;
  readonly role: iam.Role;
  readonly securityGroup: ec2.SecurityGroup;
  readonly resource: CustomResource;
  readonly topicNames: readonly string[];

  constructor(scope: Construct, id: string, props: ServerlessTopicsProps) {
    super(scope, id);
    const M = LIMITS.msk;
    props.topics.forEach((t, i) => {
      checkRange(this, `topics[${i}].partitions`, M.partitions, t.partitions);
    });
    const { cluster } = props;
    this.topicNames = props.topics.map((t) => t.name);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc.vpc,
      description: `${this.node.path}: creates the declared topics on the cluster`,
      // The brokers (9098), and CloudFormation's pre-signed response URL (S3, 443) through the VPC's NAT.
      allowAllOutbound: true,
    });
    cluster.allowFrom(this.securityGroup, 'The function that creates the declared topics (IAM)');
    const fn = bundledFunction(this, {
      entry: CUSTOM_RESOURCE_HANDLERS.mskServerlessTopics,
      timeout: Duration.seconds(LIMITS.msk.serverlessTopicsTimeout.value),
      purpose: 'MSK Serverless topics',
      vpc: { vpc: props.vpc.vpc, subnets: props.vpc.subnets, securityGroups: [this.securityGroup] },
    });
    this.function = fn.function;
    this.role = fn.role;
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ConnectToTheCluster',
        actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'],
        resources: [cluster.clusterArn],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CreateTheDeclaredTopics',
        actions: ['kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic', 'kafka-cluster:AlterTopic'],
        resources: this.topicNames.map((name) => kafkaResourceArn(cluster.clusterArn, 'topic', name)),
      }),
    );
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.function.functionArn,
      resourceType: 'Custom::MskServerlessTopics',
      properties: {
        ClusterArn: cluster.clusterArn,
        BootstrapServers: props.bootstrapServers,
        Topics: props.topics.map((t) => ({ Name: t.name, Partitions: String(t.partitions ?? M.partitions.default) })),
      },
    });
    // The function connects with its role's permissions, through the cluster's ingress rule for its group.
    this.resource.node.addDependency(this.role, cluster.securityGroup);
  }
}
