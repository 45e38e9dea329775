package dev.streamkit.flink.kinesis;

import java.util.Set;
import org.apache.flink.api.connector.source.SourceEvent;

/** From a reader to the enumerator: these shards are read to their end, so their children may be handed out. */
record ShardsFinishedEvent(Set<String> shardIds) implements SourceEvent {
  private static final long serialVersionUID = 1L;

  ShardsFinishedEvent {
    shardIds = Set.copyOf(shardIds);
  }
}
