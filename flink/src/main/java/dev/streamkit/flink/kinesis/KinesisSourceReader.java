package dev.streamkit.flink.kinesis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.UserCodeClassLoader;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * One parallel reader of the Kinesis source: one fetcher thread polling this reader's shards. When a shard is read to
 * its end (a parent after a reshard), the reader tells the enumerator, which then hands out the shard's children; it
 * keeps a finished marker of the shard in its checkpoints until one completes whose enumerator state surely has the
 * news, and tells the enumerator again when it restores one — so no child waits forever after a restart.
 */
final class KinesisSourceReader<T>
    extends SingleThreadMultiplexSourceReaderBase<Record, T, KinesisShardSplit, KinesisShardSplitState> {
  private final DeserializationSchema<T> deserializer;
  private final SourceReaderContext readerContext;
  /** Finished markers by shard id. */
  private final Map<String, KinesisShardSplit> finished = new HashMap<>();
  /** The first checkpoint each marker went into (absent until one did): once the next one completes, it goes. */
  private final Map<String, Long> firstCheckpointWith = new HashMap<>();

  KinesisSourceReader(
      KinesisClientSettings clientSettings,
      KinesisStreamRef stream,
      long idleIntervalMs,
      DeserializationSchema<T> deserializer,
      SourceReaderContext context) {
    super(
        () -> new KinesisShardReader(clientSettings.createClient(), stream, idleIntervalMs),
        new KinesisRecordEmitter<>(deserializer),
        new Configuration(),
        context);
    this.deserializer = deserializer;
    this.readerContext = context;
  }

  @Override
  public void start() {
    try {
      deserializer.open(new DeserializationSchema.InitializationContext() {
        @Override
        public MetricGroup getMetricGroup() {
          return readerContext.metricGroup().addGroup("deserializer");
        }

        @Override
        public UserCodeClassLoader getUserCodeClassLoader() {
          return readerContext.getUserCodeClassLoader();
        }
      });
    } catch (Exception e) {
      throw new IllegalStateException("cannot open the Kinesis source's deserializer", e);
    }
    super.start();
  }

  @Override
  public void addSplits(List<KinesisShardSplit> splits) {
    List<KinesisShardSplit> toRead = new ArrayList<>();
    Map<String, KinesisShardSplit> markers = new HashMap<>();
    for (KinesisShardSplit split : splits) {
      if (split.finished()) {
        markers.put(split.shardId(), split);
      } else {
        toRead.add(split);
      }
    }
    if (!markers.isEmpty()) {
      markFinished(markers);
    }
    super.addSplits(toRead);
  }

  @Override
  protected void onSplitFinished(Map<String, KinesisShardSplitState> finishedSplitIds) {
    Map<String, KinesisShardSplit> markers = new HashMap<>();
    finishedSplitIds.forEach((id, state) -> markers.put(id, state.toSplit().asFinished()));
    markFinished(markers);
  }

  private void markFinished(Map<String, KinesisShardSplit> markers) {
    finished.putAll(markers);
    markers.keySet().forEach(firstCheckpointWith::remove);
    readerContext.sendSourceEventToCoordinator(new ShardsFinishedEvent(markers.keySet()));
  }

  @Override
  public List<KinesisShardSplit> snapshotState(long checkpointId) {
    List<KinesisShardSplit> state = new ArrayList<>(super.snapshotState(checkpointId));
    state.addAll(finished.values());
    finished.keySet().forEach(id -> firstCheckpointWith.putIfAbsent(id, checkpointId));
    return state;
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) throws Exception {
    super.notifyCheckpointComplete(checkpointId);
    // The enumerator's part of a checkpoint is taken before the readers'; the event went out before checkpoint N's
    // reader part, so the enumerator part of any later checkpoint has it.
    firstCheckpointWith.entrySet().removeIf(entry -> {
      boolean recorded = checkpointId > entry.getValue();
      if (recorded) {
        finished.remove(entry.getKey());
      }
      return recorded;
    });
  }

  @Override
  protected KinesisShardSplitState initializedState(KinesisShardSplit split) {
    return new KinesisShardSplitState(split);
  }

  @Override
  protected KinesisShardSplit toSplitType(String splitId, KinesisShardSplitState state) {
    return state.toSplit();
  }
}
