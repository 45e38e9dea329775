package dev.streamkit.flink.kinesis;

import java.time.Instant;
import java.util.Objects;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A Kinesis Data Streams source on Flink's split-based Source API, polling each shard with the AWS SDK for Java v2
 * (GetRecords), exactly-once with Flink checkpoints: each shard's split stores the sequence number of the last record
 * emitted.
 *
 * <p>Why streamkit's own: Apache Flink's AWS connectors ({@code flink-connector-aws-kinesis-streams}) are not served
 * by the Maven repository this project builds from, and Flink 2.x has no other Kinesis source; see
 * docs/decisions/0007-flink-jobs.md. It reads the stream the same way (ListShards, GetShardIterator, GetRecords) and
 * takes the table options of both Apache connectors ({@code stream} or {@code stream.arn}, {@code aws.region},
 * {@code aws.endpoint}, {@code scan.stream.initpos} or {@code source.init.position}).
 */
public final class KinesisSource<T>
    implements Source<T, KinesisShardSplit, KinesisEnumeratorState>, ResultTypeQueryable<T> {
  private static final long serialVersionUID = 1L;

  /** Shard discovery every 10 s (the Apache connector's default). */
  public static final long DEFAULT_DISCOVERY_INTERVAL_MS = 10_000;
  /** An idle shard is polled again after 250 ms (under Kinesis' 5 GetRecords per second per shard). */
  public static final long DEFAULT_IDLE_INTERVAL_MS = 250;

  private final KinesisStreamRef stream;
  private final KinesisClientSettings clientSettings;
  private final StartingPosition initialPosition;
  private final Instant initialTimestamp;
  private final DeserializationSchema<T> deserializer;
  private final long discoveryIntervalMs;
  private final long idleIntervalMs;

  public KinesisSource(
      KinesisStreamRef stream,
      KinesisClientSettings clientSettings,
      StartingPosition initialPosition,
      DeserializationSchema<T> deserializer) {
    this(stream, clientSettings, initialPosition, deserializer, DEFAULT_DISCOVERY_INTERVAL_MS,
        DEFAULT_IDLE_INTERVAL_MS);
  }

  public KinesisSource(
      KinesisStreamRef stream,
      KinesisClientSettings clientSettings,
      StartingPosition initialPosition,
      DeserializationSchema<T> deserializer,
      long discoveryIntervalMs,
      long idleIntervalMs) {
    this(stream, clientSettings, initialPosition, null, deserializer, discoveryIntervalMs, idleIntervalMs);
  }

  /**
   * @param initialTimestamp where shards are first read from with {@link StartingPosition#AT_TIMESTAMP} (required
   *     then, null otherwise)
   */
  public KinesisSource(
      KinesisStreamRef stream,
      KinesisClientSettings clientSettings,
      StartingPosition initialPosition,
      Instant initialTimestamp,
      DeserializationSchema<T> deserializer,
      long discoveryIntervalMs,
      long idleIntervalMs) {
    this.stream = Objects.requireNonNull(stream, "stream");
    this.clientSettings = Objects.requireNonNull(clientSettings, "clientSettings");
    this.initialPosition = Objects.requireNonNull(initialPosition, "initialPosition");
    if (initialPosition == StartingPosition.AFTER_SEQUENCE_NUMBER) {
      throw new IllegalArgumentException("a source starts at TRIM_HORIZON, LATEST or AT_TIMESTAMP, not " + initialPosition);
    }
    if ((initialPosition == StartingPosition.AT_TIMESTAMP) != (initialTimestamp != null)) {
      throw new IllegalArgumentException(initialPosition == StartingPosition.AT_TIMESTAMP
          ? "AT_TIMESTAMP needs the time to start reading from"
          : "a start time goes with AT_TIMESTAMP only (the initial position is " + initialPosition + ")");
    }
    this.initialTimestamp = initialTimestamp;
    this.deserializer = Objects.requireNonNull(deserializer, "deserializer");
    this.discoveryIntervalMs = discoveryIntervalMs;
    this.idleIntervalMs = idleIntervalMs;
  }

  @Override
  public Boundedness getBoundedness() {
    return Boundedness.CONTINUOUS_UNBOUNDED;
  }

  @Override
  public SplitEnumerator<KinesisShardSplit, KinesisEnumeratorState> createEnumerator(
      SplitEnumeratorContext<KinesisShardSplit> context) {
    return restoreEnumerator(context, KinesisEnumeratorState.initial());
  }

  @Override
  public SplitEnumerator<KinesisShardSplit, KinesisEnumeratorState> restoreEnumerator(
      SplitEnumeratorContext<KinesisShardSplit> context, KinesisEnumeratorState state) {
    return new KinesisSourceEnumerator(
        context, stream, clientSettings, initialPosition, initialTimestamp, discoveryIntervalMs, state);
  }

  @Override
  public SimpleVersionedSerializer<KinesisShardSplit> getSplitSerializer() {
    return new KinesisSerializers.SplitSerializer();
  }

  @Override
  public SimpleVersionedSerializer<KinesisEnumeratorState> getEnumeratorCheckpointSerializer() {
    return new KinesisSerializers.EnumeratorStateSerializer();
  }

  @Override
  public SourceReader<T, KinesisShardSplit> createReader(SourceReaderContext context) {
    return new KinesisSourceReader<>(clientSettings, stream, idleIntervalMs, deserializer, context);
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return deserializer.getProducedType();
  }
}
