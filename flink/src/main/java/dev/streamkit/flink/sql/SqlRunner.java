package dev.streamkit.flink.sql;

import dev.streamkit.flink.runtime.RuntimeProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * Runs a file of Flink SQL statements as one job: what a Managed Flink Studio notebook does with pasted SQL, as an
 * application that deploys and restarts like any other (and, locally, on a MiniCluster in the launcher's JVM).
 *
 * <p>Runtime properties (group {@value #GROUP}): {@code SqlFile} — a file path, or {@code classpath:<name>} for SQL
 * packaged in the jar. Every key of the group {@value #PARAMETERS} is a {@code ${Key}} the SQL may use.
 *
 * <p>{@code SET 'key' = 'value'} statements set the table configuration; {@code INSERT} statements run together as
 * one job (a statement set); every other statement (CREATE TABLE, CREATE VIEW…) runs as it comes.
 */
public final class SqlRunner {
  public static final String GROUP = "SqlRunnerProperties";
  public static final String PARAMETERS = "SqlParameters";

  private static final Pattern SET =
      Pattern.compile("(?is)^SET\\s+'([^']+)'\\s*=\\s*'((?:[^']|'')*)'$");

  private SqlRunner() {}

  public static void main(String[] args) throws Exception {
    RuntimeProperties properties = RuntimeProperties.load();
    Properties group = properties.group(GROUP);
    String sqlFile = RuntimeProperties.required(group, GROUP, "SqlFile", "the SQL statements to run");
    Map<String, String> parameters = new HashMap<>();
    properties.group(PARAMETERS).forEach((k, v) -> parameters.put((String) k, (String) v));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        properties.flinkConfiguration());
    TableResult result = run(readSql(sqlFile), parameters, env);
    if (result != null && properties.isLocal()) {
      // Locally the job runs on a MiniCluster inside this JVM: stay until it ends (or the launcher stops us).
      result.await();
    }
  }

  /** Runs the statements; returns the result of the INSERT job, or null when the script has no INSERT. */
  public static TableResult run(String sql, Map<String, String> parameters, StreamExecutionEnvironment env) {
    StreamTableEnvironment tables = StreamTableEnvironment.create(env);
    StatementSet inserts = tables.createStatementSet();
    int insertCount = 0;
    List<String> statements = SqlStatements.split(SqlStatements.substitute(sql, parameters));
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

  static String readSql(String location) throws IOException {
    if (location.startsWith("classpath:")) {
      String name = location.substring("classpath:".length());
      try (InputStream in = SqlRunner.class.getClassLoader().getResourceAsStream(name)) {
        if (in == null) {
          throw new IOException("no SQL resource " + name + " in the job's jar");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    return Files.readString(Path.of(location));
  }
}
