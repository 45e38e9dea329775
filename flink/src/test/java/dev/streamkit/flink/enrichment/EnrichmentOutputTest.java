package dev.streamkit.flink.enrichment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * The enrichment job's output (S3 on AWS, the object store's directory locally): every enriched ride lands once, as a
 * JSON line in a finished part file under {@code dt=yyyy-MM-dd/hr=HH/}, committed by the job's checkpoints.
 */
class EnrichmentOutputTest {
  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RIDES = 120;
  private static final Pattern PARTITION = Pattern.compile("dt=\\d{4}-\\d{2}-\\d{2}/hr=\\d{2}");
  private HttpServer server;

  @BeforeEach
  void startEndpoint() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/prod/fare-estimate", exchange -> {
      int id = JSON.readTree(exchange.getRequestBody()).get("trip_id").asInt();
      byte[] body = ("{\"trip_id\":" + id + ",\"expected_fare\":" + (5 + id) + "}").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stopEndpoint() {
    server.stop(0);
  }

  @Timeout(180)
  @Test
  void everyEnrichedRideLandsOnceAsAJsonLineInADateHourPartition(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("bucket").resolve("enriched");
    Map<String, String> p = new HashMap<>();
    p.put("stream.name", "rides");
    p.put("aws.region", "us-east-1");
    p.put("endpoint.url", "http://127.0.0.1:" + server.getAddress().getPort() + "/prod/");
    p.put("output.path", output.toUri().toString());
    EnrichmentSettings settings =
        EnrichmentSettings.from(RuntimeProperties.of(Map.of(EnrichmentSettings.GROUP, p), true));
    List<String> rides = new ArrayList<>();
    for (int i = 0; i < RIDES; i++) {
      rides.add("{\"ride_id\":\"r-" + i + "\",\"trip_id\":" + i + "}");
    }

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    // The sink commits part files on checkpoints; the last one is taken when the bounded input ends.
    env.enableCheckpointing(200);
    EnrichmentJob.write(EnrichmentJob.enrich(env.fromData(rides), settings), settings.outputPath());
    env.execute("enrichment to files");

    List<Path> parts;
    try (Stream<Path> files = Files.walk(output)) {
      parts = files.filter(Files::isRegularFile).toList();
    }
    assertFalse(parts.isEmpty(), "part files under " + output);
    Set<Integer> seen = new HashSet<>();
    for (Path part : parts) {
      String name = part.getFileName().toString();
      assertFalse(name.startsWith("."), "only finished part files remain: " + part);
      String partition = output.relativize(part.getParent()).toString().replace('\\', '/');
      assertTrue(PARTITION.matcher(partition).matches(), "partitioned by date and hour: " + partition);
      for (String line : Files.readAllLines(part)) {
        JsonNode ride = JSON.readTree(line);
        int id = ride.get("trip_id").asInt();
        assertTrue(seen.add(id), "each ride once: " + line);
        assertEquals(5 + id, ride.at("/enrichment/expected_fare").asInt(), line);
      }
    }
    assertEquals(RIDES, seen.size());
  }
}
