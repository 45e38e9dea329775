package dev.streamkit.flink.kinesis;

/** Where a shard is first read from when no checkpoint says otherwise (Kinesis' shard iterator types). */
public enum StartingPosition {
  /** The oldest record the stream retains. */
  TRIM_HORIZON,
  /** Only records written after the reader starts. */
  LATEST,
  /** The first record that arrived at or after a given time (the split carries the time). */
  AT_TIMESTAMP,
  /** Just after a given sequence number: what a checkpoint restores. */
  AFTER_SEQUENCE_NUMBER;

  /** Parses a user setting; the message names the allowed values and the value received. */
  public static StartingPosition parse(String option, String value) {
    if (value.equals(TRIM_HORIZON.name()) || value.equals(LATEST.name()) || value.equals(AT_TIMESTAMP.name())) {
      return valueOf(value);
    }
    throw new IllegalArgumentException(option + " must be TRIM_HORIZON, LATEST or AT_TIMESTAMP (got " + value + ")");
  }
}
