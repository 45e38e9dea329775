package dev.streamkit.connect.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalS3SinkTaskTest {
  @TempDir Path store;
  private final AtomicLong now = new AtomicLong(1_000_000);
  private static final TopicPartition TICKS_0 = new TopicPartition("ticks", 0);
  private static final TopicPartition TICKS_1 = new TopicPartition("ticks", 1);

  private Map<String, String> settings(String... extra) {
    Map<String, String> s = new HashMap<>();
    s.put("store.root", store.toString());
    s.put("s3.bucket.name", "demo-output");
    s.put("flush.size", "3");
    s.put("rotate.schedule.interval.ms", "60000");
    // The cloud configuration's keys that change nothing locally are accepted.
    s.put("connector.class", "io.confluent.connect.s3.S3SinkConnector");
    s.put("s3.region", "us-east-1");
    s.put("storage.class", "io.confluent.connect.s3.storage.S3Storage");
    s.put("format.class", "io.confluent.connect.s3.format.json.JsonFormat");
    s.put("partitioner.class", "io.confluent.connect.storage.partitioner.DefaultPartitioner");
    s.put("topics.dir", "topics");
    for (int i = 0; i < extra.length; i += 2) s.put(extra[i], extra[i + 1]);
    return s;
  }

  private LocalS3SinkTask started(String... extra) {
    LocalS3SinkTask task = new LocalS3SinkTask(now::get);
    task.start(settings(extra));
    task.open(List.of(TICKS_0, TICKS_1));
    return task;
  }

  private static SinkRecord tick(TopicPartition tp, long offset) {
    Map<String, Object> value = new HashMap<>();
    value.put("ticker", "AMZN");
    value.put("offset", offset);
    return new SinkRecord(tp.topic(), tp.partition(), null, "AMZN", null, value, offset);
  }

  private static List<SinkRecord> ticks(TopicPartition tp, long from, int count) {
    List<SinkRecord> records = new ArrayList<>();
    for (int i = 0; i < count; i++) records.add(tick(tp, from + i));
    return records;
  }

  private List<Path> objects() throws IOException {
    Path bucket = store.resolve("demo-output");
    if (!Files.exists(bucket)) return List.of();
    try (Stream<Path> files = Files.walk(bucket)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
  }

  @Test
  void writesAnObjectPerFlushSizeRecordsNamedAsTheConfluentSinkNamesThem() throws IOException {
    LocalS3SinkTask task = started();
    task.put(ticks(TICKS_0, 0, 7));
    List<Path> objects = objects();
    assertEquals(2, objects.size());
    Path bucket = store.resolve("demo-output");
    assertEquals("topics/ticks/partition=0/ticks+0+0000000000.json", bucket.relativize(objects.get(0)).toString());
    assertEquals("topics/ticks/partition=0/ticks+0+0000000003.json", bucket.relativize(objects.get(1)).toString());
    List<String> first = lines(objects.get(0));
    assertEquals(3, first.size());
    assertTrue(first.get(0).contains("\"offset\":0"), first.get(0));
    assertTrue(first.get(0).contains("\"ticker\":\"AMZN\""), first.get(0));
    assertFalse(first.get(0).contains("\"schema\""), "no schema envelope: " + first.get(0));
  }

  @Test
  void letsConnectCommitOnlyOffsetsOfRecordsInWrittenObjects() {
    LocalS3SinkTask task = started();
    task.put(ticks(TICKS_0, 0, 4));
    task.put(ticks(TICKS_1, 0, 2));
    Map<TopicPartition, OffsetAndMetadata> current = Map.of(
        TICKS_0, new OffsetAndMetadata(4), TICKS_1, new OffsetAndMetadata(2));
    Map<TopicPartition, OffsetAndMetadata> committable = task.preCommit(current);
    assertEquals(Map.of(TICKS_0, new OffsetAndMetadata(3)), committable);
  }

  @Test
  void writesAnOpenObjectOnceTheScheduledRotationIsDueEvenWithoutNewRecords() throws IOException {
    LocalS3SinkTask task = started();
    task.put(ticks(TICKS_1, 10, 2));
    task.put(List.of());
    assertEquals(0, objects().size());
    now.addAndGet(60_000);
    task.put(List.of());
    List<Path> objects = objects();
    assertEquals(1, objects.size());
    assertTrue(objects.get(0).endsWith("ticks+1+0000000010.json"), objects.get(0).toString());
    assertEquals(2, lines(objects.get(0)).size());
    assertEquals(new OffsetAndMetadata(12), task.preCommit(Map.of()).get(TICKS_1));
  }

  @Test
  void rotateIntervalMsWritesTheOpenObjectWhenALaterRecordArrives() throws IOException {
    LocalS3SinkTask task = started("rotate.schedule.interval.ms", "-1", "rotate.interval.ms", "5000", "flush.size", "100");
    task.put(ticks(TICKS_0, 0, 2));
    now.addAndGet(5_000);
    task.put(List.of());
    assertEquals(0, objects().size(), "rotate.interval.ms is checked when a record arrives");
    task.put(ticks(TICKS_0, 2, 1));
    assertEquals(1, objects().size());
    assertEquals(2, lines(objects().get(0)).size());
  }

  @Test
  void aBatchRedeliveredAfterARetriableFailureIsNotBufferedTwice() throws IOException {
    LocalS3SinkTask task = started();
    task.put(ticks(TICKS_0, 0, 2));
    task.put(ticks(TICKS_0, 0, 4));
    task.put(ticks(TICKS_0, 4, 2));
    List<Path> objects = objects();
    assertEquals(2, objects.size());
    assertEquals(6, lines(objects.get(0)).size() + lines(objects.get(1)).size());
  }

  @Test
  void aWriteThatFailsIsRetriableAndLosesNothing() throws IOException {
    LocalS3SinkTask task = started();
    // A file where the bucket's directory must be: every write fails until it is gone.
    Files.writeString(store.resolve("demo-output"), "in the way");
    assertThrows(RetriableException.class, () -> task.put(ticks(TICKS_0, 0, 3)));
    assertTrue(task.preCommit(Map.of()).isEmpty());
    Files.delete(store.resolve("demo-output"));
    task.put(ticks(TICKS_0, 0, 3));
    assertEquals(3, lines(objects().get(0)).size());
    assertEquals(new OffsetAndMetadata(3), task.preCommit(Map.of()).get(TICKS_0));
  }

  @Test
  void aRevokedPartitionDropsItsBufferForItsNextOwnerToRead() throws IOException {
    LocalS3SinkTask task = started();
    task.put(ticks(TICKS_0, 0, 2));
    task.close(List.of(TICKS_0));
    assertTrue(task.preCommit(Map.of()).isEmpty());
    task.open(List.of(TICKS_0));
    task.put(ticks(TICKS_0, 0, 3));
    assertEquals(3, lines(objects().get(0)).size());
  }

  @Test
  void refusesSettingsItCannotHonour() {
    LocalS3SinkTask task = new LocalS3SinkTask(now::get);
    ConfigException format = assertThrows(ConfigException.class,
        () -> task.start(settings("format.class", "io.confluent.connect.s3.format.avro.AvroFormat")));
    assertTrue(format.getMessage().contains("format.class"), format.getMessage());
    ConfigException flush = assertThrows(ConfigException.class, () -> task.start(settings("flush.size", "0")));
    assertTrue(flush.getMessage().contains("flush.size"), flush.getMessage());
    ConfigException rotate =
        assertThrows(ConfigException.class, () -> task.start(settings("rotate.schedule.interval.ms", "0")));
    assertTrue(rotate.getMessage().contains("rotate.schedule.interval.ms"), rotate.getMessage());
  }

  @Test
  void theConnectorHandsEveryTaskTheWholeConfiguration() {
    LocalS3SinkConnector connector = new LocalS3SinkConnector();
    connector.start(settings());
    List<Map<String, String>> configs = connector.taskConfigs(2);
    assertEquals(2, configs.size());
    assertEquals("demo-output", configs.get(1).get("s3.bucket.name"));
    assertEquals(LocalS3SinkTask.class, connector.taskClass());
  }
}
