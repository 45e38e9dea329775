package dev.streamkit.flink.enrichment;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * Asks the fare API about each ride without blocking (Java's HttpClient, {@code sendAsync}): a POST of the ride to
 * {@code <endpoint.url>fare-estimate}, signed with SigV4 for {@code execute-api} from the default credentials chain —
 * resolved per request, so refreshed role credentials are used as they rotate (the original resolved them once, its
 * bug 14) — with the API key as {@code x-api-key}.
 *
 * <p>A 200 puts the API's JSON answer on the ride under {@code enrichment}. Any other outcome puts the reason under
 * {@code enrichment_error} and, when asking again may help (5xx, 429, 403 after the key is read again, a transport
 * error or a per-request timeout), marks the result retriable for the operator's retry strategy. So every ride
 * reaches the sink — enriched, or with the reason it is not — and none fails the job.
 */
public final class FareEstimateFunction extends RichAsyncFunction<String, EnrichedRide> {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Headers Java's HttpClient sets itself and refuses from callers. */
  private static final Set<String> RESTRICTED_HEADERS = Set.of("host", "content-length", "connection");

  private final EnrichmentSettings settings;
  private transient HttpClient http;
  private transient AwsCredentialsProvider credentials;
  private transient AwsV4HttpSigner signer;
  private transient AtomicReference<CompletableFuture<String>> apiKey;

  public FareEstimateFunction(EnrichmentSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open(OpenContext openContext) {
    http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofMillis(settings.requestTimeoutMs()))
        .build();
    credentials = DefaultCredentialsProvider.builder().build();
    signer = AwsV4HttpSigner.create();
    apiKey = new AtomicReference<>(CompletableFuture.completedFuture(settings.apiKey().resolve()));
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
    CompletableFuture<String> key = apiKey.get();
    key.thenCompose(value -> http.sendAsync(request(event, value), HttpResponse.BodyHandlers.ofString()))
        .whenComplete((response, error) -> {
          if (error != null) {
            if (key.isCompletedExceptionally()) {
              // Reading the key failed (API Gateway unreachable, throttled): read it again for the next attempt.
              refreshApiKey(key);
            }
            resultFuture.complete(List.of(failure(event, describe(error), true)));
            return;
          }
          if (response.statusCode() == 403) {
            // The key may have been rotated: read it again (once, whichever request saw the old one first).
            refreshApiKey(key);
          }
          resultFuture.complete(List.of(answer(event, response.statusCode(), response.body())));
        });
  }

  private HttpRequest request(ObjectNode event, String key) {
    byte[] body = event.toString().getBytes(StandardCharsets.UTF_8);
    URI uri = URI.create(settings.fareEstimateUrl());
    SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder()
        .uri(uri)
        .method(SdkHttpMethod.POST)
        .putHeader("content-type", "application/json");
    if (key != null) {
      unsigned.putHeader("x-api-key", key);
    }
    SdkHttpRequest signed = signer.sign(r -> r
            .identity(credentials.resolveCredentials())
            .request(unsigned.build())
            .payload(ContentStreamProvider.fromByteArray(body))
            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
            .putProperty(AwsV4HttpSigner.REGION_NAME, settings.region()))
        .request();
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofMillis(settings.requestTimeoutMs()))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    signed.forEachHeader((name, values) -> {
      if (!RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        values.forEach(value -> builder.header(name, value));
      }
    });
    return builder.build();
  }

  /**
   * Reads the key again, once for all the requests that carried the key {@code seen}: the first to report it swaps in
   * a new future and reads; the others find it swapped and wait on it (so a rotation costs one GetSecretValue).
   */
  private void refreshApiKey(CompletableFuture<String> seen) {
    CompletableFuture<String> next = new CompletableFuture<>();
    if (apiKey.compareAndSet(seen, next)) {
      CompletableFuture.runAsync(() -> {
        try {
          next.complete(settings.apiKey().resolve());
        } catch (Throwable e) {
          next.completeExceptionally(e);
        }
      });
    }
  }

  /** The ride with the API's answer, or with the reason there is none. */
  static EnrichedRide answer(ObjectNode event, int status, String body) {
    if (status == 200) {
      try {
        event.set("enrichment", JSON.readTree(body));
        return new EnrichedRide(event.toString(), false);
      } catch (Exception e) {
        return failure(event, "HTTP 200 with a body that is not JSON", false);
      }
    }
    boolean retriable = status >= 500 || status == 429 || status == 403;
    return failure(event, "HTTP " + status, retriable);
  }

  static EnrichedRide failure(ObjectNode event, String reason, boolean retriable) {
    event.put("enrichment_error", reason);
    return new EnrichedRide(event.toString(), retriable);
  }

  private static String describe(Throwable error) {
    Throwable cause = error.getCause() != null ? error.getCause() : error;
    return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
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
    resultFuture.complete(List.of(failure(event, "timed out after " + settings.timeoutMs() + " ms", false)));
  }
}
