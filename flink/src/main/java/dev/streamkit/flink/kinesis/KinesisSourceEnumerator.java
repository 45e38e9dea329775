package dev.streamkit.flink.kinesis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.connector.source.SourceEvent;
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
 * to one reader, always the same one for a given shard id and parallelism — a child shard only once its parents are
 * read to their end ({@link ShardLineage}; readers report finished shards with a {@link ShardsFinishedEvent}). Shards
 * of the first listing start at the source's initial position; shards that appear later (children of a reshard) are
 * read from their start (TRIM_HORIZON), so nothing written to them before they were discovered is skipped. Splits that
 * come back from a failed reader are handed out again when it re-registers.
 */
final class KinesisSourceEnumerator implements SplitEnumerator<KinesisShardSplit, KinesisEnumeratorState> {
  private static final Logger LOG = LoggerFactory.getLogger(KinesisSourceEnumerator.class);

  private final SplitEnumeratorContext<KinesisShardSplit> context;
  private final KinesisStreamRef stream;
  private final KinesisClientSettings clientSettings;
  private final StartingPosition initialPosition;
  private final Instant initialTimestamp;
  private final long discoveryIntervalMs;
  private final Set<String> assignedShardIds;
  private final Map<String, KinesisShardSplit> unassigned = new LinkedHashMap<>();
  private final Set<String> finishedShardIds;
  private final ShardLineage lineage = new ShardLineage();
  /** Whether the stream was listed before (in this run or before the checkpoint this run restored). */
  private boolean listedBefore;
  /** Nothing is handed out before the first listing of this run: a child's parents must be known first. */
  private boolean listedThisRun;
  private KinesisClient client;

  KinesisSourceEnumerator(
      SplitEnumeratorContext<KinesisShardSplit> context,
      KinesisStreamRef stream,
      KinesisClientSettings clientSettings,
      StartingPosition initialPosition,
      Instant initialTimestamp,
      long discoveryIntervalMs,
      KinesisEnumeratorState restored) {
    this.context = context;
    this.stream = stream;
    this.clientSettings = clientSettings;
    this.initialPosition = initialPosition;
    this.initialTimestamp = initialTimestamp;
    this.discoveryIntervalMs = discoveryIntervalMs;
    this.assignedShardIds = new HashSet<>(restored.assignedShardIds());
    restored.unassigned().forEach(split -> unassigned.put(split.shardId(), split));
    this.finishedShardIds = new HashSet<>(restored.finishedShardIds());
    this.listedBefore = !assignedShardIds.isEmpty() || !unassigned.isEmpty() || !finishedShardIds.isEmpty();
  }

  @Override
  public void start() {
    client = clientSettings.createClient();
    context.callAsync(this::listShards, this::onShardsListed, 0, discoveryIntervalMs);
  }

  private List<Shard> listShards() {
    List<Shard> shards = new ArrayList<>();
    String nextToken = null;
    do {
      ListShardsRequest request = nextToken == null
          ? stream.on(ListShardsRequest.builder()).build()
          : ListShardsRequest.builder().nextToken(nextToken).build();
      ListShardsResponse response = client.listShards(request);
      shards.addAll(response.shards());
      nextToken = response.nextToken();
    } while (nextToken != null);
    return shards;
  }

  private void onShardsListed(List<Shard> shards, Throwable error) {
    if (error != null) {
      // A failed listing is retried at the next interval; shards already handed out keep being read.
      LOG.warn("listing the shards of {} failed; trying again in {} ms", stream, discoveryIntervalMs, error);
      return;
    }
    lineage.update(shards);
    for (Shard shard : shards) {
      String shardId = shard.shardId();
      if (!assignedShardIds.contains(shardId) && !unassigned.containsKey(shardId)
          && !finishedShardIds.contains(shardId)) {
        // A shard that appears after the first listing (a child of a reshard) is read from its start.
        StartingPosition position = listedBefore ? StartingPosition.TRIM_HORIZON : initialPosition;
        unassigned.put(shardId, KinesisShardSplit.startingAt(shardId, position, initialTimestamp));
      }
    }
    listedBefore = true;
    listedThisRun = true;
    assignPending();
  }


  private void assignPending() {
    if (!listedThisRun) {
      return;
    }
    int parallelism = context.currentParallelism();
    var registered = context.registeredReaders().keySet();
    var iterator = unassigned.values().iterator();
    while (iterator.hasNext()) {
      KinesisShardSplit split = iterator.next();
      int owner = Math.floorMod(split.shardId().hashCode(), parallelism);
      boolean ready = lineage.readyToRead(split.shardId(), finishedShardIds,
          parent -> assignedShardIds.contains(parent) || unassigned.containsKey(parent));
      if (ready && registered.contains(owner)) {
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
  public void handleSourceEvent(int subtaskId, SourceEvent event) {
    if (event instanceof ShardsFinishedEvent finished) {
      assignedShardIds.removeAll(finished.shardIds());
      finishedShardIds.addAll(finished.shardIds());
      assignPending();
    }
  }

  @Override
  public KinesisEnumeratorState snapshotState(long checkpointId) {
    return new KinesisEnumeratorState(assignedShardIds, new ArrayList<>(unassigned.values()), finishedShardIds);
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
  }
}
