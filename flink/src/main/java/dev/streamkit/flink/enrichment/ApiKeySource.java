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
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;

/**
 * Where the fare API's key comes from: read from API Gateway by the key's id ({@code GetApiKey} with its value), with
 * the application role's credentials, when a task starts and again after a 403 — never a plaintext runtime property
 * (the original wrote one constant key into its properties, its bug 6). Locally, where there is no API Gateway, the
 * launcher may name a file holding the key instead; the job refuses that setting on Managed Service for Apache Flink.
 */
public record ApiKeySource(String apiKeyId, String region, String apiGatewayEndpoint, String file)
    implements Serializable {

  /** The key, or null when the API takes none. */
  public String resolve() {
    if (apiKeyId != null && !apiKeyId.isBlank()) {
      var builder = ApiGatewayClient.builder()
          .region(Region.of(region))
          .credentialsProvider(DefaultCredentialsProvider.builder().build())
          .httpClientBuilder(ApacheHttpClient.builder());
      if (apiGatewayEndpoint != null && !apiGatewayEndpoint.isBlank()) {
        builder.endpointOverride(URI.create(apiGatewayEndpoint));
      }
      try (ApiGatewayClient client = builder.build()) {
        return client.getApiKey(request -> request.apiKey(apiKeyId).includeValue(true)).value();
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
