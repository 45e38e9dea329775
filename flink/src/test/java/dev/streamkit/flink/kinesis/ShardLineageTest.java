package dev.streamkit.flink.kinesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** When a child shard may be read: after each parent still in the stream is read to its end. */
class ShardLineageTest {
  private static Shard shard(String id, String parent, String adjacentParent) {
    return Shard.builder().shardId(id).parentShardId(parent).adjacentParentShardId(adjacentParent).build();
  }

  private final ShardLineage lineage = new ShardLineage();

  @Test
  void aChildOfASplitWaitsForItsParent() {
    lineage.update(List.of(shard("p", null, null), shard("a", "p", null), shard("b", "p", null)));
    Set<String> pending = Set.of("p", "a", "b");
    assertTrue(lineage.readyToRead("p", Set.of(), pending::contains));
    assertFalse(lineage.readyToRead("a", Set.of(), pending::contains));
    assertTrue(lineage.readyToRead("a", Set.of("p"), pending::contains));
  }

  @Test
  void aChildOfAMergeWaitsForBothParents() {
    lineage.update(List.of(shard("x", null, null), shard("y", null, null), shard("m", "x", "y")));
    Set<String> pending = Set.of("x", "y", "m");
    assertFalse(lineage.readyToRead("m", Set.of("x"), pending::contains));
    assertFalse(lineage.readyToRead("m", Set.of("y"), pending::contains));
    assertTrue(lineage.readyToRead("m", Set.of("x", "y"), pending::contains));
  }

  @Test
  void aParentPastTheRetentionPeriodHoldsNothingBack() {
    // The parent is no longer listed, and no reader has it: nothing of it is left to read.
    lineage.update(List.of(shard("a", "trimmed", null)));
    assertTrue(lineage.readyToRead("a", Set.of(), Set.of("a")::contains));
  }

  @Test
  void startTimesAreIsoOrEpochSeconds() {
    assertEquals(Instant.parse("2026-01-31T12:00:00Z"), StartTime.parse("t", "2026-01-31T12:00:00Z"));
    assertEquals(Instant.parse("2026-01-31T11:00:00Z"), StartTime.parse("t", "2026-01-31T12:00:00+01:00"));
    assertEquals(Instant.ofEpochSecond(1769860800, 500_000_000), StartTime.parse("t", "1769860800.5"));
    var error = assertThrows(IllegalArgumentException.class, () -> StartTime.parse("source.init.timestamp", "noon"));
    assertTrue(error.getMessage().contains("source.init.timestamp must be an ISO-8601 time"), error.getMessage());
    assertTrue(error.getMessage().contains("(got noon)"), error.getMessage());
  }
}
