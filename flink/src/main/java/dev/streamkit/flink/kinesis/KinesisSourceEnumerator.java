package dev.streamkit.flink.kinesis;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Discovers the stream's shards (ListShards, now and then every {@code discoveryIntervalMs}) and hands each new shard
 * to one reader, always the same one for a given shard id and parallelism. Splits that come back from a failed reader
 * are handed out again when it re-registers.
 */
final class KinesisSourceEnumerator implements SplitEnumerator<KinesisShardSplit, KinesisEnumeratorState> {
  private static final Logger LOG = LoggerFactory.getLogger(KinesisSourceEnumerator.class);

  private final SplitEnumeratorContext<KinesisShardSplit> context;
  private final KinesisStreamRef stream;
  private final KinesisClientSettings clientSettings;
  private final StartingPosition initialPosition;
  private final long discoveryIntervalMs;
  private final Set<String> assignedShardIds;
  private final Map<String, KinesisShardSplit> unassigned = new LinkedHashMap<>();
  private KinesisClient client;

  KinesisSourceEnumerator(
      SplitEnumeratorContext<KinesisShardSplit> context,
      KinesisStreamRef stream,
      KinesisClientSettings clientSettings,
      StartingPosition initialPosition,
      long discoveryIntervalMs,
      KinesisEnumeratorState restored) {
    this.context = context;
    this.stream = stream;
    this.clientSettings = clientSettings;
    this.initialPosition = initialPosition;
    this.discoveryIntervalMs = discoveryIntervalMs;
    this.assignedShardIds = new HashSet<>(restored.assignedShardIds());
    restored.unassigned().forEach(split -> unassigned.put(split.shardId(), split));
  }

  @Override
  public void start() {
    client = clientSettings.createClient();
    context.callAsync(this::listShardIds, this::onShardsListed, 0, discoveryIntervalMs);
  }

  private List<String> listShardIds() {
    List<String> ids = new ArrayList<>();
    String nextToken = null;
    do {
      ListShardsRequest request = nextToken == null
          ? stream.on(ListShardsRequest.builder()).build()
          : ListShardsRequest.builder().nextToken(nextToken).build();
      ListShardsResponse response = client.listShards(request);
      response.shards().stream().map(Shard::shardId).forEach(ids::add);
      nextToken = response.nextToken();
    } while (nextToken != null);
    return ids;
  }

  private void onShardsListed(List<String> shardIds, Throwable error) {
    if (error != null) {
      // A failed listing is retried at the next interval; shards already handed out keep being read.
      LOG.warn("listing the shards of {} failed; trying again in {} ms", stream, discoveryIntervalMs, error);
      return;
    }
    for (String shardId : shardIds) {
      if (!assignedShardIds.contains(shardId) && !unassigned.containsKey(shardId)) {
        unassigned.put(shardId, new KinesisShardSplit(shardId, initialPosition, null));
      }
    }
    assignPending();
  }

  private void assignPending() {
    int parallelism = context.currentParallelism();
    var registered = context.registeredReaders().keySet();
    var iterator = unassigned.values().iterator();
    while (iterator.hasNext()) {
      KinesisShardSplit split = iterator.next();
      int owner = Math.floorMod(split.shardId().hashCode(), parallelism);
      if (registered.contains(owner)) {
        context.assignSplit(split, owner);
        assignedShardIds.add(split.shardId());
        iterator.remove();
      }
    }
  }

  @Override
  public void handleSplitRequest(int subtaskId, String requesterHostname) {
    // Splits are pushed as shards are discovered; readers never ask.
  }

  @Override
  public void addSplitsBack(List<KinesisShardSplit> splits, int subtaskId) {
    for (KinesisShardSplit split : splits) {
      assignedShardIds.remove(split.shardId());
      unassigned.put(split.shardId(), split);
    }
  }

  @Override
  public void addReader(int subtaskId) {
    assignPending();
  }

  @Override
  public KinesisEnumeratorState snapshotState(long checkpointId) {
    return new KinesisEnumeratorState(assignedShardIds, new ArrayList<>(unassigned.values()));
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
  }
}
