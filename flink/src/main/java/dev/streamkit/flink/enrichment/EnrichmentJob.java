package dev.streamkit.flink.enrichment;

import dev.streamkit.flink.kinesis.KinesisSource;
import dev.streamkit.flink.runtime.RuntimeProperties;
import java.io.Serializable;
import java.util.Collection;
import java.util.function.Predicate;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
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

/**
 * Taxi rides from Kinesis, each enriched with the fare-estimate endpoint's answer through async I/O, written as JSON
 * lines to a file system (S3 on AWS, the local object store's directory locally), partitioned by processing hour.
 *
 * <p>The sink is Flink's file sink: exactly-once with checkpoints (a part file becomes visible when the checkpoint
 * that covers it completes), it needs no connector beyond Flink's own, and it lands where the SQL job's output does.
 */
public final class EnrichmentJob {
  private EnrichmentJob() {}

  public static void main(String[] args) throws Exception {
    RuntimeProperties properties = RuntimeProperties.load();
    EnrichmentSettings settings = EnrichmentSettings.from(properties);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(properties.flinkConfiguration());
    DataStream<String> rides = env.fromSource(
        new KinesisSource<>(settings.inputStreamArn(), settings.kinesis(), settings.initialPosition(),
            new SimpleStringSchema()),
        WatermarkStrategy.noWatermarks(),
        "Kinesis: taxi rides");
    enrich(rides, settings).sinkTo(fileSink(settings.outputPath())).name("Enriched rides: " + settings.outputPath());
    env.execute("streamkit enrichment: taxi rides + fare estimate");
  }

  /** The enrichment itself (tests feed it bounded input): async I/O with timeout, capacity, retries and ordering. */
  public static SingleOutputStreamOperator<String> enrich(DataStream<String> rides, EnrichmentSettings settings) {
    AsyncRetryStrategy<EnrichedRide> retries = settings.retryMaxAttempts() == 0
        ? AsyncRetryStrategies.NO_RETRY_STRATEGY
        : new AsyncRetryStrategies.ExponentialBackoffDelayRetryStrategyBuilder<EnrichedRide>(
                settings.retryMaxAttempts(), settings.retryInitialBackoffMs(), settings.retryMaxBackoffMs(), 2.0)
            .ifResult(new AnyRetriable())
            .build();
    FareEstimateFunction function = new FareEstimateFunction(settings);
    var enriched = settings.ordered()
        ? AsyncDataStream.orderedWaitWithRetry(rides, function, settings.asyncTimeoutMs(), TimeUnit.MILLISECONDS,
            settings.asyncCapacity(), retries)
        : AsyncDataStream.unorderedWaitWithRetry(rides, function, settings.asyncTimeoutMs(), TimeUnit.MILLISECONDS,
            settings.asyncCapacity(), retries);
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

  static FileSink<String> fileSink(String outputPath) {
    return FileSink.forRowFormat(new Path(outputPath), new SimpleStringEncoder<String>("UTF-8"))
        .withBucketAssigner(new DateTimeBucketAssigner<>("'dt='yyyy-MM-dd'/hr='HH"))
        .withRollingPolicy(OnCheckpointRollingPolicy.build())
        .build();
  }
}
