/**
 * What the two Flink jobs of `flink/` are given, defined once for both targets: the cloud stack writes these runtime
 * properties into the Managed Service for Apache Flink application (`EnvironmentProperties.PropertyGroups`), the local
 * launcher hands the same groups to the job on the local JVM. The jobs read them with
 * `KinesisAnalyticsRuntime.getApplicationProperties()` on AWS and from the launcher's file locally.
 *
 * Nothing secret is in them: the enrichment job signs its calls with the application role's credentials (the AWS SDK
 * refreshes them — the original resolved them once, its bug 14) and reads the API key from a Secrets Manager secret,
 * which a rotation function renews, when it starts and again after a 403 (the original wrote a constant key into these
 * properties in clear text, its bug 6).
 */

/** Where `mvn -f flink/pom.xml package` puts the two shaded job jars, relative to the repository root. */
export const FLINK_JARS = {
  sqlRunner: 'flink/target/streamkit-sql-runner.jar',
  enrichment: 'flink/target/streamkit-enrichment.jar',
} as const;

/** The command that builds them. */
export const FLINK_BUILD_COMMAND = 'mvn -f flink/pom.xml -q -DskipTests package';

/** The property group ids. */
export const FLINK_PROPERTY_GROUPS = {
  /** `sql.uri`: where the SQL file is (`s3://bucket/key` on AWS, `file:///…` locally). */
  sqlRunner: 'streamkit.sql',
  /** Every key `K` replaces `${K}` in the SQL text before it runs: STREAM_NAME, AWS_REGION, OUTPUT_PATH. */
  sqlVariables: 'streamkit.sql.variables',
  /** The enrichment job's settings, keys as in `EnrichmentJobProperties`. */
  enrichment: 'streamkit.enrichment',
} as const;

export type FlinkPropertyGroups = Record<string, Record<string, string>>;

export interface SqlRunnerInputs {
  /** `s3://bucket/key` or `file:///path/to/job.sql`. */
  readonly sqlUri: string;
  readonly streamName: string;
  readonly region: string;
  /** The sink path: `s3://bucket/` on AWS, `file:///…/s3/<bucket>/` locally. */
  readonly outputPath: string;
  /** A Kinesis endpoint to use instead of AWS's (the local engine). @default - AWS */
  readonly kinesisEndpoint?: string;
}

/** The runtime properties of the SQL runner. */
export function sqlRunnerProperties(inputs: SqlRunnerInputs): FlinkPropertyGroups {
  return {
    [FLINK_PROPERTY_GROUPS.sqlRunner]: { 'sql.uri': inputs.sqlUri },
    [FLINK_PROPERTY_GROUPS.sqlVariables]: {
      STREAM_NAME: inputs.streamName,
      AWS_REGION: inputs.region,
      OUTPUT_PATH: inputs.outputPath,
      ...(inputs.kinesisEndpoint && { KINESIS_ENDPOINT: inputs.kinesisEndpoint }),
    },
  };
}

export interface KafkaSqlRunnerInputs {
  /** `s3://bucket/key` or `file:///path/to/job.sql`. */
  readonly sqlUri: string;
  /** Comma-separated `host:port` list. */
  readonly bootstrapServers: string;
  readonly topic: string;
  /** The consumer group whose offsets the Kafka source commits at each checkpoint. */
  readonly groupId: string;
  /** How the cluster authenticates clients (`iam`, `unauthenticated`…; locally `unauthenticated`). */
  readonly auth: string;
  readonly region: string;
  /** The sink path: `s3://bucket/<topic>/` on AWS, `file:///…/s3/<bucket>/<topic>/` locally. */
  readonly outputPath: string;
}

/** The runtime properties of the SQL runner over a Kafka topic (msk-flink-s3), for both targets. */
export function kafkaSqlRunnerProperties(inputs: KafkaSqlRunnerInputs): FlinkPropertyGroups {
  return {
    [FLINK_PROPERTY_GROUPS.sqlRunner]: { 'sql.uri': inputs.sqlUri },
    [FLINK_PROPERTY_GROUPS.sqlVariables]: {
      BOOTSTRAP_SERVERS: inputs.bootstrapServers,
      TOPIC: inputs.topic,
      GROUP_ID: inputs.groupId,
      KAFKA_AUTH: inputs.auth,
      AWS_REGION: inputs.region,
      OUTPUT_PATH: inputs.outputPath,
    },
  };
}

export interface EnrichmentJobInputs {
  readonly streamName: string;
  readonly region: string;
  /** The fare API's URL up to the stage (`https://…/prod/`); the job POSTs each ride to `<url>fare-estimate`. */
  readonly endpointUrl: string;
  /**
   * The Secrets Manager secret (ARN) holding the key the job sends as `x-api-key`, as `{"apiKey": "…"}`; the job reads
   * its current version at start and after a 403.
   */
  readonly apiKeySecretArn?: string;
  /** Where enriched rides go as JSON lines (`s3://bucket/prefix/`), by date and hour. @default - the application log */
  readonly outputPath?: string;
  /** Milliseconds the async I/O operator waits for one ride, retries included. */
  readonly timeoutMs: number;
  /** Requests in flight per parallel task. */
  readonly capacity: number;
  readonly retries: number;
  /** orderedWait instead of unorderedWait. */
  readonly ordered: boolean;
  /** A Kinesis endpoint to use instead of AWS's (the local engine). @default - AWS */
  readonly kinesisEndpoint?: string;
}

/** The route the fare API serves and the job calls. */
export const FARE_ESTIMATE_ROUTE = 'fare-estimate';

/** The runtime properties of the enrichment job. */
export function enrichmentJobProperties(inputs: EnrichmentJobInputs): FlinkPropertyGroups {
  return {
    [FLINK_PROPERTY_GROUPS.enrichment]: {
      'stream.name': inputs.streamName,
      'aws.region': inputs.region,
      'endpoint.url': inputs.endpointUrl,
      ...(inputs.apiKeySecretArn && { 'api.key.secret': inputs.apiKeySecretArn }),
      ...(inputs.outputPath && { 'output.path': inputs.outputPath }),
      'timeout.ms': String(inputs.timeoutMs),
      capacity: String(inputs.capacity),
      retries: String(inputs.retries),
      ordered: String(inputs.ordered),
      ...(inputs.kinesisEndpoint && { 'kinesis.endpoint': inputs.kinesisEndpoint }),
    },
  };
}
