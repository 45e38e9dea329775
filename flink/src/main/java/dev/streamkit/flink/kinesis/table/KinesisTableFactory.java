package dev.streamkit.flink.kinesis.table;

import dev.streamkit.flink.kinesis.KinesisClientSettings;
import dev.streamkit.flink.kinesis.KinesisStreamRef;
import dev.streamkit.flink.kinesis.StartTime;
import dev.streamkit.flink.kinesis.StartingPosition;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * {@code 'connector' = 'kinesis'} in Flink SQL: a Kinesis stream as a table, read by {@link
 * dev.streamkit.flink.kinesis.KinesisSource}. It takes the options of both Apache Flink Kinesis table connectors —
 * the older ({@code stream}, {@code scan.stream.initpos}, what Studio notebooks and the original's SQL use) and the
 * newer ({@code stream.arn}, {@code source.init.position}) — so SQL written for either runs here.
 *
 * <p>Without {@code aws.endpoint}, a table reads the endpoint the SQL runner puts in the table configuration under
 * {@value #ENDPOINT_OVERRIDE} (the local engine, from the job's {@code KINESIS_ENDPOINT} variable), so the same SQL
 * runs against AWS and locally.
 */
public final class KinesisTableFactory implements DynamicTableSourceFactory {
  public static final String IDENTIFIER = "kinesis";
  /** Table configuration key: the Kinesis endpoint of tables that name none. */
  public static final String ENDPOINT_OVERRIDE = "streamkit.kinesis.endpoint";

  public static final ConfigOption<String> STREAM =
      ConfigOptions.key("stream").stringType().noDefaultValue().withDescription("The stream's name.");
  public static final ConfigOption<String> STREAM_ARN =
      ConfigOptions.key("stream.arn").stringType().noDefaultValue().withDescription("The stream's ARN.");
  public static final ConfigOption<String> AWS_REGION = ConfigOptions.key("aws.region").stringType().noDefaultValue()
      .withDescription("The stream's region; defaults to the ARN's, else the environment's.");
  public static final ConfigOption<String> AWS_ENDPOINT = ConfigOptions.key("aws.endpoint").stringType()
      .noDefaultValue().withDescription("An endpoint override (the local Kinesis engine).");
  public static final ConfigOption<String> SCAN_STREAM_INITPOS = ConfigOptions.key("scan.stream.initpos")
      .stringType().noDefaultValue()
      .withDescription("Where shards are first read from: TRIM_HORIZON, LATEST or AT_TIMESTAMP.");
  public static final ConfigOption<String> SOURCE_INIT_POSITION = ConfigOptions.key("source.init.position")
      .stringType().noDefaultValue().withDescription("Same as scan.stream.initpos (the newer connector's name).");
  public static final ConfigOption<String> SCAN_STREAM_INITPOS_TIMESTAMP = ConfigOptions
      .key("scan.stream.initpos-timestamp").stringType().noDefaultValue()
      .withDescription("With AT_TIMESTAMP: the time to start from, ISO-8601 (2026-01-31T12:00:00Z or with an offset)"
          + " or seconds since the epoch (1769860800.5).");
  public static final ConfigOption<String> SOURCE_INIT_TIMESTAMP = ConfigOptions.key("source.init.timestamp")
      .stringType().noDefaultValue().withDescription("Same as scan.stream.initpos-timestamp (the newer name).");
  public static final ConfigOption<Long> SHARD_DISCOVERY_INTERVAL_MS = ConfigOptions
      .key("source.shard.discovery.interval-ms").longType().defaultValue(10_000L)
      .withDescription("How often the stream's shards are listed.");

  @Override
  public String factoryIdentifier() {
    return IDENTIFIER;
  }

  @Override
  public Set<ConfigOption<?>> requiredOptions() {
    return Set.of(FactoryUtil.FORMAT);
  }

  @Override
  public Set<ConfigOption<?>> optionalOptions() {
    return Set.of(STREAM, STREAM_ARN, AWS_REGION, AWS_ENDPOINT, SCAN_STREAM_INITPOS, SOURCE_INIT_POSITION,
        SCAN_STREAM_INITPOS_TIMESTAMP, SOURCE_INIT_TIMESTAMP, SHARD_DISCOVERY_INTERVAL_MS);
  }

  @Override
  public DynamicTableSource createDynamicTableSource(Context context) {
    FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
    DecodingFormat<DeserializationSchema<RowData>> format =
        helper.discoverDecodingFormat(DeserializationFormatFactory.class, FactoryUtil.FORMAT);
    helper.validate();
    ReadableConfig options = helper.getOptions();
    Optional<String> name = options.getOptional(STREAM);
    Optional<String> arn = options.getOptional(STREAM_ARN);
    if (name.isPresent() == arn.isPresent()) {
      throw new ValidationException("a kinesis table names its stream with 'stream' (a name) or 'stream.arn', one of"
          + " the two (got " + (name.isPresent() ? "both" : "neither") + ")");
    }
    KinesisStreamRef stream = new KinesisStreamRef(name.orElse(null), arn.orElse(null));
    String region = options.getOptional(AWS_REGION)
        .orElseGet(() -> arn.map(KinesisClientSettings::regionOfArn).orElseGet(KinesisClientSettings::defaultRegion));
    String endpoint = options.getOptional(AWS_ENDPOINT)
        .orElseGet(() -> context.getConfiguration().getOptional(
            ConfigOptions.key(ENDPOINT_OVERRIDE).stringType().noDefaultValue()).orElse(null));
    String position = options.getOptional(SCAN_STREAM_INITPOS)
        .or(() -> options.getOptional(SOURCE_INIT_POSITION)).orElse("LATEST");
    String positionKey = options.getOptional(SCAN_STREAM_INITPOS).isPresent()
        ? SCAN_STREAM_INITPOS.key() : SOURCE_INIT_POSITION.key();
    Optional<String> timestamp = options.getOptional(SCAN_STREAM_INITPOS_TIMESTAMP)
        .or(() -> options.getOptional(SOURCE_INIT_TIMESTAMP));
    String timestampKey = options.getOptional(SCAN_STREAM_INITPOS_TIMESTAMP).isPresent()
        ? SCAN_STREAM_INITPOS_TIMESTAMP.key() : SOURCE_INIT_TIMESTAMP.key();
    StartingPosition initialPosition;
    Instant initialTimestamp;
    try {
      initialPosition = StartingPosition.parse(positionKey, position);
      initialTimestamp = timestamp.map(value -> StartTime.parse(timestampKey, value)).orElse(null);
    } catch (IllegalArgumentException e) {
      throw new ValidationException(e.getMessage(), e);
    }
    if ((initialPosition == StartingPosition.AT_TIMESTAMP) != timestamp.isPresent()) {
      throw new ValidationException(initialPosition == StartingPosition.AT_TIMESTAMP
          ? positionKey + " AT_TIMESTAMP needs '" + SCAN_STREAM_INITPOS_TIMESTAMP.key() + "' (or '"
              + SOURCE_INIT_TIMESTAMP.key() + "'): the time to start reading from"
          : "'" + timestampKey + "' goes with " + positionKey + " AT_TIMESTAMP only (got " + initialPosition + ")");
    }
    return new KinesisTableSource(
        stream,
        new KinesisClientSettings(region, endpoint),
        initialPosition,
        initialTimestamp,
        options.get(SHARD_DISCOVERY_INTERVAL_MS),
        format,
        context.getPhysicalRowDataType());
  }
}
