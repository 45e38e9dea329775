package dev.streamkit.connect.s3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * Copies records of its partitions into objects of the local object store, one {@link TopicPartitionWriter} per
 * partition. Offsets: {@link #preCommit} hands Connect only offsets of records already in durably written objects, so
 * a worker killed at any moment resumes from a point where everything before it is stored (records after it may be
 * written a second time — at least once, as the Confluent sink with scheduled rotation).
 *
 * Values are written as the Confluent sink's JSON format does: the converted value as JSON without a schema envelope,
 * one record per line.
 */
public class LocalS3SinkTask extends SinkTask {
  private final LongSupplier clock;
  private LocalS3SinkConfig config;
  private final Map<TopicPartition, TopicPartitionWriter> writers = new HashMap<>();
  private final JsonConverter json = new JsonConverter();

  public LocalS3SinkTask() {
    this(System::currentTimeMillis);
  }

  /** With a clock of the test's (rotation intervals). */
  LocalS3SinkTask(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public String version() {
    return LocalS3SinkConnector.VERSION;
  }

  @Override
  public void start(Map<String, String> properties) {
    config = new LocalS3SinkConfig(properties);
    json.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false"), false);
    if (context != null) {
      for (TopicPartition tp : context.assignment()) writers.put(tp, new TopicPartitionWriter(tp, config, clock));
    }
  }

  @Override
  public void open(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) writers.put(tp, new TopicPartitionWriter(tp, config, clock));
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    try {
      for (SinkRecord record : records) {
        TopicPartition tp = new TopicPartition(record.topic(), record.kafkaPartition());
        TopicPartitionWriter writer = writers.computeIfAbsent(tp, p -> new TopicPartitionWriter(p, config, clock));
        byte[] line = json.fromConnectData(record.topic(), record.valueSchema(), record.value());
        writer.append(record.kafkaOffset(), line == null ? "null".getBytes(StandardCharsets.UTF_8) : line);
      }
      for (TopicPartitionWriter writer : writers.values()) writer.rotateIfScheduled();
    } catch (IOException e) {
      // Connect redelivers the batch after a pause; the writers skip what they already hold.
      throw new RetriableException("writing an object to " + config.bucketDirectory() + " failed: " + e, e);
    }
  }

  @Override
  public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    Map<TopicPartition, OffsetAndMetadata> durable = new HashMap<>();
    for (Map.Entry<TopicPartition, TopicPartitionWriter> entry : writers.entrySet()) {
      long offset = entry.getValue().committableOffset();
      if (offset >= 0) durable.put(entry.getKey(), new OffsetAndMetadata(offset));
    }
    return durable;
  }

  /** Buffered records of a revoked partition are dropped: their offsets were never committed, its next owner reads them. */
  @Override
  public void close(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) writers.remove(tp);
  }

  @Override
  public void stop() {
    writers.clear();
    json.close();
  }

  /** The writers, for tests. */
  Map<TopicPartition, TopicPartitionWriter> writers() {
    return writers;
  }
}
