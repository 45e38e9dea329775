package dev.streamkit.flink.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Pure text work on a SQL file: parameter substitution and splitting into statements. */
public final class SqlStatements {
  private static final Pattern PARAMETER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)(?::-([^}]*))?}");

  private SqlStatements() {}

  /**
   * Replaces every {@code ${NAME}} with the variable's value, so one file serves the local run and the managed
   * application (stream, output path); {@code ${NAME:-default}} falls back to the default when the variable is not
   * set. An unknown name without a default is an error naming it and the names that are set.
   */
  public static String substitute(String sql, Map<String, String> parameters) {
    Matcher matcher = PARAMETER.matcher(sql);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      String value = parameters.get(name);
      if (value == null) {
        value = matcher.group(2);
      }
      if (value == null) {
        throw new IllegalArgumentException(
            "the SQL uses ${" + name + "} but no such parameter is set (set: " + parameters.keySet() + ")");
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /**
   * Splits a script at the semicolons that end statements, ignoring those inside quoted strings, quoted identifiers
   * and comments; comments are dropped, empty statements skipped.
   */
  public static List<String> split(String script) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int i = 0;
    int n = script.length();
    while (i < n) {
      char c = script.charAt(i);
      char next = i + 1 < n ? script.charAt(i + 1) : '\0';
      if (c == '-' && next == '-') {
        while (i < n && script.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && next == '*') {
        int end = script.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (c == '\'' || c == '`' || c == '"') {
        int end = closingQuote(script, i, c);
        current.append(script, i, end);
        i = end;
      } else if (c == ';') {
        add(statements, current);
        i++;
      } else {
        current.append(c);
        i++;
      }
    }
    add(statements, current);
    return statements;
  }

  /** The index just past the quote that closes the one at {@code start} (a doubled quote is an escaped one). */
  private static int closingQuote(String script, int start, char quote) {
    int i = start + 1;
    while (i < script.length()) {
      if (script.charAt(i) == quote) {
        if (i + 1 < script.length() && script.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    throw new IllegalArgumentException("unterminated " + quote + " quote starting at character " + start);
  }

  private static void add(List<String> statements, StringBuilder current) {
    String statement = current.toString().trim();
    if (!statement.isEmpty()) {
      statements.add(statement);
    }
    current.setLength(0);
  }
}
