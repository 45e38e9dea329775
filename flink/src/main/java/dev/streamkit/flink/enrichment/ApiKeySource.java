package dev.streamkit.flink.enrichment;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;

/**
 * Where the endpoint's API key comes from: a Secrets Manager secret (its SecretString is the key), read when a task
 * starts with the default credentials chain — never a plaintext runtime property (the original put a constant key in
 * its properties, its bug 6). Locally the launcher may instead name a file holding the key (ApiKeyFile), since there
 * is no local Secrets Manager; the job refuses that setting on Managed Service for Apache Flink.
 */
public record ApiKeySource(String secretArn, String region, String secretsManagerEndpoint, String file)
    implements Serializable {

  /** The key, or null when the endpoint takes none. */
  public String resolve() {
    if (secretArn != null && !secretArn.isBlank()) {
      var builder = SecretsManagerClient.builder()
          .region(Region.of(region))
          .credentialsProvider(DefaultCredentialsProvider.builder().build())
          .httpClientBuilder(ApacheHttpClient.builder());
      if (secretsManagerEndpoint != null && !secretsManagerEndpoint.isBlank()) {
        builder.endpointOverride(URI.create(secretsManagerEndpoint));
      }
      try (SecretsManagerClient client = builder.build()) {
        return client.getSecretValue(GetSecretValueRequest.builder().secretId(secretArn).build()).secretString();
      }
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
}
