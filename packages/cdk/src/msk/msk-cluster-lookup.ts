/**
 * `Custom::MskClusterLookup`: the bootstrap brokers of an MSK cluster for one authentication method and its client
 * subnets and security groups, which CloudFormation cannot read (the original's `msk-metadata` did the same for its
 * notebook). Backed by streamkit's own function (`packages/functions/src/custom-resources/msk-cluster-lookup.ts`) with
 * its own role — `kafka:GetBootstrapBrokers` and `kafka:DescribeClusterV2` on this cluster only — rather than the
 * provider framework, whose functions carry AWS managed policies.
 */
import { type KafkaAuth, LIMITS } from '@streamkit/core';
import { CUSTOM_RESOURCE_HANDLERS } from '@streamkit/functions';
import { CustomResource, Duration, Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { bundledFunction } from '../lambda-function.ts';

export interface MskClusterLookupProps {
  readonly clusterArn: string;
  readonly auth: KafkaAuth;
}

export class MskClusterLookup extends Construct {
  readonly function: lambda.IFunction;
  readonly role: iam.Role;
  readonly resource: CustomResource;
  /** `host:port,…` of the brokers' listener for `auth`. */
  readonly bootstrapServers: string;
  /** The cluster's client subnets and security groups (lists, resolved at deploy time). */
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];

  constructor(scope: Construct, id: string, props: MskClusterLookupProps) {
    super(scope, id);
    const fn = bundledFunction(this, {
      entry: CUSTOM_RESOURCE_HANDLERS.mskClusterLookup,
      timeout: Duration.seconds(LIMITS.msk.clusterLookupTimeout.value),
      purpose: 'MSK cluster lookup',
    });
    this.function = fn.function;
    this.role = fn.role;
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTheCluster',
        actions: ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'],
        resources: [props.clusterArn],
      }),
    );
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.function.functionArn,
      resourceType: 'Custom::MskClusterLookup',
      properties: { ClusterArn: props.clusterArn, Auth: props.auth },
    });
    // The function answers with its role's permissions: the policy must exist before it is invoked.
    this.resource.node.addDependency(this.role);
    this.bootstrapServers = this.resource.getAttString('BootstrapServers');
    this.subnetIds = Fn.split(',', this.resource.getAttString('SubnetIds'));
    this.securityGroupIds = Fn.split(',', this.resource.getAttString('SecurityGroupIds'));
  }
}
