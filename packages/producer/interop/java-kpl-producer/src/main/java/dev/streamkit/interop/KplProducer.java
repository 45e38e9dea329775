package dev.streamkit.interop;

import com.google.common.util.concurrent.ListenableFuture;
import com.sun.management.OperatingSystemMXBean;
import java.io.BufferedReader;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.kinesis.producer.KinesisProducer;
import software.amazon.kinesis.producer.KinesisProducerConfiguration;
import software.amazon.kinesis.producer.UserRecordResult;

/** Sends user records through the Java KPL and reports what it took (formats in pom.xml). */
public final class KplProducer {
  private KplProducer() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 5) {
      throw new IllegalArgumentException("usage: KplProducer <host> <port> <stream> <records.tsv> <stats.json> [key=value …]");
    }
    Properties properties = new Properties();
    properties.setProperty("Region", "us-east-1");
    properties.setProperty("KinesisEndpoint", args[0]);
    properties.setProperty("KinesisPort", args[1]);
    properties.setProperty("VerifyCertificate", "false");
    properties.setProperty("MetricsLevel", "none");
    properties.setProperty("LogLevel", "warning");
    String warmUpStream = null;
    for (int i = 5; i < args.length; i++) {
      String[] pair = args[i].split("=", 2);
      if (pair[0].equals("warmUpStream")) warmUpStream = pair[1];
      else properties.setProperty(pair[0], pair[1]);
    }
    KinesisProducerConfiguration configuration = KinesisProducerConfiguration.fromProperties(properties)
        .setCredentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "local")));
    String stream = args[2];

    Base64.Decoder decoder = Base64.getDecoder();
    List<String> keys = new ArrayList<>();
    List<ByteBuffer> data = new ArrayList<>();
    List<String> hashKeys = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(Path.of(args[3]), StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isEmpty()) continue;
        String[] fields = line.split("\t", -1);
        keys.add(new String(decoder.decode(fields[0]), StandardCharsets.UTF_8));
        data.add(ByteBuffer.wrap(decoder.decode(fields[1])));
        hashKeys.add(fields.length > 2 && !fields[2].isEmpty() ? fields[2] : null);
      }
    }

    KinesisProducer producer = new KinesisProducer(configuration);
    // Each addUserRecord gets its own view of the bytes: the KPL reads a ByteBuffer by moving its position.
    if (warmUpStream != null) {
      // Every record once into another stream, untimed, so that the JIT has compiled the Java side.
      List<ListenableFuture<UserRecordResult>> warmUp = new ArrayList<>(keys.size());
      for (int i = 0; i < keys.size(); i++) {
        warmUp.add(producer.addUserRecord(warmUpStream, keys.get(i), hashKeys.get(i), data.get(i).duplicate()));
      }
      producer.flushSync();
      for (ListenableFuture<UserRecordResult> future : warmUp) future.get();
    }
    List<ListenableFuture<UserRecordResult>> futures = new ArrayList<>(keys.size());
    // The first record alone, untimed: the daemon loads the stream's shard map (records it gets before it has the map
    // are sent alone, unaggregated).
    futures.add(producer.addUserRecord(stream, keys.get(0), hashKeys.get(0), data.get(0).duplicate()));
    producer.flushSync();
    futures.get(0).get();

    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuBefore = os.getProcessCpuTime() + daemonCpuNanos();
    long wallBefore = System.nanoTime();
    for (int i = 1; i < keys.size(); i++) {
      futures.add(producer.addUserRecord(stream, keys.get(i), hashKeys.get(i), data.get(i).duplicate()));
    }
    producer.flushSync();
    int failed = 0;
    Set<String> kinesisRecords = new HashSet<>();
    for (ListenableFuture<UserRecordResult> future : futures) {
      try {
        UserRecordResult result = future.get();
        kinesisRecords.add(result.getShardId() + "/" + result.getSequenceNumber());
      } catch (Exception e) {
        failed++;
      }
    }
    long wallNanos = System.nanoTime() - wallBefore;
    long cpuNanos = os.getProcessCpuTime() + daemonCpuNanos() - cpuBefore;
    producer.destroy();

    Files.writeString(
        Path.of(args[4]),
        String.format(
            "{\"userRecords\":%d,\"timedUserRecords\":%d,\"failed\":%d,\"kinesisRecords\":%d,"
                + "\"cpuMs\":%.3f,\"wallMs\":%.3f}%n",
            keys.size(), keys.size() - 1, failed, kinesisRecords.size(), cpuNanos / 1e6, wallNanos / 1e6));
  }

  /** CPU time of the KPL's native daemon (a child process of this JVM). */
  private static long daemonCpuNanos() {
    return ProcessHandle.current()
        .descendants()
        .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
        .sum();
  }
}
