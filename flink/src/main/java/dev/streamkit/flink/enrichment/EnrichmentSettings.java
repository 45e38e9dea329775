package dev.streamkit.flink.enrichment;

import dev.streamkit.flink.kinesis.KinesisClientSettings;
import dev.streamkit.flink.kinesis.StartingPosition;
import dev.streamkit.flink.runtime.RuntimeProperties;
import java.io.Serializable;
import java.util.Locale;
import java.util.Properties;

/**
 * The enrichment job's settings, from the runtime property group {@value #GROUP}. Defaults follow the original's job
 * (30 s timeout, capacity 20, unordered) where it had them; see docs/flink.md for the table.
 */
public record EnrichmentSettings(
    String inputStreamArn,
    KinesisClientSettings kinesis,
    StartingPosition initialPosition,
    String endpointUrl,
    String requestMethod,
    String requestIdField,
    String queryParameter,
    ApiKeySource apiKey,
    long asyncTimeoutMs,
    int asyncCapacity,
    boolean ordered,
    long requestTimeoutMs,
    int retryMaxAttempts,
    long retryInitialBackoffMs,
    long retryMaxBackoffMs,
    String outputPath)
    implements Serializable {
  public static final String GROUP = "EnrichmentProperties";

  /** Reads and checks the group; every message names the property, what it allows and what it got. */
  public static EnrichmentSettings from(RuntimeProperties properties) {
    Properties p = properties.group(GROUP);
    if (p.getProperty("ApiKey") != null) {
      throw new IllegalArgumentException("runtime property " + GROUP + ".ApiKey is not read: an API key in plain"
          + " properties is visible to anyone who can describe the application; store it in Secrets Manager and set "
          + GROUP + ".ApiKeySecretArn");
    }
    String streamArn = RuntimeProperties.required(p, GROUP, "InputStreamArn", "the Kinesis stream of taxi rides");
    String region = p.getProperty("Region", KinesisClientSettings.regionOfArn(streamArn));
    String method = p.getProperty("RequestMethod", "GET").toUpperCase(Locale.ROOT);
    if (!method.equals("GET") && !method.equals("POST")) {
      throw new IllegalArgumentException(
          "runtime property " + GROUP + ".RequestMethod must be GET or POST (got " + method + ")");
    }
    String ordering = p.getProperty("AsyncOrdering", "UNORDERED").toUpperCase(Locale.ROOT);
    if (!ordering.equals("ORDERED") && !ordering.equals("UNORDERED")) {
      throw new IllegalArgumentException(
          "runtime property " + GROUP + ".AsyncOrdering must be ORDERED or UNORDERED (got " + ordering + ")");
    }
    String apiKeyFile = p.getProperty("ApiKeyFile");
    if (apiKeyFile != null && !properties.isLocal()) {
      throw new IllegalArgumentException("runtime property " + GROUP + ".ApiKeyFile is for local runs only; on"
          + " Managed Service for Apache Flink set " + GROUP + ".ApiKeySecretArn");
    }
    return new EnrichmentSettings(
        streamArn,
        new KinesisClientSettings(region, p.getProperty("KinesisEndpoint")),
        StartingPosition.parse(GROUP + ".InitialPosition", p.getProperty("InitialPosition", "LATEST")),
        RuntimeProperties.required(p, GROUP, "EndpointUrl", "the fare-estimate endpoint to call for each ride"),
        method,
        p.getProperty("RequestIdField", "trip_id"),
        p.getProperty("QueryParameter", "ride_request_id"),
        new ApiKeySource(p.getProperty("ApiKeySecretArn"), region, p.getProperty("SecretsManagerEndpoint"), apiKeyFile),
        RuntimeProperties.intInRange(p, GROUP, "AsyncTimeoutMs", 30_000, 100, 3_600_000),
        RuntimeProperties.intInRange(p, GROUP, "AsyncCapacity", 20, 1, 10_000),
        ordering.equals("ORDERED"),
        RuntimeProperties.intInRange(p, GROUP, "RequestTimeoutMs", 5_000, 10, 600_000),
        RuntimeProperties.intInRange(p, GROUP, "RetryMaxAttempts", 3, 0, 100),
        RuntimeProperties.intInRange(p, GROUP, "RetryInitialBackoffMs", 100, 1, 600_000),
        RuntimeProperties.intInRange(p, GROUP, "RetryMaxBackoffMs", 2_000, 1, 600_000),
        RuntimeProperties.required(p, GROUP, "OutputPath", "where enriched rides are written (s3://… or file://…)"));
  }
}
