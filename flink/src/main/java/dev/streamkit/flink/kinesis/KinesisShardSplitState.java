package dev.streamkit.flink.kinesis;

/** A split being read: the split as assigned, plus the sequence number of the last record emitted from it. */
final class KinesisShardSplitState {
  private final KinesisShardSplit split;
  private String lastEmittedSequenceNumber;

  KinesisShardSplitState(KinesisShardSplit split) {
    this.split = split;
  }

  void emitted(String sequenceNumber) {
    lastEmittedSequenceNumber = sequenceNumber;
  }

  /** The split a checkpoint stores: after the last emitted record, or where it started when none was. */
  KinesisShardSplit toSplit() {
    if (lastEmittedSequenceNumber == null) {
      return split;
    }
    return new KinesisShardSplit(split.shardId(), StartingPosition.AFTER_SEQUENCE_NUMBER, lastEmittedSequenceNumber);
  }
}
