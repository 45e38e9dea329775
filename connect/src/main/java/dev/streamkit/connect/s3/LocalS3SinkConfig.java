package dev.streamkit.connect.s3;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The connector's settings. Keys are the Confluent S3 sink's, so the connector configuration the cloud stack writes
 * (packages/core/src/msk/s3-sink-settings.ts) runs here unchanged; only {@code store.root} is ours — the local object
 * store's directory, standing in for S3. Settings of the Confluent sink that change nothing locally ({@code s3.region},
 * {@code storage.class}, {@code timezone}, credentials, part sizes) are accepted and ignored; settings whose other
 * values would change the output ({@code format.class}, {@code partitioner.class}) accept only what this sink writes,
 * so a configuration it cannot honour fails at start instead of writing something else.
 */
public final class LocalS3SinkConfig extends AbstractConfig {
  public static final String STORE_ROOT = "store.root";
  public static final String BUCKET = "s3.bucket.name";
  public static final String TOPICS_DIR = "topics.dir";
  public static final String FLUSH_SIZE = "flush.size";
  public static final String ROTATE_INTERVAL_MS = "rotate.interval.ms";
  public static final String ROTATE_SCHEDULE_INTERVAL_MS = "rotate.schedule.interval.ms";
  public static final String ZERO_PAD_WIDTH = "filename.offset.zero.pad.width";
  public static final String DIRECTORY_DELIM = "directory.delim";
  public static final String FILE_DELIM = "file.delim";
  public static final String FORMAT_CLASS = "format.class";
  public static final String PARTITIONER_CLASS = "partitioner.class";

  public static final String JSON_FORMAT = "io.confluent.connect.s3.format.json.JsonFormat";
  public static final String DEFAULT_PARTITIONER = "io.confluent.connect.storage.partitioner.DefaultPartitioner";

  public static final ConfigDef CONFIG_DEF = new ConfigDef()
      .define(STORE_ROOT, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
          "The local object store's directory: objects are written to <store.root>/<bucket>/<key>.")
      .define(BUCKET, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
          "The bucket (a directory of store.root).")
      .define(TOPICS_DIR, Type.STRING, "topics", Importance.MEDIUM, "The top-level prefix of the objects.")
      .define(FLUSH_SIZE, Type.INT, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Range.atLeast(1), Importance.HIGH,
          "Records per object: an object is written once it holds this many.")
      .define(ROTATE_INTERVAL_MS, Type.LONG, -1L, Importance.MEDIUM,
          "An open object is written once this long has passed since its first record, checked when a record"
              + " arrives (the Confluent sink's rotate.interval.ms with its default wall-clock extractor). -1: off.")
      .define(ROTATE_SCHEDULE_INTERVAL_MS, Type.LONG, -1L, Importance.MEDIUM,
          "An open object is written once this long has passed since its first record, checked on every put, with"
              + " or without records. -1: off.")
      .define(ZERO_PAD_WIDTH, Type.INT, 10, ConfigDef.Range.atLeast(0), Importance.LOW,
          "Digits of the start offset in object names.")
      .define(DIRECTORY_DELIM, Type.STRING, "/", Importance.LOW, "Between the parts of a key.")
      .define(FILE_DELIM, Type.STRING, "+", Importance.LOW, "Between topic, partition and start offset in a name.")
      .define(FORMAT_CLASS, Type.STRING, JSON_FORMAT, ConfigDef.ValidString.in(JSON_FORMAT), Importance.HIGH,
          "Only JSON lines are written locally.")
      .define(PARTITIONER_CLASS, Type.STRING, DEFAULT_PARTITIONER, ConfigDef.ValidString.in(DEFAULT_PARTITIONER),
          Importance.HIGH, "Only the default partitioner (partition=<kafka partition>) is supported locally.");

  public LocalS3SinkConfig(Map<String, String> properties) {
    super(CONFIG_DEF, properties);
    long rotate = rotateIntervalMs();
    long schedule = rotateScheduleIntervalMs();
    if (rotate == 0 || rotate < -1) {
      throw new ConfigException(ROTATE_INTERVAL_MS, rotate, "must be -1 (off) or at least 1");
    }
    if (schedule == 0 || schedule < -1) {
      throw new ConfigException(ROTATE_SCHEDULE_INTERVAL_MS, schedule, "must be -1 (off) or at least 1");
    }
  }

  public Path bucketDirectory() {
    return Path.of(getString(STORE_ROOT)).resolve(getString(BUCKET));
  }

  /** Where temporary files are written before their rename: in the store, so the rename stays on one file system. */
  public Path temporaryDirectory() {
    return Path.of(getString(STORE_ROOT)).resolve(".tmp");
  }

  public String topicsDir() {
    return getString(TOPICS_DIR);
  }

  public int flushSize() {
    return getInt(FLUSH_SIZE);
  }

  public long rotateIntervalMs() {
    return getLong(ROTATE_INTERVAL_MS);
  }

  public long rotateScheduleIntervalMs() {
    return getLong(ROTATE_SCHEDULE_INTERVAL_MS);
  }

  public int zeroPadWidth() {
    return getInt(ZERO_PAD_WIDTH);
  }

  public String directoryDelim() {
    return getString(DIRECTORY_DELIM);
  }

  public String fileDelim() {
    return getString(FILE_DELIM);
  }

  static List<String> keys() {
    return List.copyOf(CONFIG_DEF.names());
  }
}
