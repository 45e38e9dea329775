/**
 * The Kafka client instance (the original's client EC2, and the labs' Cloud9, which is closed to new customers): an
 * Auto Scaling group of one instance — replaced when it fails, deleted with the stack — reached through SSM Session
 * Manager (no SSH, no key pair, no inbound port), with IMDSv2 required, an encrypted root volume and detailed
 * monitoring. User data installs Amazon Corretto, the Kafka tools from archive.apache.org and, for IAM access
 * control, aws-msk-iam-auth from Maven Central — each checked against its published checksum — and writes
 * `/opt/kafka/client.properties` and `/opt/kafka/bootstrap-servers` for the cluster's authentication method.
 */
import { type KafkaAuth, LIMITS } from '@streamkit/core';
import { Duration, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { allowSessionManager } from '../ec2/session-manager.ts';
import { kafkaClientStatements } from './kafka-permissions.ts';

/** aws-msk-iam-auth on Maven Central (software.amazon.msk). */
export const MSK_IAM_AUTH_VERSION = '2.2.0';
/** The consumer group the client's tools may join (`--group streamkit-client`). */
export const CLIENT_CONSUMER_GROUP = 'streamkit-client';

export interface KafkaClientInstanceProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly clusterArn: string;
  readonly auth: KafkaAuth;
  /** The Apache Kafka release of the tools (`KAFKA_TOOLS_RELEASE`). */
  readonly kafkaRelease: string;
  /** Topics the tools may read and write (IAM access control). @default - none */
  readonly topics?: readonly string[];
  /** SASL/SCRAM: the cluster's secret, which the instance reads to write its JAAS configuration. */
  readonly scramSecret?: secretsmanager.ISecret;
  /** @default 't3.small' */
  readonly instanceType?: string;
  /** Where the group's launch and termination notifications go. */
  readonly notificationTopic: sns.ITopic;
}

export class KafkaClientInstance extends Construct {
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  readonly launchTemplate: ec2.LaunchTemplate;
  readonly role: iam.Role;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: KafkaClientInstanceProps) {
    super(scope, id);
    const instanceType = new ec2.InstanceType(props.instanceType ?? LIMITS.msk.clientInstanceType.default);
    const arm = instanceType.architecture === ec2.InstanceArchitecture.ARM_64;
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Kafka client instance of ${this.node.path} (no inbound rules: Session Manager only)`,
      allowAllOutbound: true,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `Kafka client instance of ${this.node.path}`,
    });
    allowSessionManager(this.role);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'FindTheBrokers',
        actions: ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'],
        resources: [props.clusterArn],
      }),
    );
    if (props.auth === 'iam') {
      const topics = props.topics ?? [];
      for (const statement of kafkaClientStatements(props.clusterArn, {
        read: topics,
        write: topics,
        groups: [CLIENT_CONSUMER_GROUP],
      })) {
        this.role.addToPolicy(statement);
      }
    }
    props.scramSecret?.grantRead(this.role);

    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType,
      machineImage: ec2.MachineImage.latestAmazonLinux2023({
        cpuType: arm ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64,
      }),
      role: this.role,
      securityGroup: this.securityGroup,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      detailedMonitoring: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(20, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
        },
      ],
      userData: clientUserData(props, Stack.of(this).region),
    });
    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'Group', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      launchTemplate: this.launchTemplate,
      minCapacity: 1,
      maxCapacity: 1,
      notifications: [{ topic: props.notificationTopic }],
      healthChecks: autoscaling.HealthChecks.ec2({ gracePeriod: Duration.minutes(5) }),
    });
  }
}

/** The boot script: tools, checksums, and the client configuration of the cluster's authentication method. */
export function clientUserData(props: KafkaClientInstanceProps, region: string): ec2.UserData {
  const release = props.kafkaRelease;
  const tarball = `kafka_2.13-${release}.tgz`;
  const apache = `https://archive.apache.org/dist/kafka/${release}/${tarball}`;
  const iamJar = `aws-msk-iam-auth-${MSK_IAM_AUTH_VERSION}-all.jar`;
  const maven = `https://repo1.maven.org/maven2/software/amazon/msk/aws-msk-iam-auth/${MSK_IAM_AUTH_VERSION}/${iamJar}`;
  const brokerField = {
    iam: 'BootstrapBrokerStringSaslIam',
    scram: 'BootstrapBrokerStringSaslScram',
    tls: 'BootstrapBrokerStringTls',
    unauthenticated: 'BootstrapBrokerStringTls',
  }[props.auth];
  const properties = {
    iam: [
      'security.protocol=SASL_SSL',
      'sasl.mechanism=AWS_MSK_IAM',
      'sasl.jaas.config=software.amazon.msk.auth.iam.IAMLoginModule required;',
      'sasl.client.callback.handler.class=software.amazon.msk.auth.iam.IAMClientCallbackHandler',
    ],
    scram: ['security.protocol=SASL_SSL', 'sasl.mechanism=SCRAM-SHA-512'],
    tls: ['security.protocol=SSL'],
    unauthenticated: ['security.protocol=SSL'],
  }[props.auth];
  const userData = ec2.UserData.forLinux();
  userData.addCommands(
    'set -euo pipefail',
    'dnf install -y java-17-amazon-corretto-headless jq',
    'cd /opt',
    `curl -fsSLO ${apache}`,
    `curl -fsSLO ${apache}.sha512`,
    // Apache's .sha512 files are `gpg --print-md` output: upper case, split over lines.
    `expected=$(tr -d ' \\n' < ${tarball}.sha512 | cut -d: -f2 | tr 'A-F' 'a-f')`,
    `echo "$expected  ${tarball}" | sha512sum -c -`,
    `tar xzf ${tarball} && ln -sfn /opt/kafka_2.13-${release} /opt/kafka && rm ${tarball} ${tarball}.sha512`,
  );
  if (props.auth === 'iam') {
    userData.addCommands(
      `curl -fsSL -o /opt/kafka/libs/${iamJar} ${maven}`,
      `echo "$(curl -fsSL ${maven}.sha1)  /opt/kafka/libs/${iamJar}" | sha1sum -c -`,
    );
  }
  userData.addCommands(
    `aws kafka get-bootstrap-brokers --region ${region} --cluster-arn ${props.clusterArn} --query ${brokerField} --output text > /opt/kafka/bootstrap-servers`,
    `printf '%s\\n' ${properties.map((p) => `'${p}'`).join(' ')} > /opt/kafka/client.properties`,
  );
  if (props.auth === 'scram' && props.scramSecret) {
    userData.addCommands(
      `secret=$(aws secretsmanager get-secret-value --region ${region} --secret-id ${props.scramSecret.secretArn} --query SecretString --output text)`,
      `echo "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\\"$(echo "$secret" | jq -r .username)\\" password=\\"$(echo "$secret" | jq -r .password)\\";" >> /opt/kafka/client.properties`,
      'chmod 600 /opt/kafka/client.properties',
    );
  }
  userData.addCommands(
    `echo 'export PATH=/opt/kafka/bin:$PATH BOOTSTRAP=$(cat /opt/kafka/bootstrap-servers)' > /etc/profile.d/kafka.sh`,
  );
  return userData;
}
