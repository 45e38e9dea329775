package dev.streamkit.flink.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The original's Studio example — a stock table with a watermark, a filtered insert partitioned by ticker/date/hour —
 * over bounded input, on a MiniCluster.
 */
class SqlRunnerTest {
  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  static final String SQL = """
      SET 'table.local-time-zone' = 'UTC';
      CREATE TABLE stock_table (
        ticker VARCHAR(6),
        price DOUBLE,
        event_time TIMESTAMP(3),
        WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
      ) WITH ('connector' = 'filesystem', 'path' = '${InputPath}', 'format' = 'json');
      CREATE TABLE stock_output (
        ticker VARCHAR(6), price DOUBLE, event_time TIMESTAMP(3), dt STRING, hr STRING
      ) PARTITIONED BY (ticker, dt, hr)
      WITH ('connector' = 'filesystem', 'path' = '${OutputPath}', 'format' = 'json');
      INSERT INTO stock_output
        SELECT ticker, price, event_time, DATE_FORMAT(event_time, 'yyyy-MM-dd'), DATE_FORMAT(event_time, 'HH')
        FROM stock_table WHERE price > 50;
      """;

  @Test
  void writesExactlyTheFilteredTicksPartitionedByTickerDateAndHour(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("in");
    Files.createDirectories(input);
    String[] tickers = {"AAPL", "AMZN", "MSFT", "INTC", "TBV"};
    Random random = new Random(42);
    List<String> lines = new ArrayList<>();
    int expected = 0;
    LocalDateTime start = LocalDateTime.of(2026, 11, 26, 10, 58, 0);
    DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    for (int i = 0; i < 1000; i++) {
      double price = Math.round(random.nextDouble() * 10_000) / 100.0;
      if (price > 50) {
        expected++;
      }
      lines.add(String.format("{\"ticker\":\"%s\",\"price\":%s,\"event_time\":\"%s\"}",
          tickers[i % tickers.length], price, start.plusSeconds(i).format(format)));
    }
    Files.write(input.resolve("ticks.json"), lines);
    Path output = dir.resolve("out");

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(500);
    Map<String, String> parameters = new HashMap<>();
    parameters.put("InputPath", input.toUri().toString());
    parameters.put("OutputPath", output.toUri().toString());
    TableResult result = SqlRunner.run(SQL, parameters, env);
    assertNotNull(result);
    result.await();

    List<Path> files = committedFiles(output);
    long written = 0;
    for (Path file : files) {
      written += Files.readAllLines(file).stream().filter(line -> !line.isBlank()).count();
      String relative = output.relativize(file).toString();
      assertTrue(relative.matches("ticker=[A-Z]+/dt=2026-11-26/hr=1[01]/[^/]+"), relative);
    }
    assertEquals(expected, written);
    assertTrue(expected > 400 && expected < 600, "the filter keeps about half: " + expected);
  }

  /** Finished part files: in-progress ones are hidden (their names start with a dot). */
  static List<Path> committedFiles(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      return paths.filter(Files::isRegularFile)
          .filter(path -> !path.getFileName().toString().startsWith(".")
              && !path.getFileName().toString().startsWith("_"))
          .toList();
    }
  }
}
