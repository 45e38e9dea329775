package dev.streamkit.interop;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * Reads Kinesis records from the file named by the first argument, deaggregates them with the KCL's {@link
 * AggregatorUtil} and writes the user records to the file named by the second (formats in pom.xml). Files rather than
 * stdin/stdout because {@code exec:java} runs inside Maven, whose console decorates stdout. Everything else the KCL
 * does (leases, checkpoints) is left out: this is the piece that decides how a Kinesis record becomes user records.
 */
public final class KclDeaggregator {
  private KclDeaggregator() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) throw new IllegalArgumentException("usage: KclDeaggregator <records.tsv> <user-records.tsv>");
    Base64.Decoder decoder = Base64.getDecoder();
    Base64.Encoder encoder = Base64.getEncoder();
    List<KinesisClientRecord> records = new ArrayList<>();
    List<String[]> hashKeyRanges = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isEmpty()) continue;
        String[] fields = line.split("\t", -1);
        if (fields.length != 5) throw new IllegalArgumentException("expected 5 tab-separated fields, got: " + line);
        records.add(
            KinesisClientRecord.builder()
                .partitionKey(new String(decoder.decode(fields[0]), StandardCharsets.UTF_8))
                .sequenceNumber(fields[1])
                .data(ByteBuffer.wrap(decoder.decode(fields[2])))
                .approximateArrivalTimestamp(Instant.EPOCH)
                .build());
        hashKeyRanges.add(fields[3].isEmpty() ? null : new String[] {fields[3], fields[4]});
      }
    }

    AggregatorUtil aggregatorUtil = new AggregatorUtil();
    try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8)) {
      // One call per Kinesis record, so that a record the KCL fails on is reported and the others still run.
      for (int i = 0; i < records.size(); i++) {
        KinesisClientRecord record = records.get(i);
        String[] range = hashKeyRanges.get(i);
        List<KinesisClientRecord> userRecords;
        try {
          // With the hash key range of the shard the record was read from, as the KCL's record processor calls it.
          userRecords = range == null
              ? aggregatorUtil.deaggregate(List.of(record))
              : aggregatorUtil.deaggregate(List.of(record), range[0], range[1]);
        } catch (Throwable failure) {
          out.write(record.sequenceNumber() + "\tERROR\t" + failure.getClass().getName() + ": "
              + String.valueOf(failure.getMessage()).replace('\n', ' ') + "\n");
          continue;
        }
        for (KinesisClientRecord r : userRecords) {
          ByteBuffer data = r.data().duplicate();
          byte[] bytes = new byte[data.remaining()];
          data.get(bytes);
          out.write(r.sequenceNumber());
          out.write('\t');
          out.write(Long.toString(r.subSequenceNumber()));
          out.write('\t');
          out.write(Boolean.toString(r.aggregated()));
          out.write('\t');
          out.write(encoder.encodeToString(r.partitionKey().getBytes(StandardCharsets.UTF_8)));
          out.write('\t');
          out.write(r.explicitHashKey() == null ? "" : r.explicitHashKey());
          out.write('\t');
          out.write(encoder.encodeToString(bytes));
          out.write('\n');
        }
      }
    }
  }
}
