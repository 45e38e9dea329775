/**
 * `Custom::MskClusterLookup`: what CloudFormation cannot read of an MSK cluster — the bootstrap brokers of the
 * pipeline's authentication method, and (for a cluster of another stack) its client subnets and security groups —
 * for the clients that need them at deploy time (MSK Connect). The original solution's `msk-metadata` function did
 * the same for its Flink notebook.
 */
import { DescribeClusterV2Command, GetBootstrapBrokersCommand, KafkaClient } from '@aws-sdk/client-kafka';
import type { KafkaAuth } from '@streamkit/core';
import { awsClientConfig } from '../aws-client-config.ts';
import { answer, type CustomResourceRequest } from './cloudformation-response.ts';

/** The field of GetBootstrapBrokers' answer for each authentication method (TLS for unauthenticated clusters too). */
export const BOOTSTRAP_FIELD = {
  iam: 'BootstrapBrokerStringSaslIam',
  scram: 'BootstrapBrokerStringSaslScram',
  tls: 'BootstrapBrokerStringTls',
  unauthenticated: 'BootstrapBrokerStringTls',
} as const satisfies Record<KafkaAuth, string>;

export interface ClusterNetwork {
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

/** The bootstrap string of `auth` in a GetBootstrapBrokers answer; an error naming the field when it is absent. */
export function bootstrapServers(auth: KafkaAuth, brokers: Partial<Record<string, string | undefined>>): string {
  const field = BOOTSTRAP_FIELD[auth];
  const value = brokers[field];
  if (!value) {
    throw new Error(`the cluster has no ${field}: is ${auth} authentication turned on for it?`);
  }
  return value;
}

/** Client subnets and security groups of a provisioned or serverless cluster, from DescribeClusterV2's answer. */
export function clusterNetwork(info: {
  readonly Provisioned?: { readonly BrokerNodeGroupInfo?: { ClientSubnets?: string[]; SecurityGroups?: string[] } };
  readonly Serverless?: { readonly VpcConfigs?: { SubnetIds?: string[]; SecurityGroupIds?: string[] }[] };
}): ClusterNetwork {
  if (info.Provisioned) {
    const group = info.Provisioned.BrokerNodeGroupInfo;
    return { subnetIds: group?.ClientSubnets ?? [], securityGroupIds: group?.SecurityGroups ?? [] };
  }
  const configs = info.Serverless?.VpcConfigs ?? [];
  return {
    subnetIds: configs.flatMap((c) => c.SubnetIds ?? []),
    securityGroupIds: configs.flatMap((c) => c.SecurityGroupIds ?? []),
  };
}

let kafka: KafkaClient | undefined;

export const handler = async (request: CustomResourceRequest) => {
  const clusterArn = String(request.ResourceProperties.ClusterArn ?? '');
  const auth = String(request.ResourceProperties.Auth ?? '') as KafkaAuth;
  return answer(request, `${clusterArn}#${auth}`, async () => {
    if (!(auth in BOOTSTRAP_FIELD))
      throw new Error(`Auth must be one of ${Object.keys(BOOTSTRAP_FIELD).join(', ')} (got ${auth})`);
    kafka ??= new KafkaClient(awsClientConfig());
    const brokers = await kafka.send(new GetBootstrapBrokersCommand({ ClusterArn: clusterArn }));
    const described = await kafka.send(new DescribeClusterV2Command({ ClusterArn: clusterArn }));
    const network = clusterNetwork(described.ClusterInfo ?? {});
    return {
      BootstrapServers: bootstrapServers(auth, brokers as unknown as Record<string, string | undefined>),
      SubnetIds: network.subnetIds.join(','),
      SecurityGroupIds: network.securityGroupIds.join(','),
    };
  });
};
