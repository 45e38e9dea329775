package dev.streamkit.flink.enrichment;

import dev.streamkit.flink.kinesis.KinesisClientSettings;
import dev.streamkit.flink.kinesis.KinesisStreamRef;
import dev.streamkit.flink.kinesis.StartingPosition;
import dev.streamkit.flink.runtime.RuntimeProperties;
import java.io.Serializable;
import java.util.Properties;

/**
 * The enrichment job's settings, from the runtime property group {@value #GROUP} (core's job contract, which the
 * cloud stack and the local launcher both fill from the spec's `enrichment` section and LIMITS.flink). The fallbacks
 * here only serve a hand-run job; see docs/flink.md for the table.
 */
public record EnrichmentSettings(
    KinesisStreamRef stream,
    KinesisClientSettings kinesis,
    StartingPosition initialPosition,
    String fareEstimateUrl,
    ApiKeySource apiKey,
    String region,
    long timeoutMs,
    int capacity,
    boolean ordered,
    long requestTimeoutMs,
    int retries,
    long retryInitialBackoffMs,
    long retryMaxBackoffMs,
    String outputPath)
    implements Serializable {
  public static final String GROUP = "streamkit.enrichment";
  /** The route the fare API serves (core's FARE_ESTIMATE_ROUTE). */
  public static final String FARE_ESTIMATE_ROUTE = "fare-estimate";

  /** Reads and checks the group; every message names the property, what it allows and what it got. */
  public static EnrichmentSettings from(RuntimeProperties properties) {
    Properties p = properties.group(GROUP);
    if (p.getProperty("api.key") != null) {
      throw new IllegalArgumentException("runtime property " + GROUP + " / api.key is not read: a key in plain"
          + " properties is visible to anyone who can describe the application; give the Secrets Manager secret holding it"
          + " as api.key.secret");
    }
    String apiKeyFile = p.getProperty("api.key.file");
    if (apiKeyFile != null && !properties.isLocal()) {
      throw new IllegalArgumentException("runtime property " + GROUP + " / api.key.file is for local runs only; on"
          + " Managed Service for Apache Flink give api.key.secret");
    }
    String streamName = RuntimeProperties.required(p, GROUP, "stream.name", "the Kinesis stream of taxi rides");
    String region = p.getProperty("aws.region");
    if (region == null || region.isBlank()) {
      region = KinesisClientSettings.defaultRegion();
    }
    String endpointUrl = RuntimeProperties.required(p, GROUP, "endpoint.url", "the fare API, up to its stage");
    String fareEstimateUrl = (endpointUrl.endsWith("/") ? endpointUrl : endpointUrl + "/") + FARE_ESTIMATE_ROUTE;
    String secretsManagerEndpoint = p.getProperty("secretsmanager.endpoint");
    return new EnrichmentSettings(
        KinesisStreamRef.ofName(streamName),
        new KinesisClientSettings(region, p.getProperty("kinesis.endpoint")),
        StartingPosition.parse(GROUP + " / initial.position", p.getProperty("initial.position", "LATEST")),
        fareEstimateUrl,
        new ApiKeySource(p.getProperty("api.key.secret"), region, secretsManagerEndpoint, apiKeyFile),
        region,
        RuntimeProperties.intInRange(p, GROUP, "timeout.ms", 30_000, 100, 3_600_000),
        RuntimeProperties.intInRange(p, GROUP, "capacity", 20, 1, 10_000),
        RuntimeProperties.bool(p, GROUP, "ordered", false),
        RuntimeProperties.intInRange(p, GROUP, "request.timeout.ms", 5_000, 10, 600_000),
        RuntimeProperties.intInRange(p, GROUP, "retries", 3, 0, 100),
        RuntimeProperties.intInRange(p, GROUP, "retry.initial.backoff.ms", 100, 1, 600_000),
        RuntimeProperties.intInRange(p, GROUP, "retry.max.backoff.ms", 2_000, 1, 600_000),
        p.getProperty("output.path"));
  }
}
