package dev.streamkit.connect.s3;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * The local stand-in of the Confluent S3 sink connector ({@code io.confluent.connect.s3.S3SinkConnector}): the same
 * object layout and naming, written to the local object store's directory instead of S3. Each task gets the whole
 * configuration; Connect spreads the topics' partitions over the tasks.
 */
public class LocalS3SinkConnector extends SinkConnector {
  public static final String VERSION = "0.1.0";
  private Map<String, String> properties;

  @Override
  public String version() {
    return VERSION;
  }

  @Override
  public void start(Map<String, String> properties) {
    new LocalS3SinkConfig(properties);
    this.properties = Map.copyOf(properties);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return LocalS3SinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> configs = new ArrayList<>();
    for (int i = 0; i < maxTasks; i++) configs.add(properties);
    return configs;
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return LocalS3SinkConfig.CONFIG_DEF;
  }
}
