package dev.streamkit.flink.enrichment;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Asks the fare-estimate endpoint about each ride without blocking (Java's HttpClient, {@code sendAsync}), sending
 * the API key as {@code x-api-key}. A 200 puts the endpoint's JSON answer on the ride under {@code enrichment}. Any
 * other outcome puts the reason under {@code enrichment_error} and, when it is worth asking again (5xx, 429, a
 * transport error or a per-request timeout), marks the result retriable for the operator's retry strategy. So every
 * ride reaches the sink — enriched, or with the reason it is not — and none fails the job.
 */
public final class FareEstimateFunction extends RichAsyncFunction<String, EnrichedRide> {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EnrichmentSettings settings;
  private transient HttpClient http;
  private transient String apiKey;

  public FareEstimateFunction(EnrichmentSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open(OpenContext openContext) {
    http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofMillis(settings.requestTimeoutMs()))
        .build();
    apiKey = settings.apiKey().resolve();
  }

  @Override
  public void asyncInvoke(String ride, ResultFuture<EnrichedRide> resultFuture) {
    ObjectNode event;
    try {
      event = (ObjectNode) JSON.readTree(ride);
    } catch (Exception e) {
      // Not a JSON object: nothing to ask about, but the record still reaches the sink, marked.
      resultFuture.complete(List.of(failure(JSON.createObjectNode().put("raw", ride), "not a JSON object", false)));
      return;
    }
    HttpRequest request;
    try {
      request = request(event);
    } catch (IllegalArgumentException e) {
      resultFuture.complete(List.of(failure(event, e.getMessage(), false)));
      return;
    }
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
      if (error != null) {
        resultFuture.complete(List.of(failure(event, error.getClass().getSimpleName() + ": " + error.getMessage(),
            true)));
      } else {
        resultFuture.complete(List.of(answer(event, response.statusCode(), response.body())));
      }
    });
  }

  private HttpRequest request(ObjectNode event) {
    HttpRequest.Builder builder = HttpRequest.newBuilder().timeout(Duration.ofMillis(settings.requestTimeoutMs()))
        .header("accept", "application/json");
    if (apiKey != null) {
      builder.header("x-api-key", apiKey);
    }
    if (settings.requestMethod().equals("POST")) {
      return builder.uri(URI.create(settings.endpointUrl()))
          .header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(event.toString()))
          .build();
    }
    JsonNode id = event.get(settings.requestIdField());
    if (id == null || id.isNull() || id.isContainerNode()) {
      throw new IllegalArgumentException("the ride has no " + settings.requestIdField() + " to ask about");
    }
    String separator = settings.endpointUrl().contains("?") ? "&" : "?";
    URI uri = URI.create(settings.endpointUrl() + separator + settings.queryParameter() + "="
        + URLEncoder.encode(id.asText(), StandardCharsets.UTF_8));
    return builder.uri(uri).GET().build();
  }

  /** The ride with the endpoint's answer, or with the reason there is none. */
  static EnrichedRide answer(ObjectNode event, int status, String body) {
    if (status == 200) {
      try {
        event.set("enrichment", JSON.readTree(body));
        return new EnrichedRide(event.toString(), false);
      } catch (Exception e) {
        return failure(event, "HTTP 200 with a body that is not JSON", false);
      }
    }
    boolean retriable = status >= 500 || status == 429;
    return failure(event, "HTTP " + status, retriable);
  }

  static EnrichedRide failure(ObjectNode event, String reason, boolean retriable) {
    event.put("enrichment_error", reason);
    return new EnrichedRide(event.toString(), retriable);
  }

  @Override
  public void timeout(String ride, ResultFuture<EnrichedRide> resultFuture) {
    // The operator's timeout covers every attempt: past it the ride goes on, marked, rather than failing the job.
    ObjectNode event;
    try {
      event = (ObjectNode) JSON.readTree(ride);
    } catch (Exception e) {
      event = JSON.createObjectNode().put("raw", ride);
    }
    resultFuture.complete(List.of(failure(event, "timed out after " + settings.asyncTimeoutMs() + " ms", false)));
  }
}
