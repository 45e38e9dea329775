package dev.streamkit.flink.kinesis;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Polls the shards assigned to one reader with GetShardIterator/GetRecords, one shard per fetch in turn. A shard that
 * returned nothing (or was throttled) is not polled again for {@code idleIntervalMs}, which keeps each shard under
 * Kinesis' five reads a second. An expired iterator is renewed after the last record read; a closed shard (no next
 * iterator, after a reshard) finishes its split.
 */
final class KinesisShardReader implements SplitReader<Record, KinesisShardSplit> {
  private static final int GET_RECORDS_LIMIT = 10_000;

  private final KinesisClient client;
  private final KinesisStreamRef stream;
  private final long idleIntervalMs;
  private final Map<String, ShardCursor> shards = new LinkedHashMap<>();
  private final Object wakeUpLock = new Object();
  private boolean wokenUp;

  KinesisShardReader(KinesisClient client, KinesisStreamRef stream, long idleIntervalMs) {
    this.client = client;
    this.stream = stream;
    this.idleIntervalMs = idleIntervalMs;
  }

  /** Per-shard read position: an iterator when one is held, else where to get one from. */
  private static final class ShardCursor {
    final KinesisShardSplit split;
    String iterator;
    String lastSequenceNumber;
    long notBeforeMs;

    ShardCursor(KinesisShardSplit split) {
      this.split = split;
      this.lastSequenceNumber = split.sequenceNumber();
    }
  }

  @Override
  public RecordsWithSplitIds<Record> fetch() throws IOException {
    ShardCursor cursor = nextDueShard();
    if (cursor == null) {
      return new RecordsBySplits.Builder<Record>().build();
    }
    RecordsBySplits.Builder<Record> batch = new RecordsBySplits.Builder<>();
    try {
      if (cursor.iterator == null) {
        cursor.iterator = shardIterator(cursor);
      }
      GetRecordsResponse response = client.getRecords(
          stream.on(GetRecordsRequest.builder()).shardIterator(cursor.iterator).limit(GET_RECORDS_LIMIT).build());
      List<Record> records = response.records();
      if (!records.isEmpty()) {
        batch.addAll(cursor.split.splitId(), records);
        cursor.lastSequenceNumber = records.get(records.size() - 1).sequenceNumber();
      } else {
        cursor.notBeforeMs = System.currentTimeMillis() + idleIntervalMs;
      }
      cursor.iterator = response.nextShardIterator();
      if (cursor.iterator == null) {
        shards.remove(cursor.split.splitId());
        batch.addFinishedSplit(cursor.split.splitId());
      }
    } catch (ExpiredIteratorException e) {
      cursor.iterator = null;
    } catch (ProvisionedThroughputExceededException e) {
      cursor.notBeforeMs = System.currentTimeMillis() + idleIntervalMs;
    }
    return batch.build();
  }

  private String shardIterator(ShardCursor cursor) {
    GetShardIteratorRequest.Builder request =
        stream.on(GetShardIteratorRequest.builder()).shardId(cursor.split.shardId());
    if (cursor.lastSequenceNumber != null) {
      request.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
          .startingSequenceNumber(cursor.lastSequenceNumber);
    } else if (cursor.split.startingPosition() == StartingPosition.LATEST) {
      request.shardIteratorType(ShardIteratorType.LATEST);
    } else if (cursor.split.startingPosition() == StartingPosition.AT_TIMESTAMP) {
      request.shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(cursor.split.timestamp());
    } else {
      request.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
    }
    return client.getShardIterator(request.build()).shardIterator();
  }

  /** The next shard whose idle pause is over, round-robin; waits (interruptibly by wakeUp) when none is due. */
  private ShardCursor nextDueShard() throws IOException {
    synchronized (wakeUpLock) {
      if (wokenUp) {
        wokenUp = false;
        return null;
      }
    }
    if (shards.isEmpty()) {
      sleep(idleIntervalMs);
      return null;
    }
    long now = System.currentTimeMillis();
    long earliest = Long.MAX_VALUE;
    List<String> order = new ArrayList<>(shards.keySet());
    for (String shardId : order) {
      ShardCursor cursor = shards.remove(shardId);
      shards.put(shardId, cursor); // move to the back: round-robin
      if (cursor.notBeforeMs <= now) {
        return cursor;
      }
      earliest = Math.min(earliest, cursor.notBeforeMs);
    }
    sleep(earliest - now);
    return null;
  }

  private void sleep(long ms) throws IOException {
    synchronized (wakeUpLock) {
      try {
        if (!wokenUp && ms > 0) {
          wakeUpLock.wait(ms);
        }
        wokenUp = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting to poll Kinesis", e);
      }
    }
  }

  @Override
  public void handleSplitsChanges(SplitsChange<KinesisShardSplit> change) {
    if (!(change instanceof SplitsAddition)) {
      throw new UnsupportedOperationException("the Kinesis source only ever adds splits (got " + change + ")");
    }
    for (KinesisShardSplit split : change.splits()) {
      shards.put(split.splitId(), new ShardCursor(split));
    }
  }

  @Override
  public void wakeUp() {
    synchronized (wakeUpLock) {
      wokenUp = true;
      wakeUpLock.notifyAll();
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
