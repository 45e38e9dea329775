package dev.streamkit.flink.kinesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.flink.core.memory.DataOutputSerializer;
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
            "49590338271490256608559692538361571095921575989136588898"),
        KinesisShardSplit.startingAt("shardId-000000000004", StartingPosition.AT_TIMESTAMP,
            Instant.parse("2026-11-26T09:59:00.123456789Z")),
        new KinesisShardSplit("shardId-000000000005", StartingPosition.AFTER_SEQUENCE_NUMBER, "7").asFinished())) {
      assertEquals(split, serializer.deserialize(serializer.getVersion(), serializer.serialize(split)));
    }
  }

  @Test
  void theEnumeratorStateRoundTrips() throws IOException {
    var serializer = new KinesisSerializers.EnumeratorStateSerializer();
    var state = new KinesisEnumeratorState(Set.of("shardId-000000000000", "shardId-000000000001"),
        List.of(new KinesisShardSplit("shardId-000000000002", StartingPosition.TRIM_HORIZON, null)),
        Set.of("shardId-000000000003"));
    assertEquals(state, serializer.deserialize(serializer.getVersion(), serializer.serialize(state)));
  }

  @Test
  void checkpointsOfTheFirstFormatAreStillRead() throws IOException {
    DataOutputSerializer split = new DataOutputSerializer(64);
    split.writeUTF("shardId-000000000001");
    split.writeUTF("AFTER_SEQUENCE_NUMBER");
    split.writeBoolean(true);
    split.writeUTF("42");
    assertEquals(new KinesisShardSplit("shardId-000000000001", StartingPosition.AFTER_SEQUENCE_NUMBER, "42"),
        new KinesisSerializers.SplitSerializer().deserialize(1, split.getCopyOfBuffer()));

    DataOutputSerializer state = new DataOutputSerializer(64);
    state.writeInt(1);
    state.writeUTF("shardId-000000000000");
    state.writeInt(0);
    assertEquals(new KinesisEnumeratorState(Set.of("shardId-000000000000"), List.of(), Set.of()),
        new KinesisSerializers.EnumeratorStateSerializer().deserialize(1, state.getCopyOfBuffer()));
  }

  @Test
  void anUnknownVersionIsRefused() {
    var serializer = new KinesisSerializers.SplitSerializer();
    assertThrows(IOException.class, () -> serializer.deserialize(KinesisSerializers.VERSION + 1, new byte[0]));
  }

  @Test
  void aTimestampGoesWithAtTimestampOnly() {
    assertThrows(IllegalArgumentException.class,
        () -> new KinesisShardSplit("shardId-0", StartingPosition.AT_TIMESTAMP, null, null, false));
    assertThrows(IllegalArgumentException.class,
        () -> new KinesisShardSplit("shardId-0", StartingPosition.LATEST, null, Instant.EPOCH, false));
  }

  @Test
  void aSplitStateMovesPastTheLastEmittedRecord() {
    var state = new KinesisShardSplitState(new KinesisShardSplit("shardId-0", StartingPosition.TRIM_HORIZON, null));
    assertEquals(StartingPosition.TRIM_HORIZON, state.toSplit().startingPosition());
    state.emitted("42");
    assertEquals(new KinesisShardSplit("shardId-0", StartingPosition.AFTER_SEQUENCE_NUMBER, "42"), state.toSplit());
  }
}
