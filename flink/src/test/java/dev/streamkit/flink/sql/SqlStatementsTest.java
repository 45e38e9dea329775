package dev.streamkit.flink.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlStatementsTest {
  @Test
  void splitsAtSemicolonsOutsideQuotesAndComments() {
    String script = """
        -- a comment; with a semicolon
        SET 'execution.checkpointing.interval' = '1 min';
        CREATE TABLE t (a STRING) WITH ('connector' = 'datagen', 'x' = 'it''s; fine');
        /* block; comment */ INSERT INTO `odd;name` SELECT ';' FROM t;
        ;
        """;
    List<String> statements = SqlStatements.split(script);
    assertEquals(3, statements.size());
    assertEquals("SET 'execution.checkpointing.interval' = '1 min'", statements.get(0));
    assertTrue(statements.get(1).endsWith("'x' = 'it''s; fine')"));
    assertEquals("INSERT INTO `odd;name` SELECT ';' FROM t", statements.get(2));
  }

  @Test
  void substitutesParametersAndNamesUnknownOnes() {
    assertEquals("SELECT 'arn:x' FROM s3://b/p",
        SqlStatements.substitute("SELECT '${Arn}' FROM ${Out}", Map.of("Arn", "arn:x", "Out", "s3://b/p")));
    assertEquals("'1 min' 'set'", SqlStatements.substitute("'${ROLL:-1 min}' '${SET:-unused}'", Map.of("SET", "set")));
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> SqlStatements.substitute("SELECT ${Missing}", Map.of("Arn", "x")));
    assertTrue(error.getMessage().contains("${Missing}"), error.getMessage());
  }

  @Test
  void rejectsAnUnterminatedQuote() {
    assertThrows(IllegalArgumentException.class, () -> SqlStatements.split("SELECT 'oops"));
  }
}
