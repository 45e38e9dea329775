package dev.streamkit.flink.runtime;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;

/**
 * The local/managed switch for a job's runtime properties.
 *
 * <p>On Managed Service for Apache Flink the properties are the application's property groups, read with
 * {@link KinesisAnalyticsRuntime#getApplicationProperties()}. Locally (the streamkit launcher, or a developer) the
 * environment variable {@value #LOCAL_PROPERTIES_ENV} names a properties file whose keys are {@code group.key}: the
 * same groups and keys, one file. The jobs never read anything else, so the same jar runs in both places.
 *
 * <p>Only the local file may carry the group {@value #LOCAL_FLINK_CONFIGURATION}: Flink settings (checkpoint
 * interval and directory, the checkpoint to restore) that Managed Service for Apache Flink manages itself.
 */
public final class RuntimeProperties {
  /** Names the local properties file; unset on Managed Service for Apache Flink. */
  public static final String LOCAL_PROPERTIES_ENV = "STREAMKIT_FLINK_PROPERTIES";

  /** The group of Flink configuration keys honoured locally only. */
  public static final String LOCAL_FLINK_CONFIGURATION = "FlinkConfiguration";

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

  /** Reads a local properties file: each key is {@code <group>.<key>}, split at the first dot. */
  public static RuntimeProperties fromFile(Path file) {
    Properties flat = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      flat.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the runtime properties file " + file, e);
    }
    return fromFlat(flat, true);
  }

  /** Groups flat {@code <group>.<key>} properties (tests build their properties this way). */
  public static RuntimeProperties fromFlat(Properties flat, boolean local) {
    Map<String, Properties> groups = new HashMap<>();
    for (String name : flat.stringPropertyNames()) {
      int dot = name.indexOf('.');
      if (dot <= 0 || dot == name.length() - 1) {
        throw new IllegalArgumentException(
            "runtime property " + name + " must be <group>.<key> (for example EnrichmentProperties.InputStreamArn)");
      }
      groups.computeIfAbsent(name.substring(0, dot), g -> new Properties())
          .setProperty(name.substring(dot + 1), flat.getProperty(name));
    }
    return new RuntimeProperties(groups, local);
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
    Configuration configuration = new Configuration();
    if (!local) {
      return configuration;
    }
    Map<String, String> map = new HashMap<>();
    group(LOCAL_FLINK_CONFIGURATION).forEach((k, v) -> map.put((String) k, (String) v));
    return Configuration.fromMap(map);
  }

  /** A required property; the message names the group, the key and what it is for. */
  public static String required(Properties group, String groupName, String key, String purpose) {
    String value = group.getProperty(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          "runtime property " + groupName + "." + key + " is required (" + purpose + ") but was not set");
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
      throw new IllegalArgumentException(
          "runtime property " + groupName + "." + key + " must be an integer between " + min + " and " + max
              + " (got " + raw + ")");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          "runtime property " + groupName + "." + key + " must be between " + min + " and " + max + " (got " + value
              + ")");
    }
    return value;
  }
}
