package dev.streamkit.flink.kinesis;

import java.util.List;
import java.util.Set;

/**
 * What the enumerator checkpoints: the shards it has handed out (their positions live in the readers' state) and the
 * splits not yet handed out.
 */
public record KinesisEnumeratorState(Set<String> assignedShardIds, List<KinesisShardSplit> unassigned) {
  public KinesisEnumeratorState {
    assignedShardIds = Set.copyOf(assignedShardIds);
    unassigned = List.copyOf(unassigned);
  }
}
