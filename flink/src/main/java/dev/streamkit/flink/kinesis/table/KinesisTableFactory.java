package dev.streamkit.flink.kinesis.table;

import dev.streamkit.flink.kinesis.KinesisClientSettings;
import dev.streamkit.flink.kinesis.StartingPosition;
import java.util.Set;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * {@code 'connector' = 'kinesis'} in Flink SQL: a Kinesis stream as a table, read by {@link
 * dev.streamkit.flink.kinesis.KinesisSource}. The option names are those of Apache Flink's Kinesis table connector,
 * so a {@code CREATE TABLE} written for one runs on the other.
 */
public final class KinesisTableFactory implements DynamicTableSourceFactory {
  public static final String IDENTIFIER = "kinesis";

  public static final ConfigOption<String> STREAM_ARN =
      ConfigOptions.key("stream.arn").stringType().noDefaultValue().withDescription("The stream's ARN.");
  public static final ConfigOption<String> AWS_REGION = ConfigOptions.key("aws.region").stringType().noDefaultValue()
      .withDescription("The stream's region; defaults to the region in the ARN.");
  public static final ConfigOption<String> AWS_ENDPOINT = ConfigOptions.key("aws.endpoint").stringType()
      .noDefaultValue().withDescription("An endpoint override (the local Kinesis engine).");
  public static final ConfigOption<String> SOURCE_INIT_POSITION = ConfigOptions.key("source.init.position")
      .stringType().defaultValue("LATEST")
      .withDescription("Where shards are first read from without a checkpoint: TRIM_HORIZON or LATEST.");
  public static final ConfigOption<Long> SHARD_DISCOVERY_INTERVAL_MS = ConfigOptions
      .key("source.shard.discovery.interval-ms").longType().defaultValue(10_000L)
      .withDescription("How often the stream's shards are listed.");

  @Override
  public String factoryIdentifier() {
    return IDENTIFIER;
  }

  @Override
  public Set<ConfigOption<?>> requiredOptions() {
    return Set.of(STREAM_ARN, FactoryUtil.FORMAT);
  }

  @Override
  public Set<ConfigOption<?>> optionalOptions() {
    return Set.of(AWS_REGION, AWS_ENDPOINT, SOURCE_INIT_POSITION, SHARD_DISCOVERY_INTERVAL_MS);
  }

  @Override
  public DynamicTableSource createDynamicTableSource(Context context) {
    FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
    DecodingFormat<DeserializationSchema<RowData>> format =
        helper.discoverDecodingFormat(DeserializationFormatFactory.class, FactoryUtil.FORMAT);
    helper.validate();
    ReadableConfig options = helper.getOptions();
    String streamArn = options.get(STREAM_ARN);
    String region = options.getOptional(AWS_REGION).orElseGet(() -> KinesisClientSettings.regionOfArn(streamArn));
    return new KinesisTableSource(
        streamArn,
        new KinesisClientSettings(region, options.getOptional(AWS_ENDPOINT).orElse(null)),
        StartingPosition.parse(SOURCE_INIT_POSITION.key(), options.get(SOURCE_INIT_POSITION)),
        options.get(SHARD_DISCOVERY_INTERVAL_MS),
        format,
        context.getPhysicalRowDataType());
  }
}
