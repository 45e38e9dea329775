/**
 * The demo producer of the Flink presets: one EC2 instance that runs `streamkit produce` against the pipeline's
 * stream as a systemd service (the original installed Java and left you to start its KPL jar by hand).
 *
 * - The code reaches the instance as an S3 asset of this repository's packages (sources and lock file, no
 *   node_modules); user data installs Node.js 22 from Amazon Linux 2023's own repository, runs `npm ci`, and starts
 *   the service, which restarts on failure and on reboot.
 * - IMDSv2 only, an encrypted root volume, detailed monitoring, no SSH: no key pair, no ingress rule; you reach the
 *   instance with SSM Session Manager (the original enforced no IMDSv2 on it: its bug 15).
 * - It runs in an Auto Scaling group of exactly one, so a failed instance is replaced, and the group's launch and
 *   termination events go to the alarm topic.
 * - Its own small VPC: public subnets without NAT gateways (the instance needs outbound HTTPS only), with flow logs.
 */
import { LIMITS } from '@streamkit/core';
import { Duration, IgnoreMode, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { allowSessionManager } from '../ec2/session-manager.ts';
import { DEFAULT_LOG_RETENTION } from '../log-retention.ts';
import { checkRange } from '../validate.ts';

/** What `streamkit produce` sends. */
export type ProducerData = 'stock' | 'taxi';

export interface ProducerInstanceProps {
  readonly stream: kinesis.IStream;
  /** The preset the instance's `streamkit produce --preset` names. */
  readonly preset: string;
  readonly data: ProducerData;
  /** The directory holding this repository's `package.json`, `package-lock.json` and `packages/`. */
  readonly sourceDirectory: string;
  /** Receives the Auto Scaling group's launch and termination events. */
  readonly notificationTopic: sns.ITopic;
  /** @default 't3.small' */
  readonly instanceType?: string;
  /**
   * Records per second.
   * @default 100
   */
  readonly rate?: number;
  /**
   * Start producing when the instance boots; otherwise `sudo systemctl start streamkit-producer` in a session.
   * @default true
   */
  readonly autoStart?: boolean;
}

/**
 * What of the repository the instance needs, in .gitignore syntax: the root package.json and lock file and the
 * packages' sources — not node_modules (npm ci installs them), tests, interop projects, build output or local state.
 */
export const PRODUCER_SOURCE_IGNORE = [
  '/*',
  '!/package.json',
  '!/package-lock.json',
  '!/packages/',
  'node_modules/',
  'cdk.out/',
  '.streamkit/',
  '/packages/*/test/',
  '/packages/*/interop/',
  '/packages/*/examples/',
];

export class ProducerInstance extends Construct {
  readonly vpc: ec2.Vpc;
  readonly securityGroup: ec2.SecurityGroup;
  readonly role: iam.Role;
  readonly launchTemplate: ec2.LaunchTemplate;
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  readonly source: s3assets.Asset;
  readonly flowLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ProducerInstanceProps) {
    super(scope, id);
    const F = LIMITS.flink;
    checkRange(this, 'rate', F.producerRate, props.rate);
    const stack = Stack.of(this);
    const instanceType = new ec2.InstanceType(props.instanceType ?? F.producerInstanceType.default);
    const cpuType =
      instanceType.architecture === ec2.InstanceArchitecture.ARM_64
        ? ec2.AmazonLinuxCpuType.ARM_64
        : ec2.AmazonLinuxCpuType.X86_64;

    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: DEFAULT_LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
      flowLogs: {
        rejected: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
          trafficType: ec2.FlowLogTrafficType.REJECT,
        },
      },
    });
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: this.vpc,
      description: 'The demo producer: no inbound traffic; outbound HTTPS only (Kinesis, S3, SSM, packages)',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs and package mirrors');

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'The demo producer: writes to the stream, reads its code, takes SSM sessions',
    });
    allowSessionManager(this.role);
    // What the producer calls: PutRecords, and ListShards/DescribeStreamSummary for its shard map.
    props.stream.grant(this.role, 'kinesis:PutRecords', 'kinesis:ListShards', 'kinesis:DescribeStreamSummary');
    props.stream.encryptionKey?.grant(this.role, 'kms:GenerateDataKey');

    this.source = new s3assets.Asset(this, 'Source', {
      path: props.sourceDirectory,
      exclude: PRODUCER_SOURCE_IGNORE,
      ignoreMode: IgnoreMode.GIT,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTheCode',
        actions: ['s3:GetObject'],
        resources: [this.source.bucket.arnForObjects(this.source.s3ObjectKey)],
      }),
    );

    const userData = ec2.UserData.forLinux();
    const archive = userData.addS3DownloadCommand({
      bucket: this.source.bucket,
      bucketKey: this.source.s3ObjectKey,
      localFile: '/tmp/streamkit.zip',
    });
    const produce = [
      '/usr/bin/node-22 /opt/streamkit/packages/cli/bin/streamkit.js produce',
      `--preset ${props.preset}`,
      `--stream ${props.stream.streamName}`,
      `--region ${stack.region}`,
      `--data ${props.data}`,
      `--rate ${props.rate ?? F.producerRate.default}`,
    ].join(' ');
    userData.addCommands(
      'set -euo pipefail',
      'dnf install -y nodejs22 nodejs22-npm unzip',
      'useradd --system --home-dir /opt/streamkit --shell /sbin/nologin streamkit || true',
      'mkdir -p /opt/streamkit',
      `unzip -q -o ${archive} -d /opt/streamkit`,
      'cd /opt/streamkit && npm-22 ci --omit=dev --no-audit --no-fund',
      'chown -R streamkit:streamkit /opt/streamkit',
      `cat > /etc/systemd/system/streamkit-producer.service <<'UNIT'`,
      '[Unit]',
      `Description=streamkit produce: ${props.data} records into ${props.preset}'s stream`,
      'After=network-online.target',
      'Wants=network-online.target',
      '[Service]',
      'User=streamkit',
      'WorkingDirectory=/opt/streamkit',
      `Environment=AWS_REGION=${stack.region}`,
      `ExecStart=${produce}`,
      'Restart=always',
      'RestartSec=10',
      '[Install]',
      'WantedBy=multi-user.target',
      'UNIT',
      'systemctl daemon-reload',
      props.autoStart === false
        ? 'echo "start the producer with: sudo systemctl start streamkit-producer"'
        : 'systemctl enable --now streamkit-producer',
    );

    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType,
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType }),
      role: this.role,
      securityGroup: this.securityGroup,
      userData,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      detailedMonitoring: true,
      associatePublicIpAddress: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(16, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
        },
      ],
    });
    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'Group', {
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      launchTemplate: this.launchTemplate,
      minCapacity: 1,
      maxCapacity: 1,
      cooldown: Duration.minutes(5),
      healthChecks: autoscaling.HealthChecks.ec2({ gracePeriod: Duration.minutes(5) }),
      notifications: [{ topic: props.notificationTopic, scalingEvents: autoscaling.ScalingEvents.ALL }],
    });
  }
}
