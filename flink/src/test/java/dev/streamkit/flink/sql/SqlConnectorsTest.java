package dev.streamkit.flink.sql;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The connectors the SQL runner's jar brings, as the planner sees them (planning only: nothing is read): Kinesis
 * tables with either connector's options, and Kafka tables (for a Kafka-sourced SQL job).
 */
class SqlConnectorsTest {
  private static final String SINK =
      "CREATE TABLE out_table (ticker STRING, price DOUBLE) WITH ('connector' = 'blackhole')";

  private static TableEnvironment tables() {
    TableEnvironment tables = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
    tables.executeSql(SINK);
    return tables;
  }

  private static String plan(TableEnvironment tables, String source) {
    tables.executeSql(source);
    return tables.explainSql("INSERT INTO out_table SELECT ticker, price FROM in_table WHERE price > 50");
  }

  @Test
  void kinesisTablesTakeTheOlderConnectorsOptions() {
    String plan = plan(tables(), "CREATE TABLE in_table (ticker STRING, price DOUBLE) WITH ('connector' = 'kinesis',"
        + " 'stream' = 'ticks', 'aws.region' = 'us-east-1', 'scan.stream.initpos' = 'TRIM_HORIZON',"
        + " 'format' = 'json')");
    assertScansTheSource(plan);
  }

  @Test
  void kinesisTablesTakeTheNewerConnectorsOptions() {
    String plan = plan(tables(), "CREATE TABLE in_table (ticker STRING, price DOUBLE) WITH ('connector' = 'kinesis',"
        + " 'stream.arn' = 'arn:aws:kinesis:eu-west-1:123456789012:stream/ticks',"
        + " 'source.init.position' = 'LATEST', 'format' = 'json')");
    assertScansTheSource(plan);
  }

  @Test
  void aKinesisTableNamesItsStreamOnce() {
    Exception error = assertThrows(Exception.class, () -> plan(tables(), "CREATE TABLE in_table (ticker STRING,"
        + " price DOUBLE) WITH ('connector' = 'kinesis', 'stream' = 'a',"
        + " 'stream.arn' = 'arn:aws:kinesis:us-east-1:1:stream/a', 'aws.region' = 'us-east-1', 'format' = 'json')"));
    assertTrue(rootMessage(error).contains("one of the two (got both)"), rootMessage(error));
  }

  @Test
  void aBadInitialPositionIsNamed() {
    Exception error = assertThrows(Exception.class, () -> plan(tables(), "CREATE TABLE in_table (ticker STRING,"
        + " price DOUBLE) WITH ('connector' = 'kinesis', 'stream' = 'a', 'aws.region' = 'us-east-1',"
        + " 'scan.stream.initpos' = 'EARLIEST', 'format' = 'json')"));
    assertTrue(rootMessage(error).contains(
        "scan.stream.initpos must be TRIM_HORIZON, LATEST or AT_TIMESTAMP (got EARLIEST)"), rootMessage(error));
  }

  @Test
  void atTimestampTakesItsStartTime() {
    Exception missing = assertThrows(Exception.class, () -> plan(tables(), "CREATE TABLE in_table (ticker STRING,"
        + " price DOUBLE) WITH ('connector' = 'kinesis', 'stream' = 'a', 'aws.region' = 'us-east-1',"
        + " 'scan.stream.initpos' = 'AT_TIMESTAMP', 'format' = 'json')"));
    assertTrue(rootMessage(missing).contains("scan.stream.initpos AT_TIMESTAMP needs 'scan.stream.initpos-timestamp'"),
        rootMessage(missing));
    Exception unparsable = assertThrows(Exception.class, () -> plan(tables(), "CREATE TABLE in_table (ticker STRING,"
        + " price DOUBLE) WITH ('connector' = 'kinesis', 'stream' = 'a', 'aws.region' = 'us-east-1',"
        + " 'source.init.position' = 'AT_TIMESTAMP', 'source.init.timestamp' = 'yesterday', 'format' = 'json')"));
    assertTrue(rootMessage(unparsable).contains("source.init.timestamp must be an ISO-8601 time"),
        rootMessage(unparsable));
    assertScansTheSource(plan(tables(), "CREATE TABLE in_table (ticker STRING, price DOUBLE) WITH ("
        + " 'connector' = 'kinesis', 'stream' = 'a', 'aws.region' = 'us-east-1', 'scan.stream.initpos' = 'AT_TIMESTAMP',"
        + " 'scan.stream.initpos-timestamp' = '2026-11-26T09:59:00Z', 'format' = 'json')"));
  }

  @Test
  void kafkaTablesArePlanned() {
    String plan = plan(tables(), "CREATE TABLE in_table (ticker STRING, price DOUBLE) WITH ('connector' = 'kafka',"
        + " 'topic' = 'ticks', 'properties.bootstrap.servers' = '127.0.0.1:9', 'properties.group.id' = 'g',"
        + " 'scan.startup.mode' = 'earliest-offset', 'format' = 'json')");
    assertScansTheSource(plan);
  }

  /** Planning got this far only if the connector's factory was found and took the options. */
  private static void assertScansTheSource(String plan) {
    assertTrue(plan.contains("TableSourceScan(table=[[default_catalog, default_database, in_table]]"), plan);
  }

  private static String rootMessage(Throwable error) {
    StringBuilder messages = new StringBuilder();
    for (Throwable t = error; t != null; t = t.getCause()) {
      messages.append(t.getMessage()).append(" / ");
    }
    return messages.toString();
  }
}
