package dev.streamkit.flink.enrichment;

import dev.streamkit.flink.kinesis.KinesisSource;
import dev.streamkit.flink.runtime.RuntimeProperties;
import java.io.Serializable;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.function.Predicate;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.async.AsyncRetryStrategy;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.DateTimeBucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;
import org.apache.flink.streaming.util.retryable.AsyncRetryStrategies;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Taxi rides from Kinesis, each enriched with the fare API's answer through async I/O (timeout, capacity, retries,
 * ordered or not), then written as JSON lines to a file system with {@code output.path} (the stack's output bucket on
 * AWS, the local object store's directory locally), in {@code dt=yyyy-MM-dd/hr=HH/} by processing time — or, without
 * it, to the application log (the original's print sink).
 *
 * <p>The file sink is Flink's own: exactly-once with checkpoints (a part file becomes visible when the checkpoint
 * that covers it completes), no connector beyond Flink's, and it lands where the SQL job's output does.
 */
public final class EnrichmentJob {
  private EnrichmentJob() {}

  public static void main(String[] args) throws Exception {
    RuntimeProperties properties = RuntimeProperties.load();
    EnrichmentSettings settings = EnrichmentSettings.from(properties);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(properties.flinkConfiguration());
    DataStream<String> rides = env.fromSource(
        new KinesisSource<>(settings.stream(), settings.kinesis(), settings.initialPosition(), new SimpleStringSchema()),
        WatermarkStrategy.noWatermarks(),
        "Kinesis: " + settings.stream());
    write(enrich(rides, settings), settings.outputPath());
    env.execute("streamkit enrichment: taxi rides + fare estimate");
  }

  /**
   * Where enriched rides go: JSON lines under {@code outputPath} (the stack's output bucket on AWS, the object store's
   * directory locally), else the application log.
   */
  static void write(DataStream<String> enriched, String outputPath) {
    if (outputPath != null && !outputPath.isBlank()) {
      enriched.sinkTo(fileSink(outputPath)).name("Enriched rides: " + outputPath);
    } else {
      enriched.map(new LogRide()).name("Enriched rides: application log")
          .sinkTo(new DiscardingSink<>()).name("(logged)");
    }
  }

  /** The enrichment itself (tests feed it bounded input): async I/O with timeout, capacity, retries and ordering. */
  public static SingleOutputStreamOperator<String> enrich(DataStream<String> rides, EnrichmentSettings settings) {
    AsyncRetryStrategy<EnrichedRide> retries = settings.retries() == 0
        ? AsyncRetryStrategies.NO_RETRY_STRATEGY
        : new AsyncRetryStrategies.ExponentialBackoffDelayRetryStrategyBuilder<EnrichedRide>(
                settings.retries(), settings.retryInitialBackoffMs(), settings.retryMaxBackoffMs(), 2.0)
            .ifResult(new AnyRetriable())
            .build();
    FareEstimateFunction function = new FareEstimateFunction(settings);
    var enriched = settings.ordered()
        ? AsyncDataStream.orderedWaitWithRetry(rides, function, settings.timeoutMs(), TimeUnit.MILLISECONDS,
            settings.capacity(), retries)
        : AsyncDataStream.unorderedWaitWithRetry(rides, function, settings.timeoutMs(), TimeUnit.MILLISECONDS,
            settings.capacity(), retries);
    return enriched.name("Fare estimate (async I/O)").map(result -> result.json).returns(Types.STRING).name("To JSON");
  }

  /** The retry strategy's result predicate (a class: the strategy is serialized with the job). */
  private static final class AnyRetriable implements Predicate<Collection<EnrichedRide>>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean test(Collection<EnrichedRide> results) {
      return results.stream().anyMatch(result -> result.retriableFailure);
    }
  }

  /**
   * Without an output path the enriched rides go to the application log, as the original's print sink did (on
   * Managed Service for Apache Flink: CloudWatch Logs).
   */
  private static final class LogRide implements MapFunction<String, String> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EnrichmentJob.class);

    @Override
    public String map(String ride) {
      LOG.info("enriched ride {}", ride);
      return ride;
    }
  }

  /** The partition of a part file: the processing date and hour, in UTC (as Firehose's default prefix). */
  static final String PARTITION_FORMAT = "'dt='yyyy-MM-dd'/hr='HH";

  static FileSink<String> fileSink(String outputPath) {
    return FileSink.forRowFormat(new Path(outputPath), new SimpleStringEncoder<String>("UTF-8"))
        .withBucketAssigner(new DateTimeBucketAssigner<>(PARTITION_FORMAT, ZoneOffset.UTC))
        .withRollingPolicy(OnCheckpointRollingPolicy.build())
        .build();
  }
}
