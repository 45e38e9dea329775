package dev.streamkit.connect.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * The open object of one topic partition: records are appended as JSON lines and the object is written (durably) when
 * it holds {@code flush.size} records or a rotation interval has passed. {@link #committableOffset()} is the offset
 * after the last record written, the only offset the task lets Connect commit: records still buffered are read again
 * after a restart, never lost.
 *
 * Records redelivered after a retriable failure (Connect hands the same batch to {@code put} again) are recognised by
 * their offset and not buffered twice.
 */
final class TopicPartitionWriter {
  private final TopicPartition tp;
  private final LocalS3SinkConfig config;
  private final LongSupplier clock;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private int buffered;
  private long startOffset = -1;
  private long openedAt;
  /** The offset the next record must have, or -1 before the first. */
  private long nextOffset = -1;
  private long committableOffset = -1;
  private long objectsWritten;
  private long recordsWritten;

  TopicPartitionWriter(TopicPartition tp, LocalS3SinkConfig config, LongSupplier clock) {
    this.tp = tp;
    this.config = config;
    this.clock = clock;
  }

  /** Appends one record's line; writes the object first if a record-driven rotation is due, and after if it is full. */
  void append(long offset, byte[] line) throws IOException {
    if (nextOffset >= 0 && offset < nextOffset) {
      // Held already; a full object whose write failed before is written now.
      if (buffered >= config.flushSize()) writeObject();
      return;
    }
    long rotate = config.rotateIntervalMs();
    if (buffered > 0 && rotate > 0 && clock.getAsLong() - openedAt >= rotate) writeObject();
    if (buffered == 0) {
      startOffset = offset;
      openedAt = clock.getAsLong();
    }
    buffer.write(line);
    buffer.write('\n');
    buffered++;
    nextOffset = offset + 1;
    if (buffered >= config.flushSize()) writeObject();
  }

  /** Writes the open object if the scheduled rotation is due (called on every put, with or without records). */
  void rotateIfScheduled() throws IOException {
    long schedule = config.rotateScheduleIntervalMs();
    if (buffered > 0 && schedule > 0 && clock.getAsLong() - openedAt >= schedule) writeObject();
  }

  /** The offset Connect may commit: the one after the last record in a written object, or -1 when none is. */
  long committableOffset() {
    return committableOffset;
  }

  int buffered() {
    return buffered;
  }

  long objectsWritten() {
    return objectsWritten;
  }

  long recordsWritten() {
    return recordsWritten;
  }

  private void writeObject() throws IOException {
    String key = ObjectNaming.key(config, tp, startOffset);
    Path target = config.bucketDirectory();
    for (String part : key.split(java.util.regex.Pattern.quote(config.directoryDelim()))) target = target.resolve(part);
    DurableObjects.write(config.temporaryDirectory(), target, buffer.toByteArray());
    committableOffset = nextOffset;
    objectsWritten++;
    recordsWritten += buffered;
    buffer.reset();
    buffered = 0;
    startOffset = -1;
  }
}
