package dev.streamkit.connect.s3;

import org.apache.kafka.common.TopicPartition;

/**
 * Object keys as the Confluent S3 sink names them with its default partitioner and JSON format:
 * {@code <topics.dir>/<topic>/partition=<p>/<topic>+<p>+<start offset, zero-padded>.json}. A reader that lists a
 * Confluent sink's bucket lists this one the same way.
 */
public final class ObjectNaming {
  public static final String EXTENSION = ".json";

  private ObjectNaming() {}

  public static String key(LocalS3SinkConfig config, TopicPartition tp, long startOffset) {
    String delim = config.directoryDelim();
    String offset = String.format("%0" + Math.max(config.zeroPadWidth(), 1) + "d", startOffset);
    String name = tp.topic() + config.fileDelim() + tp.partition() + config.fileDelim() + offset + EXTENSION;
    return config.topicsDir() + delim + tp.topic() + delim + "partition=" + tp.partition() + delim + name;
  }
}
