package dev.streamkit.flink.kinesis;

import java.time.Instant;
import java.util.Objects;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One shard of the stream, read by one source reader, with the position to read it from. A checkpoint stores the
 * split with {@link StartingPosition#AFTER_SEQUENCE_NUMBER} and the sequence number of the last record emitted, so a
 * restart re-reads nothing that reached the checkpoint and skips nothing that did not.
 *
 * <p>A <em>finished</em> split is a marker a reader keeps in its checkpoints for a shard it has read to the end (a
 * parent after a reshard) until the enumerator has surely recorded that — so the shard's children are handed out
 * after a restart too. A finished split is never read.
 */
public final class KinesisShardSplit implements SourceSplit {
  private final String shardId;
  private final StartingPosition startingPosition;
  private final String sequenceNumber;
  private final Instant timestamp;
  private final boolean finished;

  public KinesisShardSplit(String shardId, StartingPosition startingPosition, String sequenceNumber) {
    this(shardId, startingPosition, sequenceNumber, null, false);
  }

  public KinesisShardSplit(
      String shardId, StartingPosition startingPosition, String sequenceNumber, Instant timestamp, boolean finished) {
    this.shardId = Objects.requireNonNull(shardId, "shardId");
    this.startingPosition = Objects.requireNonNull(startingPosition, "startingPosition");
    if ((startingPosition == StartingPosition.AFTER_SEQUENCE_NUMBER) != (sequenceNumber != null)) {
      throw new IllegalArgumentException("a sequence number goes with AFTER_SEQUENCE_NUMBER, and only with it");
    }
    if ((startingPosition == StartingPosition.AT_TIMESTAMP) != (timestamp != null)) {
      throw new IllegalArgumentException("a timestamp goes with AT_TIMESTAMP, and only with it");
    }
    this.sequenceNumber = sequenceNumber;
    this.timestamp = timestamp;
    this.finished = finished;
  }

  /** A new split of a shard, read from {@code position} ({@code timestamp} for AT_TIMESTAMP, else null). */
  public static KinesisShardSplit startingAt(String shardId, StartingPosition position, Instant timestamp) {
    return new KinesisShardSplit(shardId, position, null,
        position == StartingPosition.AT_TIMESTAMP ? timestamp : null, false);
  }

  /** The marker of this shard read to its end. */
  public KinesisShardSplit asFinished() {
    return new KinesisShardSplit(shardId, startingPosition, sequenceNumber, timestamp, true);
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

  /** The time to read from (AT_TIMESTAMP), or null. */
  public Instant timestamp() {
    return timestamp;
  }

  public boolean finished() {
    return finished;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof KinesisShardSplit that
        && shardId.equals(that.shardId)
        && startingPosition == that.startingPosition
        && Objects.equals(sequenceNumber, that.sequenceNumber)
        && Objects.equals(timestamp, that.timestamp)
        && finished == that.finished;
  }

  @Override
  public int hashCode() {
    return Objects.hash(shardId, startingPosition, sequenceNumber, timestamp, finished);
  }

  @Override
  public String toString() {
    return shardId + "@" + startingPosition + (sequenceNumber == null ? "" : ":" + sequenceNumber)
        + (timestamp == null ? "" : ":" + timestamp) + (finished ? " (finished)" : "");
  }
}
