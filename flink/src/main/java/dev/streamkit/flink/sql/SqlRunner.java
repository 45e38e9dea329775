package dev.streamkit.flink.sql;

import dev.streamkit.flink.kinesis.table.KinesisTableFactory;
import dev.streamkit.flink.runtime.RuntimeProperties;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * Runs a file of Flink SQL statements as one job: what a Managed Flink Studio notebook does with pasted SQL, as an
 * application that deploys and restarts like any other (and, locally, on a MiniCluster in the launcher's JVM).
 *
 * <p>Runtime properties (core's job contract): group {@value #GROUP}, key {@code sql.uri} — {@code s3://bucket/key}
 * on AWS (read through Flink's file systems), {@code file:///…} locally, or {@code classpath:<name>}. Every key of the
 * group {@value #VARIABLES} is a {@code ${KEY}} the SQL may use ({@code ${KEY:-default}} when it may be unset); a
 * {@code KINESIS_ENDPOINT} variable also becomes the endpoint of every Kinesis table that names none.
 *
 * <p>{@code SET 'key' = 'value'} statements set the table configuration; {@code INSERT} statements run together as
 * one job (a statement set); every other statement (CREATE TABLE, CREATE VIEW…) runs as it comes.
 */
public final class SqlRunner {
  public static final String GROUP = "streamkit.sql";
  public static final String VARIABLES = "streamkit.sql.variables";

  private static final Pattern SET =
      Pattern.compile("(?is)^SET\\s+'([^']+)'\\s*=\\s*'((?:[^']|'')*)'$");

  private SqlRunner() {}

  public static void main(String[] args) throws Exception {
    RuntimeProperties properties = RuntimeProperties.load();
    String sqlUri = RuntimeProperties.required(properties.group(GROUP), GROUP, "sql.uri", "the SQL statements to run");
    Map<String, String> variables = new HashMap<>();
    properties.group(VARIABLES).forEach((k, v) -> variables.put((String) k, (String) v));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        properties.flinkConfiguration());
    TableResult result = run(readSql(sqlUri), variables, env);
    if (result != null && properties.isLocal()) {
      // Locally the job runs on a MiniCluster inside this JVM: stay until it ends (or the launcher stops us).
      result.await();
    }
  }

  /** Runs the statements; returns the result of the INSERT job, or null when the script has no INSERT. */
  public static TableResult run(String sql, Map<String, String> variables, StreamExecutionEnvironment env) {
    StreamTableEnvironment tables = StreamTableEnvironment.create(env);
    String endpoint = variables.get("KINESIS_ENDPOINT");
    if (endpoint != null && !endpoint.isBlank()) {
      tables.getConfig().getConfiguration().setString(KinesisTableFactory.ENDPOINT_OVERRIDE, endpoint);
    }
    StatementSet inserts = tables.createStatementSet();
    int insertCount = 0;
    List<String> statements = SqlStatements.split(SqlStatements.substitute(sql, variables));
    for (String statement : statements) {
      Matcher set = SET.matcher(statement);
      String keyword = statement.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
      if (set.matches()) {
        tables.getConfig().getConfiguration().setString(set.group(1), set.group(2).replace("''", "'"));
      } else if (keyword.equals("INSERT")) {
        inserts.addInsertSql(statement);
        insertCount++;
      } else {
        tables.executeSql(statement);
      }
    }
    return insertCount == 0 ? null : inserts.execute();
  }

  /** The SQL text at {@code classpath:<name>}, or at a URI any Flink file system reads (file, s3). */
  static String readSql(String uri) throws IOException {
    if (uri.startsWith("classpath:")) {
      String name = uri.substring("classpath:".length());
      try (InputStream in = SqlRunner.class.getClassLoader().getResourceAsStream(name)) {
        if (in == null) {
          throw new IOException("no SQL resource " + name + " in the job's jar");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    Path path = new Path(URI.create(uri));
    try (InputStream in = FileSystem.get(path.toUri()).open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
