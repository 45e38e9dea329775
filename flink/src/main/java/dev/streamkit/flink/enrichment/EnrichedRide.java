package dev.streamkit.flink.enrichment;

/**
 * A ride after the endpoint was asked about it: the JSON written to the sink, and whether the answer was a failure
 * worth asking again (a 5xx, a 429, a transport error) — what the retry strategy looks at. A Flink POJO.
 */
public class EnrichedRide {
  public String json;
  public boolean retriableFailure;

  public EnrichedRide() {}

  public EnrichedRide(String json, boolean retriableFailure) {
    this.json = json;
    this.retriableFailure = retriableFailure;
  }
}
