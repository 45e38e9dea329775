package dev.streamkit.flink.runtime;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The local/managed switch for a job's runtime properties (the groups and keys are core's contract,
 * packages/core/src/flink/job-contract.ts).
 *
 * <p>On Managed Service for Apache Flink the properties are the application's property groups, read with
 * {@link KinesisAnalyticsRuntime#getApplicationProperties()}. Locally (the streamkit launcher, or a developer) the
 * environment variable {@value #LOCAL_PROPERTIES_ENV} names a JSON file {@code {"<group>": {"<key>": "<value>"}}}:
 * the same groups and keys. The jobs read nothing else, so the same jar runs in both places.
 *
 * <p>Only the local file may carry the group {@value #LOCAL_FLINK_CONFIGURATION}: Flink settings (checkpoint
 * interval and directory, the checkpoint to restore) that Managed Service for Apache Flink manages itself.
 */
public final class RuntimeProperties {
  /** Names the local properties file; unset on Managed Service for Apache Flink. */
  public static final String LOCAL_PROPERTIES_ENV = "STREAMKIT_FLINK_PROPERTIES";

  /** The group of Flink configuration keys honoured locally only. */
  public static final String LOCAL_FLINK_CONFIGURATION = "streamkit.local.flink";

  private final Map<String, Properties> groups;
  private final boolean local;

  private RuntimeProperties(Map<String, Properties> groups, boolean local) {
    this.groups = groups;
    this.local = local;
  }

  /** The properties of this run: the local file when {@value #LOCAL_PROPERTIES_ENV} is set, else the managed ones. */
  public static RuntimeProperties load() {
    String file = System.getenv(LOCAL_PROPERTIES_ENV);
    if (file != null && !file.isBlank()) {
      return fromFile(Path.of(file));
    }
    try {
      return new RuntimeProperties(KinesisAnalyticsRuntime.getApplicationProperties(), false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the application's runtime properties", e);
    }
  }

  /** Reads a local properties file: a JSON object of groups, each an object of string values. */
  public static RuntimeProperties fromFile(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the runtime properties file " + file, e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the runtime properties file " + file + " must hold a JSON object of groups");
    }
    Map<String, Properties> groups = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> group = it.next();
      if (!group.getValue().isObject()) {
        throw new IllegalArgumentException("runtime property group " + group.getKey() + " in " + file
            + " must be an object of string values (got " + group.getValue().getNodeType() + ")");
      }
      Properties properties = new Properties();
      group.getValue().fields().forEachRemaining(entry -> {
        if (!entry.getValue().isTextual()) {
          throw new IllegalArgumentException("runtime property " + group.getKey() + "." + entry.getKey() + " in "
              + file + " must be a string (got " + entry.getValue() + ")");
        }
        properties.setProperty(entry.getKey(), entry.getValue().asText());
      });
      groups.put(group.getKey(), properties);
    }
    return new RuntimeProperties(groups, true);
  }

  /** Properties from groups in memory (tests). */
  public static RuntimeProperties of(Map<String, Map<String, String>> groups, boolean local) {
    Map<String, Properties> copy = new HashMap<>();
    groups.forEach((name, values) -> {
      Properties properties = new Properties();
      properties.putAll(values);
      copy.put(name, properties);
    });
    return new RuntimeProperties(copy, local);
  }

  /** True when the properties came from the local file. */
  public boolean isLocal() {
    return local;
  }

  /** A property group; empty when absent. */
  public Properties group(String name) {
    Properties group = groups.get(name);
    return group == null ? new Properties() : group;
  }

  /** All groups, read-only. */
  public Map<String, Properties> groups() {
    return Collections.unmodifiableMap(groups);
  }

  /**
   * The Flink configuration of a local run (empty on Managed Service for Apache Flink, where the service owns
   * checkpointing and restores).
   */
  public Configuration flinkConfiguration() {
    Map<String, String> map = new HashMap<>();
    if (local) {
      group(LOCAL_FLINK_CONFIGURATION).forEach((k, v) -> map.put((String) k, (String) v));
    }
    return Configuration.fromMap(map);
  }

  /** A required property; the message names the group, the key and what it is for. */
  public static String required(Properties group, String groupName, String key, String purpose) {
    String value = group.getProperty(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          "runtime property " + groupName + " / " + key + " is required (" + purpose + ") but was not set");
    }
    return value;
  }

  /** An integer property within [min, max]; the message names the range and the value received. */
  public static int intInRange(Properties group, String groupName, String key, int fallback, int min, int max) {
    String raw = group.getProperty(key);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    int value;
    try {
      value = Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("runtime property " + groupName + " / " + key
          + " must be an integer between " + min + " and " + max + " (got " + raw + ")");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException("runtime property " + groupName + " / " + key + " must be between " + min
          + " and " + max + " (got " + value + ")");
    }
    return value;
  }

  /** true or false (absent: the fallback); the message names the allowed values and the value received. */
  public static boolean bool(Properties group, String groupName, String key, boolean fallback) {
    String raw = group.getProperty(key);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    if (raw.equals("true") || raw.equals("false")) {
      return Boolean.parseBoolean(raw);
    }
    throw new IllegalArgumentException(
        "runtime property " + groupName + " / " + key + " must be true or false (got " + raw + ")");
  }
}
