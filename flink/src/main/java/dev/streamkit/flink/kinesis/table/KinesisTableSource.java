package dev.streamkit.flink.kinesis.table;

import dev.streamkit.flink.kinesis.KinesisClientSettings;
import dev.streamkit.flink.kinesis.KinesisSource;
import dev.streamkit.flink.kinesis.KinesisStreamRef;
import dev.streamkit.flink.kinesis.StartingPosition;
import java.time.Instant;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.connector.source.SourceProvider;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;

/** The planner's view of a Kinesis table: an append-only scan decoded by the table's format. */
final class KinesisTableSource implements ScanTableSource {
  private final KinesisStreamRef stream;
  private final KinesisClientSettings clientSettings;
  private final StartingPosition initialPosition;
  private final Instant initialTimestamp;
  private final long discoveryIntervalMs;
  private final DecodingFormat<DeserializationSchema<RowData>> format;
  private final DataType physicalType;

  KinesisTableSource(
      KinesisStreamRef stream,
      KinesisClientSettings clientSettings,
      StartingPosition initialPosition,
      Instant initialTimestamp,
      long discoveryIntervalMs,
      DecodingFormat<DeserializationSchema<RowData>> format,
      DataType physicalType) {
    this.stream = stream;
    this.clientSettings = clientSettings;
    this.initialPosition = initialPosition;
    this.initialTimestamp = initialTimestamp;
    this.discoveryIntervalMs = discoveryIntervalMs;
    this.format = format;
    this.physicalType = physicalType;
  }

  @Override
  public ChangelogMode getChangelogMode() {
    return ChangelogMode.insertOnly();
  }

  @Override
  public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
    DeserializationSchema<RowData> deserializer = format.createRuntimeDecoder(context, physicalType);
    return SourceProvider.of(new KinesisSource<>(stream, clientSettings, initialPosition, initialTimestamp,
        deserializer, discoveryIntervalMs, KinesisSource.DEFAULT_IDLE_INTERVAL_MS));
  }

  @Override
  public DynamicTableSource copy() {
    return new KinesisTableSource(stream, clientSettings, initialPosition, initialTimestamp, discoveryIntervalMs,
        format, physicalType);
  }

  @Override
  public String asSummaryString() {
    return "Kinesis(" + stream + ")";
  }
}
