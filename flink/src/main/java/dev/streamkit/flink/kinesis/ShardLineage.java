package dev.streamkit.flink.kinesis;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Which shard may be read when: after a reshard, a child shard holds the records of its parent's keys written after
 * the split or merge, so it is read only once every parent still in the stream has been read to its end — records of a
 * key stay in the order they were written (as the KCL and Apache Flink's Kinesis connector read them). A parent no
 * longer listed (past the retention period) has nothing left to read.
 */
final class ShardLineage {
  private final Map<String, List<String>> parentsOf = new HashMap<>();

  /** Records the parents of each listed shard. */
  void update(List<Shard> shards) {
    for (Shard shard : shards) {
      parentsOf.put(shard.shardId(),
          Stream.of(shard.parentShardId(), shard.adjacentParentShardId())
              .filter(id -> id != null && !id.isEmpty())
              .toList());
    }
  }

  /**
   * Whether {@code shardId} may be read: each of its parents is finished, or is neither being read nor waiting to be
   * ({@code pending}) — it was trimmed, or never existed for this source.
   */
  boolean readyToRead(String shardId, Set<String> finished, Predicate<String> pending) {
    for (String parent : parentsOf.getOrDefault(shardId, List.of())) {
      if (!finished.contains(parent) && pending.test(parent)) {
        return false;
      }
    }
    return true;
  }
}
