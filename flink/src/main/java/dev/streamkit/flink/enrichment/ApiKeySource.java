package dev.streamkit.flink.enrichment;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Where the fare API's key comes from: the current version of a Secrets Manager secret ({@code {"apiKey": "…"}}),
 * read with the default credentials chain (the application role's credentials, refreshed as they rotate) when a task
 * starts and again after a 403 — so a rotation while the job runs costs a re-read, not failed rides. Never a
 * plaintext runtime property (the original wrote one constant key into its properties, its bug 6). Locally, where
 * there is no Secrets Manager, the launcher may name a file holding the key instead; the job refuses that setting on
 * Managed Service for Apache Flink.
 *
 * <p>The caller caches what {@link #resolve()} returns (FareEstimateFunction keeps it until a 403); each call here asks
 * Secrets Manager once.
 */
public record ApiKeySource(String secretId, String region, String secretsManagerEndpoint, String file)
    implements Serializable {
  /** The field of the secret's JSON that holds the key (what the rotation function writes). */
  public static final String SECRET_FIELD = "apiKey";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The key, or null when the API takes none. */
  public String resolve() {
    if (secretId != null && !secretId.isBlank()) {
      return fromSecretString(secretId, readSecretString());
    }
    if (file != null && !file.isBlank()) {
      try {
        return Files.readString(Path.of(file)).trim();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the API key file " + file, e);
      }
    }
    return null;
  }

  private String readSecretString() {
    var builder = SecretsManagerClient.builder()
        .region(Region.of(region))
        .credentialsProvider(DefaultCredentialsProvider.builder().build())
        .httpClientBuilder(ApacheHttpClient.builder());
    if (secretsManagerEndpoint != null && !secretsManagerEndpoint.isBlank()) {
      builder.endpointOverride(URI.create(secretsManagerEndpoint));
    }
    try (SecretsManagerClient client = builder.build()) {
      return client.getSecretValue(request -> request.secretId(secretId)).secretString();
    }
  }

  /** The key in a secret's text: the {@value #SECRET_FIELD} field of its JSON. */
  static String fromSecretString(String secretId, String secretString) {
    JsonNode value;
    try {
      value = JSON.readTree(secretString == null ? "" : secretString).path(SECRET_FIELD);
    } catch (IOException e) {
      throw new IllegalStateException("secret " + secretId + " is not JSON; expected {\"" + SECRET_FIELD
          + "\": \"…\"}", e);
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new IllegalStateException("secret " + secretId + " has no \"" + SECRET_FIELD + "\" string; expected {\""
          + SECRET_FIELD + "\": \"…\"}");
    }
    return value.asText();
  }
}
