package dev.streamkit.flink.kinesis;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Checkpoint formats of the Kinesis source's splits and enumerator state. Version 2 adds a split's start time
 * (AT_TIMESTAMP) and finished flag, and the enumerator's finished shards; version 1 checkpoints are still read.
 */
final class KinesisSerializers {
  static final int VERSION = 2;

  private KinesisSerializers() {}

  static final class SplitSerializer implements SimpleVersionedSerializer<KinesisShardSplit> {
    @Override
    public int getVersion() {
      return VERSION;
    }

    @Override
    public byte[] serialize(KinesisShardSplit split) throws IOException {
      DataOutputSerializer out = new DataOutputSerializer(64);
      writeSplit(out, split);
      return out.getCopyOfBuffer();
    }

    @Override
    public KinesisShardSplit deserialize(int version, byte[] serialized) throws IOException {
      checkVersion(version);
      return readSplit(new DataInputDeserializer(serialized), version);
    }
  }

  static final class EnumeratorStateSerializer implements SimpleVersionedSerializer<KinesisEnumeratorState> {
    @Override
    public int getVersion() {
      return VERSION;
    }

    @Override
    public byte[] serialize(KinesisEnumeratorState state) throws IOException {
      DataOutputSerializer out = new DataOutputSerializer(256);
      out.writeInt(state.assignedShardIds().size());
      for (String shardId : state.assignedShardIds()) {
        out.writeUTF(shardId);
      }
      out.writeInt(state.unassigned().size());
      for (KinesisShardSplit split : state.unassigned()) {
        writeSplit(out, split);
      }
      out.writeInt(state.finishedShardIds().size());
      for (String shardId : state.finishedShardIds()) {
        out.writeUTF(shardId);
      }
      return out.getCopyOfBuffer();
    }

    @Override
    public KinesisEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
      checkVersion(version);
      DataInputDeserializer in = new DataInputDeserializer(serialized);
      int assignedCount = in.readInt();
      Set<String> assigned = new HashSet<>();
      for (int i = 0; i < assignedCount; i++) {
        assigned.add(in.readUTF());
      }
      int unassignedCount = in.readInt();
      List<KinesisShardSplit> unassigned = new ArrayList<>();
      for (int i = 0; i < unassignedCount; i++) {
        unassigned.add(readSplit(in, version));
      }
      Set<String> finished = new HashSet<>();
      int finishedCount = version >= 2 ? in.readInt() : 0;
      for (int i = 0; i < finishedCount; i++) {
        finished.add(in.readUTF());
      }
      return new KinesisEnumeratorState(assigned, unassigned, finished);
    }
  }

  private static void writeSplit(DataOutputView out, KinesisShardSplit split) throws IOException {
    out.writeUTF(split.shardId());
    out.writeUTF(split.startingPosition().name());
    out.writeBoolean(split.sequenceNumber() != null);
    if (split.sequenceNumber() != null) {
      out.writeUTF(split.sequenceNumber());
    }
    out.writeBoolean(split.timestamp() != null);
    if (split.timestamp() != null) {
      out.writeLong(split.timestamp().getEpochSecond());
      out.writeInt(split.timestamp().getNano());
    }
    out.writeBoolean(split.finished());
  }

  private static KinesisShardSplit readSplit(DataInputView in, int version) throws IOException {
    String shardId = in.readUTF();
    StartingPosition position = StartingPosition.valueOf(in.readUTF());
    String sequenceNumber = in.readBoolean() ? in.readUTF() : null;
    if (version < 2) {
      return new KinesisShardSplit(shardId, position, sequenceNumber);
    }
    Instant timestamp = in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
    return new KinesisShardSplit(shardId, position, sequenceNumber, timestamp, in.readBoolean());
  }

  private static void checkVersion(int version) throws IOException {
    if (version < 1 || version > VERSION) {
      throw new IOException("unknown Kinesis source checkpoint format version " + version + " (this build reads 1 to "
          + VERSION + ")");
    }
  }
}
