package dev.streamkit.flink.kinesis;

import java.util.Map;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.UserCodeClassLoader;
import software.amazon.awssdk.services.kinesis.model.Record;

/** One parallel reader of the Kinesis source: one fetcher thread polling this reader's shards. */
final class KinesisSourceReader<T>
    extends SingleThreadMultiplexSourceReaderBase<Record, T, KinesisShardSplit, KinesisShardSplitState> {
  private final DeserializationSchema<T> deserializer;
  private final SourceReaderContext readerContext;

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
  protected void onSplitFinished(Map<String, KinesisShardSplitState> finishedSplitIds) {
    // A closed shard (after a reshard) is done; its children are discovered and assigned by the enumerator.
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
