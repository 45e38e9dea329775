package dev.streamkit.interop;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.ProtocolNegotiation;
import software.amazon.awssdk.http.TlsTrustManagersProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Puts records into a Kinesis endpoint with the AWS SDK for Java v2 and reads them back, checking every byte, over the
 * SDK's default wire protocol for Kinesis (CBOR, unless aws.cborEnabled=false / CBOR_ENABLED=false is set).
 *
 * <p>Arguments: {@code <endpoint> <stream> <records> [<https-endpoint> <ca-certificate.pem>]}. With the last two it
 * also talks HTTPS, trusting only that certificate: the sync client (Apache, HTTP/1.1) and the async client (Netty,
 * HTTP/2, both assumed — Netty's default — and negotiated by ALPN).
 *
 * <p>Exits 1 with a message on the first check that fails; otherwise prints one JSON line summarising what it saw.
 */
public final class KinesisClientCheck {
  private static final Region REGION = Region.US_EAST_1;
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("streamkit-local", "streamkit-local-secret"));

  private KinesisClientCheck() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3 && args.length != 5) {
      fail("usage: KinesisClientCheck <endpoint> <stream> <records> [<https-endpoint> <ca-certificate.pem>]");
    }
    String stream = args[1];
    int count = Integer.parseInt(args[2]);
    Map<String, String> summary = new HashMap<>();
    try (KinesisClient client =
        KinesisClient.builder()
            .endpointOverride(java.net.URI.create(args[0]))
            .region(REGION)
            .credentialsProvider(CREDENTIALS)
            .httpClientBuilder(ApacheHttpClient.builder())
            .build()) {
      putAndGet(client, stream, count, summary);
    }
    if (args.length == 5) {
      TlsTrustManagersProvider trust = trustOnly(Path.of(args[4]));
      java.net.URI https = java.net.URI.create(args[3]);
      try (KinesisClient client =
          KinesisClient.builder()
              .endpointOverride(https)
              .region(REGION)
              .credentialsProvider(CREDENTIALS)
              .httpClientBuilder(ApacheHttpClient.builder().tlsTrustManagersProvider(trust))
              .build()) {
        PutRecordResponse put =
            client.putRecord(b -> b.streamName(stream).partitionKey("https-1").data(bytes("over HTTPS/1.1")));
        check(put.sequenceNumber() != null, "PutRecord over HTTPS/1.1 returned no sequence number");
        summary.put("https1", "\"ok\"");
      }
      // The Netty client assumes HTTP/2 over TLS by default (no ALPN); with ALPN it negotiates it.
      for (ProtocolNegotiation negotiation : ProtocolNegotiation.values()) {
        try (KinesisAsyncClient client =
            KinesisAsyncClient.builder()
                .endpointOverride(https)
                .region(REGION)
                .credentialsProvider(CREDENTIALS)
                .httpClientBuilder(
                    NettyNioAsyncHttpClient.builder()
                        .protocol(Protocol.HTTP2)
                        .protocolNegotiation(negotiation)
                        .tlsTrustManagersProvider(trust))
                .build()) {
          PutRecordResponse put =
              client
                  .putRecord(b -> b.streamName(stream).partitionKey("https-2").data(bytes("over HTTPS/2")))
                  .get();
          check(put.sequenceNumber() != null, "PutRecord over HTTPS/2 returned no sequence number");
          int shards = client.listShards(b -> b.streamName(stream)).get().shards().size();
          check(shards == 2, "ListShards over HTTPS/2 listed " + shards + " shards, expected 2");
          summary.put("https2" + negotiation.name(), "\"ok\"");
        }
      }
    }
    StringBuilder json = new StringBuilder("{");
    summary.forEach((key, value) -> json.append(json.length() > 1 ? "," : "").append('"').append(key).append("\":").append(value));
    System.out.println(json.append('}'));
  }

  private static void putAndGet(KinesisClient client, String stream, int count, Map<String, String> summary) {
    Instant before = Instant.now().minusSeconds(1);
    client.createStream(b -> b.streamName(stream).shardCount(2));
    client.waiter().waitUntilStreamExists(b -> b.streamName(stream));

    DescribeStreamSummaryResponse described = client.describeStreamSummary(b -> b.streamName(stream));
    Instant created = described.streamDescriptionSummary().streamCreationTimestamp();
    checkNear(created, "StreamCreationTimestamp");
    // The creation time went through CBOR twice (response, then request) and must still name this stream exactly.
    int listed = client.listShards(b -> b.streamName(stream).streamCreationTimestamp(created)).shards().size();
    check(listed == 2, "ListShards with the StreamCreationTimestamp just read listed " + listed + " shards");

    try {
      client.describeStreamSummary(b -> b.streamName(stream + "-missing"));
      fail("DescribeStreamSummary of a missing stream succeeded");
    } catch (ResourceNotFoundException expected) {
      check(expected.statusCode() == 400, "ResourceNotFoundException with status " + expected.statusCode());
      check(!expected.awsErrorDetails().errorMessage().isEmpty(), "ResourceNotFoundException without a message");
      summary.put("missingStreamError", quote(expected.awsErrorDetails().errorCode()));
    }
    try {
      client.putRecord(b -> b.streamName(stream).partitionKey("too-big").data(SdkBytes.fromByteArray(new byte[1024 * 1024 + 1])));
      fail("PutRecord of 1 MiB + 1 byte succeeded");
    } catch (KinesisException expected) {
      summary.put("oversizedRecordError", quote(expected.awsErrorDetails().errorCode()));
    }

    Map<String, byte[]> sent = new HashMap<>();
    Map<String, String> keys = new HashMap<>();
    byte[] everyByte = new byte[256];
    for (int i = 0; i < everyByte.length; i++) everyByte[i] = (byte) i;
    PutRecordResponse single =
        client.putRecord(b -> b.streamName(stream).partitionKey("every-byte").data(SdkBytes.fromByteArray(everyByte)));
    sent.put(single.sequenceNumber(), everyByte);
    keys.put(single.sequenceNumber(), "every-byte");

    for (int start = 0; start < count; start += 500) {
      List<PutRecordsRequestEntry> entries = new ArrayList<>();
      for (int i = start; i < Math.min(count, start + 500); i++) {
        entries.add(PutRecordsRequestEntry.builder().partitionKey("key-" + i).data(SdkBytes.fromByteArray(payload(i))).build());
      }
      PutRecordsResponse out = client.putRecords(b -> b.streamName(stream).records(entries));
      check(out.failedRecordCount() == 0, "PutRecords failed " + out.failedRecordCount() + " records");
      for (int i = 0; i < entries.size(); i++) {
        PutRecordsResultEntry result = out.records().get(i);
        check(result.sequenceNumber() != null && result.shardId() != null, "PutRecords result " + i + " is incomplete");
        sent.put(result.sequenceNumber(), entries.get(i).data().asByteArray());
        keys.put(result.sequenceNumber(), entries.get(i).partitionKey());
      }
    }

    List<Shard> shards = client.listShards(b -> b.streamName(stream)).shards();
    int read = 0;
    Instant newest = Instant.EPOCH;
    for (Shard shard : shards) {
      for (Record record : readAll(client, stream, shard.shardId(), ShardIteratorType.TRIM_HORIZON, null)) {
        byte[] expected = sent.get(record.sequenceNumber());
        check(expected != null, "GetRecords returned sequence number " + record.sequenceNumber() + " never put");
        check(Arrays.equals(expected, record.data().asByteArray()), "Data of " + record.sequenceNumber() + " differs");
        check(keys.get(record.sequenceNumber()).equals(record.partitionKey()), "PartitionKey of " + record.sequenceNumber() + " differs");
        checkNear(record.approximateArrivalTimestamp(), "ApproximateArrivalTimestamp");
        if (record.approximateArrivalTimestamp().isAfter(newest)) newest = record.approximateArrivalTimestamp();
        read++;
      }
    }
    check(read == count + 1, "read back " + read + " records, put " + (count + 1));

    // AT_TIMESTAMP sends a timestamp in the request: before the first put it reads everything, after the last nothing.
    Instant afterNewest = newest.plusMillis(1);
    int fromBefore = 0;
    int fromAfter = 0;
    for (Shard shard : shards) {
      fromBefore += readAll(client, stream, shard.shardId(), ShardIteratorType.AT_TIMESTAMP, before).size();
      fromAfter += readAll(client, stream, shard.shardId(), ShardIteratorType.AT_TIMESTAMP, afterNewest).size();
    }
    check(fromBefore == count + 1, "AT_TIMESTAMP before the first put read " + fromBefore + " records");
    check(fromAfter == 0, "AT_TIMESTAMP after the last put read " + fromAfter + " records");

    summary.put("put", String.valueOf(count + 1));
    summary.put("read", String.valueOf(read));
    summary.put("atTimestampBefore", String.valueOf(fromBefore));
    summary.put("atTimestampAfter", String.valueOf(fromAfter));
  }

  private static List<Record> readAll(KinesisClient client, String stream, String shardId, ShardIteratorType type, Instant at) {
    String iterator =
        client.getShardIterator(b -> b.streamName(stream).shardId(shardId).shardIteratorType(type).timestamp(at)).shardIterator();
    List<Record> records = new ArrayList<>();
    for (;;) {
      String current = iterator;
      GetRecordsResponse out = client.getRecords(b -> b.shardIterator(current).limit(1000));
      records.addAll(out.records());
      check(out.millisBehindLatest() != null, "GetRecords without MillisBehindLatest");
      if (out.records().isEmpty()) return records;
      iterator = out.nextShardIterator();
    }
  }

  /** Data of the i-th record: its number, then bytes that cover every value, so that nothing is lost as text. */
  private static byte[] payload(int i) {
    byte[] label = ("record-" + i + "-").getBytes(StandardCharsets.UTF_8);
    byte[] data = Arrays.copyOf(label, label.length + 64);
    for (int j = 0; j < 64; j++) data[label.length + j] = (byte) (i * 31 + j * 7);
    return data;
  }

  private static SdkBytes bytes(String text) {
    return SdkBytes.fromString(text, StandardCharsets.UTF_8);
  }

  private static TlsTrustManagersProvider trustOnly(Path pem) throws Exception {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    Certificate certificate = factory.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    store.setCertificateEntry("streamkit-local-kinesis", certificate);
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    TrustManager[] managers = trust.getTrustManagers();
    return () -> managers;
  }

  private static void checkNear(Instant instant, String what) {
    check(instant != null, what + " is missing");
    Duration off = Duration.between(Instant.now(), instant).abs();
    check(off.compareTo(Duration.ofMinutes(2)) < 0, what + " " + instant + " is " + off + " away from now");
  }

  private static String quote(String text) {
    return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static void check(boolean condition, String message) {
    if (!condition) fail(message);
  }

  private static void fail(String message) {
    System.err.println("CHECK FAILED: " + message);
    System.exit(1);
  }
}
