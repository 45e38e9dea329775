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
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
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

  private HttpServer server;
  private final Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final AtomicInteger unauthorized = new AtomicInteger();

  @BeforeEach
  void startEndpoint() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/predictFare", this::answer);
    server.start();
  }

  @AfterEach
  void stopEndpoint() {
    server.stop(0);
  }

  /** Every 10th ride is slow (300 ms); every 7th fails with 503 on its first call; ride 13 always fails. */
  private void answer(HttpExchange exchange) throws IOException {
    String query = exchange.getRequestURI().getQuery();
    int id = Integer.parseInt(query.substring(query.indexOf('=') + 1));
    int call = calls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    if (!API_KEY.equals(exchange.getRequestHeaders().getFirst("x-api-key"))) {
      unauthorized.incrementAndGet();
      respond(exchange, 403, "{\"message\":\"Forbidden\"}");
      return;
    }
    if (id % 10 == 0) {
      sleep(300);
    }
    if (id == ALWAYS_FAILING || (id % 7 == 0 && call == 1)) {
      respond(exchange, 503, "{\"message\":\"unavailable\"}");
      return;
    }
    respond(exchange, 200, "{\"ride_request_id\":" + id + ",\"expected_fare\":" + (10 + id % 90) + "}");
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("content-type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private EnrichmentSettings settings(Path dir, String ordering) throws IOException {
    Path keyFile = dir.resolve("api-key");
    Files.writeString(keyFile, API_KEY + "\n");
    Properties flat = new Properties();
    String g = EnrichmentSettings.GROUP + ".";
    flat.setProperty(g + "InputStreamArn", "arn:aws:kinesis:us-east-1:000000000000:stream/rides");
    flat.setProperty(g + "EndpointUrl", "http://127.0.0.1:" + server.getAddress().getPort() + "/predictFare");
    flat.setProperty(g + "ApiKeyFile", keyFile.toString());
    flat.setProperty(g + "AsyncOrdering", ordering);
    flat.setProperty(g + "AsyncCapacity", "10");
    flat.setProperty(g + "RetryMaxAttempts", "3");
    flat.setProperty(g + "RetryInitialBackoffMs", "20");
    flat.setProperty(g + "OutputPath", dir.resolve("out").toUri().toString());
    return EnrichmentSettings.from(RuntimeProperties.fromFlat(flat, true));
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
  private static DataStream<String> unending(StreamExecutionEnvironment env, List<String> rides) {
    DataStream<String> never = env.fromSource(
            new DataGeneratorSource<>(index -> "", Long.MAX_VALUE, RateLimiterStrategy.perSecond(1), Types.STRING),
            WatermarkStrategy.noWatermarks(), "idle")
        .filter(nothing -> false);
    return env.fromData(rides).union(never);
  }

  @Timeout(180)
  @ParameterizedTest
  @ValueSource(strings = {"UNORDERED", "ORDERED"})
  void everyRideComesOutOnceWithTheEndpointsAnswerOrTheReason(String ordering, @TempDir Path dir) throws Exception {
    EnrichmentSettings settings = settings(dir, ordering);
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
    if (ordering.equals("ORDERED")) {
      for (int i = 0; i < RIDES; i++) {
        assertEquals(i, out.get(i).get("trip_id").asInt(), "ordered results keep the input order");
      }
    }
  }

  @Test
  void aSlowEndpointTimesOutIntoAMarkedRideNotAFailedJob(@TempDir Path dir) throws Exception {
    EnrichmentSettings base = settings(dir, "UNORDERED");
    EnrichmentSettings settings = new EnrichmentSettings(base.inputStreamArn(), base.kinesis(), base.initialPosition(),
        base.endpointUrl(), base.requestMethod(), base.requestIdField(), base.queryParameter(), base.apiKey(),
        150, base.asyncCapacity(), false, base.requestTimeoutMs(), 0, 1, 1, base.outputPath());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    List<String> slow = List.of("{\"trip_id\":10}", "{\"trip_id\":1}");
    List<JsonNode> out = new ArrayList<>();
    try (var results = EnrichmentJob.enrich(env.fromData(slow), settings).executeAndCollect()) {
      while (results.hasNext()) {
        out.add(JSON.readTree(results.next()));
      }
    }
    assertEquals(2, out.size());
    JsonNode timedOut = out.stream().filter(r -> r.get("trip_id").asInt() == 10).findFirst().orElseThrow();
    assertTrue(timedOut.get("enrichment_error").asText().startsWith("timed out after 150 ms"), timedOut.toString());
    JsonNode quick = out.stream().filter(r -> r.get("trip_id").asInt() == 1).findFirst().orElseThrow();
    assertEquals(11, quick.at("/enrichment/expected_fare").asInt());
  }

  @Test
  void refusesAPlaintextApiKeyProperty() {
    Properties flat = new Properties();
    flat.setProperty(EnrichmentSettings.GROUP + ".ApiKey", "secret");
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> EnrichmentSettings.from(RuntimeProperties.fromFlat(flat, false)));
    assertTrue(error.getMessage().contains("ApiKeySecretArn"), error.getMessage());
  }

  @Test
  void refusesAnApiKeyFileOnManagedFlink() {
    Properties flat = new Properties();
    String g = EnrichmentSettings.GROUP + ".";
    flat.setProperty(g + "InputStreamArn", "arn:aws:kinesis:us-east-1:000000000000:stream/rides");
    flat.setProperty(g + "EndpointUrl", "https://example.invalid/predictFare");
    flat.setProperty(g + "OutputPath", "s3://bucket/enriched");
    flat.setProperty(g + "ApiKeyFile", "/tmp/key");
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> EnrichmentSettings.from(RuntimeProperties.fromFlat(flat, false)));
    assertTrue(error.getMessage().contains("local runs only"), error.getMessage());
  }
}
