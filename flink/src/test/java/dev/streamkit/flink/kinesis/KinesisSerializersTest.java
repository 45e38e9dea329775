package dev.streamkit.flink.kinesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The checkpoint formats of the Kinesis source: what a restart reads back is what was written. */
class KinesisSerializersTest {
  @Test
  void splitsRoundTripWithTheirPosition() throws IOException {
    var serializer = new KinesisSerializers.SplitSerializer();
    for (KinesisShardSplit split : List.of(
        new KinesisShardSplit("shardId-000000000001", StartingPosition.TRIM_HORIZON, null),
        new KinesisShardSplit("shardId-000000000002", StartingPosition.LATEST, null),
        new KinesisShardSplit("shardId-000000000003", StartingPosition.AFTER_SEQUENCE_NUMBER,
            "49590338271490256608559692538361571095921575989136588898"))) {
      assertEquals(split, serializer.deserialize(serializer.getVersion(), serializer.serialize(split)));
    }
  }

  @Test
  void theEnumeratorStateRoundTrips() throws IOException {
    var serializer = new KinesisSerializers.EnumeratorStateSerializer();
    var state = new KinesisEnumeratorState(Set.of("shardId-000000000000", "shardId-000000000001"),
        List.of(new KinesisShardSplit("shardId-000000000002", StartingPosition.TRIM_HORIZON, null)));
    assertEquals(state, serializer.deserialize(1, serializer.serialize(state)));
  }

  @Test
  void anUnknownVersionIsRefused() {
    var serializer = new KinesisSerializers.SplitSerializer();
    assertThrows(IOException.class, () -> serializer.deserialize(2, new byte[0]));
  }

  @Test
  void aSplitStateMovesPastTheLastEmittedRecord() {
    var state = new KinesisShardSplitState(new KinesisShardSplit("shardId-0", StartingPosition.TRIM_HORIZON, null));
    assertEquals(StartingPosition.TRIM_HORIZON, state.toSplit().startingPosition());
    state.emitted("42");
    assertEquals(new KinesisShardSplit("shardId-0", StartingPosition.AFTER_SEQUENCE_NUMBER, "42"), state.toSplit());
  }
}
