/**
 * A provisioned Amazon MSK cluster, with Standard or Express brokers. aws-cdk-lib has only the L1 `CfnCluster`;
 * `@aws-cdk/aws-msk-alpha` is experimental, lags aws-cdk-lib and has no Express brokers (decision 0009), so this is
 * streamkit's own L2 over the L1: its security group, its name (unique per stack: two deployments never collide),
 * the broker logs, the optional customer managed key, and for SASL/SCRAM the `AmazonMSK_` secret (encrypted with a
 * key of its own, as MSK requires) associated with the cluster.
 *
 * Clients always speak TLS to the brokers and the brokers to each other; there is no plaintext listener.
 */
import { type KafkaAuth, LIMITS, type MonitoringLevel } from '@streamkit/core';
import { Names, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DEFAULT_LOG_RETENTION } from '../log-retention.ts';
import { checkRange, invalid } from '../validate.ts';
import type { KafkaVpc } from './kafka-vpc.ts';

/** The TLS listener of each authentication method (MSK's fixed ports). */
export const BROKER_PORTS: Record<KafkaAuth, number> = { tls: 9094, unauthenticated: 9094, scram: 9096, iam: 9098 };

export interface MskClusterProps {
  readonly vpc: KafkaVpc;
  /** Standard (`provisioned`) or Express brokers. @default 'provisioned' */
  readonly kind?: 'provisioned' | 'express';
  /** @default '3.8.x' (Standard and Express alike) */
  readonly kafkaVersion?: string;
  /** A multiple of the VPC's zones. @default 3 */
  readonly brokers?: number;
  /** @default 'kafka.m7g.large' or 'express.m7g.large' */
  readonly instanceType?: string;
  /** EBS GiB per Standard broker. @default 100 */
  readonly storageGiB?: number;
  /** @default 'DEFAULT' */
  readonly monitoringLevel?: MonitoringLevel;
  /** Prometheus JMX and Node exporters. @default false */
  readonly openMonitoring?: boolean;
  /** Where broker logs go; `s3` needs `logBucket`. @default 'cloudwatch' */
  readonly brokerLogs?: 'cloudwatch' | 's3';
  readonly logBucket?: s3.IBucket;
  /** @default 'iam' */
  readonly auth?: KafkaAuth;
  /** ACM Private CAs of mutual TLS clients (auth `tls`). */
  readonly certificateAuthorityArns?: readonly string[];
  /** Encrypt broker storage with a customer managed key (with rotation) instead of alias/aws/kafka. @default false */
  readonly customerManagedKey?: boolean;
}

export class MskCluster extends Construct {
  readonly cluster: msk.CfnCluster;
  readonly clusterArn: string;
  /** The value of MSK's `Cluster Name` metric dimension. */
  readonly clusterName: string;
  /** Brokers and clients: clients join it (or are allowed in by `allowFrom`). */
  readonly securityGroup: ec2.SecurityGroup;
  readonly auth: KafkaAuth;
  readonly port: number;
  readonly brokers: number;
  readonly logGroup: logs.LogGroup | undefined;
  readonly encryptionKey: kms.Key | undefined;
  /** SASL/SCRAM: the secret with the username and password, and its key. */
  readonly scramSecret: secretsmanager.Secret | undefined;
  readonly scramSecretKey: kms.Key | undefined;

  constructor(scope: Construct, id: string, props: MskClusterProps) {
    super(scope, id);
    const M = LIMITS.msk;
    const express = props.kind === 'express';
    const zones = props.vpc.subnetIds.length;
    const brokers = props.brokers ?? zones;
    checkRange(this, 'brokers', M.brokerCount, props.brokers);
    checkRange(this, 'storageGiB', M.storageGiB, props.storageGiB);
    if (brokers % zones !== 0)
      throw invalid(this, 'brokers', `must be a multiple of the ${zones} zones (got ${brokers})`);
    if (express && props.storageGiB !== undefined)
      throw invalid(this, 'storageGiB', 'does not apply to Express brokers');
    if (props.brokerLogs === 's3' && !props.logBucket)
      throw invalid(this, 'logBucket', 'is required with brokerLogs s3');
    this.auth = props.auth ?? M.auth.default;
    if (this.auth === 'tls' && !props.certificateAuthorityArns?.length) {
      throw invalid(this, 'certificateAuthorityArns', 'must list at least one ACM Private CA with auth tls');
    }
    this.port = BROKER_PORTS[this.auth];
    this.brokers = brokers;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc.vpc,
      description: `Brokers of ${this.node.path}; clients join this group or are allowed in`,
      allowAllOutbound: true,
    });
    // Brokers replicate to each other, and Lambda's Kafka pollers and MSK Connect workers join the cluster's groups.
    this.securityGroup.addIngressRule(this.securityGroup, ec2.Port.tcp(this.port), 'Kafka clients in this group (TLS)');
    this.securityGroup.addIngressRule(this.securityGroup, ec2.Port.tcpRange(9092, 9098), 'Brokers to each other');

    this.encryptionKey = props.customerManagedKey
      ? new kms.Key(this, 'Key', {
          description: `Encrypts the broker storage of ${this.node.path}`,
          enableKeyRotation: true,
          removalPolicy: RemovalPolicy.DESTROY,
        })
      : undefined;
    const brokerLogs = props.brokerLogs ?? M.brokerLogs.default;
    this.logGroup =
      brokerLogs === 'cloudwatch'
        ? new logs.LogGroup(this, 'BrokerLogs', {
            retention: DEFAULT_LOG_RETENTION,
            removalPolicy: RemovalPolicy.DESTROY,
          })
        : undefined;
    this.clusterName = Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });

    this.cluster = new msk.CfnCluster(this, 'Resource', {
      clusterName: this.clusterName,
      kafkaVersion: props.kafkaVersion ?? (express ? M.expressKafkaVersion.default : M.kafkaVersion.default),
      numberOfBrokerNodes: brokers,
      brokerNodeGroupInfo: {
        clientSubnets: props.vpc.subnetIds,
        instanceType: props.instanceType ?? (express ? M.expressInstanceType.default : M.standardInstanceType.default),
        securityGroups: [this.securityGroup.securityGroupId],
        ...(!express && { storageInfo: { ebsStorageInfo: { volumeSize: props.storageGiB ?? M.storageGiB.default } } }),
      },
      clientAuthentication: clientAuthentication(this.auth, props.certificateAuthorityArns ?? []),
      encryptionInfo: {
        encryptionInTransit: { clientBroker: 'TLS', inCluster: true },
        ...(this.encryptionKey && { encryptionAtRest: { dataVolumeKmsKeyId: this.encryptionKey.keyArn } }),
      },
      enhancedMonitoring: props.monitoringLevel ?? M.monitoringLevel.default,
      openMonitoring: {
        prometheus: {
          jmxExporter: { enabledInBroker: props.openMonitoring ?? M.openMonitoring.default },
          nodeExporter: { enabledInBroker: props.openMonitoring ?? M.openMonitoring.default },
        },
      },
      loggingInfo: {
        brokerLogs: this.logGroup
          ? { cloudWatchLogs: { enabled: true, logGroup: this.logGroup.logGroupName } }
          : { s3: { enabled: true, bucket: props.logBucket!.bucketName, prefix: 'msk-broker-logs/' } },
      },
    });
    this.clusterArn = this.cluster.attrArn;

    if (this.auth === 'scram') {
      // MSK takes only secrets whose name starts with AmazonMSK_ and that a customer managed key encrypts.
      this.scramSecretKey = new kms.Key(this, 'ScramSecretKey', {
        description: `Encrypts the SASL/SCRAM secret of ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      this.scramSecret = new secretsmanager.Secret(this, 'ScramSecret', {
        secretName: `AmazonMSK_${Names.uniqueResourceName(this, { maxLength: 40, separator: '-' })}`,
        description: `SASL/SCRAM username and password of ${this.node.path}`,
        encryptionKey: this.scramSecretKey,
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ username: 'streamkit' }),
          generateStringKey: 'password',
          excludePunctuation: true,
          passwordLength: 32,
        },
        removalPolicy: RemovalPolicy.DESTROY,
      });
      new msk.CfnBatchScramSecret(this, 'ScramSecretAssociation', {
        clusterArn: this.clusterArn,
        secretArnList: [this.scramSecret.secretArn],
      });
    }
  }

  /** Lets `peer` (a client's security group) reach the brokers' listener. */
  allowFrom(peer: ec2.IPeer, description: string): void {
    this.securityGroup.addIngressRule(peer, ec2.Port.tcp(this.port), description);
  }
}

function clientAuthentication(
  auth: KafkaAuth,
  certificateAuthorityArns: readonly string[],
): msk.CfnCluster.ClientAuthenticationProperty {
  switch (auth) {
    case 'iam':
      return { sasl: { iam: { enabled: true } }, unauthenticated: { enabled: false } };
    case 'scram':
      return { sasl: { scram: { enabled: true } }, unauthenticated: { enabled: false } };
    case 'tls':
      return {
        tls: { enabled: true, certificateAuthorityArnList: [...certificateAuthorityArns] },
        unauthenticated: { enabled: false },
      };
    case 'unauthenticated':
      return { unauthenticated: { enabled: true } };
  }
}
