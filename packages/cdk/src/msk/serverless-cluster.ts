/**
 * An MSK Serverless cluster (L1 `CfnServerlessCluster`; no L2 exists): IAM authentication only, TLS only, storage and
 * capacity managed by MSK. Its name is unique per stack, and its security group admits the clients that join it.
 */
import { Names } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as msk from 'aws-cdk-lib/aws-msk';
import { Construct } from 'constructs';
import type { KafkaVpc } from './kafka-vpc.ts';
import { BROKER_PORTS } from './msk-cluster.ts';

export interface ServerlessClusterProps {
  readonly vpc: KafkaVpc;
}

export class ServerlessCluster extends Construct {
  readonly cluster: msk.CfnServerlessCluster;
  readonly clusterArn: string;
  readonly clusterName: string;
  readonly securityGroup: ec2.SecurityGroup;
  readonly auth = 'iam' as const;
  readonly port = BROKER_PORTS.iam;

  constructor(scope: Construct, id: string, props: ServerlessClusterProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc.vpc,
      description: `Clients of ${this.node.path}`,
      allowAllOutbound: true,
    });
    this.securityGroup.addIngressRule(this.securityGroup, ec2.Port.tcp(this.port), 'Kafka clients in this group (IAM)');
    this.clusterName = Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });
    this.cluster = new msk.CfnServerlessCluster(this, 'Resource', {
      clusterName: this.clusterName,
      clientAuthentication: { sasl: { iam: { enabled: true } } },
      vpcConfigs: [{ subnetIds: props.vpc.subnetIds, securityGroups: [this.securityGroup.securityGroupId] }],
    });
    this.clusterArn = this.cluster.attrArn;
  }

  allowFrom(peer: ec2.IPeer, description: string): void {
    this.securityGroup.addIngressRule(peer, ec2.Port.tcp(this.port), description);
  }
}
