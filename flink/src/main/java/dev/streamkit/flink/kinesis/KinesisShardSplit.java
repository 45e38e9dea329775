package dev.streamkit.flink.kinesis;

import java.util.Objects;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One shard of the stream, read by one source reader, with the position to read it from. A checkpoint stores the
 * split with {@link StartingPosition#AFTER_SEQUENCE_NUMBER} and the sequence number of the last record emitted, so a
 * restart re-reads nothing that reached the checkpoint and skips nothing that did not.
 */
public final class KinesisShardSplit implements SourceSplit {
  private final String shardId;
  private final StartingPosition startingPosition;
  private final String sequenceNumber;

  public KinesisShardSplit(String shardId, StartingPosition startingPosition, String sequenceNumber) {
    this.shardId = Objects.requireNonNull(shardId, "shardId");
    this.startingPosition = Objects.requireNonNull(startingPosition, "startingPosition");
    if ((startingPosition == StartingPosition.AFTER_SEQUENCE_NUMBER) != (sequenceNumber != null)) {
      throw new IllegalArgumentException("a sequence number goes with AFTER_SEQUENCE_NUMBER, and only with it");
    }
    this.sequenceNumber = sequenceNumber;
  }

  @Override
  public String splitId() {
    return shardId;
  }

  public String shardId() {
    return shardId;
  }

  public StartingPosition startingPosition() {
    return startingPosition;
  }

  /** The sequence number to read after, or null. */
  public String sequenceNumber() {
    return sequenceNumber;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof KinesisShardSplit that
        && shardId.equals(that.shardId)
        && startingPosition == that.startingPosition
        && Objects.equals(sequenceNumber, that.sequenceNumber);
  }

  @Override
  public int hashCode() {
    return Objects.hash(shardId, startingPosition, sequenceNumber);
  }

  @Override
  public String toString() {
    return shardId + "@" + startingPosition + (sequenceNumber == null ? "" : ":" + sequenceNumber);
  }
}
