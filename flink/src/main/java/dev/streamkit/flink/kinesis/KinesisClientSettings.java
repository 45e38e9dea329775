package dev.streamkit.flink.kinesis;

import java.io.Serializable;
import java.net.URI;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Where and as whom a job talks to Kinesis: a region, an optional endpoint (the local engine), and the default
 * credentials provider chain. That chain re-resolves and refreshes expiring credentials (container, instance profile
 * and web-identity credentials) on its own, so a job running for weeks keeps working — the original's async function
 * resolved credentials once (its bug 14).
 */
public final class KinesisClientSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String region;
  private final String endpoint;

  public KinesisClientSettings(String region, String endpoint) {
    this.region = Objects.requireNonNull(region, "region");
    this.endpoint = endpoint == null || endpoint.isBlank() ? null : endpoint;
  }

  public String region() {
    return region;
  }

  /** The endpoint override, or null for the region's Kinesis endpoint. */
  public String endpoint() {
    return endpoint;
  }

  /** A new client (the AWS SDK's default protocol for Kinesis: CBOR over HTTPS, or HTTP locally). */
  public KinesisClient createClient() {
    var builder = KinesisClient.builder()
        .region(Region.of(region))
        .credentialsProvider(DefaultCredentialsProvider.builder().build())
        .httpClientBuilder(ApacheHttpClient.builder());
    if (endpoint != null) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return builder.build();
  }

  /** The region of the environment (AWS_REGION, the profile, the instance metadata), for a stream named by name. */
  public static String defaultRegion() {
    return new software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain().getRegion().id();
  }

  /** The region named by a stream ARN ({@code arn:aws:kinesis:<region>:<account>:stream/<name>}). */
  public static String regionOfArn(String streamArn) {
    String[] parts = streamArn.split(":", 6);
    if (parts.length < 6 || !parts[0].equals("arn") || !parts[2].equals("kinesis") || parts[3].isBlank()) {
      throw new IllegalArgumentException(
          "stream ARN must look like arn:aws:kinesis:<region>:<account>:stream/<name> (got " + streamArn + ")");
    }
    return parts[3];
  }
}
