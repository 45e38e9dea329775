/**
 * The network an MSK cluster lives in: a new VPC with one public and one private subnet per Availability Zone, NAT
 * for the private ones (Lambda's Kafka pollers, MSK Connect and the client instance reach AWS APIs and Maven Central
 * through it), flow logs, and an S3 gateway endpoint (the event source mapping's S3 on-failure destination needs
 * one inside the cluster's VPC) — or an existing VPC and its private subnets, taken as they are.
 */

import { LIMITS } from '@streamkit/core';
import { Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_LOG_RETENTION } from '../log-retention.ts';
import { checkRange, invalid } from '../validate.ts';

export type KafkaVpcProps =
  | {
      readonly kind: 'new';
      /** Availability Zones (2 or 3). */
      readonly availabilityZones: number;
      /** @default 1 */
      readonly natGateways?: number;
    }
  | {
      readonly kind: 'existing';
      readonly vpcId: string;
      /** One private subnet per Availability Zone the brokers use. */
      readonly subnetIds: readonly string[];
    };

export class KafkaVpc extends Construct {
  readonly vpc: ec2.IVpc;
  /** The subnets the brokers (and everything that talks to them) are placed in. */
  readonly subnets: ec2.SubnetSelection;
  readonly subnetIds: string[];
  /** The flow log of a new VPC. */
  readonly flowLog: ec2.FlowLog | undefined;

  constructor(scope: Construct, id: string, props: KafkaVpcProps) {
    super(scope, id);
    if (props.kind === 'existing') {
      if (props.subnetIds.length < 2)
        throw invalid(this, 'subnetIds', `must list 2 or 3 subnets (got ${props.subnetIds.length})`);
      const zones = props.subnetIds.map((_, i) => Fn.select(i, Fn.getAzs()));
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: props.vpcId,
        availabilityZones: zones,
        privateSubnetIds: [...props.subnetIds],
      });
      this.subnetIds = [...props.subnetIds];
      this.subnets = { subnets: props.subnetIds.map((s, i) => ec2.Subnet.fromSubnetId(this, `Subnet${i}`, s)) };
      this.flowLog = undefined;
      return;
    }
    checkRange(this, 'availabilityZones', LIMITS.msk.availabilityZones, props.availabilityZones);
    checkRange(this, 'natGateways', LIMITS.msk.natGateways, props.natGateways);
    // Zones by index, so that an environment-agnostic stack gets three (CDK would otherwise assume two).
    const zones = Array.from({ length: props.availabilityZones }, (_, i) => Fn.select(i, Fn.getAzs()));
    const vpc = new ec2.Vpc(this, 'Vpc', {
      availabilityZones: zones,
      natGateways: props.natGateways ?? LIMITS.msk.natGateways.default,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    const logGroup = new logs.LogGroup(this, 'FlowLogGroup', {
      retention: DEFAULT_LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.flowLog = new ec2.FlowLog(this, 'FlowLog', {
      resourceType: ec2.FlowLogResourceType.fromVpc(vpc),
      destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroup),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });
    this.vpc = vpc;
    this.subnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    this.subnetIds = vpc.selectSubnets(this.subnets).subnetIds;
  }
}
