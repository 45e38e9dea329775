package dev.streamkit.flink.kinesis;

import java.io.Serializable;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;

/**
 * A stream named by its ARN or by its name (in the client's region and account): Kinesis takes either in every call
 * the source makes.
 */
public record KinesisStreamRef(String name, String arn) implements Serializable {
  public KinesisStreamRef {
    if ((name == null || name.isBlank()) == (arn == null || arn.isBlank())) {
      throw new IllegalArgumentException("a Kinesis stream is named by its name or by its ARN, one of the two (got name "
          + name + ", ARN " + arn + ")");
    }
  }

  public static KinesisStreamRef ofName(String name) {
    return new KinesisStreamRef(name, null);
  }

  public static KinesisStreamRef ofArn(String arn) {
    return new KinesisStreamRef(null, arn);
  }

  ListShardsRequest.Builder on(ListShardsRequest.Builder request) {
    return arn != null ? request.streamARN(arn) : request.streamName(name);
  }

  GetShardIteratorRequest.Builder on(GetShardIteratorRequest.Builder request) {
    return arn != null ? request.streamARN(arn) : request.streamName(name);
  }

  GetRecordsRequest.Builder on(GetRecordsRequest.Builder request) {
    return arn != null ? request.streamARN(arn) : request;
  }

  @Override
  public String toString() {
    return arn != null ? arn : name;
  }
}
