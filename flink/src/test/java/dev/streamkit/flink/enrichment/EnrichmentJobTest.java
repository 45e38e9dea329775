package dev.streamkit.flink.enrichment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.streamkit.flink.runtime.RuntimeProperties;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The enrichment on a MiniCluster against a local HTTP endpoint that is slow for some rides, fails some once, and
 * always fails one: every ride comes out once, enriched with the endpoint's answer, or marked with the reason.
 */
class EnrichmentJobTest {
  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RIDES = 200;
  private static final String API_KEY = "test-key-123";
  private static final int ALWAYS_FAILING = 13;
  /** A ride the endpoint holds until the test ends: only the operator's timeout can settle it. */
  private static final int NEVER_ANSWERED = 1000;
  private final CountDownLatch release = new CountDownLatch(1);

  private HttpServer server;
  private final Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final AtomicInteger unauthorized = new AtomicInteger();
  private final AtomicInteger unsigned = new AtomicInteger();

  @BeforeEach
  void startEndpoint() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/prod/fare-estimate", this::answer);
    server.start();
  }

  @AfterEach
  void stopEndpoint() {
    release.countDown();
    server.stop(0);
  }

  /**
   * A fare API that wants POSTed, signed rides: every 10th ride is slow (300 ms); every 7th fails with 503 on its
   * first call; ride 13 always fails.
   */
  private void answer(HttpExchange exchange) throws IOException {
    JsonNode ride = JSON.readTree(exchange.getRequestBody());
    int id = ride.get("trip_id").asInt();
    String authorization = exchange.getRequestHeaders().getFirst("authorization");
    if (!exchange.getRequestMethod().equals("POST") || authorization == null
        || !authorization.startsWith("AWS4-HMAC-SHA256 Credential=test-access-key/")
        || !authorization.contains("/us-east-1/execute-api/aws4_request")) {
      unsigned.incrementAndGet();
    }
    int call = calls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    if (!API_KEY.equals(exchange.getRequestHeaders().getFirst("x-api-key"))) {
      unauthorized.incrementAndGet();
      respond(exchange, 403, "{\"message\":\"Forbidden\"}");
      return;
    }
    if (id == NEVER_ANSWERED) {
      awaitQuietly(release);
    }
    if (id % 10 == 0) {
      sleep(300);
    }
    if (id == ALWAYS_FAILING || (id % 7 == 0 && call == 1)) {
      respond(exchange, 503, "{\"message\":\"unavailable\"}");
      return;
    }
    respond(exchange, 200, "{\"trip_id\":" + id + ",\"expected_fare\":" + (10 + id % 90) + "}");
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("content-type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private EnrichmentSettings settings(Path dir, boolean ordered) throws IOException {
    Path keyFile = dir.resolve("api-key");
    Files.writeString(keyFile, API_KEY + "\n");
    Map<String, String> p = new HashMap<>();
    p.put("stream.name", "rides");
    p.put("aws.region", "us-east-1");
    p.put("endpoint.url", "http://127.0.0.1:" + server.getAddress().getPort() + "/prod/");
    p.put("api.key.file", keyFile.toString());
    p.put("ordered", String.valueOf(ordered));
    p.put("capacity", "10");
    p.put("retries", "3");
    p.put("retry.initial.backoff.ms", "20");
    return EnrichmentSettings.from(RuntimeProperties.of(Map.of(EnrichmentSettings.GROUP, p), true));
  }

  private static List<String> rides() {
    List<String> rides = new ArrayList<>();
    for (int i = 0; i < RIDES; i++) {
      rides.add("{\"ride_id\":\"r-" + i + "\",\"trip_id\":" + i + ",\"trip_distance\":" + (i % 13) + ".5}");
    }
    return rides;
  }

  /**
   * The rides, as a stream that does not end (a bounded one would: Flink stops retrying once its input has ended,
   * unlike a Kinesis stream). The test stops the job once it has read every ride.
   */
  static DataStream<String> unending(StreamExecutionEnvironment env, List<String> rides) {
    DataStream<String> never = env.fromSource(
            new DataGeneratorSource<>(index -> "", Long.MAX_VALUE, RateLimiterStrategy.perSecond(1), Types.STRING),
            WatermarkStrategy.noWatermarks(), "idle")
        .filter(nothing -> false);
    return env.fromData(rides).union(never);
  }

  @Timeout(180)
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void everyRideComesOutOnceWithTheEndpointsAnswerOrTheReason(boolean ordered, @TempDir Path dir) throws Exception {
    EnrichmentSettings settings = settings(dir, ordered);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    List<JsonNode> out = new ArrayList<>();
    try (var results = EnrichmentJob.enrich(unending(env, rides()), settings).executeAndCollect()) {
      while (out.size() < RIDES && results.hasNext()) {
        out.add(JSON.readTree(results.next()));
      }
    }

    assertEquals(RIDES, out.size());
    Map<Integer, JsonNode> byId = new HashMap<>();
    for (JsonNode ride : out) {
      assertFalse(byId.containsKey(ride.get("trip_id").asInt()), "each ride once: " + ride);
      byId.put(ride.get("trip_id").asInt(), ride);
    }
    for (int id = 0; id < RIDES; id++) {
      JsonNode ride = byId.get(id);
      if (id == ALWAYS_FAILING) {
        assertEquals("HTTP 503", ride.get("enrichment_error").asText());
        assertEquals(4, calls.get(id).get(), "one call and three retries");
        continue;
      }
      assertEquals(10 + id % 90, ride.at("/enrichment/expected_fare").asInt(), ride.toString());
      assertEquals("r-" + id, ride.get("ride_id").asText());
    }
    assertEquals(2, calls.get(7).get(), "a ride failed once is asked again");
    assertEquals(0, unauthorized.get(), "the API key travels with every request");
    assertEquals(0, unsigned.get(), "every request is POSTed and signed for execute-api");
    if (ordered) {
      for (int i = 0; i < RIDES; i++) {
        assertEquals(i, out.get(i).get("trip_id").asInt(), "ordered results keep the input order");
      }
    }
  }

  @Test
  void anUnansweredRideTimesOutIntoAMarkedRideNotAFailedJob(@TempDir Path dir) throws Exception {
    EnrichmentSettings base = settings(dir, false);
    EnrichmentSettings settings = new EnrichmentSettings(base.stream(), base.kinesis(), base.initialPosition(),
        base.fareEstimateUrl(), base.apiKey(), base.region(), 500, base.capacity(), false, 60_000, 0, 1, 1,
        base.outputPath());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    List<JsonNode> out = new ArrayList<>();
    String ride = "{\"trip_id\":" + NEVER_ANSWERED + "}";
    try (var results = EnrichmentJob.enrich(env.fromData(List.of(ride)), settings).executeAndCollect()) {
      while (results.hasNext()) {
        out.add(JSON.readTree(results.next()));
      }
    }
    assertEquals(1, out.size());
    assertEquals("timed out after 500 ms", out.get(0).get("enrichment_error").asText(), out.get(0).toString());
    assertEquals(NEVER_ANSWERED, out.get(0).get("trip_id").asInt());
  }

  @Test
  void refusesAPlaintextApiKeyProperty() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> EnrichmentSettings.from(
        RuntimeProperties.of(Map.of(EnrichmentSettings.GROUP, Map.of("api.key", "secret")), false)));
    assertTrue(error.getMessage().contains("api.key.secret"), error.getMessage());
  }

  @Test
  void refusesAnApiKeyFileOnManagedFlink() {
    Map<String, String> p = Map.of("stream.name", "rides", "aws.region", "us-east-1",
        "endpoint.url", "https://example.invalid/prod/", "api.key.file", "/tmp/key");
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> EnrichmentSettings.from(RuntimeProperties.of(Map.of(EnrichmentSettings.GROUP, p), false)));
    assertTrue(error.getMessage().contains("local runs only"), error.getMessage());
  }
}
