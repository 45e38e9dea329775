package dev.streamkit.flink.kinesis;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.util.Collector;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Turns a Kinesis record into zero or more values with the record's arrival time as their timestamp, then moves the
 * split's position past it — in that order, so a checkpoint never stores a position whose record was not emitted.
 */
final class KinesisRecordEmitter<T> implements RecordEmitter<Record, T, KinesisShardSplitState> {
  private final DeserializationSchema<T> deserializer;
  private final TimestampedCollector<T> collector = new TimestampedCollector<>();

  KinesisRecordEmitter(DeserializationSchema<T> deserializer) {
    this.deserializer = deserializer;
  }

  @Override
  public void emitRecord(Record record, SourceOutput<T> output, KinesisShardSplitState state) throws Exception {
    collector.output = output;
    collector.timestamp = record.approximateArrivalTimestamp() == null
        ? Long.MIN_VALUE
        : record.approximateArrivalTimestamp().toEpochMilli();
    deserializer.deserialize(record.data().asByteArrayUnsafe(), collector);
    state.emitted(record.sequenceNumber());
  }

  private static final class TimestampedCollector<T> implements Collector<T> {
    SourceOutput<T> output;
    long timestamp;

    @Override
    public void collect(T value) {
      output.collect(value, timestamp);
    }

    @Override
    public void close() {}
  }
}
