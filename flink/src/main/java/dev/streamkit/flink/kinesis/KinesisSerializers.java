package dev.streamkit.flink.kinesis;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/** Checkpoint formats of the Kinesis source's splits and enumerator state (version 1). */
final class KinesisSerializers {
  private KinesisSerializers() {}

  static final class SplitSerializer implements SimpleVersionedSerializer<KinesisShardSplit> {
    @Override
    public int getVersion() {
      return 1;
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
      return readSplit(new DataInputDeserializer(serialized));
    }
  }

  static final class EnumeratorStateSerializer implements SimpleVersionedSerializer<KinesisEnumeratorState> {
    @Override
    public int getVersion() {
      return 1;
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
        unassigned.add(readSplit(in));
      }
      return new KinesisEnumeratorState(assigned, unassigned);
    }
  }

  private static void writeSplit(DataOutputView out, KinesisShardSplit split) throws IOException {
    out.writeUTF(split.shardId());
    out.writeUTF(split.startingPosition().name());
    out.writeBoolean(split.sequenceNumber() != null);
    if (split.sequenceNumber() != null) {
      out.writeUTF(split.sequenceNumber());
    }
  }

  private static KinesisShardSplit readSplit(DataInputView in) throws IOException {
    String shardId = in.readUTF();
    StartingPosition position = StartingPosition.valueOf(in.readUTF());
    String sequenceNumber = in.readBoolean() ? in.readUTF() : null;
    return new KinesisShardSplit(shardId, position, sequenceNumber);
  }

  private static void checkVersion(int version) throws IOException {
    if (version != 1) {
      throw new IOException("unknown Kinesis source checkpoint format version " + version + " (this build reads 1)");
    }
  }
}
