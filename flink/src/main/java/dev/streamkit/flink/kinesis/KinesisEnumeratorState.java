package dev.streamkit.flink.kinesis;

import java.util.List;
import java.util.Set;

/**
 * What the enumerator checkpoints: the shards it has handed out (their positions live in the readers' state), the
 * splits not yet handed out, and the shards read to their end — whose children may then be read.
 */
public record KinesisEnumeratorState(
    Set<String> assignedShardIds, List<KinesisShardSplit> unassigned, Set<String> finishedShardIds) {
  public KinesisEnumeratorState {
    assignedShardIds = Set.copyOf(assignedShardIds);
    unassigned = List.copyOf(unassigned);
    finishedShardIds = Set.copyOf(finishedShardIds);
  }

  /** The state of a source that has not listed its stream yet. */
  public static KinesisEnumeratorState initial() {
    return new KinesisEnumeratorState(Set.of(), List.of(), Set.of());
  }
}
