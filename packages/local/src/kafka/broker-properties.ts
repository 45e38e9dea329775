/**
 * The `server.properties` of one local broker: KRaft combined mode (each node is broker and controller), plaintext
 * listeners on 127.0.0.1, and settings sized for a development machine. With three nodes the controllers form a
 * three-voter quorum and internal topics are replicated three times, as on a three-broker MSK cluster.
 */

export interface BrokerNode {
  readonly nodeId: number;
  /** The client (PLAINTEXT) listener. */
  readonly port: number;
  /** The KRaft controller listener. */
  readonly controllerPort: number;
}

export interface BrokerPropertiesInput {
  readonly node: BrokerNode;
  /** Every node of the cluster, this one included: the controller quorum. */
  readonly nodes: readonly BrokerNode[];
  /** Where the broker keeps its log segments and KRaft metadata. */
  readonly logDir: string;
  readonly autoCreateTopics: boolean;
}

export const LOOPBACK = '127.0.0.1';

/** `key=value` lines, in a stable order (written to `<dataDir>/broker-<id>/server.properties`). */
export function brokerProperties(input: BrokerPropertiesInput): string {
  const { node, nodes, logDir } = input;
  const replicas = nodes.length;
  // MSK's defaults for a three-zone cluster: min.insync.replicas = replicas - 1, so one broker may be down.
  const minInSync = Math.max(1, replicas - 1);
  const entries: [string, string | number | boolean][] = [
    ['process.roles', 'broker,controller'],
    ['node.id', node.nodeId],
    ['controller.quorum.voters', nodes.map((n) => `${n.nodeId}@${LOOPBACK}:${n.controllerPort}`).join(',')],
    ['listeners', `PLAINTEXT://${LOOPBACK}:${node.port},CONTROLLER://${LOOPBACK}:${node.controllerPort}`],
    ['advertised.listeners', `PLAINTEXT://${LOOPBACK}:${node.port}`],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['listener.security.protocol.map', 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT'],
    ['log.dirs', logDir],
    ['auto.create.topics.enable', input.autoCreateTopics],
    ['num.partitions', 1],
    ['default.replication.factor', replicas],
    ['min.insync.replicas', minInSync],
    ['offsets.topic.replication.factor', replicas],
    // 50 partitions (Kafka's default) make the first consumer group wait for 50 leaders; 5 serve a dev machine.
    ['offsets.topic.num.partitions', 5],
    ['transaction.state.log.replication.factor', replicas],
    ['transaction.state.log.min.isr', minInSync],
    ['share.coordinator.state.topic.replication.factor', replicas],
    ['share.coordinator.state.topic.min.isr', minInSync],
    // A consumer group forms at once instead of after Kafka's 3 s wait for more members.
    ['group.initial.rebalance.delay.ms', 0],
    ['num.network.threads', 2],
    ['num.io.threads', 2],
    ['num.recovery.threads.per.data.dir', 1],
    ['log.retention.hours', 168],
    ['log.segment.bytes', 64 * 1024 * 1024],
  ];
  return `${entries.map(([key, value]) => `${key}=${value}`).join('\n')}\n`;
}

/**
 * A log4j2 configuration for a Kafka JVM (broker or Connect worker): INFO to one file rolled at 20 MB (three kept),
 * nothing on the console, with `loggers` set to their own levels.
 */
export function rollingFileLog4j(appender: string, file: string, loggers: Readonly<Record<string, string>>): string {
  const levels = Object.entries(loggers)
    .map(([name, level]) => `    <Logger name="${name}" level="${level}"/>\n`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN">
  <Appenders>
    <RollingFile name="${appender}" fileName="${file}" filePattern="${file}.%i">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
      <Policies><SizeBasedTriggeringPolicy size="20 MB"/></Policies>
      <DefaultRolloverStrategy max="3"/>
    </RollingFile>
  </Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="${appender}"/></Root>
${levels}  </Loggers>
</Configuration>
`;
}

/** The log4j2 configuration: the broker logs to `<logs dir>/server.log`, nothing on the console. */
export function brokerLog4j(): string {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: log4j's lookup of a system property the launcher sets.
  return rollingFileLog4j('server', '${sys:kafka.logs.dir}/server.log', {
    'kafka.request.logger': 'WARN',
    'org.apache.kafka.controller': 'INFO',
  });
}
