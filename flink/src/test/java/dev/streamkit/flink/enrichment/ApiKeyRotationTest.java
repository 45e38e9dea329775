package dev.streamkit.flink.enrichment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.streamkit.flink.runtime.RuntimeProperties;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The API key from Secrets Manager, rotated while the job runs: the job reads the secret (AWS SDK v2, the Secrets
 * Manager JSON protocol, signed with the default chain's credentials) when it starts; half-way through the rides the
 * secret gets a new value and the fare API stops accepting the old one at once (no grace period: the worst case). The
 * calls that carried the old key get 403, the job reads the secret again, and every ride still comes out enriched.
 */
class ApiKeyRotationTest {
  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RIDES = 100;
  private static final int ROTATE_AFTER = 40;
  private static final String SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:fare-api-key-AbCdEf";

  private HttpServer server;
  private final AtomicReference<String> currentKey = new AtomicReference<>("key-one-0123456789abcdef");
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger forbidden = new AtomicInteger();
  private final AtomicInteger secretReads = new AtomicInteger();
  private final Set<String> secretRequestProblems = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/prod/fare-estimate", this::fareApi);
    server.createContext("/", this::secretsManager);
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  /** Secrets Manager's GetSecretValue over its JSON 1.1 protocol: the secret's current version. */
  private void secretsManager(HttpExchange exchange) throws IOException {
    JsonNode request = JSON.readTree(exchange.getRequestBody());
    String target = exchange.getRequestHeaders().getFirst("x-amz-target");
    String authorization = exchange.getRequestHeaders().getFirst("authorization");
    if (!"secretsmanager.GetSecretValue".equals(target)) {
      secretRequestProblems.add("target " + target);
    }
    if (!SECRET_ARN.equals(request.path("SecretId").asText())) {
      secretRequestProblems.add("secret id " + request);
    }
    if (authorization == null || !authorization.contains("Credential=test-access-key/")
        || !authorization.contains("/secretsmanager/aws4_request")) {
      secretRequestProblems.add("authorization " + authorization);
    }
    secretReads.incrementAndGet();
    String key = currentKey.get();
    var body = JSON.createObjectNode()
        .put("ARN", SECRET_ARN)
        .put("Name", "fare-api-key")
        .put("VersionId", "v-" + key)
        .put("SecretString", JSON.createObjectNode().put(ApiKeySource.SECRET_FIELD, key).toString());
    body.putArray("VersionStages").add("AWSCURRENT");
    respond(exchange, 200, "application/x-amz-json-1.1", body.toString());
  }

  /** The fare API: only the current key passes; the key rotates once ROTATE_AFTER rides have been answered. */
  private void fareApi(HttpExchange exchange) throws IOException {
    JsonNode ride = JSON.readTree(exchange.getRequestBody());
    if (!currentKey.get().equals(exchange.getRequestHeaders().getFirst("x-api-key"))) {
      forbidden.incrementAndGet();
      respond(exchange, 403, "application/json", "{\"message\":\"Forbidden\"}");
      return;
    }
    if (accepted.incrementAndGet() == ROTATE_AFTER) {
      currentKey.set("key-two-fedcba9876543210");
    }
    int id = ride.get("trip_id").asInt();
    respond(exchange, 200, "application/json", "{\"trip_id\":" + id + ",\"expected_fare\":" + (20 + id) + "}");
  }

  private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("content-type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Timeout(180)
  @Test
  void aKeyRotatedMidRunCostsARereadNotAFailedRide() throws Exception {
    String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    Map<String, String> p = new HashMap<>();
    p.put("stream.name", "rides");
    p.put("aws.region", "us-east-1");
    p.put("endpoint.url", base + "prod/");
    p.put("api.key.secret", SECRET_ARN);
    p.put("secretsmanager.endpoint", base);
    p.put("capacity", "4");
    p.put("retries", "3");
    p.put("retry.initial.backoff.ms", "20");
    // As on Managed Service for Apache Flink: no key file, the secret only.
    EnrichmentSettings settings =
        EnrichmentSettings.from(RuntimeProperties.of(Map.of(EnrichmentSettings.GROUP, p), false));
    List<String> rides = new ArrayList<>();
    for (int i = 0; i < RIDES; i++) {
      rides.add("{\"ride_id\":\"r-" + i + "\",\"trip_id\":" + i + "}");
    }

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    Map<Integer, JsonNode> out = new HashMap<>();
    try (var results = EnrichmentJob.enrich(EnrichmentJobTest.unending(env, rides), settings).executeAndCollect()) {
      while (out.size() < RIDES && results.hasNext()) {
        JsonNode ride = JSON.readTree(results.next());
        out.put(ride.get("trip_id").asInt(), ride);
      }
    }

    assertEquals(RIDES, out.size());
    for (int id = 0; id < RIDES; id++) {
      JsonNode ride = out.get(id);
      assertEquals(20 + id, ride.at("/enrichment/expected_fare").asInt(), "enriched despite the rotation: " + ride);
    }
    assertTrue(forbidden.get() >= 1, "the old key was refused after the rotation");
    assertTrue(secretReads.get() >= 2, "read at start and again after a 403: " + secretReads.get());
    assertEquals(2, secretReads.get(), "cached: read once at start and once after the rotation, not once per 403");
    assertEquals(Set.of(), secretRequestProblems, "GetSecretValue of that secret, signed with the chain's credentials");
  }

  @Test
  void theSecretMustHoldTheKeyAsJson() {
    assertEquals("abc", ApiKeySource.fromSecretString("s", "{\"apiKey\":\"abc\"}"));
    IllegalStateException notJson =
        assertThrows(IllegalStateException.class, () -> ApiKeySource.fromSecretString("s", "abc def"));
    assertTrue(notJson.getMessage().contains("not JSON"), notJson.getMessage());
    IllegalStateException noField =
        assertThrows(IllegalStateException.class, () -> ApiKeySource.fromSecretString("s", "{\"key\":\"abc\"}"));
    assertTrue(noField.getMessage().contains("\"apiKey\""), noField.getMessage());
  }
}
